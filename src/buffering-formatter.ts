import type { LogRecord } from './log-record.js';
import { Formatter, defaultFormatter } from './formatter.js';

/**
 * Formats a batch of records (Python's `logging.BufferingFormatter`), as used by
 * MemoryHandler-style handlers that send many records at once. Override
 * `formatHeader`/`formatFooter` to wrap the batch.
 */
export class BufferingFormatter {
  linefmt: Formatter;
  constructor(linefmt: Formatter | null = null) {
    this.linefmt = linefmt ?? defaultFormatter();
  }
  /** Text before the records; empty by default. */
  formatHeader(_records: readonly LogRecord[]): string {
    return '';
  }
  /** Text after the records; empty by default. */
  formatFooter(_records: readonly LogRecord[]): string {
    return '';
  }
  /** Header, each record through `linefmt`, footer; empty string for no records. */
  format(records: readonly LogRecord[]): string {
    let rv = '';
    if (records.length > 0) {
      rv += this.formatHeader(records);
      for (const r of records) rv += this.linefmt.format(r);
      rv += this.formatFooter(records);
    }
    return rv;
  }
}
