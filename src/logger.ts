import { Filterer } from './filterer.js';
import { NOTSET, DEBUG, INFO, WARNING, ERROR, CRITICAL, checkLevel, getLevelName, type Level } from './levels.js';
import { LogRecord, getLogRecordFactory, isDefaultRecordFactory } from './log-record.js';
import type { Handler } from './handler.js';
import { LogKw, type LogOptions } from './log-options.js';
import { wantCallerInfo, findCallerFrame, registerInternalFile } from './internal/caller.js';
import { reportLoggingError } from './internal/report.js';
import { settings, contextProvider } from './internal/runtime.js';
import type { Manager } from './manager.js';
import { LoggerAdapter } from './logger-adapter.js';
import { needsShaping, shapeCall, applyFields, isErrorLike, readField, freeKey, defineField } from './log-call.js';

registerInternalFile(import.meta.url);

/** A handler as a logger sees it: anything with a level and handle(). */
type HandlerLike = Pick<Handler, 'level' | 'handle'>;

const RESERVED = new Set(['message', 'asctime']);

/**
 * A named channel in the logger hierarchy (Python's `logging.Logger`). Get one
 * with `getLogger('app.http')`, never with `new`. Dotted names form the tree;
 * records propagate to ancestors' handlers unless `propagate` is false.
 *
 * Log methods take Python's arguments: a message, %-format arguments, and an
 * optional trailing `kw({ exc_info, extra, stack_info, stacklevel })`.
 * A log call never throws: every failure is reported through handleError.
 */
export class Logger extends Filterer {
  /** Set at module initialisation; shared by every logger (Python's `Logger.manager`). */
  static manager: Manager;
  /** The root logger (Python's `Logger.root`). */
  static root: Logger;

  name: string;
  /** Level set on this logger (NOTSET = defer to the parent). */
  level: number;
  /** Parent in the hierarchy; null only for the root. */
  parent: Logger | null = null;
  /** Pass records on to the parent's handlers. */
  propagate = true;
  handlers: HandlerLike[] = [];
  #disabled = false;
  /**
   * @internal the lowest enabled level, folding in the effective level,
   * `disabled` and the manager's `disable` (Python's `_cache`); -1 when unknown.
   * One compare decides a log call, so a disabled call costs about a field load.
   */
  _levelCache = -1;

  constructor(name: string, level: Level = NOTSET) {
    super();
    this.name = name;
    this.level = checkLevel(level);
  }

  /** A disabled logger drops every record (dictConfig sets this on loggers it does not name). */
  get disabled(): boolean {
    return this.#disabled;
  }
  set disabled(v: boolean) {
    this.#disabled = v;
    this._levelCache = -1;
  }

  /** The manager shared by all loggers. */
  get manager(): Manager {
    return Logger.manager;
  }
  /** The root logger. */
  get root(): Logger {
    return Logger.root;
  }

  /** Set the level (number or name) and invalidate every logger's cache. */
  setLevel(level: Level): void {
    this.level = checkLevel(level);
    Logger.manager._clear_cache();
  }

  /** The first non-NOTSET level found walking up the tree (NOTSET if none). */
  getEffectiveLevel(): number {
    let l: Logger | null = this;
    while (l !== null) {
      if (l.level) return l.level;
      l = l.parent;
    }
    return NOTSET;
  }

  /**
   * Whether a record of `level` would be processed; cached until any level
   * changes. Takes a number or a level name in any case ('debug').
   * @throws LevelError for a name that is not a registered level.
   */
  isEnabledFor(level: Level): boolean {
    const t = this._levelCache;
    // numbers first and alone: this is every log call's disabled path
    if (typeof level === 'number') return level >= (t < 0 ? this.#threshold() : t);
    return this.#enabledForName(level);
  }

  #enabledForName(level: Level): boolean {
    const t = this._levelCache;
    return checkLevel(level) >= (t < 0 ? this.#threshold() : t);
  }

  #threshold(): number {
    const t = this.#disabled ? Infinity : Math.max(this.getEffectiveLevel(), Logger.manager.disable + 1);
    this._levelCache = t;
    return t;
  }

