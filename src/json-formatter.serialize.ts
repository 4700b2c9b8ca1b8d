/**
 * JSON serialisation for JsonFormatter: native JSON.stringify with a small
 * replacer (Errors, BigInt, Map, Set), and a slower fallback that survives
 * circular references, throwing getters and absurd depth. The fast path never
 * copies the value; the fallback builds a pruned copy only for the record that
 * needed it.
 */
import { intText } from './internal/pyformat.values.js';
import { isError } from './internal/exc-format.js';
import { isRequestLike, isResponseLike, serializeRequest, serializeResponse } from './internal/http-serialize.js';

/** Plain-object view of an Error: type, message, stack, code, cause chain, AggregateError members, own fields. */
export function errorToJson(err: Error, seen: Set<unknown> = new Set()): Record<string, unknown> {
  seen.add(err);
  const out: Record<string, unknown> = { type: errorType(err), message: safeGet(err, 'message') };
  const stack = safeGet(err, 'stack');
  if (typeof stack === 'string') out.stack = stack;
  for (const k of Object.keys(err)) {
    if (k === 'cause' || k === 'errors' || k in out) continue;
    out[k] = safeGet(err, k);
  }
  const cause = safeGet(err, 'cause');
  if (cause !== undefined) out.cause = isError(cause) ? (seen.has(cause) ? '[Circular]' : errorToJson(cause, seen)) : cause;
  if (err instanceof AggregateError && Array.isArray(err.errors)) {
    out.errors = err.errors.map((e: unknown) => (isError(e) ? (seen.has(e) ? '[Circular]' : errorToJson(e, seen)) : e));
  }
  return out;
}

function errorType(err: Error): string {
  const n = safeGet(err, 'name');
  if (typeof n === 'string' && n.length > 0) return n;
  return err.constructor?.name ?? 'Error';
}

function safeGet(o: object, k: string): unknown {
  try {
    return (o as Record<string, unknown>)[k];
  } catch (e) {
    return `[Thrown: ${describe(e)}]`;
  }
}

function describe(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    return 'unprintable';
  }
}

/** JSON.stringify replacer: Errors as objects, BigInt as a decimal string, Map as an object, Set as an array. */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'object' && v !== null) {
    if (isError(v)) return errorToJson(v);
    if (v instanceof Map) return mapToObject(v);
    if (v instanceof Set) return [...v];
    // an HTTP request/response under any key: a summary, never sockets and internals
    if ((v as { headers?: unknown }).headers !== undefined && isRequestLike(v)) return serializeRequest(v);
    if ((v as { statusCode?: unknown }).statusCode !== undefined && isResponseLike(v)) return serializeResponse(v);
    return v;
  }
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function mapToObject(m: Map<unknown, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, val] of m) o[typeof k === 'string' ? k : String(k)] = val;
  return o;
}

/**
 * JSON text of one top-level field value, or undefined to leave the key out
 * (undefined, functions, symbols — as JSON.stringify does). Primitives are
 * written directly; objects go through native JSON.stringify with the
 * replacer, and only a value that makes that throw (a cycle, a throwing
 * getter or toJSON) is pruned, so one bad value never costs the others.
 */
/** Characters JSON.stringify would escape (quote, backslash, controls, lone surrogates — and U+2028/9 for safety). */
export const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

