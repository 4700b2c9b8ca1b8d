import type * as http from 'node:http';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { nodeCrypto, nodeHttp, nodeHttps } from '../internal/lazy-builtins.js';
import { ConfigError } from '../errors.js';
import { getLogger } from '../api.js';
import type { LogRecord } from '../log-record.js';
import { writeStderr } from '../internal/report.js';
import { recordFromDict } from './wire/record-rebuild.js';
import { formToRecordDict } from './http-log-receiver.form.js';
import { mergeReceivedArgs } from './wire/message-budget.js';
import { LoggerRouter } from './wire/logger-routing.js';
import type { Logger } from '../logger.js';

/** Options of {@link HTTPLogReceiver}. */
export interface HTTPLogReceiverOptions {
  /** Address to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** Port (default 9022, Python's DEFAULT_HTTP_LOGGING_PORT; 0 picks a free one). */
  port?: number;
  /** Only this path (before `?`) is accepted; others get 404. Default: any path. */
  path?: string | null;
  /** `[user, password]`: requests without this Basic auth get 401 (compared in constant time). */
  credentials?: [string, string] | null;
  /** Serve HTTPS with these options (key, cert, ca, requestCert…). */
  tls?: tls.SecureContextOptions & tls.TlsOptions;
  /** Largest request body (and query) accepted, bytes (default 1 MiB); bigger gets 413. */
  maxBodySize?: number;
  /** Most records in one JSON batch (default 1000); more gets 413. */
  maxBatch?: number;
  /** Most simultaneous connections (default 128). */
  maxConnections?: number;
  /** Milliseconds a request may take to arrive (default 10 000). */
  requestTimeout?: number;
  /** Send every record to this logger instead of the one named in the record. */
  logname?: string | null;
  /** As LogRecordReceiver: loggers created from received names (1000), their depth (16) and length (256). */
  maxLoggers?: number;
  maxLoggerDepth?: number;
  maxLoggerNameLength?: number;
  /** As LogRecordReceiver: a merged message may be at most this × the request size + 4096 characters (default 4). */
  maxMessageExpansion?: number;
}

/** Counters, for monitoring and tests. */
export interface HTTPLogReceiverStats {
  records: number;
  requests: number;
  /** Requests refused: bad auth, too big, wrong method/path/type, bad payload. */
  refused: number;
  unauthorized: number;
}

/**
 * Receives what CPython's `logging.handlers.HTTPHandler` sends (GET query or
 * POST form, Basic auth) and logflume's HTTPHandler in both modes (form, or
 * `json: true` batches), rebuilds each record as LogRecordReceiver does (no
 * code runs, prototype keys skipped, `exc_info` cleared) and hands it to the
 * local logger of the same name. Python's form sends `str()` of every
 * attribute; numbers come back as numbers and `args` is read from its repr by
 * a literal parser (never evaluated).
 *
 * Limits: `maxBodySize`, `maxBatch`, `maxConnections`, `requestTimeout`;
 * with `credentials`, unauthenticated requests get 401. Every refusal is
 * answered with its status, counted in `stats.refused` and reported on stderr
 * (rate-limited: at most 10 lines per 10 s).
 *
 * @example const rx = new HTTPLogReceiver({ port: 0, credentials: ['u', 'p'] }); await rx.start();
 */
export class HTTPLogReceiver {
  readonly stats: HTTPLogReceiverStats = { records: 0, requests: 0, refused: 0, unauthorized: 0 };
  readonly logname: string | null;
  readonly #o: Required<Pick<HTTPLogReceiverOptions, 'host' | 'port' | 'maxBodySize' | 'maxBatch' | 'maxConnections' | 'requestTimeout'>>;
  readonly #path: string | null;
  readonly #auth: Buffer | null;
  readonly #tls: HTTPLogReceiverOptions['tls'] | null;
  readonly #router: LoggerRouter;
  readonly #expansion: number;
  #server: http.Server | null = null;
  #address: net.AddressInfo | null = null;
  #reports: number[] = [];