  /** Log at DEBUG. */
  debug(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(DEBUG)) this._logArgs(DEBUG, msg, args, this.debug);
  }
  /** Log at INFO. */
  info(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(INFO)) this._logArgs(INFO, msg, args, this.info);
  }
  /** Log at WARNING. */
  warning(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(WARNING)) this._logArgs(WARNING, msg, args, this.warning);
  }
  /** Deprecated alias of warning, as in Python. */
  warn(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(WARNING)) this._logArgs(WARNING, msg, args, this.warn);
  }
  /** Log at ERROR. */
  error(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(ERROR)) this._logArgs(ERROR, msg, args, this.error);
  }
  /**
   * Log at ERROR with exception information. With no explicit `exc_info`, the
   * error is the message itself when it is an Error, else the last argument
   * that is an Error (JavaScript has no `sys.exc_info()`).
   */
  exception(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(ERROR)) this._logArgs(ERROR, msg, args, this.exception, true);
  }
  /** Log at CRITICAL. */
  critical(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(CRITICAL)) this._logArgs(CRITICAL, msg, args, this.critical);
  }
  /** Alias of critical. */
  fatal(msg: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(CRITICAL)) this._logArgs(CRITICAL, msg, args, this.fatal);
  }
  /**
   * Log at any level, given as a number or a level name in any case. An
   * unknown level is reported and the record is still logged, at WARNING
   * (Python raises TypeError and loses the record).
   */
  log(level: Level, msg: unknown, ...args: unknown[]): void {
    let lv: number;
    if (typeof level === 'number' && Number.isInteger(level)) lv = level;
    else {
      try {
        lv = checkLevel(level);
      } catch (e) {
        reportLoggingError(new TypeError(`level must be an integer or a registered level name (${(e as Error).message}); the record is logged at WARNING`), { msg, args }, `Logger(${this.name}).log`);
        lv = WARNING;
      }
    }
    if (this.isEnabledFor(lv)) this._logArgs(lv, msg, args, this.log);
  }

  /** @internal split off a trailing kw() (exception() defaults `exc_info` to true) and log. */
  _logArgs(level: number, msg: unknown, args: unknown[], above: Function, excDefault = false): void {
    let opts: LogOptions | undefined;
    try {
      const n = args.length;
      if (n > 0 && args[n - 1] instanceof LogKw) {
        opts = args[n - 1] as LogKw;
        args.length = n - 1;
      }
    } catch {
      // a hostile last argument (a revoked Proxy) is an argument, not options
    }
    // outside the try: a hostile argument must not cost exception() its exc_info
    if (excDefault && (opts === undefined || opts.exc_info === undefined)) opts = { ...opts, exc_info: true };
    this._log(level, msg, args, opts, above);
  }

  /**
   * Build the record and hand it to the handlers (Python's `_log`). Exceptions
   * anywhere in here are reported, never thrown.
   */
  _log(level: number, msg: unknown, args: unknown[], opts?: LogOptions, above: Function = this._log): void {
    try {
      let fields: Record<string, unknown> | null = null;
      if (args.length !== 0 && (typeof msg !== 'string' || needsShaping(msg, args))) {
        const call = shapeCall(msg, args, opts);
        msg = call.msg;
        args = call.args;
        opts = call.opts;
        fields = call.fields;
      }
      let pathname = '(unknown file)';
      let lineno = 0;
      let func: string | null = '(unknown function)';
      let sinfo: string | null = null;
      const stackInfo = opts?.stack_info === true;
      if (stackInfo || wantCallerInfo() || (opts?.stacklevel ?? 1) !== 1) {
        const c = findCallerFrame(above, opts?.stacklevel ?? 1, stackInfo);
        pathname = c.frame.pathname;
        lineno = c.frame.lineno;
        func = c.frame.funcName;
        sinfo = c.stack;
      }
      let exc: unknown = opts?.exc_info ?? null;
      if (exc === true) exc = resolveExcInfo(msg, args);
      else if (exc === false) exc = null;
      const record = this.makeRecord(this.name, level, pathname, lineno, msg, args, exc, func, opts?.extra ?? null, sinfo);
      if (fields !== null) applyFields(record, fields, RESERVED);
      if (contextProvider !== null) applyContext(record, contextProvider());
      this.handle(record);
    } catch (e) {
      reportLoggingError(e, { msg, args }, `Logger(${this.name})`);
    }
  }

  /**
   * Python's `makeRecord`: build the record with the current factory and merge
   * `extra`. Override to build records differently. A key of `extra` that would
   * overwrite a record attribute is reported (Python raises KeyError) and kept
   * under the key with `_` appended (`name_`), so the record loses nothing.
   */
  makeRecord(
    name: string,
    level: number,
    fn: string,
    lno: number,
    msg: unknown,
    args: unknown,
    exc_info: unknown,
    func: string | null = null,
    extra: Record<string, unknown> | null = null,
    sinfo: string | null = null,
  ): LogRecord {
    const rv = isDefaultRecordFactory()
      ? new LogRecord(name, level, fn, lno, msg, args, exc_info, func, sinfo)
      : getLogRecordFactory()(name, level, fn, lno, msg, args, exc_info, func, sinfo);
    if (extra !== null && typeof extra === 'object') {
      // a hostile extra (a revoked Proxy, a throwing getter) costs its fields, never the record
      let keys: string[];
      try {
        keys = Object.keys(extra);
      } catch (e) {
        reportLoggingError(e, rv, `Logger(${name}).makeRecord: extra cannot be read; the record is logged without it`);
        keys = [];
      }
      for (const key of keys) {
        const v = readField(extra, key);
        if (RESERVED.has(key) || key in rv) {
          const k = freeKey(rv, key, RESERVED);
          reportLoggingError(new Error(`KeyError: "Attempt to overwrite '${key}' in LogRecord" (kept as '${k}')`), rv, `Logger(${name}).makeRecord`);
          defineField(rv, k, v);
          continue;
        }
        rv[key] = v;
      }
    }
    return rv;
  }

  /** Apply the logger's filters, then call the handlers, unless disabled. */
  handle(record: LogRecord): void {
    if (this.disabled) return;
    const rv = this.filters.length === 0 ? record : this.filter(record);
    if (rv !== false) this.callHandlers(rv);
  }

  /**
   * Pass the record to this logger's handlers and, while `propagate` holds, its
   * ancestors'. With no handler anywhere, `settings.lastResort` takes it.
   */
  callHandlers(record: LogRecord): void {
    let c: Logger | null = this;
    let found = 0;
    const lv = record.levelno;
    while (c !== null) {
      const hs = c.handlers;
      for (let i = 0; i < hs.length; i++) {
        const h = hs[i]!;
        found++;
        if (lv >= h.level) {
          try {
            h.handle(record);
          } catch (e) {
            reportLoggingError(e, record, String((h as object).constructor?.name));
          }
        }
      }
      c = c.propagate ? c.parent : null;
    }
    if (found === 0) {
      const lr = settings.lastResort;
      if (lr !== null) {
        if (lv >= lr.level) lr.handle(record as never);
      } else if (settings.raiseExceptions && !Logger.manager.emittedNoHandlerWarning) {
        reportLoggingError(null, null, `No handlers could be found for logger "${this.name}"`);
        Logger.manager.emittedNoHandlerWarning = true;
      }
    }
  }

  /** Add a handler (once). */
  addHandler(h: HandlerLike): void {
    if (!this.handlers.includes(h)) this.handlers.push(h);
  }

  /** Remove a handler if present. */
  removeHandler(h: HandlerLike): void {
    const i = this.handlers.indexOf(h);
    if (i >= 0) this.handlers.splice(i, 1);
  }

  /** Whether this logger or an ancestor reachable by propagation has handlers. */
  hasHandlers(): boolean {
    let c: Logger | null = this;
    while (c !== null) {
      if (c.handlers.length > 0) return true;
      c = c.propagate ? c.parent : null;
    }
    return false;
  }

  /** The logger `<this name>.<suffix>` (just `suffix` from the root). */
  getChild(suffix: string): Logger {
    const name = this === Logger.root ? suffix : `${this.name}.${suffix}`;
    return Logger.manager.getLogger(name);
  }

  /**
   * A LoggerAdapter whose `fields` are merged into the `extra` of every call
   * made through it (pino's `logger.child(bindings)`); call-site `extra` wins.
   * Not Python's `getChild()`, which names a sub-logger in the hierarchy.
   *
   * @example const log = getLogger('app').child({ requestId }); log.info('start');
   */
  child<E extends Record<string, unknown>>(fields: E): LoggerAdapter<E> {
    return new LoggerAdapter(this, { ...fields }, true);
  }

  /** Direct children that exist as real loggers (Python 3.12's `getChildren`). */
  getChildren(): Set<Logger> {
    const out = new Set<Logger>();
    const depth = (l: Logger): number => (l === Logger.root ? 0 : 1 + (l.name.split('.').length - 1));
    const want = depth(this) + 1;
    for (const l of Logger.manager.loggerDict.values()) {
      if (l instanceof Logger && l.parent === this && depth(l) === want) out.add(l);
    }
    return out;
  }

  /** Python's `findCaller`: [pathname, lineno, funcName, stack text or null]. */
  findCaller(stack_info = false, stacklevel = 1): [string, number, string, string | null] {
    const c = findCallerFrame(this.findCaller, stacklevel, stack_info);
    return [c.frame.pathname, c.frame.lineno, c.frame.funcName, c.stack];
  }

  override toString(): string {
    return `<${this.constructor.name} ${this.name} (${getLevelName(this.getEffectiveLevel())})>`;
  }
}

/** Context fields (withContext) land on the record unless a record attribute or `extra` already set that key. */
function applyContext(record: LogRecord, ctx: Record<string, unknown> | undefined): void {
  if (ctx === undefined) return;
  for (const key in ctx) if (!(key in record)) record[key] = ctx[key];
}

/** `exc_info: true`: the message if it is an Error, else the last Error argument; `true` (prints "NoneType: None") when there is none. */
function resolveExcInfo(msg: unknown, args: unknown[]): unknown {
  if (isErrorLike(msg)) return msg;
  for (let i = args.length - 1; i >= 0; i--) if (isErrorLike(args[i])) return args[i];
  return true;
}
