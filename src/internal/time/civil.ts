// Calendar arithmetic (proleptic Gregorian, any year, no Date objects) and the
// C-level broken-down time shared by localtime, mktime and strftime.

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

export const DAY = 86400;
const TWO53 = 2 ** 53;
export const CUM_DAYS: readonly (readonly number[])[] = [
  [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
  [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
];

export function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** Days from 1970-01-01 to year-month(1-12)-day. */
export function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** C-level broken-down time (tm_year as a full year, months 0-11, wday 0=Sunday). */
export interface CTm {
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

export const MIN_YEAR = -2147483648 + 1900;
export const MAX_YEAR = 2147483647 + 1900;
const TIME_T_LIMIT = 2 ** 63;

/** Fill y/m/d/h/m/s/wday/yday of `out` from integer seconds `t` (UTC-based wall clock). */
export function fillFields(out: CTm, t: number): void {
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

export function newCTm(): CTm {
  return { year: 1970, mon: 0, mday: 1, hour: 0, min: 0, sec: 0, wday: 4, yday: 0, isdst: 0, gmtoff: 0, zone: 'UTC' };
}

/** Python's conversion of a float timestamp to time_t: floor toward -inf, errors as Python. */
export function toTimeT(secs: number): number {
  if (typeof secs !== 'number') throw new TypeError(`'${typeof secs}' object cannot be interpreted as a timestamp`);
  if (Number.isNaN(secs)) throw new RangeError('Invalid value NaN (not a number)');
  const t = Math.floor(secs);
  if (!(t >= -TIME_T_LIMIT && t < TIME_T_LIMIT)) throw new RangeError('timestamp out of range for platform time_t');
  return t;
}

export function toStruct(tm: CTm): StructTime {
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
