/**
 * Errors across the queue's thread boundary. structuredClone would lose an
 * Error's own fields' order, its `cause` chain's class names and anything that
 * is not cloneable; JSON would turn it into `{}`. So an Error travels as a
 * marked plain object — type, constructor, message, stack, own enumerable
 * fields, `cause`, AggregateError `errors` — and is rebuilt in the worker as a
 * real Error of the same built-in class, so that `instanceof Error`, the
 * Formatter's exception text and JsonFormatter's `err` object come out as they
 * would in the logging thread.
 *
 * Bounds: a `cause`/`errors` nesting deeper than MAX_DEPTH travels as the text
 * '[Truncated]'; an Error met twice travels as '[Circular]' (what
 * JsonFormatter writes for it); a value JSON cannot hold (a cyclic plain
 * object, a throwing getter) travels as its printed text.
 */
import { pyStr } from '../../internal/pyformat.js';

/** The key that marks a serialized Error. */
const MARK = '$logflume.error';
/** Deepest cause/errors nesting carried. */
export const MAX_DEPTH = 32;

/** Built-in Error classes rebuilt as themselves (others become Error with the same name). */
const BUILTINS: Record<string, ErrorConstructor | AggregateErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
};

interface WireError {
  [MARK]: 1;
  ctor: string;
  name: unknown;
  message: unknown;
  stack?: string;
  props: Record<string, unknown>;
  cause?: unknown;
  hasCause: boolean;
  errors?: unknown[];
}

function get(o: object, k: string): unknown {
  try {
    return (o as Record<string, unknown>)[k];
  } catch (e) {
    return `[Thrown: ${printable(e)}]`;
  }
}

function printable(v: unknown): string {
  try {
    return v instanceof Error ? `${String(v.name)}: ${String(v.message)}` : pyStr(v);
  } catch {
    return '<unprintable>';
  }
}

/** A JSON-safe copy of `v`, Errors (at any depth) marked for rebuilding. Never throws. */
export function toWire(v: unknown, seen: Set<unknown> = new Set(), depth = 0): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
  if (depth > MAX_DEPTH) return '[Truncated]';
  if (v instanceof Error) {
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    const props: Record<string, unknown> = {};
    let keys: string[] = [];
    try {
      keys = Object.keys(v);
    } catch {
      /* a hostile proxy: no fields */
    }
    for (const k of keys) if (k !== 'cause' && k !== 'errors') props[k] = toWire(get(v, k), seen, depth + 1);
    const stack = get(v, 'stack');
    let hasCause = false;
    try {
      hasCause = 'cause' in v;
    } catch {
      /* see above */
    }
    const out: WireError = { [MARK]: 1, ctor: ctorName(v), name: get(v, 'name'), message: get(v, 'message'), props, hasCause };
    if (typeof stack === 'string') out.stack = stack;
    if (hasCause) out.cause = toWire(get(v, 'cause'), seen, depth + 1);
    if (v instanceof AggregateError) {
      const errs = get(v, 'errors');
      if (Array.isArray(errs)) out.errors = errs.map((e) => toWire(e, seen, depth + 1));
    }
    return out;
  }
  try {
    // plain data: JSON's own rules (toJSON, Dates), checked for cycles and getters that throw
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Map ? Object.fromEntries(x) : x instanceof Set ? [...x] : x));
    if (!containsError(v, 0)) return s === undefined ? undefined : JSON.parse(s);
  } catch {
    return printable(v);
  }
  // an object holding Errors: walk it so they are marked too
  if (Array.isArray(v)) return v.map((x) => toWire(x, seen, depth + 1));
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) o[k] = toWire(get(v, k), seen, depth + 1);
  return o;
}

function containsError(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return false;
  if (v instanceof Error) return true;
  for (const k of Object.keys(v)) if (containsError((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

function ctorName(e: Error): string {
  try {
    for (let p = Object.getPrototypeOf(e) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
      const c = (p as { constructor?: unknown }).constructor;
      if (typeof c === 'function' && BUILTINS[c.name] === c) return c.name;
    }
  } catch {
    /* a hostile proxy */
  }
  return 'Error';
}

/** Rebuild what toWire() produced: marked objects become Errors again. */
export function fromWire(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(fromWire);
  const o = v as Record<string, unknown>;
  if (o[MARK] === 1) return rebuild(o as unknown as WireError);
  for (const k of Object.keys(o)) o[k] = fromWire(o[k]);
  return o;
}

/** True when `v` (a decoded value) holds a marked Error at its top level. */
export function isWireError(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[MARK] === 1;
}

function rebuild(w: WireError): Error {
  const C = BUILTINS[w.ctor] ?? Error;
  const message = typeof w.message === 'string' ? w.message : String(w.message);
  const e: Error = C === AggregateError ? new AggregateError((w.errors ?? []).map(fromWire), message) : new (C as ErrorConstructor)(message);
  if (!('name' in w.props) && w.name !== (C.prototype as Error).name) Object.defineProperty(e, 'name', { value: w.name, writable: true, configurable: true, enumerable: false });
  if (typeof w.message !== 'string') Object.defineProperty(e, 'message', { value: w.message, writable: true, configurable: true, enumerable: false });
  if (w.stack !== undefined) e.stack = w.stack;
  else delete (e as { stack?: string }).stack;
  for (const k of Object.keys(w.props)) (e as unknown as Record<string, unknown>)[k] = fromWire(w.props[k]);
  if (w.hasCause) Object.defineProperty(e, 'cause', { value: fromWire(w.cause), writable: true, configurable: true, enumerable: false });
  return e;
}
