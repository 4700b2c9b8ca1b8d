/**
 * Test helpers: capture what a logger emits (Python's `assertLogs` /
 * `assertNoLogs`), and put logging's global state back between tests. They
 * use no test framework, so they work with node:test, vitest, jest or mocha.
 */
import { AssertionError } from 'node:assert';
import { Handler } from '../handler.js';
import { Formatter } from '../formatter.js';
import { Logger } from '../logger.js';
import { PlaceHolder } from '../placeholder.js';
import { getLogger } from '../api.js';
import { INFO, checkLevel, getLevelName, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { snapshotLoggingState } from './logging-state.js';
import { snapshotRegistry } from '../internal/registry.js';
import { pyRepr } from '../internal/pyformat.js';
import { recordMessage } from '../record-message.js';

/** Upper bound on records a LogCapture keeps; older ones are dropped (and counted) past it. */
export const CAPTURE_CAPACITY = 100_000;

/**
 * A handler that keeps every record it gets (the field guide's
 * "BufferingHandler that never flushes", made first-class). Holds at most
 * `capacity` records: past that the oldest is dropped and `dropped` counts it.
 */
export class CapturingHandler extends Handler {
  /** Records in arrival order. */
  readonly records: LogRecord[] = [];
  /** The records formatted with `formatter` (default `LEVEL:logger:message`, as assertLogs). */
  readonly output: string[] = [];
  /** Records dropped because `capacity` was reached. */
  dropped = 0;
  readonly capacity: number;

  constructor(level: Level = 0, capacity = CAPTURE_CAPACITY) {
    super(level);
    this.capacity = capacity;
    this.formatter = new Formatter('%(levelname)s:%(name)s:%(message)s');
  }

  override emit(record: LogRecord): void {
    const line = this.format(record);
    if (this.records.length >= this.capacity) {
      this.records.shift();
      this.output.shift();
      this.dropped++;
    }
    this.records.push(record);
    this.output.push(line);
  }

  /** Forget everything captured so far. */
  clear(): void {
    this.records.length = 0;
    this.output.length = 0;
    this.dropped = 0;
  }
}

/**
 * An active capture: read `records` / `output` / `messages`, then call
 * `stop()` (or let `using` dispose it) to put the logger back as it was.
 */
export interface LogCapture {
  /** Captured records, oldest first. */
  readonly records: LogRecord[];
  /** `LEVEL:logger:message` per record, as Python's `cm.output`. */
  readonly output: string[];
  /** `getMessage()` of each record. */
  readonly messages: string[];
  /** The handler doing the capturing. */
  readonly handler: CapturingHandler;
  /** Detach the handler and restore the logger's level, handlers and propagate flag. Idempotent. */
  stop(): void;
  [Symbol.dispose](): void;
}

function resolveLogger(logger?: Logger | string | null): Logger {
  if (logger instanceof Logger) return logger;
  return getLogger(logger ?? null);
}

/**
 * Start capturing records of `level` (default INFO) and above that reach
 * `logger` (default root), as Python's `assertLogs` does: the logger's own
 * handlers are set aside, `propagate` is turned off and its level set to
 * `level` until `stop()`. Records logged on descendants that propagate are
 * captured too.
 *
 * @example
 * const logs = captureLogs('app', 'WARNING');
 * doWork();
 * logs.stop();
 * assert.deepEqual(logs.output, ['WARNING:app:disk almost full']);
 */
export function captureLogs(logger?: Logger | string | null, level: Level = INFO): LogCapture {
  const target = resolveLogger(logger);
  const lv = checkLevel(level);
  const handler = new CapturingHandler(lv);
  const saved = { handlers: target.handlers, level: target.level, propagate: target.propagate };
  target.handlers = [handler];
  target.setLevel(lv);
  target.propagate = false;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    target.handlers = saved.handlers;
    target.propagate = saved.propagate;
    target.setLevel(saved.level);
  };
  return {
    records: handler.records,
    output: handler.output,
    get messages() {
      return handler.records.map((r) => recordMessage(r));
    },
    handler,
    stop,
    [Symbol.dispose]: stop,
  };
}