  constructor(options: HTTPLogReceiverOptions = {}) {
    this.#o = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 9022,
      maxBodySize: options.maxBodySize ?? 1 << 20,
      maxBatch: options.maxBatch ?? 1000,
      maxConnections: options.maxConnections ?? 128,
      requestTimeout: options.requestTimeout ?? 10_000,
    };
    for (const k of ['maxBodySize', 'maxBatch', 'maxConnections', 'requestTimeout'] as const) {
      const v = this.#o[k];
      if (!Number.isInteger(v) || v < 1) throw new ConfigError(`HTTPLogReceiver: ${k} must be a positive integer, got ${String(v)}`);
    }
    if (!Number.isInteger(this.#o.port) || this.#o.port < 0 || this.#o.port > 65535) throw new ConfigError(`HTTPLogReceiver: port must be 0–65535, got ${String(options.port)}`);
    const c = options.credentials ?? null;
    if (c !== null && !(Array.isArray(c) && c.length === 2 && c.every((x) => typeof x === 'string'))) {
      throw new ConfigError('HTTPLogReceiver: credentials must be [user, password]');
    }
    this.#auth = c ? digest(`Basic ${Buffer.from(`${c[0]}:${c[1]}`, 'utf8').toString('base64')}`) : null;
    this.#path = options.path ?? null;
    this.#tls = options.tls ?? null;
    this.logname = options.logname ?? null;
    this.#router = new LoggerRouter({ maxLoggers: options.maxLoggers ?? 1000, maxDepth: options.maxLoggerDepth ?? 16, maxLength: options.maxLoggerNameLength ?? 256 });
    this.#expansion = options.maxMessageExpansion ?? 4;
  }

  /** Where it listens, once started. */
  get address(): net.AddressInfo | null {
    return this.#address;
  }

  /** Start listening; resolves once the port is bound. */
  async start(): Promise<void> {
    if (this.#server) return;
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => this.#request(req, res);
    const srv = this.#tls ? nodeHttps().createServer(this.#tls, onRequest) : nodeHttp().createServer(onRequest);
    srv.maxConnections = this.#o.maxConnections;
    srv.requestTimeout = this.#o.requestTimeout;
    srv.headersTimeout = Math.min(this.#o.requestTimeout, 60_000);
    srv.on('clientError', (err, sock) => {
      this.#report('client', err);
      sock.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(this.#o.port, this.#o.host, () => {
        srv.removeListener('error', reject);
        resolve();
      });
    });
    this.#server = srv;
    this.#address = srv.address() as net.AddressInfo;
  }

  /** Stop listening; requests under way finish, idle keep-alive connections are closed. */
  async close(): Promise<void> {
    const srv = this.#server;
    this.#server = null;
    if (!srv) return;
    const done = new Promise<void>((r) => srv.close(() => r()));
    srv.closeIdleConnections();
    await done;
  }

  /**
   * Deliver one rebuilt record: to `logname`'s logger, else `loggerFor(record.name)`.
   * Override to route records elsewhere.
   */
  handleLogRecord(record: LogRecord): void {
    if (this.logname !== null) getLogger(this.logname).handle(record);
    else this.loggerFor(record.name).handle(record);
  }

  /** As LogRecordReceiver: an existing logger, a new one within the name limits, else the nearest ancestor. */
  loggerFor(name: string): Logger {
    return this.#router.resolve(name);
  }

  #refuse(res: http.ServerResponse, status: number, why: string, peer: string, headers: Record<string, string> = {}): void {
    this.stats.refused++;
    this.#report(peer, new Error(`HTTP ${status}: ${why}`));
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', ...headers });
    res.end(`${why}\n`);
  }

  #request(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.stats.requests++;
    const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (this.#auth) {
      const given = req.headers.authorization;
      if (typeof given !== 'string' || !nodeCrypto().timingSafeEqual(digest(given), this.#auth)) {
        this.stats.unauthorized++;
        req.resume();
        this.#refuse(res, 401, 'authentication required', peer, { 'WWW-Authenticate': 'Basic realm="logflume"' });
        return;
      }
    }
    if (this.#path !== null && pathname !== this.#path) return this.#drop(req, res, 404, `no such path ${JSON.stringify(pathname.slice(0, 100))}`, peer);
    if (req.method === 'GET') {
      if (url.length > this.#o.maxBodySize) return this.#drop(req, res, 413, `query above maxBodySize (${this.#o.maxBodySize})`, peer);
      req.resume();
      this.#deliver(res, peer, url.length, () => [formToRecordDict(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)))]);
      return;
    }
    if (req.method !== 'POST') return this.#drop(req, res, 405, `method ${String(req.method)} not accepted (GET or POST)`, peer, { Allow: 'GET, POST' });
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
      return this.#drop(req, res, 415, `content type ${JSON.stringify(type)} not accepted (application/x-www-form-urlencoded or application/json)`, peer);
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > this.#o.maxBodySize) return this.#drop(req, res, 413, `body above maxBodySize (${this.#o.maxBodySize})`, peer);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (b: Buffer) => {
      if (over) return;
      size += b.length;
      if (size > this.#o.maxBodySize) {
        over = true;
        this.#refuse(res, 413, `body above maxBodySize (${this.#o.maxBodySize})`, peer);
        req.destroy();
        return;
      }
      chunks.push(b);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (over) return;
      const body = Buffer.concat(chunks, size).toString('utf8');
      this.#deliver(res, peer, size, () => {
        if (type === 'application/x-www-form-urlencoded') return [formToRecordDict(new URLSearchParams(body))];
        const v = JSON.parse(body) as unknown;
        const list = Array.isArray(v) ? v : [v];
        if (list.length > this.#o.maxBatch) throw new HttpRefusal(413, `batch of ${list.length} records above maxBatch (${this.#o.maxBatch})`);
        for (const d of list) if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new HttpRefusal(400, 'a JSON record must be an object');
        return list as Record<string, unknown>[];
      });
    });
  }

