import * as http from 'node:http';
import * as https from 'node:https';
import { gzip } from 'node:zlib';
import { Handler } from '../handler.js';
import { LoggingError } from '../errors.js';
import { NOTSET, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { callerInfo } from '../internal/caller.js';
import { Waiters } from '../internal/waiters.js';
import type { Abandoned } from '../internal/deadline.js';
import { toOtelLog, type OtelLog } from './otel-record.js';
import { encodeLogsJson, encodeLogsProtobuf } from './otlp.encode.js';
import { MAX_RESPONSE_BYTES, parsePartialSuccess, type PartialSuccess } from './otlp.partial-success.js';
import { resolveOTLPSettings, type OTLPHandlerOptions, type OTLPSettings } from './otlp-handler.config.js';

export type { OTLPHandlerOptions } from './otlp-handler.config.js';

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Why one request failed, and whether it may be retried. */
class ExportError extends LoggingError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message, 'ERR_LOGFLUME_OTLP');
  }
}

/** Retry-After: delay-seconds or an HTTP date, in ms; null when absent or unreadable. */
function parseRetryAfter(v: string | string[] | undefined): number | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  const s = Number(v.trim());
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - Date.now());
}

/**
 * Sends records to an OpenTelemetry collector (or any OTLP/HTTP logs
 * endpoint) in batches, protobuf or JSON, with no OpenTelemetry package
 * installed. Named after the protocol, as Python's handlers are after theirs.
 *
 * Each record is mapped as {@link OpenTelemetryHandler} maps it (severity,
 * body, attributes, trace context; scope = logger name) under one resource
 * (`service.name` + `OTEL_RESOURCE_ATTRIBUTES` + `resourceAttributes`).
 *
 * Bounds and what happens past them:
 * - backlog: `maxQueueSize` records (default 2048) wait or retry; past it the
 *   `overflow` policy drops the new record (default) or the oldest; every drop
 *   is counted in `dropped` and reported through handleError (rate-limited).
 * - one request at a time, `maxExportBatchSize` records (default 512), sent
 *   when a batch is full or `scheduledDelayMillis` after its first record;
 *   batches leave in logged order.
 * - a 429/502/503/504 answer, a network error or no answer within `timeout`
 *   is retried up to `maxRetries` times with doubling back-off (Retry-After
 *   honoured); a batch that still fails, or gets another 4xx/5xx, is dropped,
 *   counted in `failed` and reported. Retries are counted in `retries`.
 * - `flush()` resolves once everything accepted so far was sent or dropped;
 *   `close()` does the same within `closeTimeout`, then drops (and counts) the rest.
 * - exit: at the natural end of the process the backlog is sent first (the
 *   handler keeps the event loop alive for it). On `process.exit()` or a crash
 *   nothing more can go out from this thread: the unsent count is reported on
 *   stderr. Inside a WorkerQueueListener the main thread waits (`exitTimeout`)
 *   for the worker's flush, so records logged before `process.exit()` are sent.
 */
export class OTLPHandler extends Handler {
  /** The resolved settings (options over environment over defaults). */
  readonly settings: OTLPSettings;
  /** Send `code.*` attributes. */
  readonly codeAttributes: boolean;
  readonly scopeVersion: string | undefined;
  /** Records acknowledged by the collector. */
  sent = 0;
  /** Records dropped by the overflow policy or at close. */
  dropped = 0;
  /** Records in batches the collector refused or that ran out of retries. */
  failed = 0;
  /** Records a collector answered 200 for but rejected (OTLP partial success; reported, not retried, as the spec says). */
  rejected = 0;
  /** Requests repeated after a retryable failure. */
  retries = 0;
  /** Requests made, successful or not. */
  requests = 0;
  /** The delay chosen before the last retry, ms (Retry-After when the collector sent one). */
  lastRetryDelay = 0;

