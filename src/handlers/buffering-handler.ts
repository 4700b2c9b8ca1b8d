import { Handler } from '../handler.js';
import type { LogRecord } from '../log-record.js';

/**
 * Keeps records in memory and flushes when `shouldFlush()` says so (Python's
 * `logging.handlers.BufferingHandler`). This base flush just empties the
 * buffer; subclasses (MemoryHandler) send the records somewhere.
 *
 * Capacity and overflow: the buffer is flushed as soon as it holds `capacity`
 * records, so it never grows past `capacity` unless a subclass's flush keeps
 * records (MemoryHandler without a target keeps them, as in Python).
 */
export class BufferingHandler extends Handler {
  /** Records that trigger a flush (Python's `capacity`). */
  capacity: number;
  /** Buffered records, oldest first (public as in Python). */
  buffer: LogRecord[] = [];

  constructor(capacity: number) {
    super();
    this.capacity = capacity;
  }

  /** Override to flush on other conditions. Default: the buffer holds `capacity` records or more. */
  shouldFlush(_record: LogRecord): boolean {
    return this.buffer.length >= this.capacity;
  }

  /** Append, then flush if `shouldFlush()` says so. */
  override emit(record: LogRecord): void {
    this.buffer.push(record);
    if (this.shouldFlush(record)) this.flushSync();
  }

  /**
   * The synchronous flush Python's `flush()` does. Override to send the
   * buffer somewhere; this version just empties it.
   */
  override flushSync(): void {
    this.buffer.length = 0;
  }

  /** Flush, then close as Handler does. */
  override close(): Promise<void> {
    try {
      this.flushSync();
    } catch (e) {
      this.handleError(null, e);
    }
    return super.close();
  }
}
