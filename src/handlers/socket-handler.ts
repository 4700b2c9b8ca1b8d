import type * as net from 'node:net';
import { nodeNet } from '../internal/lazy-builtins.js';
import { Handler } from '../handler.js';
import { NOTSET } from '../levels.js';
import { makeLogRecord, type LogRecord } from '../log-record.js';
import { decodePayload, sanitizeRecordDict } from './wire/record-dict.js';
import type { Abandoned } from '../internal/deadline.js';
import { ConfigError } from '../errors.js';
import { TAG_BYTES, toKey } from './wire/hmac.js';
import { checkEndpoint } from './wire/endpoint.js';
import type { WireFormat } from './wire/record-dict.js';
import { encodeLogRecordFrame } from './wire/record-frame.js';
import { Waiters } from '../internal/waiters.js';
import type { SocketHandlerOptions, SocketBacklogOptions } from './socket-handler.options.js';
import { BATCH_MAX, DEFAULT_MAX_FRAME_SIZE, HIGH_WATER, PROBATION_MAX_BYTES, PROBATION_MS, oversize, shrinkRecord, writeFramesSync, type Conn } from './socket-handler.frames.js';
import { checkOptions } from '../check-options.js';
import { callerInfo } from '../internal/caller.js';

export type { SocketBacklogOptions, SocketHandlerOptions } from './socket-handler.options.js';


/**
 * Sends each record to a TCP (or, with `port === null`, Unix domain) socket
 * as a 4-byte big-endian length followed by the payload (Python's
 * `logging.handlers.SocketHandler`). A `LogRecordReceiver` — or Python's
 * cookbook receiver when `format: 'pickle'` — rebuilds the record.
 *
 * Differences from Python, because Node cannot block on a socket:
 * `emit()` queues the frame and returns; the connection is made in the
 * background with Python's exponential back-off (`retryStart`, `retryFactor`,
 * `retryMax`). While disconnected, records go to a bounded backlog replayed
 * in order on reconnect (or are dropped and counted with `backlog: false`).
 * Frames whose write failed when a connection broke are replayed, so a record
 * may arrive twice after a crash (at-least-once); after a graceful receiver
 * restart nothing is lost or repeated. Frames queued in one event-loop turn
 * go out in one `socket.write`. At process exit `flushSync()` writes what is
 * queued straight to a connected socket; records logged before the connection
 * was ever established cannot be sent synchronously — await `flush()`/`close()`
 * (or `shutdown()`) before exiting to be sure.
 */
export class SocketHandler extends Handler {
  /** Host name or address; the socket path when `port` is null. */
  host: string;
  /** TCP port, or null for a Unix domain socket at `host`. */
  port: number | null;
  /** `[host, port]`, or the path for a Unix socket (Python's `address`). */
  address: [string, number] | string;
  /** The current socket, or null while disconnected (Python's `sock`). */
  sock: net.Socket | null = null;
  /** Close the socket when handleError runs (Python's `closeOnError`). */
  closeOnError = false;
  /** When the next connect attempt may happen, seconds since the epoch; null = now. */
  retryTime: number | null = null;
  retryStart: number;
  retryMax: number;
  retryFactor: number;
  retryPeriod = 0;
  /** Payload encoding used by `makePickle`. */
  wireFormat: WireFormat;
  /** Records dropped because the backlog was full or (with `backlog: false`) the receiver was unreachable. */
  droppedCount = 0;
  /** Records whose frame was handed to the OS. */
  sentCount = 0;
  /** Records given up by `abandon()` (shutdown()'s deadline): queued, or written to a socket that had not taken them. */
  abandonedCount = 0;
  /** Records sent cut to fit `maxFrameSize`. */
  truncatedCount = 0;
  /** Largest payload sent (see the option). */
  readonly maxFrameSize: number;

