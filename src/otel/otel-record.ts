/**
 * How a logflume record maps onto the OpenTelemetry log data model, shared by
 * the Logs Bridge handler and the OTLP handler so both send the same thing:
 * severity from the Python level, body from the message, attributes from the
 * record's extra/context fields plus `code.*` and `exception.*` per the
 * semantic conventions, and the trace context from `trace_id`/`span_id`/
 * `trace_flags` fields (set by trace correlation, or carried by a record that
 * came through a queue or socket).
 */
import { RECORD_ATTRIBUTES, hasOnlyStandardKeys, type LogRecord } from '../log-record.js';
import { formatThrown } from '../internal/exc-format.js';

/** An attribute value as the OpenTelemetry logs data model allows it (AnyValue). */
export type OtelValue = string | number | boolean | Uint8Array | OtelValue[] | { [key: string]: OtelValue } | null;

/** One record in the data model's terms, ready for the bridge or the OTLP encoder. */
export interface OtelLog {
  /** Event time, ms since the epoch (records have millisecond resolution). */
  timeMs: number;
  /** When the handler saw the record, ms since the epoch. */
  observedMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, OtelValue>;
  /** 32 lowercase hex digits, or null. */
  traceId: string | null;
  /** 16 lowercase hex digits, or null. */
  spanId: string | null;
  /** W3C trace flags (0 when there is no trace context). */
  flags: number;
  /** Instrumentation scope name: the logger name. */
  scope: string;
}

/**
 * OpenTelemetry severity number of a Python level: DEBUG 10 → 5, INFO 20 → 9,
 * WARNING 30 → 13, ERROR 40 → 17, CRITICAL 50 → 21; levels between two
 * standard ones take the next sub-level (21 → INFO2, 22 → INFO3, 23–29 →
 * INFO4); below DEBUG is TRACE (1); above 53 is FATAL4 (24). The same table
 * as OpenTelemetry Python's logging handler, so mixed fleets agree.
 */
export function severityNumberOf(levelno: number): number {
  if (!(levelno >= 10)) return 1;
  if (levelno >= 53) return 24;
  const base = Math.floor(levelno / 10); // 1 DEBUG … 5 CRITICAL
  const step = Math.min(levelno - base * 10, 3);
  return (base - 1) * 4 + 5 + step;
}

/** Record keys that never become attributes: the standard ones, what format() adds, and the trace fields (they have their own slots). */
const NOT_ATTRIBUTES = new Set<string>([...RECORD_ATTRIBUTES, 'message', 'asctime', 'trace_id', 'span_id', 'trace_flags']);
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);

/** An arbitrary field value as an AnyValue: JSON-like values as they are, Dates as ISO text, the rest as text. */
export function toOtelValue(v: unknown, depth = 0): OtelValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return v;
    case 'bigint':
      return v >= -(2n ** 63n) && v < 2n ** 63n && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'undefined':
      return null;
    case 'object': {
      if (v === null) return null;
      if (v instanceof Uint8Array) return v;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
      if (v instanceof Error) return `${v.name}: ${v.message}`;
      if (depth >= 8) return '[nested too deep]';
      if (Array.isArray(v)) return v.map((x) => toOtelValue(x, depth + 1));
      const out: Record<string, OtelValue> = {};
      for (const k of Object.keys(v)) out[k] = toOtelValue((v as Record<string, unknown>)[k], depth + 1);
      return out;
    }
    default:
      try {
        return String(v);
      } catch {
        return '[unprintable]';
      }
  }
}

/**
 * The attributes of a record: every extra/context field, then `code.file.path`,
 * `code.function.name`, `code.line.number` when the caller is known, then
 * `exception.type`, `exception.message`, `exception.stacktrace` when the record
 * carries an exception (`exc_info`, or `exc_text` from a remote record).
 */
export function recordAttributes(record: LogRecord, code = true): Record<string, OtelValue> {
  const attrs: Record<string, OtelValue> = {};
  // the common record has no extra field: skip the key walk and its set lookups
  if (!hasOnlyStandardKeys(record)) for (const key in record) {
    if (NOT_ATTRIBUTES.has(key)) continue;
    const v = record[key];
    if (typeof v === 'function') continue;
    attrs[key] = toOtelValue(v);
  }
  if (code && record.lineno > 0 && typeof record.pathname === 'string' && !record.pathname.startsWith('(unknown')) {
    attrs['code.file.path'] = record.pathname;
    if (typeof record.funcName === 'string' && !record.funcName.startsWith('(unknown')) attrs['code.function.name'] = record.funcName;
    attrs['code.line.number'] = record.lineno;
  }
  const exc = record.exc_info;
  if (exc !== null && exc !== undefined && exc !== false && exc !== true) {
    if (exc instanceof Error) {
      attrs['exception.type'] = exc.name || exc.constructor?.name || 'Error';
      attrs['exception.message'] = exc.message;
    } else {
      attrs['exception.type'] = typeof exc;
      attrs['exception.message'] = String(toOtelValue(exc));
    }
    attrs['exception.stacktrace'] = typeof record.exc_text === 'string' && record.exc_text !== '' ? record.exc_text : formatThrown(exc);
  } else if (typeof record.exc_text === 'string' && record.exc_text !== '') {
    attrs['exception.stacktrace'] = record.exc_text;
  }
  return attrs;
}

/** The trace context a record carries in its `trace_id`/`span_id`/`trace_flags` fields, or null when absent or invalid. */
export function recordTraceContext(record: LogRecord): { traceId: string; spanId: string; flags: number } | null {
  const t = record.trace_id;
  const s = record.span_id;
  if (typeof t !== 'string' || typeof s !== 'string' || !HEX32.test(t) || !HEX16.test(s) || t === ZERO32 || s === ZERO16) return null;
  const f = record.trace_flags;
  const flags = typeof f === 'string' ? parseInt(f, 16) : typeof f === 'number' ? f : 0;
  return { traceId: t, spanId: s, flags: Number.isInteger(flags) && flags >= 0 && flags <= 255 ? flags : 0 };
}

/** Event time of a record in whole ms since the epoch. */
export function recordTimeMs(record: LogRecord): number {
  return Math.round(record.created * 1000);
}

/** A record in the data model's terms; `body` is the text the handler formatted. */
export function toOtelLog(record: LogRecord, body: string, code = true): OtelLog {
  const tc = recordTraceContext(record);
  return {
    timeMs: recordTimeMs(record),
    observedMs: Date.now(),
    severityNumber: severityNumberOf(record.levelno),
    severityText: record.levelname,
    body,
    attributes: recordAttributes(record, code),
    traceId: tc?.traceId ?? null,
    spanId: tc?.spanId ?? null,
    flags: tc?.flags ?? 0,
    scope: typeof record.name === 'string' ? record.name : String(record.name),
  };
}
