/**
 * Turning a LogRecord into the dict that crosses the wire (Python's
 * `makePickle` preparation) and a received dict back into safe attributes
 * for `makeLogRecord`.
 */
import type { LogRecord } from '../../log-record.js';
import { LogRecord as LogRecordClass } from '../../log-record.js';
import { pyStr } from '../../internal/pyformat.js';
import { plain } from './plain-value.js';
import { ProtocolError } from './errors.js';
import { jsonLoads, jsonDumps, jsonString } from './json.js';
import { TAG_BYTES, sign } from './hmac.js';
import { pickleDumps, pickleLoads } from './pickle.js';
import { COMPACT_MAGIC, CompactDecoder, encodeCompactFrame } from './compact-record.js';
import { recordMessage } from '../../record-message.js';

/**
 * Payload encodings: `compact` (SocketHandler's default: binary fields + cached
 * JSON, see compact-record.ts), `json` (a JSON object, any language), or
 * Python's `pickle` (protocol 1).
 */
export type WireFormat = 'compact' | 'json' | 'pickle';

/** Every wire format, for option checks. */
export const WIRE_FORMATS: readonly WireFormat[] = ['compact', 'json', 'pickle'];

/**
 * Python's makePickle preparation: the record's attributes with `msg`
 * merged (`getMessage()`), `args` and `exc_info` set to None, `message`
 * removed. `formatException` fills `exc_text` first when there is an exception.
 */
export function recordToDict(record: LogRecord, formatException?: (r: LogRecord) => void): Record<string, unknown> {
  if (record.exc_info !== null && record.exc_info !== undefined && record.exc_info !== false && formatException) formatException(record);
  const d: Record<string, unknown> = {};
  const msg = recordMessage(record);
  for (const k of Object.keys(record)) {
    if (k === 'message') continue; // redundant with msg (Python issue #25685); skipped, not deleted, to keep the object fast
    const v = record[k];
    const t = typeof v;
    d[k] = t === 'string' || t === 'number' || t === 'boolean' ? v : plain(v, 0);
  }
  d.msg = msg;
  d.args = null;
  d.exc_info = null;
  return d;
}

/** Encode a record dict as a payload (no framing). */
export function encodePayload(d: Record<string, unknown>, format: WireFormat): Buffer {
  if (format === 'compact') return encodeRecordFrame(d, format, null).subarray(4);
  return format === 'pickle' ? pickleDumps(pythonDict(d), 0, PY_FLOATS) : jsonDumps(d);
}

/** Record attributes that are floats in Python (sent as floats even when they hold a whole number). */
const PY_FLOATS: ReadonlySet<string> = new Set(['created', 'msecs', 'relativeCreated']);

/**
 * The dict as CPython 3.11's SocketHandler sends it: 3.11 records have no
 * `taskName` (3.12 added it), so a null one is left out; a set one is kept.
 */
function pythonDict(d: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(d, 'taskName') || d.taskName !== null) return d;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(d)) if (k !== 'taskName') out[k] = d[k];
  return out;
}

/**
 * A whole frame for a record dict in one allocation: `u32be length`, the
 * HMAC tag when `key` is given, then the payload.
 */
export function encodeRecordFrame(d: Record<string, unknown>, format: WireFormat, key: Buffer | null): Buffer {
  if (format === 'compact' && typeof d.msg === 'string') {
    const c = encodeCompactFrame(d, d.msg, key);
    if (c !== null) return c;
  }
  const head = 4 + (key ? TAG_BYTES : 0);
  let buf: Buffer;
  if (format === 'pickle') buf = pickleDumps(pythonDict(d), head, PY_FLOATS);
  else {
    const s = jsonString(d);
    buf = Buffer.allocUnsafe(head + Buffer.byteLength(s, 'utf8'));
    buf.write(s, head, 'utf8');
  }
  buf.writeUInt32BE(buf.length - 4, 0);
  if (key) sign(key, buf.subarray(head)).copy(buf, 4);
  return buf;
}

/** Limits for decoding one payload. */
export interface DecodeOptions {
  /** Encodings accepted (default both; pickle is only ever decoded as data). */
  formats?: readonly WireFormat[];
  /** Deepest nesting accepted (default 32). */
  maxDepth?: number;
  /** Decoded-size budget for pickle (default 4 × payload size, at least 64 KiB). */
  maxExpandedBytes?: number;
}

/** Which encoding a payload uses: compact payloads start with 0xC1, JSON objects with `{`; pickles start with neither. */
export function detectFormat(payload: Uint8Array): WireFormat {
  if (payload[0] === COMPACT_MAGIC) return 'compact';
  let i = 0;
  while (i < payload.length && (payload[i] === 0x20 || payload[i] === 0x0a || payload[i] === 0x0d || payload[i] === 0x09)) i++;
  return payload[i] === 0x7b ? 'json' : 'pickle';
}

/** Decode a payload to a dict; throws ProtocolError for anything that is not a dict of plain values. */
export function decodePayload(payload: Uint8Array, opts: DecodeOptions = {}): Record<string, unknown> {
  const format = detectFormat(payload);
  if (opts.formats && !opts.formats.includes(format)) throw new ProtocolError(`payload format ${format} is not accepted here`);
  if (format === 'compact') {
    const b = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    return { ...new CompactDecoder(opts.maxDepth ?? 32).decode(b) };
  }
  const v =
    format === 'json'
      ? jsonLoads(payload, opts.maxDepth ?? 32)
      : pickleLoads(payload, { maxDepth: opts.maxDepth ?? 32, maxExpandedBytes: opts.maxExpandedBytes ?? Math.max(65536, 4 * payload.length) });
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw new ProtocolError(`${format}: payload is not a dict`);
  return v as Record<string, unknown>;
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const METHODS = new Set(Object.getOwnPropertyNames(LogRecordClass.prototype).concat(Object.getOwnPropertyNames(Object.prototype)));

/**
 * Make a received dict safe to pass to `makeLogRecord`: keys that would
 * replace the prototype or a method are dropped, `exc_info` is cleared (only
 * `exc_text` crosses the wire), and the fields formatters rely on get their
 * types (a record without a string `name` or integer `levelno` is refused).
 */
export function sanitizeRecordDict(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(d)) {
    if (RESERVED.has(k) || METHODS.has(k)) continue;
    out[k] = d[k];
  }
  if (typeof out.name !== 'string') throw new ProtocolError('record: name is not a string');
  if (typeof out.levelno !== 'number' || !Number.isInteger(out.levelno)) throw new ProtocolError('record: levelno is not an integer');
  if (typeof out.levelname !== 'string') out.levelname = `Level ${out.levelno}`;
  out.exc_info = null;
  if (out.exc_text !== null && out.exc_text !== undefined && typeof out.exc_text !== 'string') out.exc_text = pyStr(out.exc_text);
  if (out.stack_info !== null && out.stack_info !== undefined && typeof out.stack_info !== 'string') out.stack_info = pyStr(out.stack_info);
  const now = Date.now();
  if (typeof out.created !== 'number' || !Number.isFinite(out.created)) out.created = now / 1000;
  if (typeof out.msecs !== 'number' || !Number.isFinite(out.msecs)) out.msecs = Math.floor((out.created as number) * 1000) % 1000;
  if (out.relativeCreated !== undefined && (typeof out.relativeCreated !== 'number' || !Number.isFinite(out.relativeCreated))) out.relativeCreated = 0;
  if (out.lineno !== undefined && typeof out.lineno !== 'number') out.lineno = 0;
  return out;
}
