import { getLogger } from '../api.js';
import type { Logger } from '../logger.js';
import { INFO, WARNING, ERROR } from '../levels.js';
import { EventEmitter } from 'node:events';
import { withContext, bindContext } from '../context.js';
import { serializeRequest, serializeResponse, type HttpSerializerOptions } from '../internal/http-serialize.js';
import { reportLoggingError } from '../internal/report.js';
import { requestIdOf } from './request-id.js';

/** The request shape the loggers read (node:http IncomingMessage, Express, Fastify's `request.raw`). */
export interface HttpRequestLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  emit?: unknown;
}
/** The response shape the loggers read and listen to (node:http ServerResponse). */
export interface HttpResponseLike {
  statusCode: number;
  headersSent?: boolean;
  writableEnded?: boolean;
  setHeader(name: string, value: string): unknown;
  getHeaders(): Record<string, unknown>;
  getHeader(name: string): unknown;
  end(body?: string): unknown;
  once(event: 'finish' | 'close', fn: () => void): unknown;
}

/** Options of {@link RequestLogger}. Every option is optional. */
export interface RequestLoggerOptions {
  /** Where the records go: a Logger or a logger name. Default `getLogger('http')`. */
  logger?: Logger | string;
  /** Requests not logged (health checks): exact paths, RegExps over the path, or a predicate. */
  ignore?: readonly (string | RegExp)[] | ((req: HttpRequestLike) => boolean);
  /** Header a request id is read from (and, with `setResponseHeader`, written back to the response). Default `x-request-id`; '' reads none. */
  requestIdHeader?: string;
  /** Make the request id yourself (default: header, else `traceparent` trace id, else a new UUID-shaped id; see requestIdOf). */
  genReqId?: (req: HttpRequestLike) => string;
  /** Name of the request id field in the context and on records. Default `requestId`. */
  requestIdField?: string;
  /**
   * Echo the request id in a response header of the same name. Default false
   * (as pino-http): the header costs every response a few µs, most of it in
   * the client that reads it.
   */
  setResponseHeader?: boolean;
  /** Extra fields for the completion record, e.g. `(req, res) => ({ user: req.user?.id })`. A throw is reported, never raised. */
  customFields?: (req: HttpRequestLike, res: HttpResponseLike) => Record<string, unknown> | undefined;
  /**
   * Open a `withContext` scope with the request id around the handler. Default
   * true. On Node 20 the first scope turns on async hooks process-wide, which
   * costs every promise a little (see docs/http.md); false skips the scope
   * (the completion record still carries the id).
   */
  context?: boolean;
  /** Options of the req/res serializers (headers redacted, headers left out). */
  serializers?: HttpSerializerOptions;
}

const ERR = Symbol('logflume.requestError');
const DONE = Symbol('logflume.requestLogged');
const PENDING = Symbol('logflume.requestPending');
const DONE_MSG = '%s %s -> %d (%s ms)';
const ABORTED = '%s %s aborted after %s ms';

/** One tracked request: what its completion record needs, kept on the response so no closure is made per request. */
class Pending {
  done = false;
  constructor(
    readonly rl: RequestLogger,
    readonly req: HttpRequestLike,
    readonly id: string,
    readonly start: number,
  ) {}
}

/** Shared 'finish' / 'close' listeners: EventEmitter calls them with the response as `this`. */
function onFinish(this: HttpResponseLike): void {
  settle(this, false);
}
function onClose(this: HttpResponseLike): void {
  settle(this, this.writableEnded !== true);
}
function settle(res: HttpResponseLike, aborted: boolean): void {
  const p = (res as unknown as Record<symbol, Pending | undefined>)[PENDING];
  if (p === undefined || p.done) return;
  p.done = true;
  p.rl.logCompletion(p.req, res, p.id, performance.now() - p.start, aborted);
}

/**
 * One record per HTTP request, written when the response finishes (or the
 * client goes away): `GET /users/7 -> 200 (3.1 ms)` with fields `requestId`,
 * `req`, `res`, `responseTime` (ms) and your `customFields`; the error
 * recorded for the request, if any, as `exc_info` with its stack. Levels come
 * from `levelFor` (5xx and errors ERROR, 4xx WARNING, else INFO). Every
 * record logged while the request is handled carries the request id through
 * a `withContext` scope.
 *
 * Framework glue: `middleware()` / `errorMiddleware()` for Express and
 * connect, `wrap(listener)` for node:http, `fastifyPlugin()` for Fastify
 * (with FastifyLogger as its `loggerInstance`). None of them imports a
 * framework.
 *
 * Per request it allocates the id, one small tracking object, the context
 * fields and the record; the options are read once, here in the constructor.
 */
export class RequestLogger {
  /** The logger written to. */
  readonly logger: Logger;
  readonly options: Readonly<RequestLoggerOptions>;
  readonly #ignore: ((req: HttpRequestLike) => boolean) | null;
  readonly #idField: string;
  readonly #idHeader: string;
  /** The response header the id is echoed in, or null (the default: `setResponseHeader` is off). */
  readonly #echoHeader: string | null;
  readonly #context: boolean;
  readonly #genReqId: ((req: HttpRequestLike) => string) | undefined;
  readonly #customFields: RequestLoggerOptions['customFields'];
  readonly #serializers: HttpSerializerOptions | undefined;

