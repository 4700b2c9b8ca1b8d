import { Filterer } from './filterer.js';
import { NOTSET, checkLevel, getLevelName, type Level } from './levels.js';
import type { LogRecord } from './log-record.js';
import { defaultFormatter, type Formatter } from './formatter.js';
import { reportLoggingError, errorKey, writeStderr, isDestinationFault } from './internal/report.js';
import { activeHandler } from './record-message.js';
import { settings } from './internal/runtime.js';
import { registerHandler, setNamedHandler, deleteNamedHandler, exitState, afterLateRecord } from './internal/registry.js';

/** Anything with a `format(record)` method can format for a handler. */
export type FormatterLike = Pick<Formatter, 'format'>;

/**
 * Base of every handler (Python's `logging.Handler`). `handle()` is the fixed
 * skeleton — filter, then `emit()` inside a try/catch that routes failures to
 * `handleError()` — so a handler can never throw into the code that logs.
 *
 * The async contract: `emit()` is synchronous for the caller and never waits on
 * a network; `flush()` and `close()` return Promises that resolve once every
 * record accepted so far has reached its destination (or failed and been
 * reported). `flushSync()` is the exit-time variant and does what can be done
 * without waiting.
 */
export class Handler extends Filterer {
  /** Minimum level this handler emits. */
  level: number;
  /** Formatter used by `format()`; the default one when null. */
  formatter: FormatterLike | null = null;
  #name: string | null = null;
  /** True once `close()` has run (Python's `_closed`). */
  protected _closed = false;
  #inHandleError = false;

  constructor(level: Level = NOTSET) {
    super();
    this.level = checkLevel(level);
    registerHandler(this);
  }

  /** The handler's name, used by dictConfig references; setting it registers the handler. */
  get name(): string | null {
    return this.#name;
  }
  set name(name: string | null) {
    if (this.#name !== null) deleteNamedHandler(this.#name, this);
    this.#name = name;
    if (name !== null) setNamedHandler(name, this);
  }
  /** Python's `get_name`. */
  get_name(): string | null {
    return this.#name;
  }
  /** Python's `set_name`. */
  set_name(name: string | null): void {
    this.name = name;
  }

  /** Kept for Python compatibility: Node runs handlers on one thread, so there is nothing to lock. */
  createLock(): void {}
  /** No-op; see createLock. */
  acquire(): void {}
  /** No-op; see createLock. */
  release(): void {}

  /** Set the level (a number or a registered name). */
  setLevel(level: Level): void {
    this.level = checkLevel(level);
  }

  /** Set the formatter. */
  setFormatter(fmt: FormatterLike | null): void {
    this.formatter = fmt;
  }

  /** Format with this handler's formatter, or the default one. */
  format(record: LogRecord): string {
    return (this.formatter ?? defaultFormatter()).format(record);
  }

  /**
   * Do whatever it takes to output the record. Override this: it is called
   * only for records that passed the filters, inside `handle()`'s try/catch.
   */
  emit(_record: LogRecord): void {
    throw new Error('emit must be implemented by Handler subclasses');
  }

  /**
   * Filter then emit. Returns the record that was emitted (a filter may have
   * replaced it) or false if it was filtered out. Never throws.
   */
  handle(record: LogRecord): LogRecord | false {
    let rv: LogRecord | false;
    try {
      rv = this.filters.length === 0 ? record : this.filter(record);
    } catch (e) {
      this.handleError(record, e);
      return false;
    }
    if (rv !== false) {
      // a message that cannot be formatted is reported to this handler from inside format()
      const outer = activeHandler.current;
      activeHandler.current = this;
      try {
        this.emit(rv);
      } catch (e) {
        this.handleError(rv, e);
      }
      activeHandler.current = outer;
      // logged from an 'exit' listener that runs after logflume's exit work: push it out now
      if (exitState.started) afterLateRecord(this);
    }
    return rv;
  }

  /**
   * Report a failure while handling `record` (Python's `handleError`): with
   * `settings.raiseExceptions` true a "--- Logging error ---" report goes to
   * stderr synchronously; otherwise it is silent. Never throws, never logs.
   * Override to report elsewhere.
   */
  handleError(record: LogRecord | null, error?: unknown): void {
    if (this.#inHandleError || !settings.raiseExceptions) return;
    this.#inHandleError = true;
    try {
      const note = this.#rateLimit(error, record);
      if (note !== null) reportLoggingError(error, record, this.constructor.name, note);
    } finally {
      this.#inHandleError = false;
    }
  }

  /** Reports of a fault suppressed by `settings.errorReportInterval` (see handleError). */
  suppressedErrors = 0;
  #faults: Map<string, { at: number; suppressed: number }> | null = null;

  /** null to suppress this report; otherwise a note on what was suppressed before it ('' for none). */
  #rateLimit(error: unknown, record: LogRecord | null): string | null {
    const interval = settings.errorReportInterval;
    if (!(interval > 0)) return '';
    // a destination fault (ENOSPC, EPIPE) is one fault for every record; a record
    // fault (a bad format, a throwing toString) is one per logger and message template
    const key = isDestinationFault(error) || record === null || hasFaultKey(error) ? errorKey(error) : `${errorKey(error)}|${recordTemplate(record)}`;
    const now = Date.now();
    const faults = (this.#faults ??= new Map());
    const f = faults.get(key);
    if (f !== undefined && now - f.at < interval) {
      f.suppressed++;
      this.suppressedErrors++;
      return null;
    }
    if (faults.size >= 64 && f === undefined) faults.clear();
    faults.set(key, { at: now, suppressed: 0 });
    return f !== undefined && f.suppressed > 0 ? `(${f.suppressed} more report(s) of this fault were suppressed in the previous ${Math.round((now - f.at) / 1000)} s)` : '';
  }

  /** Print what the rate limit held back, so a fault's last repeats are not silent. */
  #reportSuppressed(): void {
    const faults = this.#faults;
    if (faults === null || !settings.raiseExceptions) return;
    for (const [key, f] of faults) {
      if (f.suppressed > 0) writeStderr(`--- Logging: ${f.suppressed} more report(s) of a fault were suppressed (${key}) in ${this.constructor.name} ---\n`);
      f.suppressed = 0;
    }
  }

  /** Resolve once every record accepted so far has reached its destination. */
  flush(): Promise<void> {
    try {
      this.flushSync();
    } catch (e) {
      this.handleError(null, e);
    }
    return Promise.resolve();
  }

  /** Push out whatever can be pushed out without waiting; used at process exit. */
  flushSync(): void {}

  /** Release resources. Python removes the handler from the named registry here too. */
  close(): Promise<void> {
    this.#reportSuppressed();
    this._closed = true;
    if (this.#name !== null) deleteNamedHandler(this.#name, this);
    return Promise.resolve();
  }

  /** Python-style representation: `<StreamHandler <stderr> (INFO)>`. */
  override toString(): string {
    return `<${this.constructor.name} (${getLevelName(this.level)})>`;
  }
}

/** Whether the error says itself what makes a repeat the same fault (MessageFormatError: kind and call site). */
function hasFaultKey(error: unknown): boolean {
  try {
    return typeof (error as { faultKey?: unknown } | null)?.faultKey === 'string';
  } catch {
    return false;
  }
}

/** Logger name and message template of a record, for telling record faults apart. */
function recordTemplate(record: LogRecord): string {
  try {
    const msg = record.msg;
    return `${String(record.name)}:${typeof msg === 'string' ? msg.slice(0, 120) : typeof msg}`;
  } catch {
    return '?';
  }
}
