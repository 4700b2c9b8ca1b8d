/**
 * Python's `time.localtime` / `time.gmtime` / `time.strftime`, as CPython 3.11 on Linux
 * (glibc) behaves, for logging's `Formatter.formatTime`.
 *
 * Why this shape:
 * - `Formatter.formatTime` runs for every record that uses `%(asctime)s`, so a pattern is
 *   compiled once into a render function (`compileStrftime`) and local time is resolved
 *   through a cached "period" (the span of time over which the UTC offset, DST flag and
 *   abbreviation are constant), so a conversion is a range check plus calendar arithmetic.
 * - Local time follows the process `TZ` the way glibc (and so Python) does: the TZif file
 *   from the system zoneinfo directory (`/usr/share/zoneinfo`, or `$TZDIR`), its POSIX
 *   footer rule for times after the last transition, a POSIX TZ string when no file
 *   matches, and `posixrules` for a POSIX string without rules. Reading the same files as
 *   glibc gives the same `tm_zone` ("CET", "IST", "+1030", "LMT"), `tm_isdst` and
 *   `tm_gmtoff` as Python, which `Intl` cannot: `Intl.DateTimeFormat` short names are
 *   CLDR names and many zones only get "GMT+1" / "GMT+5:30" (Europe/Berlin, Asia/Kolkata,
 *   Australia/Lord_Howe, Europe/London in summer), and `Intl` has no DST flag.
 * - Only where there is no zoneinfo directory (Windows, minimal containers) does local
 *   time fall back to `Intl` with the zone Node resolved; see {@link IntlZone} for the
 *   differences that brings.
 * - `strftime` reproduces glibc's `wcsftime` in the C locale (CPython uses `wcsftime`,
 *   and never sets LC_TIME), including its flags (`_ - 0 ^ #`), field widths, `E`/`O`
 *   modifiers, the text it emits for unknown directives, `%s` computed through a
 *   re-implementation of glibc's `mktime`, and CPython's own checks (field ranges,
 *   "embedded null character", and the empty result when the output outgrows
 *   CPython's buffer).
 *
 * Known, deliberate differences from Python (none of which plain logging use reaches):
 * - Leap-second ("right/") zone files: the leap-second table is ignored.
 * - `%Z` for a struct whose `tm_zone` is "" uses the zone's standard/DST names; glibc
 *   uses `tzname`, which depends on the most recent localtime call.
 * - `Intl` fallback (no zoneinfo directory): see {@link IntlZone}.
 * - Case mapping of non-ASCII text under `%^` uses JavaScript's per-code-point mapping
 *   (one code point to one), not glibc's tables.
 */
import { readFileSync, statSync } from 'node:fs';
import { cpLen } from './pyformat.values.js';

/** Python's time.struct_time fields (tm_mon 1-12, tm_wday 0=Monday, tm_yday 1-366, tm_isdst 0/1/-1, tm_gmtoff seconds east of UTC, tm_zone abbreviation). */
export interface StructTime {
  tm_year: number;
  tm_mon: number;
  tm_mday: number;
  tm_hour: number;
  tm_min: number;
  tm_sec: number;
  tm_wday: number;
  tm_yday: number;
  tm_isdst: number;
  tm_gmtoff: number;
  tm_zone: string;
}

/** A converter is localtime or gmtime (or a user function with the same shape). */
export type Converter = (secs: number) => StructTime;

// ---------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, any year, no Date objects)
// ---------------------------------------------------------------------------

