import { Handler } from './handler.js';
import { NOTSET, CRITICAL, getLevelName, type Level } from './levels.js';
import type { LogRecord } from './log-record.js';
import { settings } from './internal/runtime.js';
import { writeStderr } from './internal/report.js';
import { ConfigError } from './errors.js';
import { checkOptions } from './check-options.js';
import { fstatSync } from 'node:fs';
import { directFd, writeAllSync } from './internal/stdio-writer.js';

/** Options of {@link StreamHandler} (the second argument may also be just a level). */
export interface StreamHandlerOptions {
  /** Minimum level (default NOTSET). */
  level?: Level;
  /**
   * Batch records and write them once per event-loop turn (or at `bufferSize`
   * characters), flushed synchronously at process exit, on flush()/close() and
   * for every CRITICAL record. Default false: each record is written before
   * the log call returns, as in Python. A SIGKILL can lose one turn's records.
   */
  buffered?: boolean;
  /**
   * Characters that force a write in buffered mode (default 65536; 16384 for
   * process.stdout/stderr on a pipe, which holds 64 KiB: a 64 KiB write would
   * mostly wait for the reader).
   */
  bufferSize?: number;
}

/**
 * What a StreamHandler writes to: a Node Writable, or any object with
 * `write(text)` (and optionally `flush()`), as in Python.
 */
export interface WritableLike {
  write(chunk: string, cb?: (err?: Error | null) => void): unknown;
  flush?: () => unknown;
  destroyed?: boolean;
  writableEnded?: boolean;
  writableNeedDrain?: boolean;
  once?: (event: string, listener: (...args: unknown[]) => void) => unknown;
  on?: (event: string, listener: (...args: unknown[]) => void) => unknown;
  fd?: number;
}

/**
 * Writes each formatted record plus `terminator` to a stream (Python's
 * `logging.StreamHandler`); process.stderr by default.
 *
 * A Node stream that fails (EPIPE when the reader of a pipe went away, a
 * destroyed socket, an ended stream) is reported once through handleError and
 * then no longer written to, as sonic-boom does: later records are counted in
 * `droppedCount` and the count is reported at close(). So that such a failure
 * cannot crash the process, the handler adds one 'error' listener to each Node
 * stream it writes to. Whether `stream` is a Node stream is decided at each
 * call, so `h.stream = { write() {} }` works as in Python.
 */
export class StreamHandler<S extends WritableLike | null = WritableLike> extends Handler {
  /** The stream written to; assign it directly (as in Python) or use `setStream`. */
  stream: S;
  /** Appended to every formatted record. */
  terminator = '\n';
  /** Records not written because the Node stream had failed (error, destroyed or ended). */
  droppedCount = 0;
  // The Node stream the write callback below belongs to; identity, not type, is cached.
  #cbStream: object | null = null;
  #onWrite: ((err?: Error | null) => void) | null = null;
  // The failed stream already reported, so a failure is reported once per stream.
  #reported: object | null = null;
  #droppedReported = 0;
  /** Batch writes per event-loop turn (see StreamHandlerOptions.buffered). */
  readonly buffered: boolean;
  readonly #bufferSizeOpt: number | undefined;
  #bufferSize = 65536;
  #buf = '';
  #bufStream: WritableLike | null = null;
  #scheduled = false;

  constructor(stream?: S | null, level: Level | StreamHandlerOptions = NOTSET) {
    const given: unknown = stream;
    if (given !== undefined && given !== null && (typeof given !== 'object' || typeof (given as { write?: unknown }).write !== 'function')) {
      throw new ConfigError(
        `${new.target.name}: stream must be a writable stream or an object with a write() method, got ${typeof given === 'string' ? JSON.stringify(given) : typeof given}${given === 'stdout' || given === 'stderr' ? ` (pass process.${given})` : ''}`,
        { code: 'ERR_LOGFLUME_OPTION' },
      );
    }
    const opts: StreamHandlerOptions = typeof level === 'object' && level !== null ? level : { level };
    if (typeof level === 'object' && level !== null) checkOptions(new.target.name, level, { level: 'level', buffered: 'boolean', bufferSize: 'integer' });
    super(opts.level ?? NOTSET);
    this.buffered = opts.buffered ?? false;
    this.#bufferSizeOpt = opts.bufferSize;
    this.#bufferSize = opts.bufferSize ?? 65536;
    this.stream = (stream ?? (process.stderr as unknown as S));
    // guarded now, not only at the first write: a socket can fail before it is written to
    if (isNodeWritable(this.stream)) guardStream(this.stream!);
  }

  /**
   * Python's `StreamHandler.flush`: call the stream's own `flush()` when it has
   * one; for a Node Writable, resolve once everything written so far has been
   * handed to the OS (at once when the stream has failed).
   */
  override flush(): Promise<void> {
    const s = this.stream;
    try {
      this.flushSync();
    } catch (e) {
      this.handleError(null, e);
    }
    if (s && isNodeWritable(s) && !isDead(s)) {
      guardStream(s);
      return new Promise((resolve) => {
        try {
          s.write('', () => resolve());
        } catch {
          resolve();
        }
      });
    }
    return Promise.resolve();
  }

