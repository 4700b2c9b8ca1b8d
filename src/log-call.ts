// How a log call's arguments become a record, for the arguments Python's
// `msg % args` would not take. Python's result is kept wherever Python
// succeeds; where Python would raise or silently ignore an argument, the
// argument is kept the way a Node developer means it:
//
//   log.error('payment failed', err)          a trailing Error becomes exc_info
//   log.info('user logged in', { userId })    a trailing plain object becomes fields
//   log.info('count', 42)                     other leftovers are appended: 'count 42'
//   log.debug('%j', payload)                  %j / %O render as util.format does
//   log.info({ userId }, 'login')             pino's order: fields first, then the message
//   log.error(err, 'payment failed')          ... or the error first
//
// Only calls whose arguments do not fit their format pay for any of this; the
// common call costs one cached lookup (see needsShaping).
import { inspect, types } from 'node:util';
import { compiled } from './internal/pyformat.percent.js';
import { lenientFormat, safeText } from './internal/pyformat.lenient.js';
import { isMapping } from './internal/pyformat.values.js';
import { LogKw, type LogOptions } from './log-options.js';

/** A log call after shaping: what `_log` builds the record from. */
export interface ShapedCall {
  msg: unknown;
  args: unknown[];
  opts: LogOptions | undefined;
  /** Structured fields from trailing (or leading) plain objects; null when none. */
  fields: Record<string, unknown> | null;
}

let lastFmt = '';
let lastProg = compiled('');

/**
 * Whether a call with a string `msg` and `args` needs shaping: its arguments
 * are not exactly what the format consumes, the format uses %j/%O, or the
 * format is one Python cannot parse. One identity compare for a repeated
 * format, so the common call pays almost nothing.
 */
export function needsShaping(msg: string, args: readonly unknown[]): boolean {
  let prog = lastProg;
  if (msg !== lastFmt) {
    prog = compiled(msg);
    lastFmt = msg;
    lastProg = prog;
  }
  if (prog.node || prog.broken) return true;
  const arity = prog.arity;
  if (arity >= 0) return arity !== args.length;
  if (arity === -1) return !(args.length === 1 && isMapping(args[0]));
  return false; // keys and positions mixed: Python's own rules decide (the handler's fallback keeps the record)
}

/** `v instanceof Error`, also across realms, never throwing (a revoked Proxy is not an Error). */
export function isErrorLike(v: unknown): v is Error {
  try {
    return typeof v === 'object' && v !== null && (v instanceof Error || types.isNativeError(v));
  } catch {
    return false;
  }
}

/** A plain object (prototype Object.prototype or null), never throwing; a LogKw is not one. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  try {
    if (typeof v !== 'object' || v === null || v instanceof LogKw || types.isProxy(v)) return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/** `src[key]`, or a placeholder naming the error when its getter (or a Proxy trap) throws. */
export function readField(src: Record<string, unknown>, key: string): unknown {
  try {
    return src[key];
  } catch (e) {
    return `<unreadable: ${safeText(e)}>`;
  }
}

