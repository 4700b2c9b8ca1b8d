import { Filter } from './filter.js';
import { LogRecord, standardPrefixLength, hasOnlyStandardKeys, RECORD_ATTRIBUTES } from './log-record.js';
import { Redactor, REMOVED, type RedactorOptions } from './redactor.js';

const STANDARD = new Set([...RECORD_ATTRIBUTES, 'message', 'asctime']);

/**
 * A Filter that hides secrets before a record reaches a handler's output:
 * `paths` apply to the record's extra, context and structured fields (and to
 * a mapping argument and each object argument), `patterns` to the merged
 * message text. It never changes the caller's record or objects: when
 * something matched it returns a redacted copy, which (Python 3.12's filter
 * contract) replaces the record for the rest of the chain — on a logger, for
 * every handler; on a handler, for that handler only.
 *
 * Attach it to the QueueHandler / SocketHandler / HTTPHandler itself (or
 * their logger) and records leave the thread or the process already
 * redacted.
 *
 * @example
 * handler.addFilter(new RedactingFilter({ paths: ['password', '*.token'], patterns: ['creditCard'] }));
 */
export class RedactingFilter extends Filter {
  /** The redactor applied. */
  readonly redactor: Redactor;

  /** @param options redactor options, or a Redactor to share; `name` filters by logger name as Filter does. */
  constructor(options: (RedactorOptions & { name?: string }) | Redactor = {}) {
    super(options instanceof Redactor ? '' : (options.name ?? ''));
    this.redactor = options instanceof Redactor ? options : new Redactor(options);
  }

  /** Pass the record, replaced by a redacted copy when any path or pattern matched. */
  override filter(record: LogRecord): boolean | LogRecord {
    if (!super.filter(record)) return false;
    const red = this.redactor;
    let copy: LogRecord | null = null;
    const own = (): LogRecord => {
      if (copy === null) {
        copy = { ...record } as LogRecord;
        Object.setPrototypeOf(copy, Object.getPrototypeOf(record) as object);
      }
      return copy;
    };
    if (red.hasPaths) {
      if (!hasOnlyStandardKeys(record)) {
        const rec = record as unknown as Record<string, unknown>;
        const keys = Object.keys(record);
        for (let i = standardPrefixLength(keys); i < keys.length; i++) {
          const k = keys[i]!;
          if (STANDARD.has(k) || !red.touches(k)) continue;
          const v = rec[k];
          const nv = red.redactField(k, v);
          if (nv === v) continue;
          if (nv === REMOVED) delete (own() as unknown as Record<string, unknown>)[k];
          else (own() as unknown as Record<string, unknown>)[k] = nv;
        }
      }
      const args = record.args;
      if (typeof args === 'object' && args !== null) {
        if (Array.isArray(args)) {
          let out: unknown[] | null = null;
          for (let i = 0; i < args.length; i++) {
            const a: unknown = args[i];
            if (typeof a !== 'object' || a === null) continue;
            const na = red.redact(a);
            if (na !== a) (out ??= args.slice())[i] = na;
          }
          if (out !== null) own().args = out;
        } else {
          const na = red.redact(args);
          if (na !== args) own().args = na;
        }
      }
    }
    if (red.patterns.length > 0) {
      const target = copy ?? record;
      let text: string | null = null;
      try {
        text = target.getMessage();
      } catch {
        // an unformattable message is the formatter's to report, as it would be unfiltered
      }
      if (text !== null) {
        const nt = red.redactText(text);
        if (nt !== text) {
          const c = own();
          c.msg = nt;
          c.args = null;
          c.message = nt;
        }
      }
    }
    return copy ?? true;
  }
}
