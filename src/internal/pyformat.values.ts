// Value-level helpers shared by every part of the Python formatting engine:
// the error type, logflume's str()/repr() rules, Python type names for error
// messages, and code-point aware string measuring (Python counts code points,
// JS counts UTF-16 units).
import { inspect, types } from 'node:util';

/**
 * Python TypeError/ValueError/KeyError/IndexError/OverflowError/AttributeError/MemoryError analogues. A single class (instead of
 * three) keeps `instanceof` checks cheap for callers such as Handler.handleError,
 * while `pyType` preserves which Python exception a Python user would have
 * seen; `message` is Python's exact message text so logs read the same.
 */
/**
 * Two huge padded fields can exceed V8's string limit even when each is
 * allowed; Python would raise MemoryError. Report it as a format error.
 */
export function lengthError(e: unknown): unknown {
  return e instanceof RangeError ? new PyFormatError('MemoryError', 'formatted string too long') : e;
}

export type PyErrorType = 'TypeError' | 'ValueError' | 'KeyError' | 'IndexError' | 'OverflowError' | 'AttributeError' | 'MemoryError';

export class PyFormatError extends Error {
  readonly pyType: PyErrorType;
  constructor(pyType: PyErrorType, message: string) {
    super(message);
    this.name = 'PyFormatError';
    this.pyType = pyType;
  }
}

/**
 * Shape of a compiled format. Formatters keep one of these per format string
 * so the hot path (one render per log record) never parses anything.
 */
export interface CompiledFormat {
  /** field names referenced, in order of first use (used e.g. to know whether 'asctime' or caller-info fields are needed) */
  readonly fields: readonly string[];
  /** render with a lookup; `get(name)` returns the value or undefined when missing; missing (undefined from get AND not a key) must raise PyFormatError('KeyError', "'name'") like Python — so take `has`-semantics: render(values: Record<string, unknown>) where missing means !(name in values). */
  render(values: Record<string, unknown>): string;
}

// Single-line, depth-bounded and circular-safe: a log line must never explode
// into many lines or recurse forever because someone logged a big object.
const INSPECT_OPTS = { depth: 4, breakLength: Infinity, compact: true } as const;

const objToString = Object.prototype.toString;
const arrToString = Array.prototype.toString;

/**
 * str() of a JS value under logflume's rule: JS values render the JS way. string → itself; number/bigint/boolean/undefined/null/symbol → String(v); Error → String(err) ("Error: msg"); an object whose toString is not Object.prototype.toString (own or inherited, e.g. Date, a class with toString) → its toString() result (exceptions propagate); arrays, plain objects, Map, Set, everything else → util.inspect(v, { depth: 4, breakLength: Infinity, compact: true }) (single line, circular-safe).
 *
 * Array-likes (typed arrays, Buffers) count as arrays: their inherited
 * toString would print "1,2,3" or decoded bytes, which hides what was logged.
 */
const D1: string[] = [];
const D2: string[] = [];
for (let i = 0; i < 10; i++) D1.push(String.fromCharCode(48 + i));
for (let i = 0; i < 100; i++) D2.push(D1[(i / 10) | 0]! + D1[i % 10]!);

/**
 * String(n), built from digit pairs for integers below 1e8 in magnitude. V8's
 * String(n) keeps each result in its number-to-string cache (≈ 16 k entries),
 * so a log of distinct numbers leaves ≈ 400 KB of young strings alive at every
 * scavenge; copying them made each scavenge ≈ 1 ms instead of ≈ 0.2 ms, a
 * visible event-loop stall under load. The pairs are shared constants and the
 * short concatenations are copied flat, so nothing outlives the record.
 */