/** Set a plain data field: defineProperty, so a '__proto__' key stays a field, never a prototype. */
export function defineField(into: object, key: string, value: unknown): void {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `key`, or `key` with `_` appended until it names nothing on the record (`name` → `name_`). */
export function freeKey(record: object, key: string, reserved: ReadonlySet<string>): string {
  let k = key;
  while (reserved.has(k) || k in record) k += '_';
  return k;
}

/** Own enumerable fields of `src` copied into `into`; a getter that throws gives a placeholder, never an exception. */
function copyFields(into: Record<string, unknown>, src: Record<string, unknown>): void {
  let keys: string[];
  try {
    keys = Object.keys(src);
  } catch {
    return;
  }
  for (const k of keys) defineField(into, k, readField(src, k));
}

// util.format's rendering of an appended argument (inspect for every non-string),
// with depth 4 where util.format stops at 0: an appended value is kept whole
const APPEND_INSPECT = { depth: 4, breakLength: Infinity, compact: 3, colors: false } as const;

function appendText(parts: string, v: unknown): string {
  if (typeof v === 'string') return parts + ' ' + v;
  let text: string;
  try {
    text = inspect(v, APPEND_INSPECT);
  } catch {
    text = safeText(v);
  }
  return parts + ' ' + text;
}

/**
 * Shape a call whose arguments do not fit its format (see the module comment).
 * `opts` is the call's kw() options; `exc_info` there wins over a trailing Error,
 * except `true` (exception()'s default), which a trailing Error fills in.
 */
export function shapeCall(msg: unknown, args: unknown[], opts: LogOptions | undefined): ShapedCall {
  let fields: Record<string, unknown> | null = null;
  let exc: unknown = undefined;
  const wantExc = opts === undefined || opts.exc_info === undefined || opts.exc_info === true;
  // pino's order: log.info({ userId }, 'msg', ...) and log.error(err, 'msg', ...)
  if (args.length > 0 && typeof args[0] === 'string' && typeof msg !== 'string') {
    if (isPlainObject(msg)) {
      copyFields((fields = Object.create(null) as Record<string, unknown>), msg);
      msg = args[0];
      args = args.slice(1);
    } else if (isErrorLike(msg)) {
      if (wantExc) exc = msg;
      msg = args[0];
      args = args.slice(1);
    }
  }
  if (args.length === 0) return { msg, args, opts: withExc(opts, exc), fields };
  let fmt = typeof msg === 'string' ? msg : safeText(msg);
  const prog = compiled(fmt);
  let consumed: number;
  if (prog.arity >= 0) consumed = Math.min(prog.arity, args.length);
  else if (prog.arity === -1) consumed = isMapping(args[0]) ? 1 : 0;
  else consumed = args.length;
  const kept = args.slice(0, consumed);
  let text = '';
  let excAt = -1;
  if (wantExc && exc === undefined) {
    for (let i = args.length - 1; i >= consumed; i--) {
      if (isErrorLike(args[i])) {
        excAt = i;
        exc = args[i];
        break;
      }
    }
  }
  for (let i = consumed; i < args.length; i++) {
    if (i === excAt) continue;
    const a = args[i];
    if (isPlainObject(a)) copyFields((fields ??= Object.create(null) as Record<string, unknown>), a);
    else if (isErrorLike(a)) text += ' ' + errorLine(a);
    else text = appendText(text, a);
  }
  let outArgs: unknown[] = kept;
  if (prog.node && kept.length > 0) {
    // %j and %O are rendered now, with the values as they are at the call
    const r = lenientFormat(fmt, kept.length === 1 && isMapping(kept[0]) ? kept[0] : kept);
    if (r.clean) {
      fmt = r.text;
      outArgs = [];
    }
  }
  if (prog.arity === -1 && consumed === 0 && text !== '') {
    // a mapping format given values but no mapping: Python's error, not a leftover. The
    // values stay arguments, so the handler's fallback keeps the template and every
    // value and reports the call (dropping the conversions would lose the template)
    return { msg: fmt, args: args.filter((a, i) => i !== excAt && !isPlainObject(a)), opts: withExc(opts, exc), fields };
  }
  if (prog.arity === 0 && !prog.broken && !prog.node) {
    // the caller passed arguments, so '%%' was written to mean '%' (as util.format reads it)
    fmt = literalText(prog.items);
  }
  if (text !== '') fmt += outArgs.length > 0 ? text.replaceAll('%', '%%') : text;
  if (fmt !== msg || outArgs.length !== args.length) msg = fmt;
  return { msg, args: outArgs, opts: withExc(opts, exc), fields };
}

/**
 * An Error that is not the record's exc_info (`kw({ exc_info: false })`, or one
 * more Error than the one taken) is appended as its one-line `Name: message`: its
 * stack belongs to exc_info, and a multi-line stack inside the message would break
 * one line per record.
 */
function errorLine(e: Error): string {
  let name: unknown;
  let message: unknown;
  try {
    name = e.name;
  } catch {
    name = undefined;
  }
  try {
    message = e.message;
  } catch {
    message = undefined;
  }
  const n = typeof name === 'string' && name !== '' ? name : 'Error';
  return typeof message === 'string' && message !== '' ? `${n}: ${message}` : n;
}

function literalText(items: readonly (string | object)[]): string {
  let s = '';
  for (const it of items) if (typeof it === 'string') s += it;
  return s;
}

function withExc(opts: LogOptions | undefined, exc: unknown): LogOptions | undefined {
  if (exc === undefined) return opts;
  return { ...opts, exc_info: exc };
}

/**
 * Put structured fields on the record. A key that is already there (a record
 * attribute such as `name` or `msg`, a method, or an `extra` field) is kept
 * under the key with `_` appended (`name_`), so nothing the caller passed is lost.
 */
export function applyFields(record: Record<string, unknown>, fields: Record<string, unknown>, reserved: ReadonlySet<string>): void {
  for (const key of Object.keys(fields)) defineField(record, freeKey(record, key, reserved), fields[key]);
}
