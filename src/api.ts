/**
 * logging's module-level functions: getLogger, basicConfig, the root-logger
 * shortcuts (info(), error(), …), disable, shutdown, and the global settings.
 */
import { Logger } from './logger.js';
import { RootLogger } from './root-logger.js';
import { Manager, type LoggerClass } from './manager.js';
import { StderrHandler } from './stderr-handler.js';
import { StreamHandler, type WritableLike } from './stream-handler.js';
import { FileHandler } from './file-handler.js';
import { Formatter, type FormatStyle } from './formatter.js';
import type { Handler } from './handler.js';
import { CRITICAL, WARNING, checkLevel, type Level } from './levels.js';
import { settings, type RecordSink } from './internal/runtime.js';
import { callerInfo, registerInternalFile } from './internal/caller.js';
import { liveHandlersNewestFirst, flushAllSync, runExitWorkSync } from './internal/registry.js';
import { ConfigError } from './errors.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, describeAbandoned, reportAbandoned, settlesWithin, type Abandoned } from './internal/deadline.js';
import type { LogRecord } from './log-record.js';

registerInternalFile(import.meta.url);

/** The root logger. */
export const root: Logger = new RootLogger(WARNING);
Logger.root = root;
Logger.manager = new Manager(root);
// Python makes lastResort at import; here it is made on first use (a StreamHandler and its
// Formatter cost ≈ 1.7 ms of `import 'logflume'`, and most programs configure a handler first).
// Assigning to it, null included, replaces it as in Python.
let lastResort: RecordSink | null | undefined;
Object.defineProperty(settings, 'lastResort', {
  get: (): RecordSink | null => (lastResort === undefined ? (lastResort = new StderrHandler(WARNING)) : lastResort),
  set: (v: RecordSink | null) => {
    lastResort = v;
  },
  enumerable: true,
  configurable: true,
});

/**
 * The logger named `name` ('a.b.c' is a child of 'a.b'); the root logger for
 * no name or 'root'. The same name always gives the same logger.
 *
 * @example const log = getLogger('app.http'); log.info('listening on %d', port);
 */
export function getLogger(name?: string | null): Logger {
  if (name === undefined || name === null || name === '' || name === root.name) return root;
  return Logger.manager.getLogger(name);
}

/** Class used for loggers created from now on (Python's `setLoggerClass`). */
export function setLoggerClass(klass: LoggerClass): void {
  Logger.manager.setLoggerClass(klass);
}
/** The class used for new loggers. */
export function getLoggerClass(): LoggerClass {
  return Logger.manager.loggerClass ?? Logger;
}

/**
 * Drop every log call at or below `level` process-wide (Python's
 * `logging.disable`); `disable(NOTSET)` turns that off again.
 */
export function disable(level: Level = CRITICAL): void {
  Logger.manager.disable = checkLevel(level);
  Logger.manager._clear_cache();
}

/**
 * Where caller information (pathname, lineno, funcName, module, filename)
 * comes from: 'auto' (default) captures it only once a Formatter whose format
 * uses one of those fields exists; 'always' captures on every enabled call
 * (needed when only a filter reads them); 'never' skips it.
 */
export function setCallerInfo(mode: 'auto' | 'always' | 'never'): void {
  callerInfo.mode = mode;
}

/** Options of {@link basicConfig}, Python's keyword arguments. */
export interface BasicConfigOptions {
  filename?: string | URL;
  filemode?: string;
  format?: string;
  datefmt?: string;
  style?: FormatStyle;
  level?: Level;
  stream?: WritableLike;
  handlers?: Handler[];
  force?: boolean;
  encoding?: string;
  errors?: string;
}

const BASIC_FORMATS: Record<FormatStyle, string> = {
  '%': '%(levelname)s:%(name)s:%(message)s',
  '{': '{levelname}:{name}:{message}',
  $: '${levelname}:${name}:${message}',
};
const BASIC_KEYS = new Set(['filename', 'filemode', 'format', 'datefmt', 'style', 'level', 'stream', 'handlers', 'force', 'encoding', 'errors']);

/**
 * One-call set-up of the root logger (Python's `basicConfig`): does nothing if
 * the root already has handlers, unless `force`. Throws ConfigError for
 * conflicting or unknown options.
 *
 * @example basicConfig({ level: 'INFO', format: '%(asctime)s %(levelname)s %(message)s' })
 */
