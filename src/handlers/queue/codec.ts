/**
 * Binary record encoding for the shared rings (the hot path of
 * QueueHandler → WorkerQueueListener). Measured on this project's 2-core CI
 * box, per record: JSON.stringify of the record dict ≈ 2.2 µs, of an array of
 * the standard fields ≈ 1.1 µs (float-to-string dominates), this layout ≈ 0.3 µs.
 *
 * Payload layout (8-aligned, after the ring's 8-byte message header):
 *   f64 created | f64 msecs | f64 relativeCreated
 *   i32 levelno | i32 lineno | i32 thread | i32 process | i32 metaLen | i32 extraLen | i32 metaId | i32 flags
 *   meta bytes  — JSON array of the string attributes, cached per logger; the
 *                 consumer parses each metaId once (ids are never reused). On
 *                 rings that never lose a written record (policies 'block' and
 *                 'drop-new') the bytes travel only with the first record of
 *                 each id (metaLen 0 afterwards); FLAG_RESET tells the
 *                 consumer to forget the ids it knows (new producer, or the
 *                 producer's cache was cleared), which bounds its cache.
 *   extra bytes — JSON object of non-standard attributes (extra=…), usually empty
 *   message     — UTF-8, the rest of the payload, never escaped
 * Null numbers are INT_NULL. Records that do not fit this shape (non-integer
 * levelno, …) travel as one JSON string instead (kind KIND_JSON).
 */
import { LogRecord, hasOnlyStandardKeys } from '../../log-record.js';
import { sameMeta, META_FIELDS } from '../../internal/record-meta.js';
import { pyStr, percentFormat } from '../../internal/pyformat.js';
import { toWire, fromWire, isWireError } from './error-wire.js';

export const KIND_BINARY = 1;
export const KIND_JSON = 2;
export const FIXED_BYTES = 56;
export const INT_NULL = -2147483648;
/** flags: the consumer forgets every meta id it knows before decoding this record. */
export const FLAG_RESET = 1;
/**
 * flags: the message travels as its parts — at the next 8-aligned offset an i32
 * count (and 4 bytes of padding), that many f64 arguments, then the format text
 * as UTF-8 to the end — and the consumer merges them (`fmt % args`). The
 * producer only does this when the merge cannot fail (numbersFormatSafely), so
 * the record is the one prepare() would have sent.
 */
export const FLAG_ARGS = 2;
/** flags: some extra values are Errors in their wire form (error-wire.ts): the consumer rebuilds them. */
export const FLAG_ERRORS = 4;

const META = META_FIELDS;
const NUM = ['created', 'msecs', 'relativeCreated', 'levelno', 'lineno', 'thread', 'process'] as const;
/** Attributes prepare() clears, or that travel in fixed slots. */
const SKIP = new Set<string>([...META, ...NUM, 'msg', 'message', 'args', 'exc_info', 'exc_text', 'stack_info', 'asctime']);

interface MetaEntry {
  r: Record<string, unknown>;
  /** The JSON bytes, padded with spaces to a multiple of 4 (JSON ignores them). */
  bytes: Buffer;
  /** The same bytes as 32-bit words, copied word by word into the ring. */
  words: Int32Array;
  id: number;
  /** The consumer has this id (bytes need not travel again). */
  sent: boolean;
  /** The previous entry for the same logger name. */
  next: MetaEntry | undefined;
}

let nextMetaId = 1;

function safeStr(v: unknown): string {
  try {
    return pyStr(v);
  } catch {
    return '<unprintable>';
  }
}

function jsonSafe(v: unknown): unknown {
  try {
    JSON.stringify(v);
    return v;
  } catch {
    return safeStr(v);
  }
}

/** The producer-side encoder: caches the string attributes per logger name. */
export class RecordEncoder {
  readonly #meta = new Map<unknown, MetaEntry>();
  /** The next record must carry FLAG_RESET (a new encoder, or its cache was cleared). */
  reset = true;

  /** Entries created since the consumer was last told to reset (bounds both caches). */
  #created = 0;

  /** Encoded meta bytes (and their id) for the record's string attributes. */
  meta(r: Record<string, unknown>): MetaEntry {
    // the last entry used, checked without a map lookup (a burst from one call site)
    const last = this.#last;
    if (last !== undefined) {
      if (sameMeta(last.r, r)) return last;
    }
    const e = this.#lookup(r);
    this.#last = e;
    return e;
  }

  #last: MetaEntry | undefined = undefined;

  /** Start over: every meta entry travels with its bytes again (the consumer's ids may be gone). */
  forgetSent(): void {
    this.#meta.clear();
    this.#last = undefined;
    this.#created = 0;
  }

