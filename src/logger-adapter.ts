import type { Logger } from './logger.js';
import { DEBUG, INFO, WARNING, ERROR, CRITICAL, checkLevel, type Level } from './levels.js';
import { LogKw, type LogOptions } from './log-options.js';
import { registerInternalFile } from './internal/caller.js';
import { reportLoggingError } from './internal/report.js';

registerInternalFile(import.meta.url);

/**
 * Wraps a logger to add contextual `extra` fields to every call (Python's
 * `logging.LoggerAdapter`). Override `process(msg, kwargs)` to change the
 * message or options; by default it sets `extra` to the adapter's own
 * (Python 3.11), or merges the two with `mergeExtra` (Python 3.13).
 *
 * @example const log = new LoggerAdapter(getLogger('app'), { requestId });
 */
export class LoggerAdapter<E extends Record<string, unknown> = Record<string, unknown>> {
  logger: Logger;
  extra: E | null;
  mergeExtra: boolean;

  constructor(logger: Logger, extra: E | null = null, mergeExtra = false) {
    this.logger = logger;
    this.extra = extra;
    this.mergeExtra = mergeExtra;
  }

  /** Override to rewrite the message and options; returns them. */
  process(msg: unknown, kwargs: LogOptions): [unknown, LogOptions] {
    if (this.mergeExtra && kwargs.extra) {
      try {
        kwargs.extra = { ...this.extra, ...kwargs.extra };
      } catch (e) {
        // a hostile extra (a revoked Proxy) costs its own fields, never the record
        reportLoggingError(e, null, 'LoggerAdapter.process: extra cannot be read; the record is logged with the adapter\'s fields');
        kwargs.extra = this.extra;
      }
    } else kwargs.extra = this.extra;
    return [msg, kwargs];
  }

  /** Log at DEBUG through the adapter. */
  debug(msg: unknown, ...args: unknown[]): void {
    this.#log(DEBUG, msg, args, this.debug);
  }
  /** Log at INFO. */
  info(msg: unknown, ...args: unknown[]): void {
    this.#log(INFO, msg, args, this.info);
  }
  /** Log at WARNING. */
  warning(msg: unknown, ...args: unknown[]): void {
    this.#log(WARNING, msg, args, this.warning);
  }
  /** Deprecated alias of warning. */
  warn(msg: unknown, ...args: unknown[]): void {
    this.#log(WARNING, msg, args, this.warn);
  }
  /** Log at ERROR. */
  error(msg: unknown, ...args: unknown[]): void {
    this.#log(ERROR, msg, args, this.error);
  }
  /** Log at ERROR with exception info (see Logger.exception). */
  exception(msg: unknown, ...args: unknown[]): void {
    this.#log(ERROR, msg, args, this.exception, true);
  }
  /** Log at CRITICAL. */
  critical(msg: unknown, ...args: unknown[]): void {
    this.#log(CRITICAL, msg, args, this.critical);
  }
  /** Alias of critical. */
  fatal(msg: unknown, ...args: unknown[]): void {
    this.#log(CRITICAL, msg, args, this.fatal);
  }
  /** Log at any level. */
  log(level: Level, msg: unknown, ...args: unknown[]): void {
    let lv: number;
    try {
      lv = checkLevel(level);
    } catch (e) {
      reportLoggingError(new TypeError(`level must be an integer or a registered level name (${(e as Error).message}); the record is logged at WARNING`), { msg, args });
      lv = WARNING;
    }
    this.#log(lv, msg, args, this.log);
  }

  #log(level: number, msg: unknown, args: unknown[], above: Function, excDefault = false): void {
    if (!this.logger.isEnabledFor(level)) return;
    try {
      let opts: LogOptions = {};
      try {
        const last = args[args.length - 1];
        if (last instanceof LogKw) {
          opts = { ...last };
          args.length -= 1;
        }
      } catch {
        // a hostile last argument (a revoked Proxy) is an argument, not options
      }
      if (excDefault && opts.exc_info === undefined) opts.exc_info = true;
      const [m, o] = this.process(msg, opts);
      this.logger._log(level, m, args, o, above);
    } catch (e) {
      reportLoggingError(e, { msg, args });
    }
  }

  /** A further adapter over the same logger with `fields` added to this one's `extra` (merging on). */
  child<F extends Record<string, unknown>>(fields: F): LoggerAdapter<E & F> {
    return new LoggerAdapter(this.logger, { ...this.extra, ...fields } as E & F, true);
  }

  /** Whether the logger takes `level` (a number or a level name in any case, as Logger.isEnabledFor). */
  isEnabledFor(level: Level): boolean {
    return this.logger.isEnabledFor(level);
  }
  setLevel(level: Level): void {
    this.logger.setLevel(level);
  }
  getEffectiveLevel(): number {
    return this.logger.getEffectiveLevel();
  }
  hasHandlers(): boolean {
    return this.logger.hasHandlers();
  }
  /** The adapted logger's manager. */
  get manager() {
    return this.logger.manager;
  }
  get name(): string {
    return this.logger.name;
  }
}
