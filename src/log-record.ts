import { levelNameOf } from './levels.js';
import { percentFormat, pyStr } from './internal/pyformat.js';
import { isMapping } from './internal/pyformat.values.js';
import { runtimeInfo, settings as collect } from './internal/runtime.js';

/** What a log call may pass as `exc_info`: an Error (or any thrown value), `true`, or nothing. */
export type ExcInfo = unknown;

/**
 * One logging event, with Python's attribute names (`levelno`, `funcName`,
 * `exc_info`, …) so formats such as `%(funcName)s` and Python-minded code work
 * unchanged. Extra fields from `extra` or context become own properties.
 *
 * Differences from Python: `created` has millisecond resolution (Date.now());
 * `exc_info` holds the thrown value itself rather than a (type, value, tb) tuple;
 * `thread` is the Node worker threadId (0 on the main thread).
 */
export class LogRecord {
  [key: string]: unknown;
  name: string;
  msg: unknown;
  args: unknown;
  levelname: string;
  levelno: number;
  pathname: string;
  filename: string;
  module: string;
  exc_info: unknown;
  exc_text: string | null;
  stack_info: string | null;
  lineno: number;
  funcName: string | null;
  created: number;
  msecs: number;
  relativeCreated: number;
  thread: number | null;
  threadName: string | null;
  processName: string | null;
  process: number | null;
  taskName: string | null;
  /** Set by Formatter.format(). */
  declare message?: string;
  /** Set by Formatter.format() when the format uses it. */
  declare asctime?: string;

  /**
   * Same argument order as Python's `LogRecord(name, level, pathname, lineno,
   * msg, args, exc_info, func, sinfo)`. A single non-empty mapping argument
   * becomes the args mapping, as in Python.
   */
  constructor(
    name: string,
    level: number,
    pathname: string,
    lineno: number,
    msg: unknown,
    args: unknown,
    exc_info: unknown,
    func: string | null = null,
    sinfo: string | null = null,
  ) {
    const ms = Date.now();
    this.name = name;
    this.msg = msg;
    this.args = unwrapSingleMapping(args);
    this.levelname = levelNameOf(level);
    this.levelno = level;
    this.pathname = pathname;
    if (pathname !== lastPath) splitPath(pathname);
    this.filename = lastFilename;
    this.module = lastModule;
    this.exc_info = exc_info;
    this.exc_text = null;
    this.stack_info = sinfo;
    this.lineno = lineno;
    this.funcName = func;
    this.created = ms / 1000;
    // ms is a positive integer: same as ms % 1000, without the fmod call (≈20 ns)
    this.msecs = ms - Math.trunc(ms / 1000) * 1000;
    this.relativeCreated = ms - runtimeInfo.startTime;
    if (collect.logThreads) {
      this.thread = runtimeInfo.thread;
      this.threadName = runtimeInfo.threadName;
    } else {
      this.thread = null;
      this.threadName = null;
    }
    this.processName = collect.logMultiprocessing ? runtimeInfo.processName : null;
    this.process = collect.logProcesses ? runtimeInfo.process : null;
    this.taskName = null;
  }

  /**
   * Python's `str(msg) % args`: no formatting when there are no args, so a
   * literal '%' in a message without args is safe. Throws the Python error
   * (PyFormatError) on a mismatch; Handler.handle reports it via handleError.
   */
  getMessage(): string {
    const msg = pyStr(this.msg);
    const args = this.args;
    // Python's `if self.args:` — a falsy value (None, 0, '', False, an empty tuple or dict) leaves msg as it is
    if (args === null || args === undefined || args === false || args === 0 || args === '' || args === 0n) return msg;
    if (Array.isArray(args)) {
      if (args.length === 0) return msg;
    } else if (typeof args === 'object' && isEmptyMapping(args)) {
      return msg;
    }
    return percentFormat(msg, args);
  }

  /** Python-style summary used by util.inspect and String(). */
  toString(): string {
    return `<LogRecord: ${this.name}, ${this.levelno}, ${this.pathname}, ${this.lineno}, "${safeStr(this.msg)}">`;
  }
}