  protected readonly hmacKey: Buffer | null;
  /** Bytes before a frame's payload: the length prefix, then the HMAC tag when signing. */
  get #frameOverhead(): number {
    return 4 + (this.hmacKey ? TAG_BYTES : 0);
  }
  readonly #formatException = (r: LogRecord): void => {
    this.format(r);
  };
  #backlog: Required<SocketBacklogOptions> | null;
  #limits: Required<SocketBacklogOptions>;
  #connectTimeout: number;
  #closeTimeout: number;
  #queue: Buffer[] = [];
  #qhead = 0;
  #queuedBytes = 0;
  #inflightCount = 0;
  #conn: Conn | null = null;
  #connecting = false;
  #timer: NodeJS.Timeout | null = null;
  #dropReported = false;
  readonly #waiters = new Waiters();

  constructor(host: string, port: number | null, options: SocketHandlerOptions = {}) {
    if (new.target === SocketHandler) {
      checkOptions('SocketHandler', options, {
        // format and hmacKey are checked below with their own messages
        format: 'any', hmacKey: 'any', backlog: 'any', retryStart: 'number', retryFactor: 'number',
        retryMax: 'number', connectTimeout: 'number', closeTimeout: 'number', maxFrameSize: 'integer', level: 'level', captureCaller: 'boolean',
      });
    }
    super(options.level ?? NOTSET);
    if (options.captureCaller === true) callerInfo.usedByFormat = true; // the receiver prints caller fields (issue #15 item 8)
    const format = checkEndpoint('SocketHandler', host, port, options.format ?? 'compact');
    this.host = host;
    this.port = port;
    this.address = port === null ? host : [host, port];
    this.wireFormat = format;
    this.retryStart = options.retryStart ?? 1.0;
    this.retryFactor = options.retryFactor ?? 2.0;
    this.retryMax = options.retryMax ?? 30.0;
    this.#connectTimeout = options.connectTimeout ?? 1000;
    this.#closeTimeout = options.closeTimeout ?? 5000;
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    if (!(this.maxFrameSize >= 64)) throw new ConfigError(`SocketHandler: maxFrameSize must be at least 64 bytes, got ${String(options.maxFrameSize)}`);
    try {
      this.hmacKey = options.hmacKey != null ? toKey(options.hmacKey) : null;
    } catch (e) {
      throw new ConfigError(`SocketHandler: hmacKey: ${(e as Error).message}`);
    }
    const b = options.backlog;
    this.#limits = { records: 10_000, bytes: 8 << 20 };
    if (b === false) this.#backlog = null;
    else {
      this.#backlog = { records: b?.records ?? 10_000, bytes: b?.bytes ?? 8 << 20 };
      this.#limits = this.#backlog;
      if (!(this.#backlog.records > 0) || !(this.#backlog.bytes > 0)) throw new ConfigError('SocketHandler: backlog.records and backlog.bytes must be positive');
    }
  }

  /** Frames waiting to be written (backlog included). */
  get queuedCount(): number {
    return this.#queue.length - this.#qhead;
  }

  /**
   * Python's name for the serialiser: the record as one frame (length prefix,
   * optional HMAC tag, payload in `wireFormat`), with `msg` merged, `args`
   * and `exc_info` cleared and `exc_text` filled. Override to change the payload.
   */
  makePickle(record: LogRecord): Buffer {
    return encodeLogRecordFrame(record, this.wireFormat, this.hmacKey, this.#formatException);
  }

  /** Clearer alias of `makePickle` (which it calls, so overriding makePickle is enough). */
  encodeRecord(record: LogRecord): Buffer {
    return this.makePickle(record);
  }

  /**
   * Open a socket to `address` (Python's `makeSocket`). Node connects
   * asynchronously, so this returns a socket that is still connecting.
   * Override to use TLS or other socket options.
   */
  makeSocket(timeout: number = this.#connectTimeout): net.Socket {
    const sock = this.port === null ? nodeNet().connect({ path: this.host }) : nodeNet().connect({ host: this.host, port: this.port });
    sock.setTimeout(timeout);
    return sock;
  }

  /**
   * Start a connect attempt unless the back-off period is still running
   * (Python's `createSocket`: `retryStart`, then × `retryFactor` up to `retryMax`).
   */
  createSocket(): void {
    if (this.#conn || this.#connecting) return;
    const now = Date.now() / 1000;
    if (this.retryTime !== null && now < this.retryTime) {
      this.#scheduleRetry();
      return;
    }
    let sock: net.Socket;
    try {
      sock = this.makeSocket();
    } catch (e) {
      this.#connectFailed();
      this.handleError(null, e);
      return;
    }
    this.#connecting = true;
    this.sock = sock;
    sock.unref();
    const onFail = (): void => {
      sock.removeListener('connect', onConnect);
      sock.destroy();
      if (this.sock === sock) this.sock = null;
      this.#connecting = false;
      this.#connectFailed();
    };
    const onConnect = (): void => {
      sock.removeListener('error', onFail);
      sock.removeListener('timeout', onFail);
      sock.setTimeout(0);
      this.#connecting = false;
      this.retryTime = null;
      this.#dropReported = false;
      this.#attach(sock);
    };
    sock.once('connect', onConnect);
    sock.once('error', onFail);
    sock.once('timeout', onFail);
  }

  #connectFailed(): void {
    const now = Date.now() / 1000;
    if (this.retryTime === null) this.retryPeriod = this.retryStart;
    else this.retryPeriod = Math.min(this.retryPeriod * this.retryFactor, this.retryMax);
    this.retryTime = now + this.retryPeriod;
    if (!this.#backlog) this.#dropQueued('the receiver is unreachable');
    this.#scheduleRetry();
    this.#notify(true);
  }

  #scheduleRetry(): void {
    if (this.#timer || this.queuedCount === 0 || this.retryTime === null) return;
    const ms = Math.max(0, this.retryTime * 1000 - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.queuedCount > 0) this.createSocket();
    }, ms);
    this.#timer.unref();
  }

  #attach(sock: net.Socket): void {
    const conn: Conn = { sock, inflight: [], head: 0, dead: false, batch: [], batchBytes: 0, flushQueued: false, sent: 0, reset: null, probation: [], probationBytes: 0, refused: false };
    setTimeout(() => (conn.probation = null), PROBATION_MS).unref();
    this.#conn = conn;
    sock.on('error', (e: NodeJS.ErrnoException) => {
      // the 'close' that follows does the work; a reset means the receiver threw away what it had not read
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') conn.reset = e;
    });
    sock.on('data', () => {
      // a receiver sends nothing but its refusal line (logflume's at maxConnections): nothing on
      // this connection was read, so what was sent on it goes back to the queue (see #detach)
      if (conn.refused) return;
      conn.refused = true;
      sock.destroy();
    });
    // The receiver closing its side (FIN) means it is going away: stop using this
    // socket; what is already written still goes out before our own FIN.
    sock.on('end', () => this.#detach(conn));
    sock.on('close', () => this.#detach(conn));
    sock.on('drain', () => this.#pump());
    this.#pump();
  }

  #detach(conn: Conn): void {
    if (this.#conn === conn) {
      this.#conn = null;
      if (this.sock === conn.sock) this.sock = null;
    }
    if (conn.sock.destroyed && !conn.dead) {
      conn.dead = true;
      if (conn.reset && conn.sent > 0 && !conn.refused && !this._closed) {
        // not silent: frames the kernel took are gone with the connection; a receiver resets on a frame it refuses
        Handler.prototype.handleError.call(
          this,
          null,
          new Error(
            `${this.constructor.name} to ${String(this.address)}: the receiver reset the connection (${conn.reset.code}) after ${conn.sent} frame(s) on it; ` +
              'frames it had not read yet are lost (a receiver resets on a frame it refuses: see its log); unsent frames are replayed',
            { cause: conn.reset },
          ),
        );
      }
      // Frames the broken socket did not take go back to the front of the queue, in order.
      const lost = conn.inflight.slice(conn.head);
      conn.batch = [];
      conn.batchBytes = 0;
      if (lost.length > 0) {
        this.#inflightCount -= lost.length;
        const rest = this.#queue.slice(this.#qhead);
        this.#queue = lost.concat(rest);
        this.#qhead = 0;
        for (const f of lost) this.#queuedBytes += f.length;
        conn.inflight = [];
        conn.head = 0;
      }
      // after the unwritten ones went back: the refused connection's sent frames are older, so they go first
      if (conn.refused) this.#requeueRefused(conn);
    }
    if (this.queuedCount > 0 && !this._closed) this.createSocket();
    this.#notify(false);
  }

  /** The receiver refused the connection unread: the frames sent on it are not sent; back to the front of the queue. */
  #requeueRefused(conn: Conn): void {
    const kept = conn.probation ?? [];
    const lost = conn.sent - kept.length;
    if (kept.length > 0) {
      this.sentCount -= kept.length;
      conn.sent -= kept.length;
      this.#queue = kept.concat(this.#queue.slice(this.#qhead));
      this.#qhead = 0;
      for (const f of kept) this.#queuedBytes += f.length;
    }
    conn.probation = null;
    Handler.prototype.handleError.call(
      this,
      null,
      Object.assign(
        new Error(
          `${this.constructor.name} to ${String(this.address)}: the receiver refused the connection (maxConnections reached); ${kept.length} frame(s) sent on it go out again on the next connection` +
            (lost > 0 ? `; ${lost} older frame(s) were no longer kept and are lost` : ''),
        ),
        { code: 'ERR_LOGFLUME_REFUSED' },
      ),
    );
    if (lost > 0) this.droppedCount += lost;
  }

  /** Move queued frames to the socket while it accepts them. */
  #pump(): void {
    const conn = this.#conn;
    if (!conn || conn.sock.destroyed || !conn.sock.writable) return;
    const sock = conn.sock;
    while (this.#qhead < this.#queue.length && sock.writableLength + conn.batchBytes < HIGH_WATER) {
      const f = this.#queue[this.#qhead]!;
      this.#queue[this.#qhead++] = undefined as unknown as Buffer;
      this.#queuedBytes -= f.length;
      this.#write(conn, f);
    }
    if (this.#qhead > 1024 && this.#qhead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#qhead);
      this.#qhead = 0;
    }
  }

  /** Add a frame to the connection's batch; the batch goes out as one write. */
  #write(conn: Conn, frame: Buffer): void {
    conn.inflight.push(frame);
    this.#inflightCount++;
    conn.batch.push(frame);
    conn.batchBytes += frame.length;
    if (conn.batchBytes >= BATCH_MAX) this.#flushBatch(conn);
    else if (!conn.flushQueued) {
      conn.flushQueued = true;
      process.nextTick(() => this.#flushBatch(conn));
    }
  }

  /**
   * One `socket.write` for the whole batch: a frame counts as sent when the
   * write holding it completes. Writes complete in order, so the batch's
   * frames are the next ones in `inflight`; a failed write leaves them there
   * for the replay that follows the socket's close.
   */
  #flushBatch(conn: Conn): void {
    conn.flushQueued = false;
    const frames = conn.batch;
    const n = frames.length;
    if (n === 0 || conn.dead) return;
    const bytes = conn.batchBytes;
    conn.batch = [];
    conn.batchBytes = 0;
    conn.sock.write(n === 1 ? frames[0]! : Buffer.concat(frames, bytes), (err) => {
      if (err || conn.dead) return;
      for (let i = 0; i < n; i++) conn.inflight[conn.head++] = undefined as unknown as Buffer;
      this.#inflightCount -= n;
      this.sentCount += n;
      conn.sent += n;
      if (conn.probation !== null) {
        // kept until the connection is trusted (a refusal line would send them again)
        conn.probationBytes += bytes;
        if (conn.probationBytes > PROBATION_MAX_BYTES) conn.probation = null;
        else for (let i = 0; i < n; i++) conn.probation.push(frames[i]!);
      }
      if (conn.head > 1024 && conn.head * 2 > conn.inflight.length) {
        conn.inflight = conn.inflight.slice(conn.head);
        conn.head = 0;
      }
      if (this.#inflightCount === 0 && this.queuedCount === 0) this.#notify(false);
    });
  }

  /**
   * Queue one frame for sending (Python's `send`, which blocks instead).
   * Override to change the transport.
   */
  send(frame: Buffer): void {
    const conn = this.#conn;
    if (conn && this.queuedCount === 0 && conn.sock.writable && conn.sock.writableLength + conn.batchBytes < HIGH_WATER) {
      this.#write(conn, frame);
      return;
    }
    if (!conn && !this.#connecting && !this.#backlog) {
      // Python drops while the back-off period runs; a connect attempt that is
      // allowed to start now is waited for, as Python's blocking connect is.
      this.createSocket();
      if (!this.#connecting && !this.#conn) {
        this.#drop(1, 'the receiver is unreachable');
        return;
      }
    }
    if (this.queuedCount >= this.#limits.records || this.#queuedBytes + frame.length > this.#limits.bytes) {
      this.#drop(1, 'the send backlog is full');
      return;
    }
    this.#queue.push(frame);
    this.#queuedBytes += frame.length;
    if (this.#conn) this.#pump();
    else this.createSocket();
  }

  #drop(n: number, why: string): void {
    this.droppedCount += n;
    if (!this.#dropReported) {
      this.#dropReported = true;
      // Reported once per outage; droppedCount keeps counting.
      Handler.prototype.handleError.call(this, null, new Error(`${this.constructor.name} to ${String(this.address)}: dropping records (${why}); droppedCount counts them`));
    }
  }

  #dropQueued(why: string): void {
    const n = this.queuedCount;
    if (n === 0) return;
    this.#queue = [];
    this.#qhead = 0;
    this.#queuedBytes = 0;
    this.#drop(n, why);
  }

  /** Serialise and queue the record; one above `maxFrameSize` is cut to fit (or dropped), counted and reported. */
  override emit(record: LogRecord): void {
    const frame = this.makePickle(record);
    const overhead = this.#frameOverhead;
    if (frame.length - overhead <= this.maxFrameSize) {
      this.send(frame);
      return;
    }
    const size = frame.length - overhead;
    const small = this.makePickle(shrinkRecord(record, size - this.maxFrameSize, record.exc_text ?? null));
    if (small.length - overhead <= this.maxFrameSize) {
      this.truncatedCount++;
      this.send(small);
      this.handleError(record, oversize(`a ${size}-byte record was cut to maxFrameSize (${this.maxFrameSize}); truncatedCount counts them`));
    } else {
      this.droppedCount++;
      this.handleError(record, oversize(`a ${size}-byte record was dropped: its attributes alone exceed maxFrameSize (${this.maxFrameSize}); droppedCount counts it`));
    }
  }

  /** Python: with `closeOnError`, a failure closes the socket instead of being reported. */
  override handleError(record: LogRecord | null, error?: unknown): void {
    if (this.closeOnError && this.sock) {
      this.sock.destroy();
      this.sock = null;
    } else super.handleError(record, error);
  }

  #notify(connectFailed: boolean): void {
    if (this.#waiters.size === 0) return;
    if (connectFailed || (this.#inflightCount === 0 && this.queuedCount === 0)) this.#waiters.release();
  }

  /** Wait until everything queued has been written, a connect attempt failed, or `ms` passed. */
  #drain(ms: number): Promise<void> {
    if (this.#inflightCount === 0 && this.queuedCount === 0) return Promise.resolve();
    if (!this.#conn && !this.#connecting) {
      this.retryTime = null; // a flush is a reason to try now
      this.createSocket();
    }
    // While someone awaits the flush, the process must stay alive for it: the
    // timer stays referenced (sockets are unref'd so an idle handler never
    // holds a process open).
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.#waiters.add(done);
    });
  }

  /** Resolve once every queued record has been written to the socket, a connect attempt fails, or `closeTimeout` passes. */
  override flush(): Promise<void> {
    return this.#drain(this.#closeTimeout);
  }

  /**
   * Exit-time flush (process.exit(), an uncaught exception, `flushOnSignals`):
   * when connected and nothing is pending inside Node's socket, the frames of
   * the current batch and the backlog are written straight to the socket's
   * descriptor, synchronously (waiting out a full kernel buffer for at most
   * `closeTimeout`). Otherwise the batch is handed to the socket (best effort)
   * and what remains is reported as dropped. A socket that is not connected yet
   * cannot be written synchronously: its backlog is reported, not sent.
   */
  override flushSync(): void {
    const conn = this.#conn;
    if (conn !== null && !conn.dead && !conn.sock.destroyed) {
      const fd = (conn.sock as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
      if (typeof fd === 'number' && fd >= 0 && conn.sock.writableLength === 0) {
        const batched = conn.batch.length;
        const frames = conn.batch.concat(this.#queue.slice(this.#qhead));
        if (frames.length > 0) {
          const written = writeFramesSync(fd, frames, this.#closeTimeout);
          // the batch's frames were already counted in flight; queued ones move straight to sent
          conn.batch = [];
          conn.batchBytes = 0;
          const doneBatched = Math.min(written, batched);
          for (let i = 0; i < doneBatched; i++) conn.inflight[conn.head++] = undefined as unknown as Buffer;
          this.#inflightCount -= doneBatched;
          const doneQueued = written - doneBatched;
          for (let i = 0; i < doneQueued; i++) this.#queuedBytes -= this.#queue[this.#qhead + i]!.length;
          this.#qhead += doneQueued;
          this.sentCount += written;
        }
      } else {
        this.#pump();
        this.#flushBatch(conn);
      }
    }
    const unsent = this.queuedCount;
    if (unsent > 0) this.#drop(0, `${unsent} record(s) could not be sent before exit`);
  }

  /**
   * Send what is queued, count what could not be sent as dropped, then close
   * the connection. Gives up after `closeTimeout` ms without progress (no
   * frame completed): a live receiver that keeps reading gets everything,
   * however long the backlog; an unreachable or stalled one costs at most
   * `closeTimeout`. Records emitted later reconnect, as in Python.
   */
  override async close(): Promise<void> {
    let deadline = Date.now() + this.#closeTimeout;
    while ((this.queuedCount > 0 || this.#inflightCount > 0) && Date.now() < deadline) {
      const before = this.queuedCount + this.#inflightCount;
      const sentBefore = this.sentCount;
      // Wait in slices so that progress can move the deadline.
      await this.#drain(Math.min(deadline - Date.now(), 250));
      // After a stalled event loop the timer fires before the I/O callbacks that
      // completed meanwhile: let them run before calling the receiver stalled.
      if (this.sentCount === sentBefore && Date.now() >= deadline) await new Promise((r) => setImmediate(r));
      if (this.sentCount > sentBefore) deadline = Date.now() + this.#closeTimeout;
      else if (!this.#conn && !this.#connecting && this.queuedCount + this.#inflightCount >= before) break;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#dropQueued('closed before the receiver could be reached');
    const conn = this.#conn;
    if (conn) {
      this.#flushBatch(conn); // what is batched goes out before our FIN
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          conn.sock.destroy();
          resolve();
        }, Math.max(100, deadline - Date.now()));
        conn.sock.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        conn.sock.end();
      });
    } else if (this.sock) this.sock.destroy();
    this.#conn = null;
    this.sock = null;
    await super.close();
  }

  /**
   * Give up at once (shutdown()'s deadline): the connection is destroyed, retries stop, and
   * what it still held comes back as records, in logged order: first the frames handed to a
   * socket that had not confirmed them (`inFlight`: the receiver may have some), then the
   * queue. They are counted in `abandonedCount`; a close() that follows returns without waiting.
   * Records are rebuilt from their frames, so they carry what the wire carries.
   */
  abandon(_reason?: Error): Abandoned {
    const conn = this.#conn;
    const inflight = conn ? conn.inflight.slice(conn.head) : [];
    const queued = this.#queue.slice(this.#qhead);
    this.#queue = [];
    this.#qhead = 0;
    this.#queuedBytes = 0;
    this.#inflightCount = 0;
    if (conn) {
      conn.dead = true; // its 'close' must not put the frames back in the queue
      conn.inflight = [];
      conn.head = 0;
      conn.batch = [];
      conn.batchBytes = 0;
      conn.sock.destroy();
    }
    this.#conn = null;
    this.sock?.destroy();
    this.sock = null;
    this.#connecting = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const frames = inflight.concat(queued);
    this.abandonedCount += frames.length;
    this.#notify(true);
    const records = frames.map((f) => {
      try {
        return makeLogRecord(sanitizeRecordDict(decodePayload(f.subarray(this.#frameOverhead))));
      } catch {
        // an override of makePickle may write a payload of its own: still a record, never lost silently
        return makeLogRecord({ name: 'logflume', levelno: 40, levelname: 'ERROR', msg: `(an undecodable ${f.length}-byte frame of ${this.constructor.name})` });
      }
    });
    return { records, inFlight: inflight.length };
  }

  override toString(): string {
    return `<${this.constructor.name} ${String(this.address)}>`;
  }
}