  #lookup(r: Record<string, unknown>): MetaEntry {
    const head = this.#meta.get(r.name);
    let depth = 0;
    // a short chain per logger name: records of several levels (or functions) each keep their entry
    for (let e = head; e !== undefined; e = e.next) {
      if (sameMeta(e.r, r)) return e;
      if (++depth >= 8) {
        e.next = undefined;
        break;
      }
    }
    const snap: Record<string, unknown> = {};
    for (const k of META) snap[k] = r[k];
    const json = Buffer.from(JSON.stringify(META.map((k) => (typeof r[k] === 'string' || r[k] === null || r[k] === undefined ? (r[k] ?? null) : safeStr(r[k])))), 'utf8');
    const padded = new Uint8Array((json.length + 3) & ~3).fill(0x20);
    padded.set(json);
    const bytes = Buffer.from(padded.buffer);
    let next = head;
    if (++this.#created > 1024) {
      this.#meta.clear();
      this.#last = undefined;
      this.#created = 1;
      this.reset = true;
      next = undefined;
    }
    const entry: MetaEntry = { r: snap, bytes, words: new Int32Array(padded.buffer), id: nextMetaId++, sent: false, next };
    this.#meta.set(r.name, entry);
    return entry;
  }

  /**
   * JSON of the attributes that are not standard (extra=…, or set by a filter),
   * or '' when there are none (see hasOnlyStandardKeys; any other shape takes
   * the full scan).
   */
  extra(r: Record<string, unknown>): string {
    extraErrors = false;
    return hasOnlyStandardKeys(r) ? '' : extraScan(r);
  }

  /** The last extra() held Errors (sent in their wire form: set FLAG_ERRORS). */
  get extraHadErrors(): boolean {
    return extraErrors;
  }
}

let extraErrors = false;

function extraScan(r: Record<string, unknown>): string {
  let out: Record<string, unknown> | null = null;
  for (const k of Object.keys(r)) {
    if (SKIP.has(k)) continue;
    let v = r[k];
    if (typeof v === 'function' || typeof v === 'symbol') continue;
    if (v instanceof Error) {
      // an error field (`{ err }`): JSON would send `{}`
      v = toWire(v);
      extraErrors = true;
    }
    (out ??= {})[k] = v;
  }
  if (out === null) return '';
  try {
    return JSON.stringify(out);
  } catch {
    for (const k of Object.keys(out)) out[k] = jsonSafe(out[k]);
    return JSON.stringify(out);
  }
}

/** True when the numeric attributes fit the binary slots. */
export function binaryShape(r: Record<string, unknown>): boolean {
  const lv = r.levelno;
  const ln = r.lineno;
  const th = r.thread;
  const pr = r.process;
  return (
    typeof lv === 'number' &&
    (lv | 0) === lv &&
    typeof r.created === 'number' &&
    typeof r.msecs === 'number' &&
    typeof r.relativeCreated === 'number' &&
    (ln === null || (typeof ln === 'number' && (ln | 0) === ln && ln !== INT_NULL)) &&
    (th === null || (typeof th === 'number' && (th | 0) === th && th !== INT_NULL)) &&
    (pr === null || (typeof pr === 'number' && (pr | 0) === pr && pr !== INT_NULL))
  );
}

/**
 * The JSON form for records of unusual shape, and for records whose exception
 * travels structured (`withError`: exc_info in its wire form, exc_text and
 * stack_info as they are; `msg` is then the message alone, and the consumer's
 * default format of the record gives back the text prepare() would have sent).
 */
export function jsonRecord(r: Record<string, unknown>, msg: string, withError = false): string {
  const d: Record<string, unknown> = {};
  for (const k of Object.keys(r)) {
    const v = r[k];
    if (typeof v !== 'function' && typeof v !== 'symbol') d[k] = typeof v === 'object' && v !== null ? toWire(v) : jsonSafe(v);
  }
  d.msg = msg;
  d.message = msg;
  d.args = null;
  if (withError) {
    const ei = r.exc_info;
    d.exc_info = ei === null || ei === undefined || ei === false ? null : toWire(ei);
    d.exc_text = typeof r.exc_text === 'string' ? r.exc_text : null;
    d.stack_info = typeof r.stack_info === 'string' ? r.stack_info : null;
  } else {
    d.exc_info = null;
    d.exc_text = null;
    d.stack_info = null;
  }
  return JSON.stringify(d);
}

/** The record dict of a JSON-form payload, with its Errors rebuilt. */
export function parseJsonRecord(text: string): Record<string, unknown> {
  const d = JSON.parse(text) as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    const v = d[k];
    if (typeof v === 'object' && v !== null) d[k] = fromWire(v);
  }
  return d;
}

/**
 * A decoded record: a constructor assigning every attribute, so V8 keeps them
 * in-object (cheaper to build and to read than Object.create + assignments).
 * Its prototype is LogRecord's: `instanceof LogRecord` and every method hold.
 */
const WireRecord = function (this: Record<string, unknown>, meta: unknown[], msg: string, levelno: number, lineno: number | null, created: number, msecs: number, relativeCreated: number, thread: number | null, process: number | null) {
  // Same attribute order as the LogRecord constructor, so records share one shape.
  this.name = meta[0];
  this.msg = msg;
  this.args = null;
  this.levelname = meta[1];
  this.levelno = levelno;
  this.pathname = meta[2];
  this.filename = meta[3];
  this.module = meta[4];
  this.exc_info = null;
  this.exc_text = null;
  this.stack_info = null;
  this.lineno = lineno;
  this.funcName = meta[5];
  this.created = created;
  this.msecs = msecs;
  this.relativeCreated = relativeCreated;
  this.thread = thread;
  this.threadName = meta[6];
  this.processName = meta[7];
  this.process = process;
  this.taskName = meta[8];
  this.message = msg;
} as unknown as new (meta: unknown[], msg: string, levelno: number, lineno: number | null, created: number, msecs: number, relativeCreated: number, thread: number | null, process: number | null) => LogRecord;
WireRecord.prototype = LogRecord.prototype;

