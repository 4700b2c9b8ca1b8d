import type * as http from 'node:http';
import { nodeHttp, nodeHttps } from '../internal/lazy-builtins.js';
import type * as tls from 'node:tls';
import { Handler } from '../handler.js';
import { ConfigError } from '../errors.js';
import { NOTSET, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { Waiters } from '../internal/waiters.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, describeAbandoned, reportAbandoned, settlesWithin, type Abandoned } from '../internal/deadline.js';
import { checkOptions } from '../check-options.js';

/** TLS options for `secure` connections (Python's `context`): CA, client certificate, key… */
export type HTTPContext = tls.SecureContextOptions & { rejectUnauthorized?: boolean; servername?: string };

/** Options of {@link HTTPHandler}; `host`, `url`, `method`, `secure`, `credentials`, `context` are Python's arguments. */
export interface HTTPHandlerOptions {
  /** `host` or `host:port` (Python's `host`). */
  host: string;
  /** Path (and query) of the request. */
  url: string;
  /** 'GET' (default: the record goes in the query string) or 'POST' (form body). JSON mode always POSTs. */
  method?: 'GET' | 'POST' | 'get' | 'post';
  /** HTTPS instead of HTTP. */
  secure?: boolean;
  /** `[user, password]` for Basic auth; a warning is emitted when they would travel without TLS. */
  credentials?: [string, string] | null;
  /** TLS options for HTTPS (only with `secure`). */
  context?: HTTPContext | null;
  /** Beyond Python: send `application/json` batches (an array of `mapLogRecord()` objects) instead of one form per record. */
  json?: boolean;
  /** JSON mode: records per request (default 100). */
  batchSize?: number;
  /** JSON mode: longest wait in ms before a partial batch is sent (default 1000). */
  batchInterval?: number;
  /** Retries after a connection error, a timeout or a 5xx/429 answer (default 0 in form mode, as Python; 3 in JSON mode). */
  retries?: number;
  /** First retry delay in ms, doubled per attempt (default 200). */
  retryDelay?: number;
  /** Per-request timeout in ms (default 5000). */
  timeout?: number;
  /** Records held while requests are under way; beyond it the oldest are dropped (default 1000). */
  maxBacklog?: number;
  /**
   * Bound in ms on close() waiting for the backlog (default 5000, shutdown()'s
   * default deadline). Past it, what is left is given up (see `abandon()`),
   * counted in `abandonedCount` and listed on stderr.
   */
  closeTimeout?: number;
  level?: Level;
}

interface Item {
  record: LogRecord;
  payload: string;
}

const FLOAT_ATTRS = new Set(['created', 'msecs', 'relativeCreated']);

/** Python's `repr()` for the values a record holds (strings, numbers, None, booleans, tuples, dicts). */
function pyReprValue(v: unknown, float = false, tuple = false): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return float && Number.isInteger(v) ? v.toFixed(1) : String(v);
  }
  if (typeof v === 'string') {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    let out = q;
    for (const ch of v) {
      const c = ch.codePointAt(0)!;
      if (ch === '\\' || ch === q) out += '\\' + ch;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
      else out += ch;
    }
    return out + q;
  }
  if (Array.isArray(v)) {
    // a JS array is a Python list; only a record's `args` is a tuple (pyFormValue's `tuple`)
    const items = v.map((x) => pyReprValue(x));
    if (!tuple) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (v instanceof Error) return `${v.name}(${pyReprValue(v.message)})`;
  if (typeof v === 'object') {
    return '{' + Object.entries(v as object).map(([k, x]) => `${pyReprValue(k)}: ${pyReprValue(x)}`).join(', ') + '}';
  }
  return String(v);
}

/**
 * Python's `str()` of a record attribute, as `urlencode` applies it: arrays
 * render as lists (`['a', 'b']`), except with `tuple` (the record's `args`).
 */
export function pyFormValue(v: unknown, float = false, tuple = false): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.message;
  return pyReprValue(v, float, tuple);
}

