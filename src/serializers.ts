/**
 * Standard serializers (pino's `stdSerializers` shape): `req`, `res` and
 * `err` become small plain objects instead of a dump of sockets and
 * internals. JsonFormatter applies them by field name (`serializers`
 * option, or the global set from `registerSerializer`) and recognises HTTP
 * request and response objects under any name. Detection is duck-typed, so
 * the core never loads `node:http`.
 */
import { errorToJson } from './json-formatter.serialize.js';

import { serializeRequest, serializeResponse } from './internal/http-serialize.js';
export { serializeRequest, serializeResponse, isRequestLike, isResponseLike, cleanHeaders, SENSITIVE_HEADERS, MAX_HEADER_LENGTH, type HttpSerializerOptions } from './internal/http-serialize.js';

/** Turns one field value into what is written. Must not throw (a throw is caught and written as `[Thrown: …]`). */
export type Serializer = (value: unknown) => unknown;

/** An Error as `{ type, message, stack, code?, cause? … }`; other values unchanged. */
export function serializeErr(err: unknown): unknown {
  return err instanceof Error ? errorToJson(err) : err;
}

/** The standard serializers by field name. */
export const stdSerializers: Readonly<{ req: Serializer; res: Serializer; err: Serializer }> = Object.freeze({
  req: (v: unknown) => serializeRequest(v),
  res: (v: unknown) => serializeResponse(v),
  err: serializeErr,
});

const globalSerializers = new Map<string, Serializer>();

/**
 * Register a serializer for a field name in every JsonFormatter that has no
 * `serializers` option of its own (pass null to remove it).
 */
export function registerSerializer(field: string, fn: Serializer | null): void {
  if (fn === null) globalSerializers.delete(field);
  else if (typeof fn === 'function') globalSerializers.set(field, fn);
  else throw new TypeError(`registerSerializer: the serializer for ${JSON.stringify(field)} must be a function`);
}

/** The global serializers (live view; see registerSerializer). */
export function globalSerializerMap(): ReadonlyMap<string, Serializer> {
  return globalSerializers;
}

/** Apply `fn` to `v`; a throwing serializer gives `[Thrown: …]`, never an exception. */
export function applySerializer(fn: Serializer, v: unknown): unknown {
  try {
    return fn(v);
  } catch (e) {
    let m: string;
    try {
      m = e instanceof Error ? e.message : String(e);
    } catch {
      m = 'unprintable';
    }
    return `[Thrown: ${m}]`;
  }
}
