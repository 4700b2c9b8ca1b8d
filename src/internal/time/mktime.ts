// mktime (for %s), as glibc's __mktime_internal with localtime as the converter.
import { type CTm, CUM_DAYS, daysFromCivil, isLeap, newCTm } from './civil.js';
import { localInto } from './local-time.js';

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

export function mktime(tm: CTm): number {
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
