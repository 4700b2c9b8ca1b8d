/**
 * Duck-typed summaries of HTTP requests and responses (see src/serializers.ts).
 * Here, below json-formatter.serialize, so the JSON replacer can use them
 * without an import cycle; never loads node:http.
 */
/** Request headers censored by serializeRequest unless told otherwise (credentials and session cookies). */
export const SENSITIVE_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token'];
const SENSITIVE = new Set(SENSITIVE_HEADERS);

/** Header values longer than this many characters are cut (with a marker): a header never makes a huge line. */
export const MAX_HEADER_LENGTH = 1024;

interface ReqLike {
  method?: unknown;
  url?: unknown;
  originalUrl?: unknown;
  headers?: unknown;
  socket?: { remoteAddress?: unknown; remotePort?: unknown } | null;
  raw?: unknown;
  id?: unknown;
  routeOptions?: { url?: unknown };
  route?: { path?: unknown };
  ip?: unknown;
}

/** Whether `v` looks like an HTTP request (node:http IncomingMessage, Express request, Fastify Request). */
export function isRequestLike(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  try {
    const r = v as ReqLike;
    return typeof r.method === 'string' && typeof r.url === 'string' && typeof r.headers === 'object' && r.headers !== null && ('socket' in r || 'raw' in r);
  } catch {
    return false;
  }
}

/** Whether `v` looks like an HTTP response (node:http ServerResponse, Express response, Fastify Reply). */
export function isResponseLike(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  try {
    const r = v as { statusCode?: unknown; getHeaders?: unknown; getHeader?: unknown };
    return typeof r.statusCode === 'number' && typeof r.getHeaders === 'function' && typeof r.getHeader === 'function';
  } catch {
    return false;
  }
}

function headerText(v: unknown): unknown {
  if (typeof v === 'string') return v.length > MAX_HEADER_LENGTH ? v.slice(0, MAX_HEADER_LENGTH) + `…[${v.length} chars]` : v;
  if (Array.isArray(v)) return v.map(headerText);
  if (typeof v === 'number') return v;
  return v === undefined ? undefined : String(v);
}

/** A plain copy of `headers` with sensitive ones censored and long values cut. Never throws. */
export function cleanHeaders(headers: unknown, sensitive: ReadonlySet<string> = SENSITIVE, censor = '[Redacted]'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  let keys: string[];
  try {
    keys = Object.keys(headers);
  } catch {
    return out;
  }
  for (const k of keys) {
    try {
      const v = (headers as Record<string, unknown>)[k];
      out[k] = sensitive.has(k.toLowerCase()) ? censor : headerText(v);
    } catch {
      out[k] = '[Thrown]';
    }
  }
  return out;
}

/** Options of serializeRequest / serializeResponse. */
export interface HttpSerializerOptions {
  /** Header names (lower case) written as `[Redacted]`. Default SENSITIVE_HEADERS. */
  redactHeaders?: readonly string[];
  /** Include headers at all. Default true. */
  headers?: boolean;
}

/**
 * `{ id?, method, url, route?, headers, remoteAddress, remotePort }` of a
 * request (Fastify's Request and Express's request included). Never throws.
 */
export function serializeRequest(req: unknown, options?: HttpSerializerOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof req !== 'object' || req === null) return out;
  try {
    const r = req as ReqLike;
    const raw = (typeof r.raw === 'object' && r.raw !== null ? r.raw : r) as ReqLike;
    if (r.id !== undefined && (typeof r.id === 'string' || typeof r.id === 'number')) out.id = r.id;
    out.method = r.method ?? raw.method;
    out.url = (typeof r.originalUrl === 'string' ? r.originalUrl : undefined) ?? r.url ?? raw.url;
    const route = r.routeOptions?.url ?? r.route?.path;
    if (typeof route === 'string') out.route = route;
    if (options?.headers !== false) {
      const sensitive = options?.redactHeaders ? new Set(options.redactHeaders.map((h) => h.toLowerCase())) : SENSITIVE;
      out.headers = cleanHeaders(r.headers ?? raw.headers, sensitive);
    }
    const sock = raw.socket ?? r.socket;
    if (sock) {
      out.remoteAddress = sock.remoteAddress;
      out.remotePort = sock.remotePort;
    }
  } catch (e) {
    out.error = `[Thrown: ${(e as Error)?.message ?? String(e)}]`;
  }
  return out;
}

/** `{ statusCode, headers }` of a response (Fastify's Reply and Express's response included). Never throws. */
export function serializeResponse(res: unknown, options?: HttpSerializerOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof res !== 'object' || res === null) return out;
  try {
    const r = res as { statusCode?: unknown; getHeaders?: () => unknown; raw?: unknown };
    out.statusCode = r.statusCode;
    if (options?.headers !== false && typeof r.getHeaders === 'function') {
      const sensitive = options?.redactHeaders ? new Set(options.redactHeaders.map((h) => h.toLowerCase())) : SENSITIVE;
      out.headers = cleanHeaders(r.getHeaders(), sensitive);
    }
  } catch (e) {
    out.error = `[Thrown: ${(e as Error)?.message ?? String(e)}]`;
  }
  return out;
}

