import { Logger } from './logger.js';
import { PlaceHolder } from './placeholder.js';
import { LoggingError } from './errors.js';
import { checkLevel } from './levels.js';

/** A Logger subclass constructor accepted by `setLoggerClass`. */
export type LoggerClass = new (name: string) => Logger;

/**
 * Holds the logger hierarchy (Python's `logging.Manager`): creates loggers on
 * demand, links each to its nearest existing ancestor, re-parents children
 * when a placeholder becomes a real logger, and clears every level cache when
 * any level changes.
 */
export class Manager {
  root: Logger;
  #disable = 0;
  /** Level at or below which every log call is dropped (module `disable()`). */
  get disable(): number {
    return this.#disable;
  }
  /**
   * Validated as Python's property setter does: a level name becomes its number, anything
   * else that is not a level is a LevelError. Unlike Python, loggers' level caches are
   * cleared too, so the new value takes effect at once.
   */
  set disable(value: number | string) {
    this.#disable = checkLevel(value);
    this._clear_cache();
  }
  emittedNoHandlerWarning = false;
  /** Every known name: a Logger, or a PlaceHolder for a name with children only. */
  readonly loggerDict = new Map<string, Logger | PlaceHolder>();
  /** Class used for new loggers; null means Logger. */
  loggerClass: LoggerClass | null = null;

  constructor(rootnode: Logger) {
    this.root = rootnode;
  }

  /**
   * The logger with this name, created (and linked into the tree) on first
   * use. Throws for a non-string name, as Python raises TypeError.
   */
  getLogger(name: string): Logger {
    if (typeof name !== 'string') throw new LoggingError('A logger name must be a string', 'ERR_LOGFLUME_NAME');
    const existing = this.loggerDict.get(name);
    if (existing instanceof Logger) return existing;
    const Cls = this.loggerClass ?? Logger;
    const rv = new Cls(name);
    this.loggerDict.set(name, rv);
    if (existing instanceof PlaceHolder) this.#fixupChildren(existing, rv);
    this.#fixupParents(rv);
    return rv;
  }

  /** Use `klass` for loggers created from now on (must extend Logger). */
  setLoggerClass(klass: LoggerClass | null): void {
    if (klass !== null && klass !== Logger && !(klass.prototype instanceof Logger)) {
      throw new LoggingError(`logger not derived from logging.Logger: ${klass.name}`, 'ERR_LOGFLUME_CLASS');
    }
    this.loggerClass = klass;
  }

  #fixupParents(alogger: Logger): void {
    const name = alogger.name;
    let i = name.lastIndexOf('.');
    let rv: Logger | null = null;
    while (i > 0 && rv === null) {
      const substr = name.slice(0, i);
      const obj = this.loggerDict.get(substr);
      if (obj === undefined) this.loggerDict.set(substr, new PlaceHolder(alogger));
      else if (obj instanceof Logger) rv = obj;
      else obj.append(alogger);
      // Python's name.rfind('.', 0, i - 1): a dot right before this one is not a level ('a..b' → 'a.' only)
      i = i >= 2 ? name.lastIndexOf('.', i - 2) : -1;
    }
    alogger.parent = rv ?? this.root;
  }

  #fixupChildren(ph: PlaceHolder, alogger: Logger): void {
    const name = alogger.name;
    for (const c of ph.loggerMap) {
      const p = c.parent;
      if (p !== null && !p.name.startsWith(name)) {
        alogger.parent = p;
        c.parent = alogger;
      }
    }
  }

  /** Invalidate every logger's level cache (Python's `_clear_cache`). */
  _clear_cache(): void {
    for (const l of this.loggerDict.values()) if (l instanceof Logger) l._levelCache = -1;
    this.root._levelCache = -1;
  }
}
