/**
 * The compact record payload (wire format `'compact'`, SocketHandler's
 * default): the same attributes as the JSON object payload, in a layout the
 * receiver decodes without parsing a 420-byte JSON object per record.
 *
 * Payload, version 1 (big-endian, after the frame's length and optional tag):
 *
 *   0  u8   0xC1 (magic: never the first byte of JSON, pickle or UTF-8 text)
 *   1  u8   version, 1
 *   2  u8   flags: bit 0 lineno is None, bit 1 thread is None, bit 2 process is None; others 0
 *   3  u8   0
 *   4  f64  created        12 f64 msecs        20 f64 relativeCreated
 *   28 i32  levelno        32 i32 lineno        36 i32 thread      40 i32 process
 *   44 u32  metaLen        48 u32 extraLen
 *   52      meta:  UTF-8 JSON array [name, levelname, pathname, filename, module,
 *                  funcName, threadName, processName, taskName] (strings or null)
 *   52+metaLen    extra: UTF-8 JSON object (or nothing when extraLen is 0) of
 *                  exc_text and stack_info when not None, then the record's
 *                  other attributes (`extra=…`) in their order, encoded as in
 *                  the JSON payload
 *   then          msg: the merged message (`getMessage()`), raw UTF-8, to the end
 *
 * `args` and `exc_info` are None, as in every wire format. The meta bytes are
 * cached per logger by the sender and their parsed form by the receiver, so
 * the common record costs the receiver no JSON parsing at all. A record that
 * does not fit (a non-integer or out-of-range level, line, thread or process,
 * a non-finite time, a non-string standard attribute, a deleted standard
 * attribute, a message with a lone surrogate) is sent as the JSON object
 * payload instead: the receiver rebuilds the same record from either.
 */
import { LogRecord } from '../../log-record.js';
import { sameMeta } from '../../internal/record-meta.js';
import { ProtocolError } from './errors.js';
import { TAG_BYTES, sign } from './hmac.js';
import { jsonLoads } from './json.js';
import { encodeValue, jsonQuote } from './json-record.js';
import { SKIPPED, fixRecord } from './record-rebuild.js';

/** First payload byte of the compact form. */
export const COMPACT_MAGIC = 0xc1;
/** The version this module writes and reads. */
export const COMPACT_VERSION = 1;
/** Bytes before the meta JSON. */
export const COMPACT_FIXED = 52;

/** A LogRecord's own attributes, in constructor order. */
const STANDARD = ['name', 'msg', 'args', 'levelname', 'levelno', 'pathname', 'filename', 'module', 'exc_info', 'exc_text', 'stack_info', 'lineno', 'funcName', 'created', 'msecs', 'relativeCreated', 'thread', 'threadName', 'processName', 'process', 'taskName'] as const;
const NSTD = STANDARD.length;

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const isI32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= I32_MIN && v <= I32_MAX;
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

interface MetaEntry {
  name: unknown;
  levelname: unknown;
  pathname: unknown;
  filename: unknown;
  module: unknown;
  funcName: unknown;
  threadName: unknown;
  processName: unknown;
  taskName: unknown;
  /** Header (its per-record fields rewritten for each record) followed by the meta JSON bytes: copied into the frame at once. */
  tpl: Uint8Array;
  dv: DataView;
}

// Sender side: the meta bytes of the last records, by logger name.
const metaByName = new Map<unknown, MetaEntry>();

function metaFor(r: Record<string, unknown>): MetaEntry | null {
  const e = metaByName.get(r.name);
  if (e !== undefined && sameMeta(e as unknown as Record<string, unknown>, r)) return e;
  if (
    typeof r.name !== 'string' ||
    !strOrNull(r.levelname) ||
    !strOrNull(r.pathname) ||
    !strOrNull(r.filename) ||
    !strOrNull(r.module) ||
    !strOrNull(r.funcName) ||
    !strOrNull(r.threadName) ||
    !strOrNull(r.processName) ||
    !strOrNull(r.taskName)
  ) {
    return null;
  }
  const text = JSON.stringify([r.name, r.levelname, r.pathname, r.filename, r.module, r.funcName, r.threadName, r.processName, r.taskName]);
  const bytes = Buffer.from(text, 'utf8');
  const tpl = new Uint8Array(COMPACT_FIXED + bytes.length);
  tpl.set(bytes, COMPACT_FIXED);
  const dv = new DataView(tpl.buffer);
  dv.setUint8(0, COMPACT_MAGIC);
  dv.setUint8(1, COMPACT_VERSION);
  dv.setUint32(44, bytes.length);
  const entry: MetaEntry = {
    name: r.name,
    levelname: r.levelname,
    pathname: r.pathname,
    filename: r.filename,
    module: r.module,
    funcName: r.funcName,
    threadName: r.threadName,
    processName: r.processName,
    taskName: r.taskName,
    tpl,
    dv,
  };
  if (metaByName.size >= 1024) metaByName.clear();
  metaByName.set(r.name, entry);
  return entry;
}

