/** Request ids for the HTTP request loggers: from `x-request-id`, else the W3C `traceparent` trace id, else a new UUID-shaped id. */

/** What a request id taken from a header may look like: ≤ 128 visible characters of a safe set (no spaces, quotes or controls). */
const SAFE_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  try {
    const v = (headers as Record<string, unknown>)[name];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' ? s.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The id of a request: the `header` value (default `x-request-id`) when it is
 * a safe token, else the trace id of a valid `traceparent`, else a new id
 * (see newRequestId below: UUID-shaped, counted). A hostile header (huge, binary, quotes) is never
 * reused as is.
 */
export function requestIdOf(req: { headers?: unknown }, headerName = 'x-request-id'): string {
  const h = headerName === '' ? undefined : header(req?.headers, headerName);
  if (h !== undefined && SAFE_ID.test(h)) return h;
  const tp = header(req?.headers, 'traceparent');
  if (tp !== undefined) {
    const m = TRACEPARENT.exec(tp.toLowerCase());
    if (m !== null && m[1] !== '00000000000000000000000000000000') return m[1]!;
  }
  return newRequestId();
}

/** Ids made from one random UUID before a new one is drawn (the counter's 6 hex digits). */
const IDS_PER_PREFIX = 0x1000000;
let prefix = '';
let seq = IDS_PER_PREFIX;

/**
 * A new request id, shaped as a version-4 UUID (`8-4-4-4-12` lower-case hex,
 * version and variant bits set) so systems that store or check UUIDs take it:
 * the first 30 hex digits come from one `crypto.randomUUID()`, the last 6
 * count up, and a new random prefix is drawn every 16,777,216 ids. Unique per
 * process and, with 98 random bits per prefix, across processes; cheaper than
 * a random UUID per request (pino-http counts from 1). Not a secret: ids of
 * one prefix are sequential.
 */
export function newRequestId(): string {
  if (seq >= IDS_PER_PREFIX) {
    prefix = globalThis.crypto.randomUUID().slice(0, 30);
    seq = 0;
  }
  const n = (seq++).toString(16);
  return prefix + '000000'.slice(n.length) + n;
}
