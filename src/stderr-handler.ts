import { StreamHandler, type WritableLike } from './stream-handler.js';
import { WARNING, type Level } from './levels.js';
import type { LogRecord } from './log-record.js';

/**
 * A StreamHandler that always writes to the *current* process.stderr, even if
 * it was replaced after the handler was made (Python's `_StderrHandler`,
 * the class of `lastResort`).
 */
export class StderrHandler extends StreamHandler {
  constructor(level: Level = WARNING) {
    super(null, level);
  }
  override emit(record: LogRecord): void {
    if (this.stream !== (process.stderr as unknown as WritableLike)) this.setStream(process.stderr as unknown as WritableLike);
    super.emit(record);
  }
}
