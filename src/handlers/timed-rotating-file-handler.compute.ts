/**
 * The calendar arithmetic of TimedRotatingFileHandler, kept free of I/O so it
 * can be compared with CPython 3.11 over a grid of inputs (see
 * test/rotation/timed-python-grid.test.ts). Times are whole seconds since the
 * epoch, as Python's `int(time.time())`; local time follows the process TZ
 * through the same zoneinfo reader the Formatter uses.
 */
import { localtime, gmtime, type StructTime } from '../internal/time/index.js';
import { ConfigError } from '../errors.js';

const MIDNIGHT = 24 * 60 * 60;

/** Time of day for `midnight`/`W0`–`W6` rollovers (Python's `atTime`, a `datetime.time`). */
export interface AtTime {
  hour: number;
  minute?: number;
  second?: number;
}

/** What `when` expands to (Python sets these attributes in `__init__`). */
export interface WhenSpec {
  /** Upper-cased `when`. */
  when: string;
  /** Seconds per unit (before multiplying by `interval`). */
  unit: number;
  /** strftime pattern appended to rotated files. */
  suffix: string;
  /** Pattern a rotated file's suffix part must match to count as one of ours. */
  extMatch: RegExp;
  /** 0 = Monday … 6 = Sunday for `W0`–`W6`, else -1. */
  dayOfWeek: number;
}

/**
 * Expand `when` (case-insensitive S, M, H, D, MIDNIGHT, W0–W6) as Python does.
 * Python's `$` also matches before a final newline, hence `\n?$`.
 * @throws ConfigError naming `when` for anything else.
 */
export function parseWhen(when: string): WhenSpec {
  const w = String(when).toUpperCase();
  const re = (body: string) => new RegExp(`^${body}(\\.\\w+)?\\n?$`);
  switch (w) {
    case 'S':
      return { when: w, unit: 1, suffix: '%Y-%m-%d_%H-%M-%S', extMatch: re('\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}'), dayOfWeek: -1 };
    case 'M':
      return { when: w, unit: 60, suffix: '%Y-%m-%d_%H-%M', extMatch: re('\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}'), dayOfWeek: -1 };
    case 'H':
      return { when: w, unit: 3600, suffix: '%Y-%m-%d_%H', extMatch: re('\\d{4}-\\d{2}-\\d{2}_\\d{2}'), dayOfWeek: -1 };
    case 'D':
    case 'MIDNIGHT':
      return { when: w, unit: MIDNIGHT, suffix: '%Y-%m-%d', extMatch: re('\\d{4}-\\d{2}-\\d{2}'), dayOfWeek: -1 };
  }
  if (w.startsWith('W')) {
    if (w.length !== 2) throw new ConfigError(`when: you must specify a day for weekly rollover from 0 to 6 (0 is Monday): ${w}`);
    if (w[1]! < '0' || w[1]! > '6') throw new ConfigError(`when: invalid day specified for weekly rollover: ${w}`);
    return { when: w, unit: 7 * MIDNIGHT, suffix: '%Y-%m-%d', extMatch: re('\\d{4}-\\d{2}-\\d{2}'), dayOfWeek: Number(w[1]) };
  }
  throw new ConfigError(`when: invalid rollover interval specified: ${w}`);
}

/**
 * Accept `{hour, minute, second}` or "HH:MM[:SS]" for `atTime`.
 * @throws ConfigError naming `atTime` when out of range.
 */
export function normalizeAtTime(at: AtTime | string | null | undefined): Required<AtTime> | null {
  if (at === null || at === undefined) return null;
  let t: Required<AtTime>;
  if (typeof at === 'string') {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(at.trim());
    if (!m) throw new ConfigError(`atTime: expected "HH:MM[:SS]", got ${JSON.stringify(at)}`);
    t = { hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0) };
  } else {
    t = { hour: at.hour, minute: at.minute ?? 0, second: at.second ?? 0 };
  }
  const ok = (v: number, hi: number) => Number.isInteger(v) && v >= 0 && v <= hi;
  if (!ok(t.hour, 23) || !ok(t.minute, 59) || !ok(t.second, 59)) throw new ConfigError(`atTime: out of range: ${JSON.stringify(at)}`);
  return t;
}

/** Inputs of {@link computeRolloverTime}: the handler's attributes. */
export interface RolloverParams {
  when: string;
  /** Seconds between rollovers (unit × interval). */
  interval: number;
  utc: boolean;
  atTime: Required<AtTime> | null;
  dayOfWeek: number;
}