export function basicConfig(options: BasicConfigOptions = {}): void {
  const unknown = Object.keys(options).filter((k) => !BASIC_KEYS.has(k));
  if (options.force) {
    for (const h of root.handlers.slice()) {
      root.removeHandler(h);
      void (h as Handler).close?.();
    }
  }
  if (root.handlers.length !== 0) return;
  let handlers = options.handlers ?? null;
  if (handlers === null) {
    if (options.stream !== undefined && options.filename !== undefined) {
      throw new ConfigError("'stream' and 'filename' should not be specified together");
    }
  } else if (options.stream !== undefined || options.filename !== undefined) {
    throw new ConfigError("'stream' or 'filename' should not be specified together with 'handlers'");
  }
  const style = options.style ?? '%';
  if (!(style in BASIC_FORMATS)) throw new ConfigError(`Style must be one of: ${Object.keys(BASIC_FORMATS).join(',')}`);
  if (unknown.length > 0) throw new ConfigError(`Unrecognised argument(s): ${unknown.join(', ')}`);
  const level = options.level !== undefined ? checkLevel(options.level) : null;
  const fmt = new Formatter(options.format ?? BASIC_FORMATS[style], options.datefmt ?? null, style);
  if (handlers === null) {
    const h = options.filename
      ? new FileHandler(options.filename, { mode: options.filemode ?? 'a', encoding: options.encoding ?? null, errors: options.errors ?? 'backslashreplace' })
      : new StreamHandler(options.stream ?? null);
    handlers = [h];
  }
  for (const h of handlers) {
    if (h.formatter === null) h.setFormatter(fmt);
    root.addHandler(h);
  }
  if (level !== null) root.setLevel(level);
}

function ensureRootHandlers(): void {
  if (root.handlers.length === 0) basicConfig();
}

/** Log on the root logger at DEBUG, calling basicConfig() first if it has no handlers. */
export function debug(msg: unknown, ...args: unknown[]): void {
  ensureRootHandlers();
  root.debug(msg, ...args);
}
/** Root-logger INFO (see {@link debug}). */
export function info(msg: unknown, ...args: unknown[]): void {
  ensureRootHandlers();
  root.info(msg, ...args);
}
/** Root-logger WARNING (see {@link debug}). */
export function warning(msg: unknown, ...args: unknown[]): void {
  ensureRootHandlers();
  root.warning(msg, ...args);
}
/** Deprecated alias of warning, as in Python. */
export const warn = warning;
/** Root-logger ERROR (see {@link debug}). */
export function error(msg: unknown, ...args: unknown[]): void {
  ensureRootHandlers();
  root.error(msg, ...args);
}
/** Root-logger ERROR with exception information (see Logger.exception). */
export function exception(msg: unknown, ...args: unknown[]): void {
  ensureRootHandlers();
  root.exception(msg, ...args);
}
/** Root-logger CRITICAL (see {@link debug}). */
export function critical(msg: unknown, ...args: unknown[]): void {
  ensureRootHandlers();
  root.critical(msg, ...args);
}
/** Alias of critical. */
export const fatal = critical;
/** Root-logger record at any level. */
export function log(level: Level, msg: unknown, ...args: unknown[]): void {
  ensureRootHandlers();
  root.log(level, msg, ...args);
}

/** Options of {@link shutdown} and {@link flushOnSignals}. */
export interface ShutdownOptions {
  /**
   * Overall bound in ms on flushing and closing every handler (default 5000,
   * which fits a container's SIGTERM grace period: Docker waits 10 s, Kubernetes
   * 30 s). When it passes, each handler still busy gives up what it holds (see
   * `HTTPHandler.abandon()`), and shutdown() resolves with the list.
   * `Infinity` waits as long as it takes.
   */
  timeout?: number;
}

/** What one handler had not delivered when shutdown()'s deadline passed. */
export interface UndeliveredRecords {
  handler: Handler;
  /** The records given up, in logged order; the first `inFlight` were on the wire (the receiver may have them). */
  records: LogRecord[];
  inFlight: number;
}

/** What {@link shutdown} did. */
export interface ShutdownResult {
  /** True when every handler flushed and closed within the deadline. */
  complete: boolean;
  /** Handlers that gave up records at the deadline, each with exactly those records. */
  undelivered: UndeliveredRecords[];
  /** Handlers still busy at the deadline that cannot say what they hold (they have no `abandon()`). */
  unfinished: Handler[];
}

/** Time close() calls get after the deadline, once busy handlers have given up (they only release resources then). */
const AFTER_ABANDON_GRACE_MS = 50;

/**
 * Flush and close every handler (Python's `shutdown`), within an overall
 * deadline (`timeout`, default 5000 ms). All handlers flush concurrently —
 * started newest first, as Python orders them, so a MemoryHandler hands its
 * records to its target before the target flushes — then all close. When the
 * deadline passes, each handler still busy gives up its records (`abandon()`),
 * they are listed on stderr, and the result says exactly which ones per
 * handler. Errors from handlers already closed are ignored, as in Python. At
 * process exit logflume flushes synchronously by itself, so this is needed
 * only for async handlers (network).
 *
 * @example const r = await shutdown({ timeout: 3000 }); if (!r.complete) process.exitCode = 1;
 * @throws ConfigError for a timeout that is not a non-negative number.
 */
