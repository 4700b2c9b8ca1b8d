import { ERROR, checkLevel, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { BufferingHandler } from './buffering-handler.js';
import { checkOptions } from '../check-options.js';

/** Anything that can take records from a MemoryHandler: a Handler, or any object with `handle(record)`. */
export interface HandlerLike {
  handle(record: LogRecord): unknown;
}

/** Options of {@link MemoryHandler} (Python's keyword arguments). */
export interface MemoryHandlerOptions {
  /** Level at or above which a record flushes the buffer (default ERROR). */
  flushLevel?: Level;
  /** Where flushed records go; without one the buffer is kept. */
  target?: HandlerLike | null;
  /** Flush the buffer on close (default true). */
  flushOnClose?: boolean;
}

/**
 * Buffers records and hands them to a target handler when the buffer is full
 * or a record at `flushLevel` or above arrives (Python's
 * `logging.handlers.MemoryHandler`) — the "keep DEBUG context, emit it with the
 * first ERROR" recipe (see examples/buffer-until-error.ts).
 *
 * Capacity: the buffer is handed on at `capacity` records. Without a target
 * nothing is handed on and the buffer keeps growing, exactly as in Python —
 * always set a target. `close()` flushes (if `flushOnClose`), then forgets the
 * target; the target itself is not closed.
 *
 * @example
 * const mem = new MemoryHandler(100, { flushLevel: ERROR, target: new FileHandler('app.log') });
 */
export class MemoryHandler extends BufferingHandler {
  /** Python's `flushLevel`. */
  flushLevel: number;
  /** Python's `target`. */
  target: HandlerLike | null;
  /** Python's `flushOnClose`. */
  flushOnClose: boolean;

  /** `new MemoryHandler(capacity, flushLevel?, target?, flushOnClose?)` as in Python, or with an options object. */
  constructor(capacity: number, flushLevel?: Level | MemoryHandlerOptions, target: HandlerLike | null = null, flushOnClose = true) {
    super(capacity);
    let opts: MemoryHandlerOptions;
    if (typeof flushLevel === 'object' && flushLevel !== null) {
      opts = flushLevel;
      if (new.target === MemoryHandler) checkOptions('MemoryHandler', opts, { flushLevel: 'level', target: 'object', flushOnClose: 'boolean' });
    } else opts = { flushLevel, target, flushOnClose };
    this.flushLevel = checkLevel(opts.flushLevel ?? ERROR);
    this.target = opts.target ?? null;
    this.flushOnClose = opts.flushOnClose ?? true;
  }

  /** Override to flush on other conditions. Default: buffer full, or a record at `flushLevel` or above. */
  override shouldFlush(record: LogRecord): boolean {
    return this.buffer.length >= this.capacity || record.levelno >= this.flushLevel;
  }

  /** Set (or clear) the target handler. */
  setTarget(target: HandlerLike | null): void {
    this.target = target;
  }

  /**
   * Hand every buffered record to the target, then clear the buffer; with no
   * target the buffer is kept (Python). Override to flush differently.
   */
  override flushSync(): void {
    const target = this.target;
    if (target) {
      const buf = this.buffer;
      for (let i = 0; i < buf.length; i++) target.handle(buf[i]!);
      buf.length = 0;
    }
  }

  /** Flush if `flushOnClose`, then drop the target and close. */
  override close(): Promise<void> {
    try {
      if (this.flushOnClose) this.flushSync();
    } catch (e) {
      this.handleError(null, e);
    }
    this.target = null;
    return super.close();
  }
}