  #queue: OtelLog[] = [];
  /** The records behind #queue, index for index (for abandon()). */
  #queueRecords: LogRecord[] = [];
  /** The records of the batch in flight (empty when none is). */
  #inflight: LogRecord[] = [];
  #timer: NodeJS.Timeout | null = null;
  #request: http.ClientRequest | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryWake: (() => void) | null = null;
  #abandon = false;
  readonly #waiters = new Waiters();
  readonly #agent: http.Agent;
  readonly #onBeforeExit = (): void => {
    if (this.#queue.length > 0 && this.#inflight.length === 0) this.#pump();
  };
  /** Process exit: nothing more can be sent from this thread; say how much stays unsent. */
  readonly #onExit = (): void => {
    const unsent = this.#queue.length + this.#inflight.length;
    if (unsent > 0 && !this._closed) {
      this.handleError(null, new LoggingError(`OTLPHandler: ${unsent} record(s) not sent to ${this.settings.url.href} before the process exited`, 'ERR_LOGFLUME_DROPPED'));
    }
  };

  constructor(options: OTLPHandlerOptions & { level?: Level } = {}) {
    super(options.level ?? NOTSET);
    this.settings = resolveOTLPSettings(options);
    this.codeAttributes = options.codeAttributes ?? true;
    this.scopeVersion = options.scopeVersion;
    if (this.codeAttributes) callerInfo.usedByFormat = true;
    const secure = this.settings.url.protocol === 'https:';
    this.#agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 1, ...this.settings.tls }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
    process.on('beforeExit', this.#onBeforeExit);
    process.on('exit', this.#onExit);
  }

  /** Records waiting to be sent (not counting the batch in flight). */
  get pending(): number {
    return this.#queue.length;
  }

  /** The body: the formatter's output when one was set, else the merged message. */
  bodyOf(record: LogRecord): string {
    return this.formatter !== null ? this.format(record) : record.getMessage();
  }

  override emit(record: LogRecord): void {
    if (this._closed) {
      this.dropped++; // logged after close(): counted, as every drop is
      return;
    }
    const log = toOtelLog(record, this.bodyOf(record), this.codeAttributes);
    const s = this.settings;
    if (this.#queue.length >= s.maxQueueSize) {
      this.dropped++;
      if (s.overflow === 'drop-new') {
        this.handleError(record, new LoggingError(`OTLPHandler: backlog full (maxQueueSize ${s.maxQueueSize}): new record dropped (overflow 'drop-new'); ${this.dropped} dropped so far`, 'ERR_LOGFLUME_DROPPED'));
        return;
      }
      this.#queue.shift();
      this.#queueRecords.shift();
      this.handleError(null, new LoggingError(`OTLPHandler: backlog full (maxQueueSize ${s.maxQueueSize}): oldest record dropped (overflow 'drop-oldest'); ${this.dropped} dropped so far`, 'ERR_LOGFLUME_DROPPED'));
    }
    this.#queue.push(log);
    this.#queueRecords.push(record);
    if (this.#inflight.length !== 0) return;
    if (this.#queue.length >= s.maxExportBatchSize) this.#pump();
    else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#pump();
      }, s.scheduledDelayMillis);
      this.#timer.unref();
    }
  }

  /** Encode one batch in the configured protocol (override to add to or change the request body). */
  encode(batch: readonly OtelLog[]): Buffer {
    const s = this.settings;
    return s.protocol === 'http/json' ? Buffer.from(encodeLogsJson(s.resource, batch, this.scopeVersion)) : encodeLogsProtobuf(s.resource, batch, this.scopeVersion);
  }

  /** Send the next batch if none is in flight; loops until the backlog is empty. */
  #pump(): void {
    if (this.#inflight.length !== 0) return;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#queue.length === 0) {
      this.#waiters.release();
      return;
    }
    const batch = this.#queue.splice(0, this.settings.maxExportBatchSize);
    this.#inflight = this.#queueRecords.splice(0, batch.length);
    void this.#sendBatch(batch).finally(() => {
      this.#inflight = [];
      // a full batch, a waiting flush or a closing handler goes at once; a partial one waits for its timer
      if (this.#queue.length >= this.settings.maxExportBatchSize || this.#waiters.size > 0 || this._closed) this.#pump();
      else if (this.#queue.length > 0) {
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#pump();
        }, this.settings.scheduledDelayMillis);
        this.#timer.unref();
      } else this.#waiters.release();
    });
  }

  async #sendBatch(batch: OtelLog[]): Promise<void> {
    const s = this.settings;
    let body: Buffer;
    try {
      body = this.encode(batch);
      if (s.compression === 'gzip') body = await new Promise<Buffer>((res, rej) => gzip(body, (e, out) => (e ? rej(e) : res(out))));
    } catch (e) {
      this.failed += batch.length;
      this.handleError(null, e);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      if (this.#abandon) {
        this.dropped += batch.length;
        return;
      }
      try {
        const partial = await this.#post(body);
        const rejected = partial === null ? 0 : Math.min(partial.rejected, batch.length);
        this.sent += batch.length - rejected;
        this.rejected += rejected;
        if (partial !== null) {
          const what = rejected > 0 ? `rejected ${rejected} of ${batch.length} record(s)` : 'accepted the batch with a warning';
          this.handleError(null, new LoggingError(`OTLPHandler: ${s.url.href} ${what}${partial.message ? `: ${partial.message}` : ''}`, 'ERR_LOGFLUME_OTLP_PARTIAL'));
        }
        return;
      } catch (e) {
        const err = e instanceof ExportError ? e : new ExportError(String((e as Error)?.message ?? e), true);
        if (!err.retryable || attempt >= s.maxRetries || this.#abandon) {
          if (this.#abandon) this.dropped += batch.length;
          else {
            this.failed += batch.length;
            this.handleError(null, new LoggingError(`OTLPHandler: ${batch.length} record(s) not delivered to ${s.url.href} after ${attempt + 1} attempt(s): ${err.message}`, 'ERR_LOGFLUME_OTLP', { cause: err }));
          }
          return;
        }
        this.retries++;
        const backoff = Math.min(s.retryMax, s.retryStart * 2 ** attempt) * (0.8 + Math.random() * 0.4);
        const delay = err.retryAfterMs !== null ? Math.min(s.retryMax, err.retryAfterMs) : backoff;
        this.lastRetryDelay = delay;
        await new Promise<void>((res) => {
          this.#retryWake = res;
          this.#retryTimer = setTimeout(res, delay);
        });
        this.#retryTimer = null;
        this.#retryWake = null;
      }
    }
  }

  /** One POST; resolves on 2xx (with the collector's partial success, if any), rejects with an ExportError otherwise. */
  #post(body: Buffer): Promise<PartialSuccess | null> {
    const s = this.settings;
    this.requests++;
    return new Promise<PartialSuccess | null>((resolve, reject) => {
      const headers: Record<string, string> = {
        'Content-Type': s.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
        'Content-Length': String(body.length),
        'User-Agent': 'logflume-otlp',
        ...s.headers,
      };
      if (s.compression === 'gzip') headers['Content-Encoding'] = 'gzip';
      const mod = s.url.protocol === 'https:' ? https : http;
      const req = mod.request(s.url, { method: 'POST', headers, agent: this.#agent, timeout: s.timeout });
      this.#request = req;
      let settled = false;
      const done = (err: ExportError | null, partial: PartialSuccess | null = null): void => {
        if (settled) return;
        settled = true;
        this.#request = null;
        if (err === null) resolve(partial);
        else reject(err);
      };
      req.on('timeout', () => req.destroy(new ExportError(`no answer within ${s.timeout} ms`, true)));
      req.on('error', (e) => done(e instanceof ExportError ? e : new ExportError(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim(), true)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        res.on('error', (e) => done(new ExportError(e.message, true)));
        // a 2xx body may hold a partial success; read a bounded amount of it
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
        });
        res.on('end', () => {
          if (status >= 200 && status < 300) done(null, size <= MAX_RESPONSE_BYTES ? parsePartialSuccess(Buffer.concat(chunks), res.headers['content-type']) : null);
          else done(new ExportError(`HTTP ${status}`, RETRYABLE_STATUS.has(status), parseRetryAfter(res.headers['retry-after'])));
        });
      });
      req.end(body);
    });
  }

  /** Resolves once every record accepted so far was sent (or dropped/failed and counted). */
  override flush(): Promise<void> {
    if (this.#queue.length === 0 && this.#inflight.length === 0) return Promise.resolve();
    const p = this.#waiters.wait();
    this.#pump();
    return p;
  }

  /** Start sending the backlog now instead of at the batch timer (cannot wait for it: see flush()). */
  override flushSync(): void {
    if (this.#queue.length > 0) this.#pump();
  }

  /**
   * Give up at once (shutdown()'s deadline): the request in flight is aborted, retries stop,
   * and the records not confirmed by the collector come back in order (the batch in flight
   * first: `inFlight`, the collector may have it), counted in `dropped`.
   */
  abandon(reason?: Error): Abandoned {
    const inflight = this.#inflight;
    const records = inflight.concat(this.#queueRecords);
    this.#abandon = true;
    this.dropped += this.#queue.length; // the batch in flight is counted by #sendBatch when its request fails
    this.#queue = [];
    this.#queueRecords = [];
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryWake?.();
    this.#request?.destroy(new ExportError(reason?.message ?? 'abandoned at the shutdown deadline', false));
    this.#agent.destroy();
    if (inflight.length === 0) this.#waiters.release(); // else the aborted batch's end releases them
    return { records, inFlight: inflight.length };
  }

  /** Send the backlog (within `closeTimeout`), then drop and count what is left, and release the connection. */
  override async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    process.removeListener('beforeExit', this.#onBeforeExit);
    process.removeListener('exit', this.#onExit);
    const pending = this.flush();
    let timer: NodeJS.Timeout | null = null;
    const timedOut = await Promise.race([pending.then(() => false), new Promise<boolean>((res) => (timer = setTimeout(() => res(true), this.settings.closeTimeout)))]);
    if (timer !== null) clearTimeout(timer);
    if (timedOut) {
      const { records } = this.abandon(new Error('handler closed'));
      this.handleError(null, new LoggingError(`OTLPHandler: close() gave up after ${this.settings.closeTimeout} ms: ${records.length} record(s) not sent`, 'ERR_LOGFLUME_DROPPED'));
    }
    this.#agent.destroy();
    this._closed = false; // let Handler.close() run its own bookkeeping
    await super.close();
  }

  override toString(): string {
    return `<OTLPHandler ${this.settings.url.href}>`;
  }
}