export function valueJson(v: unknown, maxDepth: number, maxLength = Infinity): string | undefined {
  switch (typeof v) {
    case 'string':
      if (v.length > maxLength) return JSON.stringify(truncated(v, maxLength));
      // most values need no escaping: skip JSON.stringify's scan-and-copy for them
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
    case 'number':
      // intText, not String: see there (V8's number-string cache and scavenge cost)
      return Number.isFinite(v) ? intText(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `"${v.toString()}"`;
    case 'object': {
      if (v === null) return 'null';
      let j: string | undefined;
      try {
        // plain data (what serializers and most extras are) is written without the replacer
        j = objectJson(v, 0);
      } catch {
        j = JSON.stringify(prune(v, [], maxDepth - 1));
      }
      return j !== undefined && j.length > maxLength ? JSON.stringify(truncated(j, maxLength)) : j;
    }
    default:
      return undefined;
  }
}

/** Levels written here before a subtree is left to JSON.stringify with the replacer. */
const PLAIN_DEPTH = 8;

/**
 * JSON text of an object, written here while it is plain data (objects with
 * Object.prototype or no prototype, arrays), each value read once; any other
 * object below (Error, Map, Set, Date, a request or response, anything with
 * toJSON) and anything deeper than PLAIN_DEPTH goes to JSON.stringify with
 * jsonReplacer, as the whole value used to. The replacer takes V8 off its
 * fast serialiser (a call into JS per key), which made the request logger's
 * records about a third more expensive. Throws what JSON.stringify would (a
 * cycle below PLAIN_DEPTH, a throwing getter); the caller prunes then.
 */
function objectJson(v: object, depth: number): string | undefined {
  if (depth > PLAIN_DEPTH) return JSON.stringify(v, jsonReplacer);
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return JSON.stringify(v, jsonReplacer);
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      s += memberJson(v[i], depth) ?? 'null';
    }
    return s + ']';
  }
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in v || 'socket' in v || 'raw' in v || 'getHeaders' in v) return JSON.stringify(v, jsonReplacer);
  let s = '{';
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const j = memberJson((v as Record<string, unknown>)[k], depth);
    if (j === undefined) continue;
    if (s.length > 1) s += ',';
    s += keyJson(k) + j;
  }
  return s + '}';
}

function memberJson(x: unknown, depth: number): string | undefined {
  switch (typeof x) {
    case 'string':
      return NEEDS_ESCAPE.test(x) ? JSON.stringify(x) : '"' + x + '"';
    case 'number':
      return Number.isFinite(x) ? intText(x) : 'null';
    case 'boolean':
      return x ? 'true' : 'false';
    case 'bigint':
      return `"${x.toString()}"`;
    case 'object':
      return x === null ? 'null' : objectJson(x, depth + 1);
    default:
      return undefined; // undefined, function, symbol: left out (null in an array), as JSON.stringify does
  }
}

/** Default bound of one extra field's JSON text (JsonFormatter `maxFieldLength`): 16 KiB characters. */
export const DEFAULT_MAX_FIELD_LENGTH = 16384;

/** A too-long value as a string: its first `max` characters of text and how long it was. */
function truncated(text: string, max: number): string {
  return `${text.slice(0, Math.max(0, max - 40))}…[truncated, ${text.length} chars]`;
}

const keyCache = new Map<string, string>();
/** `"key":` for a key; memoised for up to 4096 distinct keys (then computed each time). */
export function keyJson(k: string): string {
  let j = keyCache.get(k);
  if (j === undefined) {
    j = JSON.stringify(k) + ':';
    if (keyCache.size < 4096) keyCache.set(k, j);
  }
  return j;
}

/** One JSON object line from a flat object of fields (see valueJson). */
export function objectLine(out: Record<string, unknown>, maxDepth: number): string {
  let s = '{';
  for (const k in out) {
    const j = valueJson(out[k], maxDepth);
    if (j === undefined) continue;
    if (s.length > 1) s += ',';
    s += keyJson(k) + j;
  }
  return s + '}';
}

/**
 * A pruned copy of a value that native JSON.stringify rejected: repeated
 * ancestors become "[Circular]", objects deeper than `depth` become
 * "[Object]"/"[Array]", values that throw become "[Thrown: …]".
 */
function prune(v: unknown, ancestors: unknown[], depth: number): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object' || v === null) return v;
  if (ancestors.includes(v)) return '[Circular]';
  if (depth < 0) return Array.isArray(v) ? '[Array]' : '[Object]';
  let val: unknown = v;
  try {
    if (isError(v)) val = errorToJson(v);
    else if (isRequestLike(v)) val = serializeRequest(v);
    else if (isResponseLike(v)) val = serializeResponse(v);
    else if (v instanceof Map) val = mapToObject(v);
    else if (v instanceof Set) val = [...v];
    else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      val = (v as { toJSON(): unknown }).toJSON();
      if (typeof val !== 'object' || val === null) return prune(val, ancestors, depth);
    }
  } catch (e) {
    return `[Thrown: ${describe(e)}]`;
  }
  ancestors.push(v);
  try {
    if (Array.isArray(val)) return val.map((x) => prune(x, ancestors, depth - 1));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(val as object)) {
      let x: unknown;
      try {
        x = (val as Record<string, unknown>)[k];
      } catch (e) {
        x = `[Thrown: ${describe(e)}]`;
      }
      out[k] = x === v ? '[Circular]' : prune(x, ancestors, depth - 1);
    }
    return out;
  } finally {
    ancestors.pop();
  }
}
