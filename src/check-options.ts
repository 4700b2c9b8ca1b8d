// Options objects are checked where they are given: a misspelled key
// (`maxSize` for `maxBytes`) or a value of the wrong type (`maxBytes: '10MB'`)
// is a ConfigError naming the key and what is accepted, at construction,
// instead of an option silently ignored for the life of the process.
import { ConfigError } from './errors.js';
import { pyRepr } from './internal/pyformat.js';

/** What a value may be; `undefined` and `null` always mean "the default". */
export type OptionKind = 'string' | 'integer' | 'number' | 'boolean' | 'function' | 'object' | 'array' | 'level' | 'any' | readonly string[];

/** The accepted keys of an options object and the kind of each. */
export type OptionSpec = Readonly<Record<string, OptionKind>>;

function describe(v: unknown): string {
  try {
    return `${pyRepr(v)} (${Array.isArray(v) ? 'array' : typeof v})`;
  } catch {
    return typeof v;
  }
}

function kindText(k: OptionKind): string {
  if (typeof k !== 'string') return `one of ${k.map((x) => JSON.stringify(x)).join(', ')}`;
  switch (k) {
    case 'integer':
      return 'an integer';
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    case 'level':
      return 'a level (a number or a level name)';
    default:
      return `a ${k}`;
  }
}

function fits(v: unknown, k: OptionKind): boolean {
  if (typeof k !== 'string') return typeof v === 'string' && k.includes(v);
  switch (k) {
    case 'any':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && !Number.isNaN(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'function':
      return typeof v === 'function';
    case 'object':
      return typeof v === 'object';
    case 'array':
      return Array.isArray(v);
    case 'level':
      return typeof v === 'number' || typeof v === 'string';
  }
}

/** The accepted key closest to a misspelled one (case, a typo or two), if any is close. */
function closest(key: string, accepted: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestD = 3;
  for (const a of accepted) {
    if (a.toLowerCase() === lower) return a;
    const d = distance(lower, a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Check an options object given to `owner` (a class name, for the message)
 * against `spec`: an unknown key or a value of the wrong kind throws a
 * ConfigError (code `ERR_LOGFLUME_OPTION`) naming the key and the accepted
 * keys or kind. `null`/`undefined` values are always accepted.
 *
 * @throws ConfigError
 */
export function checkOptions(owner: string, opts: object | null | undefined, spec: OptionSpec): void {
  if (opts === null || opts === undefined) return;
  if (typeof opts !== 'object') throw new ConfigError(`${owner}: options must be an object, got ${describe(opts)}`, { code: 'ERR_LOGFLUME_OPTION' });
  const accepted = Object.keys(spec);
  let keys: string[];
  try {
    keys = Object.keys(opts);
  } catch (e) {
    throw new ConfigError(`${owner}: the options object cannot be read (${e instanceof Error ? e.message : 'it threw'})`, { code: 'ERR_LOGFLUME_OPTION', cause: e });
  }
  for (const key of keys) {
    // own keys only: '__proto__', 'constructor' or 'toString' are unknown options, not Object.prototype's
    const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (kind === undefined) {
      const near = closest(key, accepted);
      throw new ConfigError(`${owner}: unknown option '${key}'${near !== null ? ` (did you mean '${near}'?)` : ''}; accepted options: ${accepted.join(', ')}`, { code: 'ERR_LOGFLUME_OPTION' });
    }
    const v = (opts as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (!fits(v, kind)) throw new ConfigError(`${owner}: option '${key}' must be ${kindText(kind)}, got ${describe(v)}`, { code: 'ERR_LOGFLUME_OPTION' });
  }
}
