import type { LogRecord } from './log-record.js';

/**
 * Python's `logging.Filter`: passes records from the logger named `name` and its
 * descendants ('a.b' passes 'a.b' and 'a.b.c' but not 'a.bb'); an empty name
 * passes everything. Subclass and override `filter` for other rules; returning
 * a LogRecord replaces the record for the rest of the chain (Python 3.12).
 */
export class Filter {
  name: string;
  nlen: number;
  constructor(name = '') {
    this.name = name;
    this.nlen = name.length;
  }

  /** Override to decide: false drops the record, a LogRecord replaces it. */
  filter(record: LogRecord): boolean | LogRecord {
    if (this.nlen === 0) return true;
    const rn = record.name;
    if (this.name === rn) return true;
    if (!rn.startsWith(this.name)) return false;
    return rn.charCodeAt(this.nlen) === 46; // '.'
  }
}
