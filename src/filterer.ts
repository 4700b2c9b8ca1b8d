import type { LogRecord } from './log-record.js';

/** A filter function, or any object with a `filter(record)` method (Python duck-typing). */
export type FilterLike =
  | ((record: LogRecord) => boolean | LogRecord | null | undefined | number | unknown)
  | { filter(record: LogRecord): unknown };

/**
 * Base of Logger and Handler: holds filters and applies them in order.
 * A filter may return false (drop), true (keep) or a LogRecord (keep, with that
 * record replacing the current one for later filters and handlers — Python 3.12).
 */
export class Filterer {
  /** The filters, in the order they run. Public as in Python. */
  filters: FilterLike[] = [];

  /** Add a filter unless it is already present. */
  addFilter(filter: FilterLike): void {
    if (!this.filters.includes(filter)) this.filters.push(filter);
  }

  /** Remove a filter if present. */
  removeFilter(filter: FilterLike): void {
    const i = this.filters.indexOf(filter);
    if (i >= 0) this.filters.splice(i, 1);
  }

  /**
   * Run the filters. Returns false when a filter rejects the record, otherwise
   * the record to continue with (the original, or a filter's replacement).
   * Python 3.11 returns a bool; the record-or-false result is 3.12's shape and
   * is truthy exactly when 3.11 would return True.
   */
  filter(record: LogRecord): LogRecord | false {
    const filters = this.filters;
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i]!;
      const result = typeof f === 'function' ? f(record) : f.filter(record);
      if (!result) return false;
      if (typeof result === 'object' && result !== null && isRecord(result)) record = result as LogRecord;
    }
    return record;
  }
}

function isRecord(v: object): boolean {
  return typeof (v as { getMessage?: unknown }).getMessage === 'function' && 'levelno' in v;
}
