/**
 * A received dict straight to a LogRecord: the same record as
 * `makeLogRecord(sanitizeRecordDict(d))` (same attributes, same order, same
 * refusals), without the intermediate sanitised copy and `Object.assign`.
 */
import { LogRecord, makeLogRecord } from '../../log-record.js';
import { pyStr } from '../../internal/pyformat.js';
import { ProtocolError } from './errors.js';

// The keys sanitizeRecordDict drops (RESERVED ∪ METHODS there), in one set: one lookup per key.
export const SKIPPED: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(LogRecord.prototype), ...Object.getOwnPropertyNames(Object.prototype)]);
const SKIPPED_LIST = [...SKIPPED];
const NO_ATTRIBUTES: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Whether `d` has an own key that must not reach the record (a dozen hasOwn checks beat a scan of 21 keys). */
function hasSkippedKey(d: Record<string, unknown>): boolean {
  for (let i = 0; i < SKIPPED_LIST.length; i++) if (Object.hasOwn(d, SKIPPED_LIST[i]!)) return true;
  return false;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Rebuild a record from a decoded dict (`makeLogRecord` defaults, then the
 * dict's attributes): keys that would replace the prototype or a method are
 * skipped, `exc_info` is cleared, and the fields formatters rely on get their
 * types. Throws ProtocolError for a dict without a string `name` or integer `levelno`.
 */
export function recordFromDict(d: Record<string, unknown>): LogRecord {
  const levelno = d.levelno;
  if (typeof d.name !== 'string') throw new ProtocolError('record: name is not a string');
  if (typeof levelno !== 'number' || !Number.isInteger(levelno)) throw new ProtocolError('record: levelno is not an integer');
  let rv: LogRecord;
  if (!hasSkippedKey(d)) rv = makeLogRecord(d); // the common case: one Object.assign
  else {
    rv = makeLogRecord(NO_ATTRIBUTES);
    const ks = Object.keys(d);
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i]!;
      if (SKIPPED.has(k)) continue;
      rv[k] = d[k];
    }
  }
  if (typeof d.levelname !== 'string') rv.levelname = `Level ${levelno}`;
  textFields(rv);
  if (!finite(d.created)) rv.created = Date.now() / 1000;
  if (!finite(d.msecs)) rv.msecs = Math.floor(rv.created * 1000) % 1000;
  if (d.relativeCreated !== undefined && !finite(d.relativeCreated)) rv.relativeCreated = 0;
  if (d.lineno !== undefined && typeof d.lineno !== 'number') rv.lineno = 0;
  return rv;
}

/** No exception object crosses the wire; its text and the stack text are strings. */
function textFields(rv: LogRecord): void {
  rv.exc_info = null;
  const et = rv.exc_text as unknown;
  if (et !== null && et !== undefined && typeof et !== 'string') rv.exc_text = pyStr(et);
  const si = rv.stack_info as unknown;
  if (si !== null && si !== undefined && typeof si !== 'string') rv.stack_info = pyStr(si);
}

/**
 * The checks `recordFromDict` applies, run on a built record whose every
 * standard attribute came from the payload (the compact form): refuses a
 * non-string `name` or non-integer `levelno`, clears `exc_info`, and gives the
 * fields formatters rely on their types.
 */
export function fixRecord(rv: LogRecord): void {
  const levelno = rv.levelno as unknown;
  if (typeof rv.name !== 'string') throw new ProtocolError('record: name is not a string');
  if (typeof levelno !== 'number' || !Number.isInteger(levelno)) throw new ProtocolError('record: levelno is not an integer');
  if (typeof rv.levelname !== 'string') rv.levelname = `Level ${levelno}`;
  textFields(rv);
  if (!finite(rv.created)) rv.created = Date.now() / 1000;
  if (!finite(rv.msecs)) rv.msecs = Math.floor(rv.created * 1000) % 1000;
  if (!finite(rv.relativeCreated)) rv.relativeCreated = 0;
  if (typeof rv.lineno !== 'number') rv.lineno = 0;
}