const SAFE = /[A-Za-z0-9_.\-~]/;
/** Python's `urllib.parse.quote_plus` (UTF-8, space as '+', `_.-~` kept). */
export function quotePlus(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && SAFE.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Python's `urllib.parse.urlencode(mapping)` for a flat mapping. */
export function urlencode(map: Record<string, unknown>): string {
  return Object.entries(map)
    .map(([k, v]) => `${quotePlus(k)}=${quotePlus(pyFormValue(v, FLOAT_ATTRS.has(k), k === 'args'))}`)
    .join('&');
}

class HTTPStatusError extends Error {
  constructor(readonly status: number, url: string) {
    super(`HTTPHandler: ${url} answered ${status}`);
    this.name = 'HTTPStatusError';
  }
}

/**
 * Sends records to a web server (Python's `logging.handlers.HTTPHandler`): by
 * default one request per record, the record's attributes URL-encoded into the
 * query (GET) or a form body (POST), byte for byte the request python3 sends.
 * `json: true` batches records into `application/json` POSTs. `emit()` never
 * waits: records go into a bounded backlog sent one request at a time in
 * order; failures (after `retries`) go to `handleError`. Unlike Python an
 * HTTP error status (>= 400) is reported too, and `flush()`/`close()` wait for
 * outstanding requests; nothing can be sent synchronously at process exit.
 *
 * @example new HTTPHandler('127.0.0.1:8080', '/log', 'POST')
 * @example new HTTPHandler('127.0.0.1:8080', '/log', { method: 'POST', json: true })
 * @example new HTTPHandler({ host: 'logs.example', url: '/ingest', secure: true, json: true, credentials: ['u', 'p'] })
 * @throws ConfigError for a method other than GET/POST, `context` without `secure`,
 *   or arguments that fit none of the call forms (the message names them).
 */
export class HTTPHandler extends Handler {
  host: string;
  url: string;
  readonly method: 'GET' | 'POST';
  readonly secure: boolean;
  credentials: [string, string] | null;
  readonly context: HTTPContext | null;
  readonly json: boolean;
  readonly batchSize: number;
  readonly batchInterval: number;
  readonly retries: number;
  readonly retryDelay: number;
  timeout: number;
  readonly maxBacklog: number;
  /** Records dropped because the backlog was full. */
  droppedCount = 0;
  /** Records given up after the last retry failed. */
  failedCount = 0;
  /** Records given up by close()/shutdown() at their deadline (see `abandon()`). */
  abandonedCount = 0;
  /** Bound in ms on close() waiting for the backlog. */
  closeTimeout: number;
  #inflight: Item[] | null = null;
  #abandonedBatch: Item[] | null = null;
  #req: http.ClientRequest | null = null;

  readonly #agent: http.Agent;
  #queue: Item[] = [];
  #busy = false;
  #timer: NodeJS.Timeout | null = null;
  #flushing = 0;
  #dropReported = false;
  readonly #waiters = new Waiters();

  constructor(
    host: string | HTTPHandlerOptions,
    url?: string | Omit<HTTPHandlerOptions, 'host'>,
    method: 'GET' | 'POST' | 'get' | 'post' | Omit<HTTPHandlerOptions, 'host' | 'url'> = 'GET',
    secure = false,
    credentials: [string, string] | null = null,
    context: HTTPContext | null = null,
  ) {
    const o = resolveForm(host, url, method, secure, credentials, context, arguments.length);
    if (new.target === HTTPHandler) {
      checkOptions('HTTPHandler', o, {
        host: 'string', url: 'string', method: 'string', secure: 'boolean', credentials: 'array', context: 'object', json: 'boolean', batchSize: 'integer',
        batchInterval: 'number', retries: 'integer', retryDelay: 'number', timeout: 'number', maxBacklog: 'integer', closeTimeout: 'number', level: 'level',
      });
    }
    super(o.level ?? NOTSET);
    const m = (o.method ?? 'GET').toUpperCase();
    if (m !== 'GET' && m !== 'POST') throw new ConfigError(`HTTPHandler: method: method must be GET or POST (got ${JSON.stringify(o.method)})`);
    if (!o.secure && o.context) throw new ConfigError('HTTPHandler: context: context parameter only makes sense with secure=True');
    if (typeof o.host !== 'string' || o.host.length === 0) throw new ConfigError('HTTPHandler: host is required');
    if (typeof o.url !== 'string') throw new ConfigError('HTTPHandler: url is required');
    this.host = o.host;
    this.url = o.url;
    this.json = o.json ?? false;
    this.method = this.json ? 'POST' : m;
    this.secure = o.secure ?? false;
    this.credentials = o.credentials ?? null;
    this.context = o.context ?? null;
    this.batchSize = this.json ? (o.batchSize ?? 100) : 1;
    this.batchInterval = o.batchInterval ?? 1000;
    this.retries = o.retries ?? (this.json ? 3 : 0);
    this.retryDelay = o.retryDelay ?? 200;
    this.timeout = o.timeout ?? 5000;
    this.maxBacklog = o.maxBacklog ?? 1000;
    this.closeTimeout = o.closeTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    for (const [k, v] of [['batchSize', this.batchSize], ['maxBacklog', this.maxBacklog]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ConfigError(`HTTPHandler: ${k} must be a positive integer`);
    }
    if (this.credentials && !this.secure) {
      process.emitWarning('HTTPHandler: credentials are sent without TLS (secure: false); anyone on the path can read them', {
        code: 'LOGFLUME_CLEARTEXT_CREDENTIALS',
      });
    }
    const agentOpts = { keepAlive: true, maxSockets: 1, ...(this.secure ? (this.context ?? {}) : {}) };
    this.#agent = this.secure ? new (nodeHttps().Agent)(agentOpts) : new (nodeHttp().Agent)(agentOpts);
  }

  /**
   * The mapping sent for a record (Python's `mapLogRecord`, default: the
   * record's attributes). Override to send fewer or different fields.
   */
  mapLogRecord(record: LogRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      if (k === 'taskName' && v === null) continue; // Python 3.11 records have no taskName
      out[k] = v;
    }
    return out;
  }

  /** Queue the record; the request is made off the caller's path. */
  override emit(record: LogRecord): void {
    const map = this.mapLogRecord(record);
    const payload = this.json ? JSON.stringify(map, jsonSafe) : urlencode(map);
    if (this.#queue.length >= this.maxBacklog) {
      this.#queue.shift();
      this.droppedCount++;
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.handleError(record, new Error(`HTTPHandler: backlog full (${this.maxBacklog}), dropping the oldest records`));
      }
    }
    this.#queue.push({ record, payload });
    this.#pump();
  }

  #pump(): void {
    if (this.#busy || this.#queue.length === 0) return;
    if (this.json && this.#queue.length < this.batchSize && this.#flushing === 0) {
      this.#timer ??= setTimeout(() => {
        this.#timer = null;
        this.#flushing++;
        this.#pump();
        this.#flushing--;
      }, this.batchInterval);
      return;
    }
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const batch = this.#queue.splice(0, this.batchSize);
    this.#busy = true;
    this.#inflight = batch;
    void this.#sendWithRetry(batch).finally(() => {
      if (this.#inflight === batch) {
        // (abandon() may already have let go of it, and a new batch may be on the wire)
        this.#busy = false;
        this.#inflight = null;
      }
      if (this.#queue.length < this.maxBacklog) this.#dropReported = false;
      this.#pump();
      this.#settle();
    });
  }

  async #sendWithRetry(batch: Item[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (batch === this.#abandonedBatch) return; // given up by abandon(), which counted it
      try {
        await this.#request(batch);
        return;
      } catch (e) {
        if (batch === this.#abandonedBatch) return;
        const retriable = !(e instanceof HTTPStatusError) || e.status >= 500 || e.status === 429;
        if (!retriable || attempt >= this.retries || this._closed) {
          this.failedCount += batch.length;
          this.handleError(batch[0]!.record, e);
          return;
        }
        await new Promise((r) => setTimeout(r, this.retryDelay * 2 ** attempt));
      }
    }
  }

  #request(batch: Item[]): Promise<void> {
    const colon = this.host.lastIndexOf(':');
    const hasPort = colon > 0 && !this.host.endsWith(']') && /^\d+$/.test(this.host.slice(colon + 1));
    const hostname = (hasPort ? this.host.slice(0, colon) : this.host).replace(/^\[|\]$/g, '');
    const port = hasPort ? Number(this.host.slice(colon + 1)) : this.secure ? 443 : 80;
    let path = this.url;
    let body: string | null = null;
    // as http.client: the default port is left out of Host
    const defaultPort = this.secure ? 443 : 80;
    const hostHeader = hasPort && port === defaultPort ? this.host.slice(0, colon) : this.host;
    const headers: [string, string][] = [['Host', hostHeader]];
    if (this.json) {
      body = '[' + batch.map((b) => b.payload).join(',') + ']';
      headers.push(['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(body))]);
    } else {
      const data = batch[0]!.payload;
      headers.push(['Accept-Encoding', 'identity']);
      if (this.method === 'GET') path += (path.includes('?') ? '&' : '?') + data;
      else {
        body = data;
        // Python sends len(str), which equals the byte length because urlencode output is ASCII
        headers.push(['Content-type', 'application/x-www-form-urlencoded'], ['Content-length', String(body.length)]);
      }
    }
    if (this.credentials) {
      const token = Buffer.from(`${this.credentials[0]}:${this.credentials[1]}`, 'utf8').toString('base64');
      headers.push(['Authorization', `Basic ${token}`]);
    }
    const mod = this.secure ? nodeHttps() : nodeHttp();
    return new Promise<void>((resolve, reject) => {
      const req = mod.request({
        hostname,
        port,
        method: this.method,
        path,
        agent: this.#agent,
        headers: Object.fromEntries(headers),
        setHost: false,
      });
      this.#req = req;
      // Python sends no Connection header; HTTP/1.1 keeps the connection by default
      req.removeHeader('Connection');
      req.setTimeout(this.timeout, () => req.destroy(new Error(`HTTPHandler: no answer from ${this.host} within ${this.timeout} ms`)));
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 400) reject(new HTTPStatusError(status, `${this.secure ? 'https' : 'http'}://${this.host}${this.url}`));
          else resolve();
        });
      });
      req.end(body ?? undefined);
    });
  }

  #idle(): boolean {
    return !this.#busy && this.#queue.length === 0;
  }

  #settle(): void {
    if (this.#idle()) this.#waiters.release();
  }

  /** Records waiting to be sent. */
  get backlogLength(): number {
    return this.#queue.length;
  }

  /** Send what is queued now (partial batches too) and resolve when every request has finished or failed. */
  override flush(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    this.#flushing++;
    const p = this.#waiters.wait().finally(() => {
      this.#flushing--;
    });
    this.#pump();
    return p;
  }

  /**
   * Give up on every record not yet confirmed delivered: the queued ones and the
   * batch on the wire (whose request is aborted), counted in `abandonedCount`;
   * pending flush() calls resolve and the connections are released. Returns the
   * records given up. close() calls it when `closeTimeout` passes, shutdown()
   * when its deadline does. Override to hand them elsewhere.
   */
  abandon(reason: Error = new Error('HTTPHandler: abandoned')): Abandoned {
    const inflight = this.#inflight ?? [];
    const unsent = this.#queue.splice(0);
    this.#abandonedBatch = this.#inflight;
    this.#inflight = null;
    this.#busy = false; // idle at once: close() after abandon() does not wait for the aborted request
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#req?.destroy(reason);
    this.#req = null;
    this.#agent.destroy();
    this.abandonedCount += inflight.length + unsent.length;
    this.#waiters.release();
    return { records: [...inflight, ...unsent].map((i) => i.record), inFlight: inflight.length };
  }

  /** Flush (at most `closeTimeout` ms; then give up what is left, listed on stderr), then release the connection pool. */
  override async close(): Promise<void> {
    if (this._closed) return;
    if (!(await settlesWithin(this.flush(), this.closeTimeout))) {
      const a = this.abandon(new Error(`HTTPHandler: close() gave up after ${this.closeTimeout} ms`));
      reportAbandoned(`${this.constructor.name}.close()`, this.closeTimeout, [describeAbandoned(`${this.constructor.name}(${this.host}${this.url})`, a)]);
    }
    await super.close();
    if (this.#timer) clearTimeout(this.#timer);
    this.#agent.destroy();
  }
}

