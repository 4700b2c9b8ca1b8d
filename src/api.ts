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
import { settings } from './internal/runtime.js';
import { callerInfo, registerInternalFile } from './internal/caller.js';
import { liveHandlersNewestFirst, flushAllSync, runExitWorkSync } from './internal/registry.js';
import { ConfigError } from './errors.js';

registerInternalFile(import.meta.url);

/** The root logger. */
export const root: Logger = new RootLogger(WARNING);
Logger.root = root;
Logger.manager = new Manager(root);
settings.lastResort = new StderrHandler(WARNING);

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

/**
 * Flush and close every handler, newest first (Python's `shutdown`, run at
 * exit). Resolves when all have finished; errors from handlers that were
 * already closed are ignored. At process exit logflume itself flushes
 * synchronously, so calling this is needed only for async handlers (network).
 */
export async function shutdown(handlerList?: Handler[]): Promise<void> {
  const list = handlerList ? handlerList.slice().reverse() : liveHandlersNewestFirst();
  for (const h of list) {
    try {
      await h.flush();
    } catch {
      /* as Python: ignore errors from handlers already closed */
    }
    try {
      await h.close();
    } catch {
      /* see above */
    }
  }
}

/** Synchronously flush every handler's buffer (what logflume does on 'exit'). */
export function flushSync(): void {
  flushAllSync();
}

const signalListeners = new Map<NodeJS.Signals, () => void>();
/**
 * Opt in to flushing on termination signals. Node's default for SIGTERM/SIGINT
 * kills the process without running 'exit' listeners, so buffered records
 * would be lost; with this on, logflume flushes synchronously and then, if no
 * other listener handles the signal, re-raises it so the process still ends
 * with the usual status. Returns a function that removes the listeners.
 */
export function flushOnSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP']): () => void {
  for (const sig of signals) {
    if (signalListeners.has(sig)) continue;
    const fn = (): void => {
      runExitWorkSync(); // exit hooks too (the worker queue drain): a re-raised signal ends the process without an 'exit' event
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, fn);
        signalListeners.delete(sig);
        process.kill(process.pid, sig);
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