async function run(fn: () => unknown, cap: LogCapture): Promise<void> {
  try {
    await fn();
  } finally {
    cap.stop();
  }
}

/**
 * Run `fn` (sync or async) and assert that it logged at least one record of
 * `level` or above on `logger` (Python's `assertLogs`). Resolves to the
 * capture for further checks; rejects with an AssertionError otherwise.
 *
 * @example const { output } = await assertLogs('app', 'ERROR', () => handler(req));
 */
export async function assertLogs(logger: Logger | string | null | undefined, level: Level, fn: () => unknown): Promise<LogCapture> {
  const cap = captureLogs(logger, level);
  await run(fn, cap);
  if (cap.records.length === 0) {
    const name = resolveLogger(logger).name;
    throw new AssertionError({ message: `no logs of level ${getLevelName(checkLevel(level))} or higher triggered on ${name}`, operator: 'assertLogs' });
  }
  return cap;
}

/**
 * Run `fn` (sync or async) and assert that it logged nothing of `level` or
 * above on `logger` (Python's `assertNoLogs`); the AssertionError lists what
 * was logged.
 */
export async function assertNoLogs(logger: Logger | string | null | undefined, level: Level, fn: () => unknown): Promise<void> {
  const cap = captureLogs(logger, level);
  await run(fn, cap);
  if (cap.records.length > 0) {
    throw new AssertionError({ message: `Unexpected logs found: [${cap.output.map((l) => pyRepr(l)).join(', ')}]`, operator: 'assertNoLogs', actual: cap.output, expected: [] });
  }
}

let baseline: (() => void) | null = null;

/**
 * Record the current global logging state (loggers, levels, handlers, level
 * names, settings, record factory) and return a function that restores it.
 * Use it in beforeEach/afterEach, in any test framework.
 */
export function snapshotLogging(): () => void {
  return snapshotLoggingState();
}

/**
 * Put global logging state back to how it was when this module was first
 * loaded (or at the last `markLoggingBaseline()`): levels, handlers, filters
 * and propagate flags of existing loggers are restored; loggers created since
 * stay (module-level `getLogger()` results remain the ones `getLogger` returns)
 * but are reset to NOTSET with no handlers or filters; level names, settings
 * and the record factory are restored. Handlers are detached, not closed (they
 * stay registered for the exit-time flush): close the ones your test opened. Call it in afterEach.
 *
 * @example afterEach(() => resetLogging());
 */
export function resetLogging(): void {
  const manager = Logger.manager;
  const current: Logger[] = [];
  for (const l of manager.loggerDict.values()) if (l instanceof Logger) current.push(l);
  // Handlers created since stay registered, so the exit-time flush still reaches them.
  const keepRegistry = snapshotRegistry();
  baseline?.();
  keepRegistry();
  const added = current.filter((l) => manager.loggerDict.get(l.name) !== l);
  if (added.length === 0) return;
  for (const l of added) {
    l.handlers = [];
    l.filters = [];
    l.level = 0;
    l.propagate = true;
    l.disabled = false;
    manager.loggerDict.set(l.name, l);
  }
  relink(manager.loggerDict, manager.root);
  manager._clear_cache();
}

/** Rebuild parents and placeholders from the dotted names, as Manager would have linked them. */
function relink(dict: Map<string, Logger | PlaceHolder>, rootLogger: Logger): void {
  for (const [k, v] of dict) if (v instanceof PlaceHolder) dict.delete(k);
  const loggers = [...dict.values()] as Logger[];
  for (const l of loggers) {
    let parent: Logger | null = null;
    for (let i = l.name.lastIndexOf('.'); i > 0 && parent === null; i = l.name.lastIndexOf('.', i - 1)) {
      const obj = dict.get(l.name.slice(0, i));
      if (obj instanceof Logger) parent = obj;
      else if (obj instanceof PlaceHolder) obj.append(l);
      else dict.set(l.name.slice(0, i), new PlaceHolder(l));
    }
    l.parent = parent ?? rootLogger;
  }
}

/** Make the current state the one `resetLogging()` returns to (e.g. after your app's own setup in a global before()). */
export function markLoggingBaseline(): void {
  baseline = snapshotLoggingState();
}

markLoggingBaseline();