const DAY = 86400;
const TWO53 = 2 ** 53;
const CUM_DAYS: readonly (readonly number[])[] = [
  [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
  [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
];

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** Days from 1970-01-01 to year-month(1-12)-day. */
function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** C-level broken-down time (tm_year as a full year, months 0-11, wday 0=Sunday). */
interface CTm {
  year: number;
  mon: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
  wday: number;
  yday: number;
  isdst: number;
  gmtoff: number;
  zone: string;
}

const MIN_YEAR = -2147483648 + 1900;
const MAX_YEAR = 2147483647 + 1900;
const TIME_T_LIMIT = 2 ** 63;

/** Fill y/m/d/h/m/s/wday/yday of `out` from integer seconds `t` (UTC-based wall clock). */
function fillFields(out: CTm, t: number): void {
  let days: number;
  let rem: number;
  if (t > -TWO53 && t < TWO53) {
    days = Math.floor(t / DAY);
    rem = t - days * DAY;
  } else {
    const bt = BigInt(t);
    let bd = bt / 86400n;
    let br = bt % 86400n;
    if (br < 0n) {
      br += 86400n;
      bd -= 1n;
    }
    days = Number(bd);
    rem = Number(br);
  }
  out.hour = Math.floor(rem / 3600);
  rem -= out.hour * 3600;
  out.min = Math.floor(rem / 60);
  out.sec = rem - out.min * 60;
  const w = (days + 4) % 7;
  out.wday = w < 0 ? w + 7 : w;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const mday = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mon = mp < 10 ? mp + 2 : mp - 10; // 0-11
  const year = era * 400 + yoe + (mon <= 1 ? 1 : 0);
  if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError('[Errno 75] Value too large for defined data type');
  out.year = year;
  out.mon = mon;
  out.mday = mday;
  out.yday = CUM_DAYS[isLeap(year) ? 1 : 0]![mon]! + mday - 1;
}

function newCTm(): CTm {
  return { year: 1970, mon: 0, mday: 1, hour: 0, min: 0, sec: 0, wday: 4, yday: 0, isdst: 0, gmtoff: 0, zone: 'UTC' };
}

/** Python's conversion of a float timestamp to time_t: floor toward -inf, errors as Python. */
function toTimeT(secs: number): number {
  if (typeof secs !== 'number') throw new TypeError(`'${typeof secs}' object cannot be interpreted as a timestamp`);
  if (Number.isNaN(secs)) throw new RangeError('Invalid value NaN (not a number)');
  const t = Math.floor(secs);
  if (!(t >= -TIME_T_LIMIT && t < TIME_T_LIMIT)) throw new RangeError('timestamp out of range for platform time_t');
  return t;
}

function toStruct(tm: CTm): StructTime {
  return {
    tm_year: tm.year,
    tm_mon: tm.mon + 1,
    tm_mday: tm.mday,
    tm_hour: tm.hour,
    tm_min: tm.min,
    tm_sec: tm.sec,
    tm_wday: (tm.wday + 6) % 7,
    tm_yday: tm.yday + 1,
    tm_isdst: tm.isdst,
    tm_gmtoff: tm.gmtoff,
    tm_zone: tm.zone,
  };
}

// ---------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------

/** A span [start, end) of UTC seconds over which offset, DST flag and abbreviation hold. */
interface Period {
  start: number;
  end: number;
  off: number;
  isdst: number;
  abbr: string;
}

interface Zone {
  /** The period containing integer UTC second `t`. */
  periodAt(t: number): Period;
  /** glibc's tzname[0..1] (standard, DST). */
  readonly tzname: readonly [string, string];
}

interface LocalType {
  off: number;
  isdst: number;
  abbr: string;
  isstd: boolean;
  isut: boolean;
}

/** One rule of a POSIX TZ string (glibc's tz_rule): when to switch to std (0) or DST (1). */
interface PosixRule {
  name: string;
  off: number; // seconds east of UTC
  type: 'J0' | 'J1' | 'M';
  m: number;
  n: number;
  d: number;
  secs: number;
}

interface PosixTz {
  rules: [PosixRule, PosixRule];
}

function blankRule(): PosixRule {
  return { name: '', off: 0, type: 'J0', m: 0, n: 0, d: 0, secs: 0 };
}

const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Parses POSIX TZ strings like glibc's __tzset_parse_tz (including its defaults and quirks). */
class PosixParser {
  pos = 0;
  constructor(readonly s: string) {}
  /** sscanf("%hu%n:%hu%n:%hu%n"): up to three unsigned numbers; returns [count, values]. */
  private hms(): [number, number[]] {
    const vals: number[] = [];
    let p = this.pos;
    let consumed = this.pos;
    for (let k = 0; k < 3; k++) {
      if (k > 0) {
        if (this.s[p] !== ':') break;
        p++;
      }
      const st = p;
      while (isDigit(this.s[p])) p++;
      if (p === st) break;
      vals.push(Number(this.s.slice(st, p)) % 65536);
      consumed = p;
    }
    this.pos = consumed;
    return [vals.length, vals];
  }
  name(rule: PosixRule): boolean {
    const s = this.s;
    let p = this.pos;
    while (isAlpha(s[p])) p++;
    let start = this.pos;
    let len = p - start;
    if (len < 3) {
      if (s[p++] !== '<') return false;
      start = p;
      while (isAlpha(s[p]) || isDigit(s[p]) || s[p] === '+' || s[p] === '-') p++;
      len = p - start;
      if (s[p++] !== '>' || len < 3) return false;
    }
    rule.name = s.slice(start, start + len);
    this.pos = p;
    return true;
  }
  offset(rules: [PosixRule, PosixRule], which: 0 | 1): boolean {
    const c = this.s[this.pos];
    if (which === 0 && (c === undefined || (c !== '+' && c !== '-' && !isDigit(c)))) return false;
    let sign = -1;
    if (c === '+' || c === '-') {
      sign = c === '-' ? 1 : -1;
      this.pos++;
    }
    const [n, v] = this.hms();
    if (n > 0) {
      rules[which].off = sign * (Math.min(v[2] ?? 0, 59) + Math.min(v[1] ?? 0, 59) * 60 + Math.min(v[0]!, 24) * 3600);
    } else if (which === 0) {
      rules[0].off = 0;
      return false;
    } else {
      rules[1].off = rules[0].off + 3600;
    }
    return true;
  }
  rule(r: PosixRule, which: 0 | 1): boolean {
    const s = this.s;
    if (s[this.pos] === ',') this.pos++;
    const c = s[this.pos];
    if (c === 'J' || isDigit(c)) {
      r.type = c === 'J' ? 'J1' : 'J0';
      if (r.type === 'J1' && !isDigit(s[++this.pos])) return false;
      const st = this.pos;
      while (isDigit(s[this.pos])) this.pos++;
      if (this.pos === st) return false;
      const d = Number(s.slice(st, this.pos));
      if (d > 365 || (r.type === 'J1' && d === 0)) return false;
      r.d = d;
    } else if (c === 'M') {
      const m = /^M(\d+)\.(\d+)\.(\d+)/.exec(s.slice(this.pos));
      if (!m) return false;
      r.type = 'M';
      r.m = Number(m[1]) % 65536;
      r.n = Number(m[2]) % 65536;
      r.d = Number(m[3]) % 65536;
      if (r.m < 1 || r.m > 12 || r.n < 1 || r.n > 5 || r.d > 6) return false;
      this.pos += m[0].length;
    } else if (c === undefined) {
      r.type = 'M';
      [r.m, r.n, r.d] = which === 0 ? [3, 2, 0] : [11, 1, 0];
    } else {
      return false;
    }
    const e = s[this.pos];
    if (e !== undefined && e !== '/' && e !== ',') return false;
    if (e === '/') {
      this.pos++;
      if (s[this.pos] === undefined) return false;
      const neg = s[this.pos] === '-';
      if (neg) this.pos++;
      const [, v] = this.hms();
      const hh = v[0] ?? 2;
      r.secs = (neg ? -1 : 1) * (hh * 3600 + (v[1] ?? 0) * 60 + (v[2] ?? 0));
    } else {
      r.secs = 7200;
    }
    return true;
  }
}

/**
 * Parse a POSIX TZ string. Returns the rules, or `{ needDefault }` when the string names a
 * DST zone without rules (glibc then uses the `posixrules` file).
 */
function parsePosixTz(s: string, allowDefaultFile: boolean): PosixTz | { needDefault: [PosixRule, PosixRule]; fallback: PosixTz } {
  const rules: [PosixRule, PosixRule] = [blankRule(), blankRule()];
  const p = new PosixParser(s);
  if (p.name(rules[0]) && p.offset(rules, 0) && p.name(rules[1])) {
    p.offset(rules, 1);
    const rest = s.slice(p.pos);
    if (allowDefaultFile && (rest === '' || rest === ',')) {
      const fallback = finishPosix(p, rules);
      return { needDefault: [{ ...rules[0] }, { ...rules[1] }], fallback };
    }
    return finishPosix(p, rules);
  }
  // No DST part (or no usable standard part): DST mirrors standard time.
  rules[1].name = rules[0].name;
  rules[1].off = rules[0].off;
  return { rules };
}

function finishPosix(p: PosixParser, rules: [PosixRule, PosixRule]): PosixTz {
  if (p.rule(rules[0], 0)) p.rule(rules[1], 1);
  return { rules };
}

/** glibc compute_change: UTC second at which `r` takes effect in `year`. */
function ruleChange(r: PosixRule, year: number): number {
  // glibc counts the days since 1970 in a C int (wrapping past year ~5.8 million).
  let t = year > 1970 ? (daysFromCivil(year, 1, 1) | 0) * DAY : 0;
  const leap = isLeap(year) ? 1 : 0;
  if (r.type === 'J1') {
    t += (r.d - 1) * DAY;
    if (r.d >= 60 && leap) t += DAY;
  } else if (r.type === 'J0') {
    t += r.d * DAY;
  } else {
    const cum = CUM_DAYS[leap]!;
    t += cum[r.m - 1]! * DAY;
    const m1 = ((r.m + 9) % 12) + 1;
    const yy0 = r.m <= 2 ? year - 1 : year;
    const yy1 = Math.trunc(yy0 / 100);
    const yy2 = yy0 % 100;
    let dow = (Math.trunc((26 * m1 - 2) / 10) + 1 + yy2 + Math.trunc(yy2 / 4) + Math.trunc(yy1 / 4) - 2 * yy1) % 7;
    if (dow < 0) dow += 7;
    let d = r.d - dow;
    if (d < 0) d += 7;
    const mdays = cum[r.m]! - cum[r.m - 1]!;
    for (let i = 1; i < r.n; i++) {
      if (d + 7 >= mdays) break;
      d += 7;
    }
    t += d * DAY;
  }
  return t - r.off + r.secs;
}

function utcYear(t: number): number {
  const days = Math.floor(t / DAY);
  // civil year of `days` (cheap version of fillFields)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return era * 400 + yoe + (mp >= 10 ? 1 : 0);
}

/** glibc __tz_compute: period of a POSIX rule pair containing `t`, clipped to [lo, +inf). */
function posixPeriod(tz: PosixTz, t: number, lo: number): Period {
  const [r0, r1] = tz.rules;
  const year = utcYear(t);
  const c0 = ruleChange(r0, year);
  const c1 = ruleChange(r1, year);
  const isdst = c0 > c1 ? t < c1 || t >= c0 : t >= c0 && t < c1;
  let start = daysFromCivil(year, 1, 1) * DAY;
  let end = daysFromCivil(year + 1, 1, 1) * DAY;
  for (const c of [c0, c1]) {
    if (c <= t && c > start) start = c;
    if (c > t && c < end) end = c;
  }
  const r = isdst ? r1 : r0;
  return { start: Math.max(start, lo), end, off: r.off, isdst: isdst ? 1 : 0, abbr: r.name };
}

class PosixZone implements Zone {
  readonly tzname: readonly [string, string];
  private cache: Period = { start: 0, end: 0, off: 0, isdst: 0, abbr: '' };
  constructor(private readonly tz: PosixTz) {
    this.tzname = [tz.rules[0].name, tz.rules[1].name];
  }
  periodAt(t: number): Period {
    const c = this.cache;
    if (t >= c.start && t < c.end) return c;
    return (this.cache = posixPeriod(this.tz, t, -Infinity));
  }
}

interface TzifData {
  trans: number[];
  idx: number[];
  types: LocalType[];
  footer: string | null;
}

/** Parse a TZif file (RFC 8536), preferring the 64-bit body. */
function parseTzif(buf: Buffer): TzifData | null {
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
class TzifZone implements Zone {
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
function tzfileDefault(rules: [PosixRule, PosixRule], data: TzifData | null): TzifZone | null {
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
class IntlZone implements Zone {
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

const UTC_ZONE: Zone = {
  tzname: ['UTC', 'UTC'],
  periodAt: () => ({ start: -Infinity, end: Infinity, off: 0, isdst: 0, abbr: 'UTC' }),
};

function readTzifFile(path: string): TzifData | null {
  try {
    return parseTzif(readFileSync(path));
  } catch {
    return null;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Resolve the process TZ the way glibc's tzset does. */
function resolveZone(): Zone {
  const env = process.env;
  const dir = env['TZDIR'] || '/usr/share/zoneinfo';
  let tz = env['TZ'];
  if (tz === '') tz = 'Universal';
  if (tz !== undefined && tz.startsWith(':')) tz = tz.slice(1);
  const unset = tz === undefined;
  const name = tz ?? '/etc/localtime';
  const hasZoneinfo = isDir(dir);
  if (name !== '') {
    const data = readTzifFile(name.startsWith('/') ? name : `${dir}/${name}`);
    if (data) return new TzifZone(data);
  }
  if (!hasZoneinfo) {
    // Not a glibc-style system: trust the zone Node resolved.
    try {
      return new IntlZone(unset ? undefined : name || 'UTC');
    } catch {
      try {
        return new IntlZone();
      } catch {
        return UTC_ZONE;
      }
    }
  }
  if (unset || name === '' || name === '/etc/localtime') return UTC_ZONE;
  const parsed = parsePosixTz(name, true);
  if ('needDefault' in parsed) {
    return tzfileDefault(parsed.needDefault, readTzifFile(`${dir}/posixrules`)) ?? new PosixZone(parsed.fallback);
  }
  return new PosixZone(parsed);
}

let zone: Zone | null = null;
/** Bumped by tzset(): caches of local-time text compare it (a live binding for importers). */
export let zoneGeneration = 0;

function localZone(): Zone {
  return (zone ??= resolveZone());
}

/** time.tzset(): re-read TZ (the zone is otherwise resolved once, on first use, like Python at start-up). */
export function tzset(): void {
  zone = null;
  zoneGeneration++;
}

// ---------------------------------------------------------------------------
// localtime / gmtime
// ---------------------------------------------------------------------------

const scratch = newCTm();

function localInto(out: CTm, t: number): void {
  const p = localZone().periodAt(t);
  fillFields(out, t + p.off);
  out.isdst = p.isdst;
  out.gmtoff = p.off;
  out.zone = p.abbr;
}

/** time.localtime(secs): local time per the process TZ (the TZ env var as Node sees it). secs is float seconds since the epoch (fraction ignored, floor toward -inf as Python). */
export function localtime(secs: number): StructTime {
  localInto(scratch, toTimeT(secs));
  return toStruct(scratch);
}

/** time.gmtime(secs): UTC broken-down time (tm_zone "GMT" as glibc sets it, tm_gmtoff 0, tm_isdst 0), floor toward -inf as Python. */
export function gmtime(secs: number): StructTime {
  fillFields(scratch, toTimeT(secs));
  scratch.isdst = 0;
  scratch.gmtoff = 0;
  scratch.zone = 'GMT';
  return toStruct(scratch);
}

// ---------------------------------------------------------------------------
// mktime (for %s), as glibc's __mktime_internal with localtime as the converter
// ---------------------------------------------------------------------------

/** glibc keeps the last offset found as the first guess of the next call; so do we. */
let mktimeOffset = 0;
const mkScratch = newCTm();

function daysOf(tmYear: number, yday: number): number {
  return daysFromCivil(tmYear + 1900, 1, 1) + yday;
}

function ydhmsDiff(year1: number, yday1: number, h1: number, m1: number, s1: number, year0: number, yday0: number, h0: number, m0: number, s0: number): number {
  const days = daysOf(year1, yday1) - daysOf(year0, yday0);
  return ((days * 24 + h1 - h0) * 60 + m1 - m0) * 60 + s1 - s0;
}

function isdstDiffer(a: number, b: number): boolean {
  return !a !== !b && a >= 0 && b >= 0;
}

function mktime(tm: CTm): number {
  const cv = mkScratch;
  const convert = (t: number): boolean => {
    try {
      localInto(cv, t);
      return true;
    } catch {
      return false;
    }
  };
  const diffTo = (year: number, yday: number, hour: number, min: number, sec: number): number =>
    ydhmsDiff(year, yday, hour, min, sec, cv.year - 1900, cv.yday, cv.hour, cv.min, cv.sec);
  let remaining = 6;
  let sec = tm.sec;
  const { min, hour, mday, mon, isdst } = tm;
  const monRem = mon % 12;
  const negRem = monRem < 0 ? 1 : 0;
  const year = tm.year - 1900 + (Math.trunc(mon / 12) - negRem);
  const yday = CUM_DAYS[isLeap(year + 1900) ? 1 : 0]![monRem + 12 * negRem]! - 1 + mday;
  const secRequested = sec;
  if (sec < 0) sec = 0;
  if (sec > 59) sec = 59;
  const negGuess = -mktimeOffset;
  const t0 = ydhmsDiff(year, yday, hour, min, sec, 70, 0, 0, 0, negGuess);
  let t = t0;
  let t1 = t0;
  let t2 = t0;
  let dst2 = 0;
  let found = false;
  for (;;) {
    if (!convert(t)) return -1;
    const dt = diffTo(year, yday, hour, min, sec);
    if (dt === 0) break;
    if (t === t1 && t !== t2 && (cv.isdst < 0 || (isdst < 0 ? dst2 <= (cv.isdst !== 0 ? 1 : 0) : (isdst !== 0) !== (cv.isdst !== 0)))) {
      found = true;
      break;
    }
    if (--remaining === 0) return -1;
    t1 = t2;
    t2 = t;
    t += dt;
    dst2 = cv.isdst !== 0 ? 1 : 0;
  }
  if (!found && isdstDiffer(isdst, cv.isdst)) {
    // Wrong DST flag: borrow the offset of the nearest probe (stride 601200 s) that has the
    // requested flag; failing that, assume a one-hour DST difference.
    const dstDifference = (isdst === 0 ? 1 : 0) - (cv.isdst === 0 ? 1 : 0);
    const stride = 601200;
    const deltaBound = Math.trunc(457243200 / 2) + stride;
    let ok = false;
    search: for (let delta = stride; delta < deltaBound; delta += stride) {
      for (let dir = -1; dir <= 1; dir += 2) {
        const ot = t + delta * dir;
        if (!convert(ot)) return -1;
        if (!isdstDiffer(isdst, cv.isdst)) {
          const gt = ot + diffTo(year, yday, hour, min, sec);
          if (convert(gt)) {
            t = gt;
            ok = true;
            break search;
          }
        }
      }
    }
    if (!ok) {
      t += 3600 * dstDifference;
      if (!convert(t)) return -1;
    }
  }
  mktimeOffset = t - t0 - negGuess;
  if (secRequested !== cv.sec) {
    t += (sec === 0 && cv.sec === 60 ? 1 : 0) - sec + secRequested;
  }
  return t;
}

// ---------------------------------------------------------------------------
// strftime
// ---------------------------------------------------------------------------

const DAYS_ABBR = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAYS_FULL = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_FULL = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SUBFORMATS: Record<string, string> = {
  c: '%a %b %e %H:%M:%S %Y',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  T: '%H:%M:%S',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
};

const ASCII = /^[\x00-\x7f]*$/;

/** towupper/towlower per code point: a mapping that is not one code point leaves it alone. */
function wUpper(s: string): string {
  if (ASCII.test(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += cpLen(u) === 1 ? u : ch;
  }
  return out;
}

function wLower(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const u = ch.toLowerCase();
    out += cpLen(u) === 1 ? u : ch;
  }
  return out;
}

function fill(ch: string, n: number): string {
  return n > 0 ? ch.repeat(n) : '';
}

/** glibc's add(): left-pad to `width` with '0' when the flag is '0', else spaces. */
function addPad(s: string, len: number, width: number, pad: string): string {
  return width > len ? fill(pad === '0' ? '0' : ' ', width - len) + s : s;
}

/** glibc's do_number / do_number_sign_and_padding. */
function fmtNumber(v: number, digits: number, width: number, pad: string): string {
  const neg = v < 0;
  const mag = String(neg ? -v : v);
  let num = neg ? '-' + mag : mag;
  let out = '';
  if (pad !== '-') {
    const padding = digits - num.length;
    if (padding > 0) {
      if (pad === '_') {
        out = fill(' ', padding);
        width = width > padding ? width - padding : 0;
      } else {
        if (neg) {
          out = '-';
          num = mag;
        }
        out += fill('0', padding);
        width = 0;
      }
    }
  }
  return out + addPad(num, num.length, width, pad);
}

function two(v: number): string {
  return v < 10 ? '0' + v : '' + v;
}

function isoWeekDays(yday: number, wday: number): number {
  return yday - ((yday - wday + 4 + 378) % 7) + 3;
}

/** ISO 8601 week-based year and week number (glibc's %G/%V computation). */
function isoWeek(tm: CTm): [number, number] {
  let year = tm.year;
  let days = isoWeekDays(tm.yday, tm.wday);
  if (days < 0) {
    year--;
    days = isoWeekDays(tm.yday + (365 + (isLeap(year) ? 1 : 0)), tm.wday);
  } else {
    const d = isoWeekDays(tm.yday - (365 + (isLeap(year) ? 1 : 0)), tm.wday);
    if (d >= 0) {
      year++;
      days = d;
    }
  }
  return [year, Math.trunc(days / 7) + 1];
}

function hour12(h: number): number {
  return h > 12 ? h - 12 : h === 0 ? 12 : h;
}

type Seg = (tm: CTm) => string;

/** Numeric directives: [minimum digits, value, space-padded by default]. */
const NUMERIC: Record<string, [number, (tm: CTm) => number, boolean]> = {
  C: [1, (tm) => Math.trunc(tm.year / 100) - (tm.year % 100 < 0 ? 1 : 0), false],
  d: [2, (tm) => tm.mday, false],
  e: [2, (tm) => tm.mday, true],
  H: [2, (tm) => tm.hour, false],
  I: [2, (tm) => hour12(tm.hour), false],
  k: [2, (tm) => tm.hour, true],
  l: [2, (tm) => hour12(tm.hour), true],
  j: [3, (tm) => tm.yday + 1, false],
  M: [2, (tm) => tm.min, false],
  m: [2, (tm) => tm.mon + 1, false],
  S: [2, (tm) => tm.sec, false],
  u: [1, (tm) => ((tm.wday + 6) % 7) + 1, false],
  U: [2, (tm) => Math.trunc((tm.yday - tm.wday + 7) / 7), false],
  W: [2, (tm) => Math.trunc((tm.yday - ((tm.wday + 6) % 7) + 7) / 7), false],
  w: [1, (tm) => tm.wday, false],
  V: [2, (tm) => isoWeek(tm)[1], false],
  g: [2, (tm) => ((isoWeek(tm)[0] % 100) + 100) % 100, false],
  G: [1, (tm) => isoWeek(tm)[0], false],
  Y: [1, (tm) => tm.year, false],
  y: [2, (tm) => (((tm.year - 1900) % 100) + 100) % 100, false],
};

/** Which modifiers send a directive to glibc's bad_format. */
function badModifier(c: string, mod: string): boolean {
  if (mod === '') return false;
  switch (c) {
    case '%':
    case 'a':
    case 'A':
    case 'D':
    case 'F':
      return true;
    case 'b':
    case 'h':
    case 'B':
    case 'd':
    case 'e':
    case 'H':
    case 'I':
    case 'k':
    case 'l':
    case 'j':
    case 'M':
    case 'm':
    case 'S':
    case 'U':
    case 'V':
    case 'g':
    case 'G':
    case 'W':
    case 'w':
      return mod === 'E';
    case 'c':
    case 'x':
    case 'X':
    case 'Y':
      return mod === 'O';
    default:
      return false;
  }
}

interface Directive {
  flagsPad: string; // '', '_', '-', '0'
  upcase: boolean;
  changeCase: boolean;
  width: number; // -1 when absent
  modifier: string; // '', 'E' or 'O'
  text: string; // the directive as written, for bad_format
  conv: string; // conversion character ('' at end of string)
}

/** Build the segment for one directive (glibc semantics). */
function directiveSeg(d: Directive): Seg {
  const { flagsPad: pad, upcase, changeCase, width, conv, modifier } = d;
  const bad = (): Seg => {
    // glibc copies back to the nearest '%': with a modifier and '%' as conversion, just "%".
    // For %b/%h, '#' has already switched to upper case when the E modifier is rejected.
    const raw = conv === '%' ? '%' : d.text;
    const s = upcase || (changeCase && (conv === 'b' || conv === 'h')) ? wUpper(raw) : raw;
    const out = addPad(s, cpLen(s), width, pad);
    return () => out;
  };
  if (conv === '' || badModifier(conv, modifier)) return bad();
  const text = (get: (tm: CTm) => string, lower: boolean, upper: boolean): Seg => {
    const conv2 = lower ? wLower : upper ? wUpper : null;
    if (width <= 0 && conv2 === null) return get;
    return (tm) => {
      const s = conv2 ? conv2(get(tm)) : get(tm);
      return addPad(s, s.length, width, pad);
    };
  };
  switch (conv) {
    case '%':
    case 'n':
    case 't': {
      const ch = conv === '%' ? '%' : conv === 'n' ? '\n' : '\t';
      const out = addPad(ch, 1, width, pad);
      return () => out;
    }
    case 'a':
      return text((tm) => DAYS_ABBR[tm.wday]!, false, upcase || changeCase);
    case 'A':
      return text((tm) => DAYS_FULL[tm.wday]!, false, upcase || changeCase);
    case 'b':
    case 'h':
      return text((tm) => MONTHS_ABBR[tm.mon]!, false, upcase || changeCase);
    case 'B':
      return text((tm) => MONTHS_FULL[tm.mon]!, false, upcase || changeCase);
    case 'p':
    case 'P': {
      const lower = conv === 'P' || changeCase;
      return text((tm) => (tm.hour > 11 ? 'PM' : 'AM'), lower, upcase);
    }
    case 'Z': {
      const conv2 = changeCase ? wLower : upcase ? wUpper : null;
      return (tm) => {
        let z = tm.zone;
        if (z === '' && tm.isdst >= 0) z = localZone().tzname[tm.isdst > 0 ? 1 : 0];
        if (conv2) z = conv2(z);
        return width > 0 ? addPad(z, cpLen(z), width, pad) : z;
      };
    }
    case 'z': {
      const digits = Math.max(4, width);
      return (tm) => {
        if (tm.isdst < 0) return '';
        let diff = Math.trunc(tm.gmtoff);
        let sign = '+';
        if (diff < 0) {
          sign = '-';
          diff = -diff;
        }
        diff = Math.trunc(diff / 60);
        return addPad(sign, 1, width, pad) + fmtNumber(Math.trunc(diff / 60) * 100 + (diff % 60), digits, width, pad);
      };
    }
    case 's':
      return (tm) => fmtNumber(mktime(tm), 1, width, pad);
    case 'c':
    case 'D':
    case 'F':
    case 'R':
    case 'r':
    case 'T':
    case 'x':
    case 'X': {
      const inner = compileSegments(SUBFORMATS[conv]!);
      return (tm) => {
        let s = '';
        for (const seg of inner) s += typeof seg === 'string' ? seg : seg(tm);
        s = addPad(s, s.length, width, pad);
        return upcase ? s.toUpperCase() : s;
      };
    }
    default: {
      const num = NUMERIC[conv];
      if (!num) return bad();
      const [minDigits, get, spacePad] = num;
      const digits = Math.max(minDigits, width);
      const p = spacePad && pad !== '0' && pad !== '-' ? '_' : pad;
      if (width < 0 && pad === '') {
        if (minDigits === 2 && !spacePad) return (tm) => {
          const v = get(tm);
          return v >= 0 ? two(v) : fmtNumber(v, 2, -1, '');
        };
        if (minDigits === 1) return (tm) => String(get(tm));
      }
      return (tm) => fmtNumber(get(tm), digits, width, p);
    }
  }
}

/** Split a format into literal strings and directive segments (glibc's parse, code point based). */
function compileSegments(fmt: string, widths?: number[]): (string | Seg)[] {
  const cps = Array.from(fmt);
  const segs: (string | Seg)[] = [];
  let lit = '';
  let i = 0;
  while (i < cps.length) {
    const c = cps[i]!;
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    const begin = i;
    let pad = '';
    let upcase = false;
    let changeCase = false;
    i++;
    for (;;) {
      const f = cps[i];
      if (f === '_' || f === '-' || f === '0') pad = f;
      else if (f === '^') upcase = true;
      else if (f === '#') changeCase = true;
      else break;
      i++;
    }
    let width = -1;
    if (isDigit(cps[i])) {
      width = 0;
      while (isDigit(cps[i])) {
        width = Math.min(width * 10 + Number(cps[i]), 2147483647);
        i++;
      }
    }
    let modifier = '';
    if (cps[i] === 'E' || cps[i] === 'O') modifier = cps[i++]!;
    const conv = cps[i] ?? '';
    const end = conv === '' ? i : i + 1;
    const d: Directive = {
      flagsPad: pad,
      upcase,
      changeCase,
      width,
      text: cps.slice(begin, end).join(''),
      conv,
      modifier,
    };
    i = end;
    widths?.push(conv === 'z' ? -width - 1 : width);
    if (lit) segs.push(lit);
    lit = '';
    segs.push(directiveSeg(d));
  }
  if (lit) segs.push(lit);
  return segs;
}

/** Python's `checktm` + `gettmarg` conversion of a struct_time to a C struct tm. */
function toCTm(t: StructTime, out: CTm): CTm {
  const y = t.tm_year;
  const mon = t.tm_mon;
  const mday = t.tm_mday;
  const hour = t.tm_hour;
  const min = t.tm_min;
  const sec = t.tm_sec;
  const wday = t.tm_wday;
  const yday = t.tm_yday;
  const isdst = t.tm_isdst;
  if (
    !Number.isInteger(y) ||
    !Number.isInteger(mon) ||
    !Number.isInteger(mday) ||
    !Number.isInteger(hour) ||
    !Number.isInteger(min) ||
    !Number.isInteger(sec) ||
    !Number.isInteger(wday) ||
    !Number.isInteger(yday) ||
    !Number.isInteger(isdst)
  ) {
    throw new TypeError('strftime(): illegal time tuple argument');
  }
  if (y < MIN_YEAR || y > MAX_YEAR) throw new RangeError('year out of range');
  out.year = y;
  out.mon = mon === 0 ? 0 : mon - 1;
  if (out.mon < 0 || out.mon > 11) throw new RangeError('month out of range');
  out.mday = mday === 0 ? 1 : mday;
  if (out.mday < 0 || out.mday > 31) throw new RangeError('day of month out of range');
  if (hour < 0 || hour > 23) throw new RangeError('hour out of range');
  if (min < 0 || min > 59) throw new RangeError('minute out of range');
  if (sec < 0 || sec > 61) throw new RangeError('seconds out of range');
  out.hour = hour;
  out.min = min;
  out.sec = sec;
  out.wday = (wday + 1) % 7;
  if (out.wday < 0) throw new RangeError('day of week out of range');
  out.yday = yday === 0 ? 0 : yday - 1;
  if (out.yday < 0 || out.yday > 365) throw new RangeError('day of year out of range');
  out.isdst = isdst < -1 ? -1 : isdst > 1 ? 1 : isdst;
  out.gmtoff = typeof t.tm_gmtoff === 'number' && Number.isFinite(t.tm_gmtoff) ? Math.trunc(t.tm_gmtoff) : 0;
  out.zone = typeof t.tm_zone === 'string' ? t.tm_zone : '';
  return out;
}

/** Compile once. Directives as glibc/Python on Linux: %a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M %n %p %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %% and the glibc flags/modifiers Python passes through on Linux that are cheap to support (%-d, %E*, %O* as the plain form). C/POSIX locale names (Monday, Jan, AM/PM, %c = "%a %b %e %H:%M:%S %Y", %x = "%m/%d/%y", %X = "%H:%M:%S"). Unknown directives: do what python3's time.strftime does on this machine (check it). */
export function compileStrftime(fmt: string): (t: StructTime) => string {
  if (fmt.includes('\0')) throw new RangeError('embedded null character');
  // CPython grows its buffer from 1024 wide chars, doubling, until 256 * len(fmt); a result
  // that does not fit the last buffer comes back as ''.
  const fmtLen = cpLen(fmt);
  let maxLen = 1024;
  while (maxLen < 256 * fmtLen) maxLen *= 2;
  const widths: number[] = [];
  const segs = compileSegments(fmt, widths);
  // A field as wide as the buffer cannot fit: only a %z with tm_isdst < 0 prints nothing.
  let alwaysEmpty = false;
  let emptyUnlessNoDst = false;
  for (const w of widths) {
    if (w >= maxLen) alwaysEmpty = true;
    else if (w < -1 && -w - 1 >= maxLen) emptyUnlessNoDst = true;
  }
  const tm = newCTm();
  const n = segs.length;
  const only = n === 1 ? segs[0]! : null;
  return (t: StructTime): string => {
    toCTm(t, tm);
    if (alwaysEmpty || (emptyUnlessNoDst && tm.isdst >= 0)) return '';
    let out: string;
    if (only !== null) {
      out = typeof only === 'string' ? only : only(tm);
    } else {
      out = '';
      for (let i = 0; i < n; i++) {
        const s = segs[i]!;
        out += typeof s === 'string' ? s : s(tm);
      }
    }
    if (out.length >= maxLen && cpLen(out) >= maxLen) return '';
    return out;
  };
}

const CACHE_MAX = 256;
const compiled = new Map<string, (t: StructTime) => string>();

/** time.strftime(fmt, t) — convenience, uses a bounded cache of compiled patterns. */
export function strftime(fmt: string, t: StructTime): string {
  let render = compiled.get(fmt);
  if (render === undefined) {
    render = compileStrftime(fmt);
    if (compiled.size >= CACHE_MAX) compiled.delete(compiled.keys().next().value!);
    compiled.set(fmt, render);
  }
  return render(t);
}

/** logging.Formatter.default_time_format. */
export const DEFAULT_TIME_FORMAT = '%Y-%m-%d %H:%M:%S';

/**
 * The seconds part of Formatter.formatTime (no ",msecs"): `strftime(datefmt ?? default, converter(created))`,
 * with the last (integer second -> text) kept so records within the same second cost a compare.
 * The cache is used only for the built-in converters (whose result depends on the whole second
 * alone); a user converter is called for every record, as Python does.
 */
export function makeTimeFormatter(datefmt: string | null, converter: Converter): (createdSecs: number) => string {
  const render = compileStrftime(datefmt ?? DEFAULT_TIME_FORMAT);
  if (converter !== localtime && converter !== gmtime) return (created) => render(converter(created));
  const isLocal = converter === localtime;
  let lastSec = NaN;
  let lastGen = zoneGeneration;
  let lastText = '';
  return (created) => {
    const s = Math.floor(created);
    if (s === lastSec && (!isLocal || lastGen === zoneGeneration)) return lastText;
    const text = render(converter(s));
    lastSec = s;
    lastGen = zoneGeneration;
    lastText = text;
    return text;
  };
}
