import { LevelError } from './errors.js';
import { pyRepr } from './internal/pyformat.js';

/** Python's numeric levels. */
export const NOTSET = 0;
export const DEBUG = 10;
export const INFO = 20;
export const WARNING = 30;
/** Alias kept for Python compatibility (`logging.WARN`). */
export const WARN = WARNING;
export const ERROR = 40;
export const CRITICAL = 50;
/** Alias kept for Python compatibility (`logging.FATAL`). */
export const FATAL = CRITICAL;

/** A level as accepted everywhere: a number, or a registered name ('INFO'). */
export type Level = number | string;

const levelToName = new Map<number, string>([
  [CRITICAL, 'CRITICAL'],
  [ERROR, 'ERROR'],
  [WARNING, 'WARNING'],
  [INFO, 'INFO'],
  [DEBUG, 'DEBUG'],
  [NOTSET, 'NOTSET'],
]);
const nameToLevel = new Map<string, number>([
  ['CRITICAL', CRITICAL],
  ['FATAL', FATAL],
  ['ERROR', ERROR],
  ['WARN', WARNING],
  ['WARNING', WARNING],
  ['INFO', INFO],
  ['DEBUG', DEBUG],
  ['NOTSET', NOTSET],
]);

// Upper-cased names, so 'info', 'Warn' and a custom 'trace' are found however they are written.
const foldedToLevel = new Map<string, number>();
function refold(): void {
  foldedToLevel.clear();
  for (const [name, level] of nameToLevel) foldedToLevel.set(name.toUpperCase(), level);
}
refold();

/** Associate `levelName` with `level` in both directions (Python's `addLevelName`). */
export function addLevelName(level: number, levelName: string): void {
  levelToName.set(level, levelName);
  nameToLevel.set(levelName, level);
  foldedToLevel.set(String(levelName).toUpperCase(), level);
}

/**
 * The number for a level name as Node developers write it: exact first (Python),
 * then case-insensitively ('info', 'Warn', 'fatal'), ignoring surrounding
 * whitespace (`LOG_LEVEL=info\n`), and a decimal integer string ('20') as that
 * number. undefined when the name is unknown.
 */
export function levelFromName(name: string): number | undefined {
  const exact = nameToLevel.get(name);
  if (exact !== undefined) return exact;
  const t = name.trim();
  const folded = foldedToLevel.get(t.toUpperCase());
  if (folded !== undefined) return folded;
  if (/^[+-]?\d{1,15}$/.test(t)) return Number(t);
  return undefined;
}

/**
 * Python's `getLevelName`: a number gives its name (or `"Level N"`), a registered
 * name gives its number, an unknown name gives `"Level NAME"`.
 */
export function getLevelName(level: number): string;
export function getLevelName(level: string): number | string;
export function getLevelName(level: number | string): number | string;
export function getLevelName(level: number | string): number | string {
  if (typeof level === 'number') {
    const n = levelToName.get(level);
    return n !== undefined ? n : `Level ${level}`;
  }
  const v = nameToLevel.get(level);
  return v !== undefined ? v : `Level ${level}`;
}

/** Name → number map, as Python's `getLevelNamesMapping()` (a copy). */
export function getLevelNamesMapping(): Record<string, number> {
  return Object.fromEntries(nameToLevel);
}

/** Fast name lookup used on the record-creation path. */
export function levelNameOf(level: number): string {
  const n = levelToName.get(level);
  return n !== undefined ? n : `Level ${level}`;
}

/**
 * Turn a level given as a number or a registered name into a number
 * (Python's `_checkLevel`). Throws {@link LevelError} for anything else.
 */
export function checkLevel(level: unknown): number {
  if (typeof level === 'number') {
    if (!Number.isInteger(level)) throw new LevelError(`Level not an integer or a valid string: ${safeRepr(level)}`);
    return level;
  }
  if (typeof level === 'string') {
    const v = levelFromName(level);
    if (v === undefined) throw new LevelError(`Unknown level: '${level}' (known levels: ${knownNames()}; names are case-insensitive)`);
    return v;
  }
  throw new LevelError(`Level not an integer or a valid string: ${safeRepr(level)}`);
}

function knownNames(): string {
  return [...new Set(nameToLevel.keys())].join(', ');
}

/** Python's `%r` of the value, as logflume renders it (util.inspect), never throwing. */
function safeRepr(v: unknown): string {
  try {
    return pyRepr(v);
  } catch {
    try {
      return Object.prototype.toString.call(v);
    } catch {
      return '<unprintable value>';
    }
  }
}

/** @internal snapshot for test isolation (resetLogging). */
export function snapshotLevelNames(): () => void {
  const a = new Map(levelToName);
  const b = new Map(nameToLevel);
  return () => {
    levelToName.clear();
    for (const [k, v] of a) levelToName.set(k, v);
    nameToLevel.clear();
    for (const [k, v] of b) nameToLevel.set(k, v);
    refold();
  };
}
