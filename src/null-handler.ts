import { Handler } from './handler.js';
import type { LogRecord } from './log-record.js';

/**
 * Does nothing (Python's `logging.NullHandler`). Libraries add it to their top
 * logger so that an application that configures no logging sees no
 * "lastResort" output from them.
 */
export class NullHandler extends Handler {
  /** Skips filters and formatting entirely. */
  override handle(_record: LogRecord): LogRecord | false {
    return false;
  }
  override emit(_record: LogRecord): void {}
}