const isdst = (t: number): number => localtime(t).tm_isdst;

/**
 * Python 3.11's `TimedRotatingFileHandler.computeRollover`: the next rollover
 * after `currentTime`. For S/M/H/D it is simply `currentTime + interval`; for
 * MIDNIGHT and W0–W6 it is the next `atTime` (midnight by default) — on the
 * right weekday for W, with Python's one-hour DST correction — and, as in
 * 3.11, `interval` does not stretch the first MIDNIGHT/W rollover.
 */
export function computeRolloverTime(currentTime: number, p: RolloverParams): number {
  let result = currentTime + p.interval;
  if (p.when !== 'MIDNIGHT' && !p.when.startsWith('W')) return result;
  const t: StructTime = p.utc ? gmtime(currentTime) : localtime(currentTime);
  let currentDay = t.tm_wday;
  const rotateTs = p.atTime === null ? MIDNIGHT : (p.atTime.hour * 60 + p.atTime.minute) * 60 + p.atTime.second;
  let r = rotateTs - ((t.tm_hour * 60 + t.tm_min) * 60 + t.tm_sec);
  if (r < 0) {
    r += MIDNIGHT;
    currentDay = (currentDay + 1) % 7;
  }
  result = currentTime + r;
  if (p.when.startsWith('W') && currentDay !== p.dayOfWeek) {
    const daysToWait = currentDay < p.dayOfWeek ? p.dayOfWeek - currentDay : 6 - currentDay + p.dayOfWeek + 1;
    let next = result + daysToWait * MIDNIGHT;
    if (!p.utc) {
      const dstNow = t.tm_isdst;
      if (dstNow !== isdst(next)) next += dstNow ? 3600 : -3600;
    }
    result = next;
  }
  return result;
}

/**
 * The time whose strftime names the file rotated at `rolloverAt` (the start of
 * the interval), corrected by an hour when DST changed since then, as
 * Python's `doRollover`.
 */
export function rolloverNameTime(rolloverAt: number, currentTime: number, p: RolloverParams): StructTime {
  const t = rolloverAt - p.interval;
  if (p.utc) return gmtime(t);
  const then = localtime(t);
  const dstNow = isdst(currentTime);
  if (dstNow === then.tm_isdst) return then;
  return localtime(t + (dstNow ? 3600 : -3600));
}

/**
 * The rollover after a rollover at `currentTime` (the tail of Python's
 * `doRollover`): `computed` (= computeRollover(currentTime)) pushed at least
 * one interval ahead, DST-corrected for MIDNIGHT/W.
 */
export function nextRolloverAfter(currentTime: number, computed: number, p: RolloverParams): number {
  let next = computed;
  while (next <= currentTime) next += p.interval;
  if ((p.when === 'MIDNIGHT' || p.when.startsWith('W')) && !p.utc) {
    const dstNow = isdst(currentTime);
    if (dstNow !== isdst(next)) next += dstNow ? 3600 : -3600;
  }
  return next;
}

/** Python's `os.path.splitext` on a base name: leading dots are not an extension. */
export function splitext(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [name, ''];
  let i = 0;
  while (i < dot && name[i] === '.') i++;
  if (i === dot) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

/**
 * Python 3.11's `getFilesToDelete` selection over a directory listing: names
 * that start with this handler's prefix and carry a suffix part matching
 * `extMatch`, sorted, all but the newest `backupCount`. `hasNamer` widens
 * the candidates as Python does for custom names (`app.2024-01-01.log`).
 */
export function selectFilesToDelete(fileNames: readonly string[], baseName: string, extMatch: RegExp, backupCount: number, hasNamer: boolean): string[] {
  const [n, e] = splitext(baseName);
  const prefix = n + '.';
  const plen = prefix.length;
  const result: string[] = [];
  for (const fileName of fileNames) {
    if (!hasNamer) {
      if (!fileName.startsWith(baseName)) continue;
    } else if (!fileName.startsWith(baseName) && fileName.endsWith(e) && fileName.length > plen + 1 && !/^\p{Nd}$/u.test(fileName[plen + 1]!)) {
      continue;
    }
    if (fileName.slice(0, plen) !== prefix) continue;
    const parts = fileName.slice(plen).split('.');
    if (parts.some((part) => extMatch.test(part))) result.push(fileName);
  }
  if (result.length < backupCount) return [];
  result.sort();
  return result.slice(0, result.length - backupCount);
}