type Utf8Slicer = Buffer & { utf8Slice(start: number, end: number): string };

/** Consumer-side cache of decoded meta arrays, by the producer's meta id (bounded by the producer's FLAG_RESET). */
export class RecordDecoder {
  readonly #byId = new Map<number, unknown[]>();
  /** The last format text and its bytes: a burst from one call site reuses the string, whose hash the format cache already knows. */
  #tpl = '';
  #tplBytes: Uint8Array = new Uint8Array(0);

  #template(buf: Buffer, start: number, end: number): string {
    const n = end - start;
    const last = this.#tplBytes;
    if (n === last.length) {
      let k = 0;
      while (k < n && buf[start + k] === last[k]) k++;
      if (k === n) return this.#tpl;
    }
    if (n > 256) return (buf as Utf8Slicer).utf8Slice(start, end);
    // decode the private copy, so the cached string always matches the cached bytes
    // (a record being overwritten under 'drop-oldest' can change between two reads)
    const copy = Buffer.from(buf.subarray(start, end)) as Utf8Slicer;
    this.#tplBytes = copy;
    return (this.#tpl = copy.utf8Slice(0, n));
  }
  /** Meta parsed by the last decode, cached by commit() once the record is known not torn. */
  #newId = 0;
  #newMeta: unknown[] | null = null;
  #newReset = false;

  /**
   * Decode a binary payload straight into a LogRecord (the attributes
   * makeLogRecord would set). Leaves the cache alone: call commit() once the
   * slot is confirmed (a record dropped meanwhile may have been torn).
   */
  decode(buf: Buffer, f64: Float64Array, i32: Int32Array, p: number, len: number): LogRecord {
    const fi = p >> 3;
    const ii = (p + 24) >> 2;
    const metaLen = i32[ii + 4]!;
    const extraLen = i32[ii + 5]!;
    const metaId = i32[ii + 6]!;
    const reset = (i32[ii + 7]! & FLAG_RESET) !== 0;
    let q = p + FIXED_BYTES;
    let meta = reset ? undefined : this.#byId.get(metaId);
    this.#newMeta = null;
    if (meta === undefined) {
      if (metaLen === 0) throw new Error(`logflume queue: record refers to unknown meta id ${metaId}`);
      meta = JSON.parse((buf as Utf8Slicer).utf8Slice(q, q + metaLen)) as unknown[];
      this.#newId = metaId;
      this.#newMeta = meta;
      this.#newReset = reset;
    }
    q += metaLen;
    let extra: object | null = null;
    if (extraLen > 0) {
      extra = JSON.parse((buf as Utf8Slicer).utf8Slice(q, q + extraLen)) as object;
      q += extraLen;
    }
    let msg: string;
    if ((i32[ii + 7]! & FLAG_ARGS) === 0) msg = (buf as Utf8Slicer).utf8Slice(q, p + len);
    else {
      q = (q + 7) & ~7;
      const n = i32[q >> 2]!;
      // a record being overwritten (drop-oldest racing this read) can show any bytes: bound them
      if (!(n >= 0 && q + 8 + 8 * n <= p + len)) throw new Error(`logflume queue: bad argument count ${n}`);
      const args: number[] = new Array(n);
      const a0 = (q + 8) >> 3;
      for (let k = 0; k < n; k++) args[k] = f64[a0 + k]!;
      q += 8 + 8 * n;
      msg = percentFormat(this.#template(buf, q, p + len), args);
    }
    const ln = i32[ii + 1]!;
    const th = i32[ii + 2]!;
    const pr = i32[ii + 3]!;
    const r = new WireRecord(meta, msg, i32[ii]!, ln === INT_NULL ? null : ln, f64[fi]!, f64[fi + 1]!, f64[fi + 2]!, th === INT_NULL ? null : th, pr === INT_NULL ? null : pr);
    if (extra !== null) {
      if ((i32[ii + 7]! & FLAG_ERRORS) !== 0) for (const k of Object.keys(extra)) if (isWireError((extra as Record<string, unknown>)[k])) (extra as Record<string, unknown>)[k] = fromWire((extra as Record<string, unknown>)[k]);
      Object.assign(r, extra);
    }
    return r;
  }

  /** The last decoded record was taken: remember the meta it introduced. */
  commit(): void {
    const meta = this.#newMeta;
    if (meta === null) return;
    this.#newMeta = null;
    // a reset comes with the producer's new cache; 4096 is only reached on 'drop-oldest'
    // rings, whose records all carry their bytes
    if (this.#newReset || this.#byId.size >= 4096) this.#byId.clear();
    this.#byId.set(this.#newId, meta);
  }
}