export async function shutdown(handlerList?: Handler[] | ShutdownOptions | null, options: ShutdownOptions = {}): Promise<ShutdownResult> {
  if (handlerList && !Array.isArray(handlerList)) {
    options = handlerList;
    handlerList = null;
  }
  const timeout = options.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new ConfigError(`shutdown: timeout must be a non-negative number of ms or Infinity, got ${String(timeout)}`);
  }
  const list = (handlerList ? handlerList.slice().reverse() : liveHandlersNewestFirst()) as Handler[];
  const end = performance.now() + timeout;
  const left = (): number => (timeout === Infinity ? Infinity : Math.max(0, end - performance.now()));
  const busy = new Set<Handler>(list);
  const step = (fn: () => Promise<void>): Promise<void> => {
    try {
      return Promise.resolve(fn()).catch(() => {
        /* as Python: ignore errors from handlers already closed */
      });
    } catch {
      return Promise.resolve();
    }
  };
  const flushed = list.map((h) => step(() => h.flush()));
  const flushedInTime = await settlesWithin(Promise.all(flushed), left());
  const undelivered: UndeliveredRecords[] = [];
  const giveUp = (pending: Set<Handler>): void => {
    for (const h of pending) {
      const abandon = (h as { abandon?: (reason: Error) => Abandoned }).abandon;
      if (typeof abandon !== 'function') continue;
      try {
        const a = abandon.call(h, new Error(`shutdown() deadline of ${timeout} ms passed`));
        undelivered.push({ handler: h, records: a.records as LogRecord[], inFlight: a.inFlight });
      } catch {
        /* a broken override must not stop the others */
      }
    }
  };
  const flushPending = new Set<Handler>();
  if (!flushedInTime) {
    await Promise.all(list.map((h, i) => settlesWithin(flushed[i]!, 0).then((done) => void (done || flushPending.add(h)))));
    giveUp(flushPending);
  }
  const closed = list.map((h) => step(() => h.close()).then(() => void busy.delete(h)));
  if (!(await settlesWithin(Promise.all(closed), flushedInTime ? left() : AFTER_ABANDON_GRACE_MS))) {
    const pending = new Set([...busy].filter((h) => !undelivered.some((u) => u.handler === h)));
    giveUp(pending);
    await settlesWithin(Promise.all(closed), AFTER_ABANDON_GRACE_MS);
  }
  // still closing, or never finished flushing (its close() may have returned regardless), and unable to say what it holds
  const unfinished = list.filter((h) => (busy.has(h) || flushPending.has(h)) && !undelivered.some((u) => u.handler === h));
  const result: ShutdownResult = { complete: flushedInTime && busy.size === 0 && undelivered.length === 0 && unfinished.length === 0, undelivered, unfinished };
  if (!result.complete) {
    reportAbandoned('shutdown()', timeout, [
      ...undelivered.map((u) => describeAbandoned(String(u.handler), u)),
      ...unfinished.map((h) => `${String(h)}: still busy; it cannot tell which records it holds (no abandon())`),
    ]);
  }
  return result;
}

/** Synchronously flush every handler's buffer (what logflume does on 'exit'). */
export function flushSync(): void {
  flushAllSync();
}

const signalListeners = new Map<NodeJS.Signals, () => void>();
/**
 * Opt in to flushing on termination signals. Node's default for SIGTERM/SIGINT
 * kills the process without running 'exit' listeners, so buffered records
 * would be lost. With this on, logflume flushes synchronously at the signal;
 * then, if no other listener handles the signal, it runs `shutdown()` with the
 * same deadline (`timeout`, default 5000 ms: network handlers get to send
 * their backlog, and whatever is left is listed) and re-raises the signal, so
 * the process still ends with the usual status. A second signal while it waits
 * ends the process at once. Returns a function that removes the listeners.
 */
export function flushOnSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'], options: ShutdownOptions = {}): () => void {
  const timeout = options.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new ConfigError(`flushOnSignals: timeout must be a non-negative number of ms or Infinity, got ${String(timeout)}`);
  }
  for (const sig of signals) {
    if (signalListeners.has(sig)) continue;
    let stopping = false;
    const reraise = (): void => {
      process.removeListener(sig, fn);
      signalListeners.delete(sig);
      process.kill(process.pid, sig);
    };
    const fn = (): void => {
      if (stopping) return reraise();
      runExitWorkSync(); // exit hooks too (the worker queue drain): a re-raised signal ends the process without an 'exit' event
      if (process.listenerCount(sig) === 1) {
        stopping = true;
        void shutdown({ timeout }).then(reraise, reraise);
      }
    };
    signalListeners.set(sig, fn);
    process.on(sig, fn);
  }
  return () => {
    for (const sig of signals) {
      const fn = signalListeners.get(sig);
      if (fn) process.removeListener(sig, fn);
      signalListeners.delete(sig);
    }
  };
}