// One-entry cache: most records in a row share their pathname (often the
// "(unknown file)" placeholder), so basename/splitext run once, not per record.
let lastPath = '';
let lastFilename = '';
let lastModule = '';
function splitPath(pathname: string): void {
  const slash = pathname.lastIndexOf('/');
  const filename = slash >= 0 ? pathname.slice(slash + 1) : pathname;
  const dot = filename.lastIndexOf('.');
  lastFilename = filename;
  lastModule = dot > 0 ? filename.slice(0, dot) : filename;
  lastPath = pathname;
}

function safeStr(v: unknown): string {
  try {
    return pyStr(v);
  } catch {
    return '<unprintable>';
  }
}

function isEmptyMapping(o: object): boolean {
  if (o instanceof Map) return o.size === 0;
  for (const _ in o) return false;
  return true;
}


/** Python: `if args and len(args) == 1 and isinstance(args[0], Mapping) and args[0]: args = args[0]`. */
function unwrapSingleMapping(args: unknown): unknown {
  if (Array.isArray(args) && args.length === 1) {
    const a = args[0];
    if (isMapping(a) && !isEmptyMapping(a)) return a;
  }
  return args;
}

/** Signature of a record factory (Python's `setLogRecordFactory`). */
export type LogRecordFactory = (
  name: string,
  level: number,
  pathname: string,
  lineno: number,
  msg: unknown,
  args: unknown,
  exc_info: unknown,
  func?: string | null,
  sinfo?: string | null,
) => LogRecord;

const defaultFactory: LogRecordFactory = (name, level, pathname, lineno, msg, args, exc_info, func, sinfo) =>
  new LogRecord(name, level, pathname, lineno, msg, args, exc_info, func ?? null, sinfo ?? null);

let recordFactory: LogRecordFactory = defaultFactory;

/** Replace the factory every Logger uses to build records (Python's `setLogRecordFactory`). */
export function setLogRecordFactory(factory: LogRecordFactory | null): void {
  recordFactory = factory ?? defaultFactory;
}

/** The factory currently in use (Python's `getLogRecordFactory`). */
export function getLogRecordFactory(): LogRecordFactory {
  return recordFactory;
}

/** @internal fast check so Logger can call `new LogRecord` directly when no factory is set. */
export function isDefaultRecordFactory(): boolean {
  return recordFactory === defaultFactory;
}

/** Own attributes of a fresh LogRecord, in the constructor's order (Python's standard attributes). */
export const RECORD_ATTRIBUTES: readonly string[] = Object.keys(new LogRecord('', 0, '', 0, '', null, null));

/**
 * How many of `keys` (a record's own keys, in order) are the standard
 * attributes in the constructor's order: attributes added later (`extra`,
 * context, a filter) can only come after them, so the scan for extras starts
 * there, comparing interned keys by identity instead of hashing them.
 */
export function standardPrefixLength(keys: readonly string[]): number {
  const order = RECORD_ATTRIBUTES;
  const n = Math.min(keys.length, order.length);
  let i = 0;
  while (i < n && keys[i] === order[i]) i++;
  return i;
}

/**
 * Whether the record carries nothing beyond the standard attributes: its
 * enumerable keys are the constructor's, in order, then at most `message` and
 * `asctime` (which format() sets). Walks the cached key list without
 * allocating, so the common record costs no `Object.keys` copy; any other
 * shape (an extra, a deleted or re-added attribute) answers false.
 */
export function hasOnlyStandardKeys(record: object): boolean {
  const order = RECORD_ATTRIBUTES;
  const n = order.length;
  let i = 0;
  for (const k in record) {
    if (i < n ? k !== order[i] : k !== 'message' && k !== 'asctime') return false;
    i++;
  }
  return i >= n;
}

/**
 * Build a record from a plain object of attributes, as a receiver does with a
 * record that came over the network (Python's `makeLogRecord`).
 */
export function makeLogRecord(dict: Record<string, unknown>): LogRecord {
  const rv = new LogRecord('', 0, '', 0, '', [], null, null, null);
  rv.name = null as unknown as string;
  rv.levelno = null as unknown as number;
  rv.levelname = 'Level None';
  rv.funcName = null;
  rv.msg = '';
  rv.args = [];
  Object.assign(rv, dict);
  return rv;
}