export function intText(n: number): string {
  if (n < 0) return n > -1e8 && Number.isInteger(n) ? '-' + intText(-n) : String(n);
  if (!(n < 1e8) || !Number.isInteger(n)) return String(n);
  if (n < 100) return n < 10 ? D1[n]! : D2[n]!;
  if (n < 10000) {
    const q = (n / 100) | 0;
    return (q < 10 ? D1[q]! : D2[q]!) + D2[n - q * 100]!;
  }
  if (n < 1e6) {
    const a = (n / 10000) | 0;
    const m = n - a * 10000;
    const b = (m / 100) | 0;
    return (a < 10 ? D1[a]! : D2[a]!) + D2[b]! + D2[m - b * 100]!;
  }
  const a = (n / 1e6) | 0;
  let m = n - a * 1e6;
  const b = (m / 10000) | 0;
  m -= b * 10000;
  const c = (m / 100) | 0;
  return (a < 10 ? D1[a]! : D2[a]!) + D2[b]! + D2[c]! + D2[m - c * 100]!;
}

export function pyStr(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return intText(v);
    case 'bigint':
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(v);
    case 'object': {
      if (v === null) return 'null';
      if (v instanceof Error || types.isNativeError(v)) return String(v);
      if (Array.isArray(v) || ArrayBuffer.isView(v)) return inspect(v, INSPECT_OPTS);
      const ts = (v as { toString?: unknown }).toString;
      if (typeof ts === 'function' && ts !== objToString && ts !== arrToString) {
        return String(ts.call(v));
      }
      return inspect(v, INSPECT_OPTS);
    }
    default:
      return inspect(v, INSPECT_OPTS);
  }
}

/**
 * repr(): util.inspect with the same options (strings come out single-quoted like Python's repr).
 * `%r`/`!r` exist to make types visible (a string vs a number), which the JS
 * str() rule hides and util.inspect shows.
 */
export function pyRepr(v: unknown): string {
  return inspect(v, INSPECT_OPTS);
}

/** Python's ascii(): repr with every non-ASCII code point escaped, so `%a`/`!a` output is 7-bit clean. */
export function pyAscii(v: unknown): string {
  const r = pyRepr(v);
   
  if (!/[^\x00-\x7f]/.test(r)) return r;
  let out = '';
  for (const ch of r) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out;
}

/** True for values that Python code would see as a dict (plain objects and Maps), so `%(key)s` can look them up. */
export function isMapping(v: unknown): v is Record<string, unknown> | Map<unknown, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  try {
    if (v instanceof Map) return true;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  } catch {
    return false; // a revoked Proxy is a value, not a mapping
  }
}

/**
 * Python's type name for a JS value. Error messages quote it ("not str"), so
 * logs read like Python's while still naming JS classes for class instances.
 */
export function pyTypeName(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'NoneType';
    case 'symbol':
      return 'symbol';
    case 'function':
      return 'function';
    default: {
      if (v === null) return 'NoneType';
      if (Array.isArray(v)) return 'list';
      if (v instanceof Map) return 'dict';
      if (v instanceof Set) return 'set';
      const proto = Object.getPrototypeOf(v);
      if (proto === null || proto === Object.prototype) return 'dict';
      const ctor = proto.constructor;
      return typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
    }
  }
}

/** Length in code points: Python measures widths and precisions that way, and emoji must pad the same. */
export function cpLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** First `n` code points of `s` (Python's `%.3s` / `{:.3}` truncation never splits a surrogate pair). */
export function cpSlice(s: string, n: number): string {
  if (n >= s.length) return s;
  let i = 0;
  let k = 0;
  while (k < n && i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      i += d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    } else {
      i++;
    }
    k++;
  }
  return s.slice(0, i);
}

// V8's maximum string length on 64-bit; beyond it String.prototype.repeat throws
// a RangeError, which must surface as a PyFormatError (Python would raise MemoryError).
const MAX_STRING = 0x1fffffe8;

/** `fill` repeated `n` times, failing as a PyFormatError rather than a RangeError for absurd widths. */
export function fillOf(fill: string, n: number): string {
  if (n <= 0) return '';
  if (n === 1) return fill;
  if (n * fill.length > MAX_STRING) throw new PyFormatError('ValueError', 'width too big');
  return fill.repeat(n);
}
