// POSIX TZ strings ("CET-1CEST,M3.5.0,M10.5.0/3"), parsed and applied as glibc does.
import { CUM_DAYS, DAY, daysFromCivil, isLeap } from './civil.js';
import type { Period, Zone } from './zone.js';

/** One rule of a POSIX TZ string (glibc's tz_rule): when to switch to std (0) or DST (1). */
export interface PosixRule {
  name: string;
  off: number; // seconds east of UTC
  type: 'J0' | 'J1' | 'M';
  m: number;
  n: number;
  d: number;
  secs: number;
}

export interface PosixTz {
  rules: [PosixRule, PosixRule];
}

function blankRule(): PosixRule {
  return { name: '', off: 0, type: 'J0', m: 0, n: 0, d: 0, secs: 0 };
}

const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
export const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

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
export function parsePosixTz(s: string, allowDefaultFile: boolean): PosixTz | { needDefault: [PosixRule, PosixRule]; fallback: PosixTz } {
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

export function utcYear(t: number): number {
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
export function posixPeriod(tz: PosixTz, t: number, lo: number): Period {
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

export class PosixZone implements Zone {
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