  #drop(req: http.IncomingMessage, res: http.ServerResponse, status: number, why: string, peer: string, headers?: Record<string, string>): void {
    req.resume();
    this.#refuse(res, status, why, peer, headers);
  }

  /** Rebuild every record first (a bad one refuses the request whole, so a retry cannot duplicate), then deliver. */
  #deliver(res: http.ServerResponse, peer: string, size: number, dicts: () => Record<string, unknown>[]): void {
    let records: LogRecord[];
    try {
      records = dicts().map((d) => recordFromDict(d));
    } catch (e) {
      if (e instanceof HttpRefusal) return this.#refuse(res, e.status, e.message, peer);
      return this.#refuse(res, 400, `bad record: ${(e as Error).message}`, peer);
    }
    const limit = this.#expansion * size + 4096;
    for (const r of records) {
      this.stats.records++;
      // Python's HTTPHandler sends msg and args apart: merge once here, within the receiver's bound
      const why = mergeReceivedArgs(r, limit);
      if (why !== null) this.#report(peer, new Error(`arguments kept unmerged: ${why}`));
      try {
        this.handleLogRecord(r);
      } catch (e) {
        this.#report(peer, e); // a local handler's failure is not the sender's: still 200
      }
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok\n');
  }

  #report(peer: string, e: unknown): void {
    const now = Date.now();
    this.#reports = this.#reports.filter((t) => now - t < 10_000);
    if (this.#reports.length >= 10) return;
    this.#reports.push(now);
    writeStderr(`logflume HTTPLogReceiver: ${peer}: ${(e as Error)?.message ?? String(e)}\n`);
  }
}

class HttpRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function digest(s: string): Buffer {
  return nodeCrypto().createHash('sha256').update(s, 'utf8').digest();
}