/** The extra JSON object text, or '' when the record has nothing beyond its standard attributes. */
function extraJson(r: Record<string, unknown>, ks: string[]): string {
  let s = '';
  const et = r.exc_text;
  if (et !== null) s += ',"exc_text":' + jsonQuote(et as string);
  const si = r.stack_info;
  if (si !== null) s += ',"stack_info":' + jsonQuote(si as string);
  for (let i = NSTD; i < ks.length; i++) {
    const k = ks[i]!;
    if (k === 'message' || k === '__proto__') continue;
    s += ',' + jsonQuote(k) + ':' + encodeValue(r[k]);
  }
  return s === '' ? '' : '{' + s.slice(1) + '}';
}

/**
 * The compact frame of a record (`u32be length`, HMAC tag when `key` is given,
 * payload), or null when the record does not fit the compact form (send the
 * JSON object payload instead). `msg` is the merged message; the caller has
 * filled `exc_text`. Works on a LogRecord or on a dict from `recordToDict`.
 */
export function encodeCompactFrame(r: Record<string, unknown>, msg: string, key: Buffer | null): Buffer | null {
  const ks = Object.keys(r);
  if (ks.length < NSTD) return null;
  for (let i = 0; i < NSTD; i++) if (ks[i] !== STANDARD[i]) return null;
  const created = r.created;
  const msecs = r.msecs;
  const rel = r.relativeCreated;
  const levelno = r.levelno;
  const lineno = r.lineno;
  const thread = r.thread;
  const proc = r.process;
  if (!isFiniteNum(created) || !isFiniteNum(msecs) || !isFiniteNum(rel) || !isI32(levelno)) return null;
  let flags = 0;
  if (lineno === null) flags |= 1;
  else if (!isI32(lineno)) return null;
  if (thread === null) flags |= 2;
  else if (!isI32(thread)) return null;
  if (proc === null) flags |= 4;
  else if (!isI32(proc)) return null;
  if (!strOrNull(r.exc_text) || !strOrNull(r.stack_info)) return null;
  if (!wellFormed(msg)) return null;
  const meta = metaFor(r);
  if (meta === null) return null;
  const extra = ks.length > NSTD || r.exc_text !== null || r.stack_info !== null ? extraJson(r, ks) : '';
  const extraLen = extra === '' ? 0 : Buffer.byteLength(extra, 'utf8');
  const head = 4 + (key ? TAG_BYTES : 0);
  const tpl = meta.tpl;
  const dv = meta.dv;
  const msgAt = head + tpl.length + extraLen;
  const msgBytes = Buffer.byteLength(msg, 'utf8');
  const buf = Buffer.allocUnsafe(msgAt + msgBytes);
  buf.writeUInt32BE(buf.length - 4, 0);
  dv.setUint8(2, flags);
  dv.setFloat64(4, created);
  dv.setFloat64(12, msecs);
  dv.setFloat64(20, rel);
  dv.setInt32(28, levelno);
  dv.setInt32(32, lineno === null ? 0 : (lineno as number));
  dv.setInt32(36, thread === null ? 0 : (thread as number));
  dv.setInt32(40, proc === null ? 0 : (proc as number));
  dv.setUint32(48, extraLen);
  buf.set(tpl, head);
  if (extraLen > 0) buf.write(extra, head + tpl.length, 'utf8');
  if (msgBytes === msg.length && msgBytes <= 64) {
    // ASCII (as many bytes as UTF-16 units): a short copy loop beats the native call
    for (let i = 0; i < msgBytes; i++) buf[msgAt + i] = msg.charCodeAt(i);
  } else (buf as unknown as { utf8Write(s: string, at: number): number }).utf8Write(msg, msgAt);
  if (key) sign(key, buf.subarray(head)).copy(buf, 4);
  return buf;
}

/** Forget the sender's meta cache (tests). */
export function resetCompactCache(): void {
  metaByName.clear();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

type Slicing = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

/** UTF-8 text of `buf[start, end)`; invalid UTF-8 is a ProtocolError, as in a JSON payload. */
function utf8Text(buf: Buffer, start: number, end: number): string {
  const s = (buf as Slicing).utf8Slice(start, end);
  if (s.indexOf('\ufffd') < 0) return s; // valid (a genuine U+FFFD takes the strict route below)
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    throw new ProtocolError('compact: invalid UTF-8');
  }
}

/** Parse and check a meta array: nine strings or nulls, the first (name) a string. */
function parseMeta(bytes: Buffer, maxDepth: number): unknown[] {
  const v = jsonLoads(bytes, maxDepth);
  if (!Array.isArray(v) || v.length !== 9) throw new ProtocolError('compact: meta is not an array of 9 attributes');
  if (typeof v[0] !== 'string') throw new ProtocolError('record: name is not a string');
  for (let i = 1; i < 9; i++) if (!strOrNull(v[i])) throw new ProtocolError('compact: meta attribute is not a string or null');
  return v;
}

const EMPTY = Buffer.alloc(0);

/**
 * Decodes compact payloads into records. Keeps the parsed meta arrays of the
 * last senders (bounded) so that a record whose meta bytes repeat costs one
 * byte comparison and no JSON parsing.
 */
