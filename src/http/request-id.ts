/** Request ids for the HTTP request loggers: from `x-request-id`, else the W3C `traceparent` trace id, else a new UUID. */

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
 * a safe token, else the trace id of a valid `traceparent`, else a random
 * UUID. A hostile header (huge, binary, quotes) is never reused as is.
 */
export function requestIdOf(req: { headers?: unknown }, headerName = 'x-request-id'): string {
  const h = headerName === '' ? undefined : header(req?.headers, headerName);
  if (h !== undefined && SAFE_ID.test(h)) return h;
  const tp = header(req?.headers, 'traceparent');
  if (tp !== undefined) {
    const m = TRACEPARENT.exec(tp.toLowerCase());
    if (m !== null && m[1] !== '00000000000000000000000000000000') return m[1]!;
  }
  return globalThis.crypto.randomUUID();
}
