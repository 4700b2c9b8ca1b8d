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
    if (w.length !== 2) throw new ConfigError(`when: You must specify a day for weekly rollover from 0 to 6 (0 is Monday): ${w}`);
    if (w[1]! < '0' || w[1]! > '6') throw new ConfigError(`when: Invalid day specified for weekly rollover: ${w}`);
    return { when: w, unit: 7 * MIDNIGHT, suffix: '%Y-%m-%d', extMatch: re('\\d{4}-\\d{2}-\\d{2}'), dayOfWeek: Number(w[1]) };
  }
  throw new ConfigError(`when: Invalid rollover interval specified: ${w}`);
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

/** Whole days and seconds of `t` as local (or UTC) civil time: [days since 1970-01-01 of the civil date, seconds into that day, weekday 0 = Monday]. */
function civilOf(t: number, utc: boolean): [number, number, number] {
  const s = utc ? gmtime(t) : localtime(t);
  return [Math.floor((t + s.tm_gmtoff) / MIDNIGHT), (s.tm_hour * 60 + s.tm_min) * 60 + s.tm_sec, s.tm_wday];
}

const offsetAt = (t: number): number => localtime(t).tm_gmtoff;

/**
 * The instant at which the local wall clock reads `wall` (seconds since 1970-01-01 of a
 * civil date-time, as if it were UTC), resolved as PEP 495's `fold=0` (Python's
 * `datetime(..., tzinfo=ZoneInfo(...)).timestamp()`): an ambiguous time (a DST fall-back
 * hour) is its first occurrence; a time inside a gap (spring forward) is read with the
 * offset in force before the gap, so 02:30 on a day that skips 02:00–03:00 becomes 03:30.
 * Assumes offset changes at least a day apart, as every tzdata zone has them.
 */
export function localWallToEpoch(wall: number, utc: boolean): number {
  if (utc) return wall;
  const guess = wall - offsetAt(wall);
  let best = Infinity;
  let earliest = Infinity;
  for (const probe of [guess - MIDNIGHT, guess, guess + MIDNIGHT]) {
    const o = offsetAt(probe);
    const t = wall - o;
    if (t < earliest) earliest = t;
    if (offsetAt(t) === o && t < best) best = t;
  }
  if (best !== Infinity) return best;
  // In a gap: the offset just before it applies.
  return wall - offsetAt(earliest - 1);
}

/**
 * The next rollover strictly after `currentTime` (CPython's behaviour since gh-88352,
 * not 3.11's; see docs/python-mapping.md). S/M/H/D: `currentTime + interval` (elapsed
 * seconds). MIDNIGHT/W0–W6: the first `atTime` (midnight by default) after
 * `currentTime` — on the right weekday for W — then `interval − 1` more days (weeks),
 * counted on the wall clock of the local zone (or UTC) so that a 23- or 25-hour day
 * still rolls at the wall-clock boundary.
 */
export function computeRolloverTime(currentTime: number, p: RolloverParams): number {
  if (p.when !== 'MIDNIGHT' && !p.when.startsWith('W')) return currentTime + p.interval;
  // Without atTime the boundary is the end of the day (Python's rotate_ts = 86400), so
  // W0 rolls at the midnight that ends Monday; with atTime 00:00 it is the one starting it.
  const at = p.atTime === null ? MIDNIGHT : (p.atTime.hour * 60 + p.atTime.minute) * 60 + p.atTime.second;
  const [today, , wday] = civilOf(currentTime, p.utc);
  const weekly = p.when.startsWith('W');
  const extra = Math.max(0, Math.round(p.interval / (weekly ? 7 * MIDNIGHT : MIDNIGHT)) - 1) * (weekly ? 7 : 1);
  // Day 0 = today; the boundary of day d is the wall time d days on at `at`.
  for (let d = 0; d < 16; d++) {
    if (weekly && (wday + d) % 7 !== p.dayOfWeek) continue;
    const t = localWallToEpoch((today + d) * MIDNIGHT + at, p.utc);
    if (t > currentTime) return extra === 0 ? t : localWallToEpoch((today + d + extra) * MIDNIGHT + at, p.utc);
  }
  /* c8 ignore next */
  return currentTime + p.interval;
}

/**
 * The time whose strftime names the file rotated at `rolloverAt`: the start of the
 * interval that ends there. S/M/H/D: `rolloverAt − interval` in elapsed seconds, shown
 * in local time without 3.11's one-hour "DST correction" (which named two hours alike).
 * MIDNIGHT/W: the wall-clock boundary one interval (in days) before `rolloverAt`.
 */
export function rolloverNameTime(rolloverAt: number, p: RolloverParams): StructTime {
  const conv = p.utc ? gmtime : localtime;
  if (p.when !== 'MIDNIGHT' && !p.when.startsWith('W')) return conv(rolloverAt - p.interval);
  const [day, secs] = civilOf(rolloverAt, p.utc);
  const days = Math.max(1, Math.round(p.interval / MIDNIGHT));
  return conv(localWallToEpoch((day - days) * MIDNIGHT + secs, p.utc));
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