export class CompactDecoder {
  readonly maxDepth: number;
  #lastBytes: Uint8Array = EMPTY;
  #lastView: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, 0, 0);
  #lastMeta: unknown[] = [];
  #cache = new Map<string, unknown[]>();
  #dvBuf: Buffer = EMPTY;
  #dv: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, 0, 0);

  constructor(maxDepth = 32) {
    this.maxDepth = maxDepth;
  }

  #meta(buf: Buffer, dv: DataView<ArrayBufferLike>, start: number, end: number): unknown[] {
    const last = this.#lastBytes;
    const len = end - start;
    if (last.length === len && len > 0) {
      // word by word, then the tail
      const ldv = this.#lastView;
      const words = len & ~3;
      let i = 0;
      while (i < words && ldv.getUint32(i) === dv.getUint32(start + i)) i += 4;
      if (i >= words) {
        while (i < len && last[i] === buf[start + i]) i++;
        if (i === len) return this.#lastMeta;
      }
    }
    // Only small meta sections are kept: the caches hold at most 256 × 4 KiB.
    const cacheable = len <= 4096;
    const key = cacheable ? (buf as Slicing).latin1Slice(start, end) : '';
    let meta = cacheable ? this.#cache.get(key) : undefined;
    if (meta === undefined) {
      meta = parseMeta(buf.subarray(start, end), this.maxDepth);
      if (!cacheable) return meta;
      if (this.#cache.size >= 256) this.#cache.clear();
      this.#cache.set(key, meta);
    }
    const copy = new Uint8Array(len);
    copy.set(buf.subarray(start, end));
    this.#lastBytes = copy;
    this.#lastView = new DataView(copy.buffer);
    this.#lastMeta = meta;
    return meta;
  }

  /** `decodeAt(payload, 0, payload.length)`. */
  decode(payload: Buffer): LogRecord {
    return this.decodeAt(payload, 0, payload.length);
  }

  /**
   * The record the compact payload `buf[start, end)` describes: the same record
   * `makeLogRecord` builds from the equivalent JSON object payload (with the
   * receiver's checks). Throws ProtocolError on malformed or hostile input.
   */
  decodeAt(buf: Buffer, start: number, end: number): LogRecord {
    const n = end - start;
    if (n < COMPACT_FIXED) throw new ProtocolError('compact: payload shorter than its header');
    if (buf[start] !== COMPACT_MAGIC) throw new ProtocolError('compact: bad magic byte');
    if (buf[start + 1] !== COMPACT_VERSION) throw new ProtocolError(`compact: unsupported version ${buf[start + 1]}`);
    const flags = buf[start + 2]!;
    if ((flags & ~7) !== 0 || buf[start + 3] !== 0) throw new ProtocolError('compact: unknown flags');
    if (buf !== this.#dvBuf) {
      this.#dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
      this.#dvBuf = buf;
    }
    const dv = this.#dv;
    const metaLen = dv.getUint32(start + 44);
    const extraLen = dv.getUint32(start + 48);
    const metaAt = start + COMPACT_FIXED;
    if (metaLen > end - metaAt || extraLen > end - metaAt - metaLen) throw new ProtocolError('compact: section lengths exceed the payload');
    const extraAt = metaAt + metaLen;
    const msgAt = extraAt + extraLen;
    const meta = this.#meta(buf, dv, metaAt, extraAt);
    let extra: Record<string, unknown> | null = null;
    if (extraLen > 0) {
      const v = jsonLoads(buf.subarray(extraAt, msgAt), this.maxDepth);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError('compact: extra is not an object');
      extra = v as Record<string, unknown>;
    }
    const msg = msgAt === end ? '' : utf8Text(buf, msgAt, end);
    // The attributes in LogRecord's constructor order, as makeLogRecord leaves them.
    const r = Object.create(LogRecord.prototype) as LogRecord;
    r.name = meta[0] as string;
    r.msg = msg;
    r.args = null;
    r.levelname = meta[1] as string;
    r.levelno = dv.getInt32(start + 28);
    r.pathname = meta[2] as string;
    r.filename = meta[3] as string;
    r.module = meta[4] as string;
    r.exc_info = null;
    r.exc_text = null;
    r.stack_info = null;
    r.lineno = flags & 1 ? 0 : dv.getInt32(start + 32); // the receiver turns a None lineno into 0
    r.funcName = meta[5] as string | null;
    r.created = dv.getFloat64(start + 4);
    r.msecs = dv.getFloat64(start + 12);
    r.relativeCreated = dv.getFloat64(start + 20);
    r.thread = flags & 2 ? null : dv.getInt32(start + 36);
    r.threadName = meta[6] as string | null;
    r.processName = meta[7] as string | null;
    r.process = flags & 4 ? null : dv.getInt32(start + 40);
    r.taskName = meta[8] as string | null;
    if (extra !== null) {
      const ks = Object.keys(extra);
      for (let i = 0; i < ks.length; i++) {
        const k = ks[i]!;
        if (!SKIPPED.has(k)) r[k] = extra[k];
      }
      fixRecord(r);
    } else if (typeof r.levelname !== 'string') r.levelname = `Level ${r.levelno}`;
    return r;
  }
}
