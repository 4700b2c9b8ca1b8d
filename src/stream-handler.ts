import { Handler } from './handler.js';
import { NOTSET, getLevelName, type Level } from './levels.js';
import type { LogRecord } from './log-record.js';

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
  fd?: number;
}

/**
 * Writes each formatted record plus `terminator` to a stream (Python's
 * `logging.StreamHandler`); process.stderr by default. A stream that has been
 * destroyed or ended is reported through handleError instead of crashing, and
 * asynchronous write errors reach handleError too.
 */
export class StreamHandler<S extends WritableLike | null = WritableLike> extends Handler {
  /** The stream written to; change it with `setStream`. */
  stream: S;
  /** Appended to every formatted record. */
  terminator = '\n';
  #onWriteError: ((err?: Error | null) => void) | null = null;
  #isNodeStream: boolean;

  constructor(stream?: S | null, level: Level = NOTSET) {
    super(level);
    this.stream = (stream ?? (process.stderr as unknown as S));
    this.#isNodeStream = isNodeWritable(this.stream);
  }

  /**
   * Python's `StreamHandler.flush`: call the stream's own `flush()` when it has
   * one; for a Node Writable, resolve once everything written so far has been
   * handed to the OS.
   */
  override flush(): Promise<void> {
    const s = this.stream;
    try {
      this.flushSync();
    } catch (e) {
      this.handleError(null, e);
    }
    if (s && this.#isNodeStream && !s.destroyed && !s.writableEnded) {
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
    const s = this.stream;
    if (s && typeof s.flush === 'function') s.flush();
  }

  /** Write `format(record) + terminator`; failures go to handleError. */
  override emit(record: LogRecord): void {
    const msg = this.format(record);
    this.write(msg + this.terminator, record);
  }

  /** @internal the write step, shared with subclasses that pre-format. */
  protected write(text: string, record: LogRecord | null): void {
    const s = this.stream;
    if (s === null) return;
    if (this.#isNodeStream) {
      if (s.destroyed || s.writableEnded) {
        throw Object.assign(new Error('cannot write to a destroyed or ended stream'), { code: 'ERR_STREAM_DESTROYED' });
      }
      s.write(text, this.#writeCallback(record));
    } else {
      s.write(text);
      if (typeof s.flush === 'function') s.flush();
    }
  }

  #writeCallback(record: LogRecord | null): (err?: Error | null) => void {
    void record;
    if (this.#onWriteError === null) {
      this.#onWriteError = (err) => {
        if (err) this.handleError(null, err);
      };
    }
    return this.#onWriteError;
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
    this.#isNodeStream = isNodeWritable(stream);
    return old;
  }

  override toString(): string {
    const s = this.stream as unknown as { name?: string; fd?: number };
    let name = s === (process.stderr as unknown) ? '<stderr>' : s === (process.stdout as unknown) ? '<stdout>' : String(s?.name ?? '');
    if (name) name += ' ';
    return `<${this.constructor.name} ${name}(${getLevelName(this.level)})>`;
  }
}

function isNodeWritable(s: unknown): boolean {
  return typeof s === 'object' && s !== null && typeof (s as { once?: unknown }).once === 'function' && 'writable' in s;
}