  override flushSync(): void {
    if (this.#buf !== '') this.#drain();
    const s = this.stream;
    if (s && typeof s.flush === 'function') s.flush();
  }

  /** Write `format(record) + terminator`; failures go to handleError. */
  override emit(record: LogRecord): void {
    const msg = this.format(record);
    this.write(msg + this.terminator, record);
    // a CRITICAL record may be the last before a crash: push it out now
    if (this.#buf !== '' && record.levelno >= CRITICAL) this.#drain();
  }

  /** @internal the write step, shared with subclasses that pre-format. */
  protected write(text: string, _record: LogRecord | null): void {
    const s = this.stream;
    if (s === null) return;
    if (this.buffered) {
      if (this.#bufStream !== s) {
        if (this.#buf !== '') this.#drain(); // the stream was swapped: old text to the old stream
        this.#bufStream = s;
        this.#bufferSize = this.#bufferSizeOpt ?? defaultBufferSize(s);
      }
      this.#buf += text;
      if (this.#buf.length >= this.#bufferSize) this.#drain();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#onTurnEnd).unref();
      }
      return;
    }
    this.#writeNow(s, text);
  }

  readonly #onTurnEnd = (): void => {
    this.#scheduled = false;
    if (this.#buf !== '') this.#drain();
  };

  /** Write the buffered text now; failures are reported here, as a write's would be. */
  #drain(): void {
    const text = this.#buf;
    const s = this.#bufStream ?? this.stream;
    this.#buf = '';
    if (s === null) return;
    try {
      this.#writeNow(s, text);
    } catch (e) {
      this.handleError(null, e);
    }
  }

  #writeNow(s: WritableLike, text: string): void {
    // process.stdout/stderr on a pipe or a file: one write(2), as Node itself would do it synchronously
    if (s === (process.stdout as unknown) || s === (process.stderr as unknown)) {
      if (this.#reported === s) {
        this.droppedCount++; // failed before (EPIPE: the reader is gone); counted, reported at close()
        return;
      }
      const fd = directFd(s);
      if (fd >= 0) {
        try {
          writeAllSync(fd, text);
        } catch (e) {
          this.#streamFailed(s, e);
        }
        return;
      }
    }
    if (isNodeWritable(s)) {
      if (isDead(s)) {
        this.#streamFailed(s, (s as { errored?: unknown }).errored ?? null);
        return;
      }
      s.write(text, s === this.#cbStream ? this.#onWrite! : this.#callbackFor(s));
    } else {
      s.write(text);
      if (typeof s.flush === 'function') s.flush();
    }
  }

  #callbackFor(s: WritableLike): (err?: Error | null) => void {
    guardStream(s);
    this.#cbStream = s;
    return (this.#onWrite = (err) => {
      if (err) this.#streamFailed(s, err);
    });
  }

  /** One record lost to a failed stream: counted always, reported once per stream. */
  #streamFailed(s: WritableLike, err: unknown): void {
    this.droppedCount++;
    if (this.#reported === s) return;
    this.#reported = s;
    const code = (err as { code?: unknown } | null)?.code ?? 'ERR_STREAM_DESTROYED';
    const what = err ? `the stream failed (${String(code)})` : 'the stream was destroyed or ended';
    const e = new Error(`${what}: ${this.constructor.name} writes no more records to it; droppedCount counts them`, err ? { cause: err } : undefined);
    this.handleError(null, Object.assign(e, { code }));
  }

  /** Report how many records a failed stream cost, then close (the stream itself is left open, as in Python). */
  override close(): Promise<void> {
    const done = super.close(); // its suppressed-report summary first
    const n = this.droppedCount - this.#droppedReported;
    if (n > 0 && settings.raiseExceptions) {
      this.#droppedReported = this.droppedCount;
      writeStderr(`--- Logging: ${n} record(s) were not written by ${this.constructor.name}: its stream or file failed (droppedCount) ---\n`);
    }
    return done;
  }

  /**
   * Swap the stream, returning the old one, or null when it is the same
   * stream (Python's `setStream`). The old stream is flushed first.
   */
  setStream(stream: S): S | null {
    // Python flushes the old stream, swaps, and returns the old one.
    if (stream === this.stream) return null;
    const old = this.stream;
    try {
      this.flushSync();
    } catch (e) {
      this.handleError(null, e);
    }
    this.stream = stream;
    if (isNodeWritable(stream)) guardStream(stream!);
    return old;
  }

  override toString(): string {
    const s = this.stream as unknown as { name?: string; fd?: number };
    let name = s === (process.stderr as unknown) ? '<stderr>' : s === (process.stdout as unknown) ? '<stdout>' : String(s?.name ?? '');
    if (name) name += ' ';
    return `<${this.constructor.name} ${name}(${getLevelName(this.level)})>`;
  }
}

/** 16384 characters for process.stdout/stderr on a pipe or socket (a pipe holds 64 KiB), else 65536. */
function defaultBufferSize(s: WritableLike): number {
  if (s !== (process.stdout as unknown) && s !== (process.stderr as unknown)) return 65536;
  const fd = directFd(s);
  if (fd < 0) return 65536;
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket() ? 16384 : 65536;
  } catch {
    return 65536;
  }
}

function isNodeWritable(s: unknown): boolean {
  return typeof s === 'object' && s !== null && typeof (s as { once?: unknown }).once === 'function' && typeof (s as { on?: unknown }).on === 'function' && 'writable' in s;
}

// (an errored stream is destroyed too unless autoDestroy is off; then its write callback carries the error)
function isDead(s: WritableLike): boolean {
  return s.destroyed === true || s.writableEnded === true;
}

// Streams that carry logflume's 'error' listener. The listener only keeps the
// process alive: the failure itself reaches each handler through its write
// callback or, at its next write, through the stream's destroyed/errored state.
const guarded = new WeakSet<object>();
const ignoreStreamError = (): void => {};
function guardStream(s: WritableLike): void {
  if (guarded.has(s)) return;
  guarded.add(s);
  s.on?.('error', ignoreStreamError);
}
