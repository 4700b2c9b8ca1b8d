// Local time from Intl, only where the system has no zoneinfo directory.
import { DAY, daysFromCivil } from './civil.js';
import { utcYear } from './posix-tz.js';
import type { Period, Zone } from './zone.js';

/**
 * Fallback where the system has no zoneinfo directory: offsets from `Intl` for the zone
 * Node resolved. Offsets (and so every numeric field, %z and %s) match Python; the
 * differences are:
 * - `tm_zone` is Intl's en-US short name, rewritten from "GMT+5:30" to tzdata's numeric
 *   style "+0530" (and "LMT" for offsets with seconds). What python3 prints for the same
 *   instants: America/New_York EST/EDT (same), UTC "UTC" (same), Europe/London "GMT" in
 *   winter (same) but "BST" in summer (here "+01"), Asia/Kolkata "IST" (here "+0530"),
 *   Europe/Berlin "CET"/"CEST" (here "+01"/"+02"), Australia/Lord_Howe "+1030"/"+11" and
 *   Pacific/Chatham "+1245"/"+1345" (same).
 * - `tm_isdst` is guessed: 1 when the offset is above the smaller of the January/July
 *   offsets of that year (wrong for Europe/Dublin's and Africa/Casablanca's inverted data).
 * - Times outside the range of `Date` use the offset at the nearest representable time.
 */
export class IntlZone implements Zone {
  readonly tzname: readonly [string, string];
  private readonly offFmt: Intl.DateTimeFormat;
  private readonly nameFmt: Intl.DateTimeFormat;
  private readonly stdByYear = new Map<number, number>();
  private cache: Period = { start: 0, end: 0, off: 0, isdst: 0, abbr: '' };
  constructor(timeZone?: string) {
    this.offFmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    this.nameFmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
    const y = new Date().getUTCFullYear();
    const a = this.offsetAt(daysFromCivil(y, 1, 1) * DAY);
    const b = this.offsetAt(daysFromCivil(y, 7, 1) * DAY);
    const na = this.nameAt(daysFromCivil(y, 1, 1) * DAY);
    const nb = this.nameAt(daysFromCivil(y, 7, 1) * DAY);
    this.tzname = a === b ? [na, na] : a < b ? [na, nb] : [nb, na];
  }
  private static clampMs(t: number): number {
    return Math.min(Math.max(t * 1000, -8.64e15), 8.64e15);
  }
  private offsetAt(t: number): number {
    const part = this.offFmt.formatToParts(IntlZone.clampMs(t)).find((x) => x.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(part);
    if (!m) return 0;
    const v = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    return m[1] === '-' ? -v : v;
  }
  /** Intl's short name, with CLDR's "GMT+5:30" spelled the tzdata way ("+0530"; "LMT" for offsets with seconds). */
  private nameAt(t: number): string {
    const name = this.nameFmt.formatToParts(IntlZone.clampMs(t)).find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
    const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?(:\d{2})?$/.exec(name);
    if (!m) return name;
    if (m[4]) return 'LMT';
    return m[1]! + m[2]!.padStart(2, '0') + (m[3] && m[3] !== '00' ? m[3] : '');
  }
  periodAt(t: number): Period {
    const c = this.cache;
    if (t >= c.start && t < c.end) return c;
    const h0 = Math.floor(t / 3600) * 3600;
    const off = this.offsetAt(t);
    let start = h0;
    let end = h0 + 3600;
    if (this.offsetAt(h0) !== off) {
      let lo = h0;
      let hi = t; // offset(hi) == off, offset(lo) != off
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.offsetAt(mid) === off) hi = mid;
        else lo = mid;
      }
      start = hi;
    }
    if (this.offsetAt(end - 1) !== off) {
      let lo = t;
      let hi = end - 1; // offset(lo) == off, offset(hi) != off
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.offsetAt(mid) === off) lo = mid;
        else hi = mid;
      }
      end = hi;
    }
    const year = utcYear(t);
    let std = this.stdByYear.get(year);
    if (std === undefined) {
      std = Math.min(this.offsetAt(daysFromCivil(year, 1, 1) * DAY), this.offsetAt(daysFromCivil(year, 7, 1) * DAY));
      if (this.stdByYear.size > 64) this.stdByYear.clear();
      this.stdByYear.set(year, std);
    }
    return (this.cache = { start, end, off, isdst: off > std ? 1 : 0, abbr: this.nameAt(t) });
  }
}