  constructor(options: RequestLoggerOptions = {}) {
    this.options = { ...options };
    this.logger = typeof options.logger === 'string' ? getLogger(options.logger) : (options.logger ?? getLogger('http'));
    this.#idField = options.requestIdField ?? 'requestId';
    this.#idHeader = options.requestIdHeader ?? 'x-request-id';
    this.#echoHeader = options.setResponseHeader === true && this.#idHeader !== '' ? this.#idHeader : null;
    this.#context = options.context !== false;
    this.#genReqId = options.genReqId;
    this.#customFields = options.customFields;
    this.#serializers = options.serializers;
    const ig = options.ignore;
    if (typeof ig === 'function') this.#ignore = ig;
    else if (ig !== undefined && ig.length > 0) {
      const exact = new Set(ig.filter((x): x is string => typeof x === 'string'));
      const res = ig.filter((x): x is RegExp => x instanceof RegExp);
      this.#ignore = (req) => {
        const url = typeof req.url === 'string' ? req.url : '';
        const q = url.indexOf('?');
        const path = q < 0 ? url : url.slice(0, q);
        return exact.has(path) || res.some((r) => r.test(path));
      };
    } else this.#ignore = null;
  }

  /** The id for `req` (see `genReqId`). Never throws. */
  requestId(req: HttpRequestLike): string {
    if (this.#genReqId !== undefined) {
      try {
        return String(this.#genReqId(req));
      } catch (e) {
        reportLoggingError(e, null, 'RequestLogger.genReqId');
      }
    }
    return requestIdOf(req, this.#idHeader);
  }

  /** Whether `req` is left unlogged (the `ignore` option). */
  isIgnored(req: HttpRequestLike): boolean {
    try {
      return this.#ignore !== null && this.#ignore(req);
    } catch {
      return false;
    }
  }

  /** The level of the completion record. Override for other rules. */
  levelFor(statusCode: number, err: unknown): number {
    if (err !== undefined || statusCode >= 500) return ERROR;
    if (statusCode >= 400) return WARNING;
    return INFO;
  }

  /** Remember `err` as the failure of the request `res` answers (logged with the completion record). */
  recordError(res: object, err: unknown): void {
    (res as unknown as Record<symbol, unknown>)[ERR] = err;
  }

  /**
   * Start tracking one request: set the id header (with `setResponseHeader:
   * true`), arrange the completion record, and run `next` in a context scope
   * with the request id (unless `context: false`). `next`'s result is
   * returned.
   */
  track<R>(req: HttpRequestLike, res: HttpResponseLike, next: () => R, id?: string): R {
    const rid = id ?? this.requestId(req);
    if (this.#echoHeader !== null) {
      try {
        if (!res.headersSent) res.setHeader(this.#echoHeader, rid);
      } catch {
        // a response that refuses headers still gets logged
      }
    }
    if (this.#ignore === null || !this.isIgnored(req)) this.#watch(req, res, rid);
    if (!this.#context) return next();
    const fields: Record<string, unknown> = {};
    fields[this.#idField] = rid;
    return withContext(fields, next);
  }

  /** Arrange the completion record on the response's 'finish' (or 'close', for an aborted request). */
  #watch(req: HttpRequestLike, res: HttpResponseLike, rid: string): void {
    try {
      const slots = res as unknown as Record<symbol, unknown>;
      if (slots[DONE] === true) return;
      slots[DONE] = true;
      slots[PENDING] = new Pending(this, req, rid, performance.now());
      if (res instanceof EventEmitter) {
        res.on('finish', onFinish);
        res.on('close', onClose);
      } else {
        // a response-like that is not an EventEmitter may not pass itself as `this`
        res.once('finish', () => settle(res, false));
        res.once('close', () => settle(res, res.writableEnded !== true));
      }
    } catch (e) {
      reportLoggingError(e, null, 'RequestLogger');
    }
  }

  /**
   * Write the completion record for one request. Never throws. The record
   * goes straight to the logger's `_log`, as Python's `Logger.info` does after
   * its level check.
   */
  logCompletion(req: HttpRequestLike, res: HttpResponseLike, requestId: string, ms: number, aborted = false): void {
    try {
      const err = (res as unknown as Record<symbol, unknown>)[ERR] ?? (req as unknown as Record<symbol, unknown>)[ERR];
      const status = aborted ? 499 : res.statusCode;
      const level = aborted && err === undefined ? WARNING : this.levelFor(status, err);
      if (!this.logger.isEnabledFor(level)) return;
      const responseTime = Math.round(ms * 1000) / 1000;
      const fields: Record<string, unknown> = {};
      fields[this.#idField] = requestId;
      fields.req = serializeRequest(req, this.#serializers);
      fields.res = serializeResponse(res, this.#serializers);
      fields.responseTime = responseTime;
      if (this.#customFields !== undefined) {
        try {
          Object.assign(fields, this.#customFields(req, res));
        } catch (e) {
          reportLoggingError(e, null, 'RequestLogger.customFields');
        }
      }
      const url = (req as { originalUrl?: unknown }).originalUrl ?? req.url;
      const opts = err === undefined ? { extra: fields } : { extra: fields, exc_info: err };
      // two fixed templates: handlers and formatters cache them, and records group by msg as in Python
      if (aborted) this.logger._log(level, ABORTED, [req.method, url, responseTime], opts, this.logCompletion);
      else this.logger._log(level, DONE_MSG, [req.method, url, status, responseTime], opts, this.logCompletion);
    } catch (e) {
      reportLoggingError(e, null, 'RequestLogger');
    }
  }

  /** Express / connect middleware: `app.use(requestLogger.middleware())`, first. */
   
  middleware(): (req: any, res: any, next: (err?: any) => void) => void {
    return (req: HttpRequestLike, res: HttpResponseLike, next: (err?: unknown) => void) => {
      if (!this.#context) {
        this.track(req, res, returnUndefined);
        return next();
      }
      // body parsers read the stream after this returns: emit its events in the request's scope
      this.track(req, res, () => {
        bindStream(req);
        next();
      });
    };
  }

  /** Express error middleware: `app.use(requestLogger.errorMiddleware())` after the routes; records the error, then passes it on. */
   
  errorMiddleware(): (err: any, req: any, res: any, next: (err?: any) => void) => void {
    return (err: unknown, _req: HttpRequestLike, res: HttpResponseLike, next: (err?: unknown) => void) => {
      this.recordError(res, err);
      next(err);
    };
  }

  /**
   * A node:http `request` listener around yours: `http.createServer(rl.wrap(handler))`.
   * A throw or rejected promise from `handler` is logged with the request and
   * answered with 500 if nothing was sent yet.
   */
  wrap(handler: (req: any, res: any) => unknown): (req: any, res: any) => void {
    return (req: HttpRequestLike, res: HttpResponseLike) => {
      try {
        const r = this.#context
          ? this.track(req, res, () => {
              bindStream(req);
              return handler(req, res);
            })
          : (this.track(req, res, returnUndefined), handler(req, res));
        if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(undefined, (e: unknown) => this.#fail(res, e));
      } catch (e) {
        this.#fail(res, e);
      }
    };
  }

  /** A handler of wrap() failed: record the error and answer 500 if nothing was sent. */
  #fail(res: HttpResponseLike, e: unknown): void {
    this.recordError(res, e);
    try {
      if (!res.headersSent) res.statusCode = 500;
      if (!res.writableEnded) res.end();
    } catch {
      // the socket is gone; the close event logs the request
    }
  }

  /**
   * A Fastify plugin (hooks on the root instance) writing the same one record
   * per request. Use it with `disableRequestLogging: true` so Fastify's own
   * two records per request are not written too, and `genReqId:
   * (raw) => rl.requestId(raw)` for ids from headers.
   */
  fastifyPlugin(): FastifyPluginLike {
    const self = this;
    const bound = Symbol('logflume.bound');
    const plugin = function logflumeRequestLogger(app: FastifyLike, _opts: unknown, done: (err?: Error) => void): void {
      app.addHook('onRequest', (request, reply, next) => {
        self.track(request.raw, reply.raw, () => {
          (request as Record<symbol, unknown>)[bound] = bindContext((fn: () => void) => fn());
          next();
        }, String(request.id));
      });
      // body parsing runs outside the scope: re-enter it before validation and the handler
      app.addHook('preValidation', (request, _reply, next) => {
        const run = (request as Record<symbol, unknown>)[bound] as ((fn: () => void) => void) | undefined;
        if (run) run(next);
        else next();
      });
      app.addHook('onError', (_request, reply, error, next) => {
        self.recordError(reply.raw, error);
        next();
      });
      done();
    } as FastifyPluginLike;
    // what fastify-plugin sets: hooks apply to the whole app, not an encapsulated child
    (plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
    (plugin as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'logflume-request-logger';
    return plugin;
  }
}

type Hook = (request: { raw: any; id: unknown }, reply: { raw: any }, next: () => void) => void;
/** The part of a Fastify instance the plugin uses. */
export interface FastifyLike {
  addHook(name: 'onRequest' | 'preValidation', fn: Hook): unknown;
  addHook(name: 'onError', fn: (request: { raw: any }, reply: { raw: any }, error: unknown, next: () => void) => void): unknown;
}
/** A Fastify plugin function. */
export type FastifyPluginLike = (app: FastifyLike, opts: unknown, done: (err?: Error) => void) => void;

const returnUndefined = (): undefined => undefined;

/** Run the request stream's listeners (body parsers) in the current context scope. */
function bindStream(req: HttpRequestLike): void {
  const emit = req.emit;
  if (typeof emit === 'function' && !(emit as { [DONE]?: boolean })[DONE]) {
    const b = bindContext((emit as (...a: unknown[]) => unknown).bind(req)) as ((...a: unknown[]) => unknown) & { [DONE]?: boolean };
    b[DONE] = true;
    req.emit = b;
  }
}
