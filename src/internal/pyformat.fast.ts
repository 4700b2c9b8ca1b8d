// Generated fast paths for the formats logging sees on every record.
//
// The generic interpreter in pyformat.percent.ts walks a parsed program per
// call; for the common specs (%s, %-8s, %d, %03d) a function generated once
// per format is several times faster. Only specs whose Python semantics are
// trivially reproduced take the inline path; every other spec (and every
// value an inline spec cannot handle exactly, e.g. a float for %d beyond
// 2^53, a non-number for %d) is delegated to the generic interpreter, so
// results and errors are identical by construction.
import { F_MINUS, F_ZERO, NONE, type Item, type Spec } from './pyformat.program.js';
import { PyFormatError, cpLen, pyRepr, pyStr, intText } from './pyformat.values.js';

type Slow<V> = (spec: Spec, v: V) => string;

/** The inline form of one spec, or null when it must go to the generic path. */
function kindOf(spec: Spec): 's' | 'd' | null {
  if (spec.err !== null || spec.prec !== NONE || spec.width < NONE || spec.width > 4096) return null;
  if (spec.conv === 's' && (spec.flags & ~F_MINUS) === 0) return 's';
  if ((spec.conv === 'd' || spec.conv === 'i') && (spec.flags & ~F_ZERO) === 0) return 'd';
  return null;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** %s with optional width: strings as-is, other values through pyStr; pad by code points as Python. */
function fmtS(x: unknown, width: number, left: boolean): string {
  const s = typeof x === 'string' ? x : pyStr(x);
  if (width <= 0) return s;
  const n = s.length >= width && !SURROGATE.test(s) ? s.length : cpLen(s);
  if (n >= width) return s;
  return left ? s + ' '.repeat(width - n) : ' '.repeat(width - n) + s;
}

/** %d for safe integers (and finite numbers truncated to them); null means "ask the generic path". */
function fmtD(x: unknown, width: number, zero: boolean): string | null {
  if (typeof x !== 'number') return null;
  const t = Math.trunc(x);
  if (!Number.isSafeInteger(t)) return null;
  const s = intText(t === 0 ? 0 : t);
  if (width <= s.length) return s;
  if (!zero) return ' '.repeat(width - s.length) + s;
  return t < 0 ? '-' + s.slice(1).padStart(width - 1, '0') : s.padStart(width, '0');
}

const helpers = { fmtS, fmtD, PyFormatError, pyRepr };

function literal(s: string): string {
  return JSON.stringify(s);
}

/**
 * Fast path for `fmt % tuple` with exactly the right number of args and no
 * mapping keys or '*'. Returns null when the format does not qualify.
 */
export function makeTupleFast(items: Item[], slow: Slow<unknown>): { fn: (args: readonly unknown[]) => string; arity: number } | null {
  const parts: string[] = [];
  const specs: Spec[] = [];
  let arity = 0;
  for (const it of items) {
    if (typeof it === 'string') {
      parts.push(literal(it));
      continue;
    }
    if (it.key !== null || it.width < NONE || it.prec < NONE || it.err !== null) return null;
    const k = specs.length;
    specs.push(it);
    const a = `a[${arity++}]`;
    const kind = kindOf(it);
    if (kind === 's') parts.push(`h.fmtS(${a}, ${it.width}, ${(it.flags & F_MINUS) !== 0})`);
    else if (kind === 'd') parts.push(`(h.fmtD(${a}, ${it.width}, ${(it.flags & F_ZERO) !== 0}) ?? slow(specs[${k}], ${a}))`);
    else parts.push(`slow(specs[${k}], ${a})`);
  }
  if (arity === 0) return null;
  const body = `return function fastTuple(a) { return ${parts.length ? parts.join(' + ') : '""'}; };`;
  const fn = new Function('h', 'specs', 'slow', body)(helpers, specs, slow) as (args: readonly unknown[]) => string;
  return { fn, arity };
}

/**
 * Fast path for logging's mapping formats (`%(name)s`), looked up on the
 * record with `in` as the generic path does. Missing keys raise KeyError in
 * the same left-to-right order.
 */
export function makeMappingFast(items: Item[], slow: Slow<Record<string, unknown>>): ((values: Record<string, unknown>) => string) | null {
  const parts: string[] = [];
  const specs: Spec[] = [];
  for (const it of items) {
    if (typeof it === 'string') {
      parts.push(literal(it));
      continue;
    }
    if (it.key === null || it.key === undefined || it.err !== null || it.width < NONE || it.prec < NONE) return null;
    const k = specs.length;
    specs.push(it);
    const key = literal(it.key);
    const get = `(${key} in v ? v[${key}] : h.miss(${key}))`;
    const kind = kindOf(it);
    if (kind === 's') parts.push(`h.fmtS(${get}, ${it.width}, ${(it.flags & F_MINUS) !== 0})`);
    else if (kind === 'd') parts.push(`(h.fmtD(${get}, ${it.width}, ${(it.flags & F_ZERO) !== 0}) ?? slow(specs[${k}], v))`);
    else parts.push(`slow(specs[${k}], v)`);
  }
  const body = `return function fastMapping(v) { return ${parts.length ? parts.join(' + ') : '""'}; };`;
  const h = { ...helpers, miss: (key: string): never => { throw new PyFormatError('KeyError', pyRepr(key)); } };
  return new Function('h', 'specs', 'slow', body)(h, specs, slow) as (values: Record<string, unknown>) => string;
}
