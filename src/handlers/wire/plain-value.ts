/**
 * Record values as plain data: what every wire encoder (pickle, JSON, the
 * compact frame) accepts. Its own module so that the encoders need not import
 * one another (record-dict → compact-record → json-record stays acyclic).
 */
import { pyStr } from '../../internal/pyformat.js';

/** Convert a value to something both encoders accept; anything else becomes its str(). */
export function plain(v: unknown, depth: number): unknown {
  if (v === null || v === undefined) return null;
  const t = typeof v;
  if (t === 'string' || t === 'boolean' || t === 'bigint') return v;
  if (t === 'number') return v;
  if (t === 'object' && depth < 16) {
    if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
    if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v as object)) o[k] = plain((v as Record<string, unknown>)[k], depth + 1);
      return o;
    }
    if (v instanceof Map) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v) o[String(k)] = plain(x, depth + 1);
      return o;
    }
  }
  try {
    return pyStr(v);
  } catch {
    return '<unprintable>';
  }
}

/** A non-primitive record value as recordToDict puts it in the dict (plain data, else its str()). */
export function plainValue(v: unknown): unknown {
  return plain(v, 0);
}

