// time.strftime as glibc's wcsftime in the C locale, plus CPython's own checks.
import { cpLen } from '../pyformat.values.js';
import { type CTm, type Converter, type StructTime, MAX_YEAR, MIN_YEAR, isLeap, newCTm } from './civil.js';
import { gmtime, localZone, localtime, zoneGeneration } from './local-time.js';
import { mktime } from './mktime.js';
import { isDigit } from './posix-tz.js';

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
