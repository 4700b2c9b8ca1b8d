// TZif files (RFC 8536) from the zoneinfo directory, read and applied as glibc's
// __tzfile_read / __tzfile_compute do, including `posixrules` for rule-less POSIX strings.
import { type PosixRule, type PosixTz, parsePosixTz, posixPeriod } from './posix-tz.js';
import type { LocalType, Period, Zone } from './zone.js';

export interface TzifData {
  trans: number[];
  idx: number[];
  types: LocalType[];
  footer: string | null;
}

/** Parse a TZif file (RFC 8536), preferring the 64-bit body. */
export function parseTzif(buf: Buffer): TzifData | null {
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return null;
  const version = buf[4]!;
  const counts = (at: number) => ({
    isut: buf.readUInt32BE(at + 20),
    isstd: buf.readUInt32BE(at + 24),
    leap: buf.readUInt32BE(at + 28),
    time: buf.readUInt32BE(at + 32),
    type: buf.readUInt32BE(at + 36),
    char: buf.readUInt32BE(at + 40),
  });
  let h = counts(0);
  let p = 44;
  let wide = false;
  if (version >= 0x32) {
    p += h.time * 5 + h.type * 6 + h.char + h.leap * 8 + h.isstd + h.isut;
    if (buf.length < p + 44 || buf.toString('latin1', p, p + 4) !== 'TZif') return null;
    h = counts(p);
    p += 44;
    wide = true;
  }
  const tsize = wide ? 8 : 4;
  const need = h.time * (tsize + 1) + h.type * 6 + h.char + h.leap * (tsize + 4) + h.isstd + h.isut;
  if (h.type === 0 || buf.length < p + need) return null;
  const trans: number[] = [];
  for (let i = 0; i < h.time; i++, p += tsize) trans.push(wide ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
  const idx: number[] = [];
  for (let i = 0; i < h.time; i++) idx.push(buf[p++]!);
  const raw: { off: number; isdst: number; ai: number }[] = [];
  for (let i = 0; i < h.type; i++, p += 6) raw.push({ off: buf.readInt32BE(p), isdst: buf[p + 4]!, ai: buf[p + 5]! });
  const chars = buf.subarray(p, p + h.char);
  p += h.char + h.leap * (tsize + 4);
  const isstd = buf.subarray(p, p + h.isstd);
  p += h.isstd;
  const isut = buf.subarray(p, p + h.isut);
  p += h.isut;
  const types = raw.map((r, i): LocalType => {
    let e = r.ai;
    while (e < chars.length && chars[e] !== 0) e++;
    return {
      off: r.off,
      isdst: r.isdst ? 1 : 0,
      abbr: chars.toString('latin1', Math.min(r.ai, chars.length), e),
      isstd: !!isstd[i],
      isut: !!isut[i],
    };
  });
  if (idx.some((i) => i >= types.length)) return null;
  let footer: string | null = null;
  if (wide && buf[p] === 0x0a) {
    const e = buf.indexOf(0x0a, p + 1);
    if (e > p + 1) footer = buf.toString('latin1', p + 1, e);
  }
  return { trans, idx, types, footer };
}

/** glibc's (rule_stdoff, rule_dstoff) and tzname as computed when a TZif file is read. */
function tzifRuleInfo(d: TzifData): { stdoff: number; dstoff: number; tzname: [string, string] } {
  const names: [string | null, string | null] = [null, null];
  for (let i = d.trans.length; i > 0; ) {
    const ty = d.types[d.idx[--i]!]!;
    if (names[ty.isdst] === null) {
      names[ty.isdst] = ty.abbr;
      if (names[1 - ty.isdst] !== null) break;
    }
  }
  if (names[0] === null) names[0] = d.types[0]!.abbr;
  if (names[1] === null) names[1] = names[0];
  let stdoff = 0;
  let dstoff = 0;
  if (d.trans.length === 0) {
    stdoff = dstoff = d.types[0]!.off;
  } else {
    let stdSet = false;
    let dstSet = false;
    for (let i = d.trans.length - 1; i >= 0; i--) {
      const ty = d.types[d.idx[i]!]!;
      if (!stdSet && !ty.isdst) {
        stdSet = true;
        stdoff = ty.off;
      } else if (!dstSet && ty.isdst) {
        dstSet = true;
        dstoff = ty.off;
      }
      if (stdSet && dstSet) break;
    }
    if (!dstSet) dstoff = stdoff;
  }
  return { stdoff, dstoff, tzname: [names[0], names[1]] };
}

/** Local time from a TZif file, as glibc's __tzfile_compute. */
export class TzifZone implements Zone {
  readonly tzname: readonly [string, string];
  private readonly trans: Float64Array;
  private readonly periods: (Period | undefined)[];
  private readonly footer: PosixTz | null;
  private readonly initial: LocalType;
  private cache: Period = { start: 0, end: 0, off: 0, isdst: 0, abbr: '' };
  constructor(
    private readonly d: TzifData,
    tzname?: [string, string],
  ) {
    this.trans = Float64Array.from(d.trans);
    this.periods = new Array(d.trans.length + 1);
    let footer: PosixTz | null = null;
    if (d.footer !== null) {
      const parsed = parsePosixTz(d.footer, false);
      if ('rules' in parsed && parsed.rules[0].name !== '') footer = parsed;
    }
    this.footer = footer;
    let i = 0;
    while (i < d.types.length && d.types[i]!.isdst) i++;
    this.initial = d.types[i === d.types.length ? 0 : i]!;
    this.tzname = tzname ?? (footer ? [footer.rules[0].name, footer.rules[1].name] : tzifRuleInfo(d).tzname);
  }
  periodAt(t: number): Period {
    const c = this.cache;
    if (t >= c.start && t < c.end) return c;
    const tr = this.trans;
    const n = tr.length;
    let p: Period;
    if (n === 0 || t < tr[0]!) {
      const ty = this.initial;
      p = this.periods[0] ??= { start: -Infinity, end: n === 0 ? Infinity : tr[0]!, off: ty.off, isdst: ty.isdst, abbr: ty.abbr };
    } else if (t >= tr[n - 1]! && this.footer) {
      p = posixPeriod(this.footer, t, tr[n - 1]!);
    } else {
      let lo = 0;
      let hi = n - 1;
      // invariant: tr[lo] <= t, and t < tr[hi + 1] (or hi == n - 1)
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (tr[mid]! <= t) lo = mid;
        else hi = mid - 1;
      }
      const cached = this.periods[lo + 1];
      if (cached) {
        p = cached;
      } else {
        const ty = this.d.types[this.d.idx[lo]!]!;
        p = this.periods[lo + 1] = { start: tr[lo]!, end: lo + 1 < n ? tr[lo + 1]! : Infinity, off: ty.off, isdst: ty.isdst, abbr: ty.abbr };
      }
    }
    return (this.cache = p);
  }
}

/** glibc __tzfile_default: `posixrules` transitions re-targeted to a POSIX string's offsets. */
export function tzfileDefault(rules: [PosixRule, PosixRule], data: TzifData | null): TzifZone | null {
  if (!data || data.types.length < 2) return null;
  const { stdoff: ruleStd, dstoff: ruleDst } = tzifRuleInfo(data);
  const std = rules[0];
  const dst = rules[1];
  const trans = data.trans.slice();
  const idx: number[] = [];
  let isdst = 0;
  for (let i = 0; i < trans.length; i++) {
    const ty = data.types[data.idx[i]!]!;
    idx.push(ty.isdst);
    if (ty.isut) {
      // transition given in UT: no correction
    } else if (isdst && !ty.isstd) trans[i] = trans[i]! + (dst.off - ruleDst);
    else trans[i] = trans[i]! + (std.off - ruleStd);
    isdst = ty.isdst;
  }
  const types: LocalType[] = [
    { off: std.off, isdst: 0, abbr: std.name, isstd: false, isut: false },
    { off: dst.off, isdst: 1, abbr: dst.name, isstd: false, isut: false },
  ];
  return new TzifZone({ trans, idx, types, footer: data.footer }, [std.name, dst.name]);
}
