import { Logger } from '../logger.js';
import { snapshotLevelNames } from '../levels.js';
import { snapshotRegistry } from '../internal/registry.js';
import { settings } from '../internal/runtime.js';
import { callerInfo } from '../internal/caller.js';
import { getLogRecordFactory, setLogRecordFactory } from '../log-record.js';

interface LoggerState {
  logger: Logger;
  level: number;
  handlers: Logger['handlers'];
  filters: Logger['filters'];
  propagate: boolean;
  disabled: boolean;
  parent: Logger | null;
}

/**
 * Capture the whole logging state (hierarchy, levels, handlers, settings,
 * level names) and return a function that restores it. Tests call it in
 * beforeEach/afterEach, as CPython's BaseTest does.
 */
export function snapshotLoggingState(): () => void {
  const manager = Logger.manager;
  const dict = new Map(manager.loggerDict);
  const loggers: LoggerState[] = [];
  for (const l of [manager.root, ...dict.values()]) {
    if (l instanceof Logger) {
      loggers.push({ logger: l, level: l.level, handlers: l.handlers.slice(), filters: l.filters.slice(), propagate: l.propagate, disabled: l.disabled, parent: l.parent });
    }
  }
  const disable = manager.disable;
  const loggerClass = manager.loggerClass;
  const restoreLevels = snapshotLevelNames();
  const restoreRegistry = snapshotRegistry();
  const savedSettings = { ...settings };
  const savedCaller = { ...callerInfo };
  const factory = getLogRecordFactory();
  return () => {
    manager.loggerDict.clear();
    for (const [k, v] of dict) manager.loggerDict.set(k, v);
    for (const s of loggers) {
      s.logger.level = s.level;
      s.logger.handlers = s.handlers.slice();
      s.logger.filters = s.filters.slice();
      s.logger.propagate = s.propagate;
      s.logger.disabled = s.disabled;
      s.logger.parent = s.parent;
    }
    manager.disable = disable;
    manager.loggerClass = loggerClass;
    manager.emittedNoHandlerWarning = false;
    manager._clear_cache();
    restoreLevels();
    restoreRegistry();
    Object.assign(settings, savedSettings);
    Object.assign(callerInfo, savedCaller);
    setLogRecordFactory(factory);
  };
}