const FORMS =
  'HTTPHandler(host, url, method?, secure?, credentials?, context?), HTTPHandler(host, url, options) or HTTPHandler({ host, url, ...options })';

/** The accepted call forms, merged into one options object; anything else is a ConfigError naming them. */
function resolveForm(host: unknown, url: unknown, method: unknown, secure: unknown, credentials: unknown, context: unknown, argc: number): HTTPHandlerOptions {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(host)) {
    if (argc > 1) throw new ConfigError(`HTTPHandler: an options object must be the only argument; the call forms are ${FORMS}`);
    return host as unknown as HTTPHandlerOptions;
  }
  if (typeof host !== 'string') throw new ConfigError(`HTTPHandler: host must be a string, got ${typeof host}; the call forms are ${FORMS}`);
  if (isObj(url)) {
    if (argc > 2) throw new ConfigError(`HTTPHandler: HTTPHandler(host, options) takes nothing after the options; the call forms are ${FORMS}`);
    return { ...(url as object), host } as HTTPHandlerOptions;
  }
  if (typeof url !== 'string') throw new ConfigError(`HTTPHandler: url must be a string, got ${url === undefined ? 'nothing' : typeof url}; the call forms are ${FORMS}`);
  if (isObj(method)) {
    if (argc > 3) throw new ConfigError(`HTTPHandler: HTTPHandler(host, url, options) takes nothing after the options; the call forms are ${FORMS}`);
    if ('host' in method || 'url' in method) throw new ConfigError(`HTTPHandler: host and url are given twice (as arguments and in the options); the call forms are ${FORMS}`);
    return { ...(method as object), host, url } as HTTPHandlerOptions;
  }
  if (typeof method !== 'string') throw new ConfigError(`HTTPHandler: method must be 'GET' or 'POST' or an options object; the call forms are ${FORMS}`);
  if (typeof secure !== 'boolean') throw new ConfigError(`HTTPHandler: secure (the 4th argument) must be a boolean, got ${typeof secure}; the call forms are ${FORMS}`);
  if (credentials !== null && !(Array.isArray(credentials) && credentials.length === 2)) {
    throw new ConfigError(`HTTPHandler: credentials (the 5th argument) must be [user, password] or null; the call forms are ${FORMS}`);
  }
  if (context !== null && !isObj(context)) throw new ConfigError(`HTTPHandler: context (the 6th argument) must be TLS options or null; the call forms are ${FORMS}`);
  return { host, url, method: method as HTTPHandlerOptions['method'], secure, credentials: credentials as [string, string] | null, context: context as HTTPContext | null };
}

function jsonSafe(this: unknown, _k: string, v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
  if (typeof v === 'bigint') return v.toString();
  return v;
}
