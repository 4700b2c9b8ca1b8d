/**
 * The producer side of a shared ring (see ring-buffer.ts for the layout): the
 * queue object a QueueHandler writes to, one per producing thread and ring.
 */
import {
  READ,
  WRITE,
  WRITTEN,
  TAKEN,
  DROPPED,
  FREED_SEQ,
  PRODUCER_WAITING,
  CLOSED,
  OWNER,
  TOKEN,
  RING_SLOTS,
  RING_HEADER_BYTES,
  MSG_END,
  MSG_WRAP,
  POS_MASK,
  CTL_DOORBELL,
  CTL_SLEEPING,
  CTL_STATE,
  CTL_FLUSH_REQ,
  CTL_FLUSHED,
  CTL_CALLER,
  STATE_DEAD,
  STATE_STOPPED,
  STATE_NEW,
} from './indexes.js';
import { RecordEncoder, binaryShape, jsonRecord, KIND_BINARY, KIND_JSON, FIXED_BYTES, INT_NULL, FLAG_RESET, FLAG_ARGS, FLAG_ERRORS } from './codec.js';
import { align8, MSG_HEADER, ringPending, waitAsync, type QueueDescriptor, type RingOverflow } from './ring-buffer.js';
import type { LogRecord } from '../../log-record.js';
import { threadId } from 'node:worker_threads';
import { LoggingError } from '../../errors.js';
import { reportLoggingError } from '../../internal/report.js';
import { callerInfo } from '../../internal/caller.js';

/**
 * Write a string as UTF-8; short ASCII strings are copied with a JS loop, which
 * beats the native call's fixed cost for the typical log message.
 */
/** Node's unvalidated UTF-8 writer (public on Buffer since v0.x, missing from @types/node). */
type Utf8Buffer = Buffer & { utf8Write(s: string, off: number, max: number): number };

function writeUtf8(buf: Utf8Buffer, s: string, off: number, max: number): number {
  const n = s.length;
  if (n <= 96 && n <= max) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[off + i] = c;
    }
    if (i === n) return n;
    return i + buf.utf8Write(s.slice(i), off + i, max - i);
  }
  return buf.utf8Write(s, off, max);
}


/** This thread's producers, by ring token: attach() returns the one already made. */
const attached = new Map<string, RingProducer>();
let exitHooked = false;
const ringKey = (sab: SharedArrayBuffer): string => {
  const st = new Int32Array(sab, 0, RING_SLOTS);
  return `${st[TOKEN]!}:${st[TOKEN + 1]!}`;
};

/**
 * This thread's producer for a ring: the same object however often the
 * descriptor is attached (a ring has one producer; two writers with their own
 * positions would overwrite each other's records).
 * @throws LoggingError (ERR_LOGFLUME_QUEUE_OWNED) when another thread writes the ring.
 */
export function attachRing(d: QueueDescriptor): RingProducer {
  const key = ringKey(d.ring);
  const p = attached.get(key);
  if (p !== undefined && !p.detached) return p;
  return new RingProducer(d);
}

/**
 * The producer side: the queue object a QueueHandler writes to. `putPrepared`
 * encodes a record straight into the ring; `put_nowait(record)` accepts a
 * prepared record (Python's QueueHandler path).
 */
export class RingProducer {
  readonly #ctl: Int32Array;
  readonly #st: Int32Array;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #buf: Buffer;
  readonly #cap: number;
  /** Bytes written (WRITE's value once published), mod 2^31. */
  #W: number;
  /** Records written (WRITTEN's value once published). */
  #written: number;
  /** Last READ seen: re-read only when the ring looks full. */
  #rCache: number;
  /** Last TAKEN seen: re-read only when the ring looks full by records. */
  #takenCache: number;
  readonly #enc = new RecordEncoder();
  readonly maxRecords: number;
  readonly overflow: RingOverflow;
  readonly blockTimeout: number;
  /** The descriptor this producer writes through. */
  readonly descriptor: QueueDescriptor;

  constructor(d: QueueDescriptor) {
    this.descriptor = d;
    this.#ctl = new Int32Array(d.control);
    this.#st = new Int32Array(d.ring, 0, RING_SLOTS);
    this.#cap = d.ring.byteLength - RING_HEADER_BYTES;
    this.#i32 = new Int32Array(d.ring, RING_HEADER_BYTES, this.#cap >> 2);
    this.#f64 = new Float64Array(d.ring, RING_HEADER_BYTES, this.#cap >> 3);
    this.#buf = Buffer.from(d.ring, RING_HEADER_BYTES, this.#cap);
    // a producer re-attaching (same thread, new realm) resumes where the last one stopped
    this.#W = Atomics.load(this.#st, WRITE);
    this.#written = Atomics.load(this.#st, WRITTEN);
    this.#rCache = Atomics.load(this.#st, READ);
    this.#takenCache = Atomics.load(this.#st, TAKEN);
    this.maxRecords = d.maxRecords;
    this.overflow = d.overflow;
    this.blockTimeout = d.blockTimeout;
    // one producing thread per ring: claim it, or refuse if another thread writes it
    const me = threadId + 1;
    const owner = Atomics.compareExchange(this.#st, OWNER, 0, me);
    if (owner !== 0 && owner !== me) {
      throw new LoggingError(
        `this queue's ring is already written by thread ${owner - 1}; a ring takes one producing thread: give each thread its own listener.createQueueDescriptor()`,
        'ERR_LOGFLUME_QUEUE_OWNED',
      );
    }
    const key = ringKey(d.ring);
    if (!exitHooked && threadId !== 0) {
      exitHooked = true;
      process.once('exit', detachAll); // a pool thread that ends gives its rings back
    }
    attached.set(key, this);
  }

  /** True once detach() gave the ring back. */
  detached = false;

  /**
   * Give the ring back, so another thread may attach it (done for every ring
   * when a worker thread exits). Records already written stay queued; this
   * producer drops (and counts) what it is given afterwards.
   */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    Atomics.compareExchange(this.#st, OWNER, threadId + 1, 0);
    const key = ringKey(this.descriptor.ring);
    if (attached.get(key) === this) attached.delete(key);
  }

  #secondWriterReported = false;

  /**
   * Another producer of this thread (a second `new RingProducer`, or a copy of
   * the module in another realm) wrote since this one did: report it once and
   * continue from the ring's real position. Writers of one thread never run at
   * the same time, so taking up the published position loses nothing.
   */
  #resync(): void {
    if (!this.#secondWriterReported) {
      this.#secondWriterReported = true;
      reportLoggingError(new LoggingError('a second RingProducer writes this queue\'s ring in this thread; use WorkerQueueListener.attach(), which returns one producer per thread', 'ERR_LOGFLUME_QUEUE_SECOND_WRITER'), null, 'RingProducer');
    }
    this.#W = Atomics.load(this.#st, WRITE);
    this.#written = Atomics.load(this.#st, WRITTEN);
    this.#rCache = Atomics.load(this.#st, READ);
    this.#takenCache = Atomics.load(this.#st, TAKEN);
    this.#enc.reset = true; // the other writer may have reset the consumer's meta ids
    this.#enc.forgetSent();
  }

  /** Records dropped by this ring's overflow policy so far. */
  get dropped(): number {
    return Atomics.load(this.#st, DROPPED);
  }
  /** Records waiting in the ring. */
  qsize(): number {
    return ringPending(this.descriptor.ring);
  }
  /** Data capacity in bytes. */
  get capacity(): number {
    return this.#cap;
  }

  #tick = 0;

  /**
   * Whether the consumer is keeping up (the ring is at most a quarter full), so
   * work may be left to it: QueueHandler then sends a message's parts instead of
   * merging them. When the ring fills, the consumer is the bottleneck and the
   * producer, which would otherwise wait, does the merge itself.
   */
  consumerKeepsUp(): boolean {
    if ((++this.#tick & 63) === 0) this.#rCache = Atomics.load(this.#st, READ);
    return ((this.#W - this.#rCache) & POS_MASK) <= this.#cap >>> 2;
  }

  /**
   * Whether QueueHandler may hand records to putPrepared() instead of
   * put_nowait(): true unless a subclass or the instance overrides put_nowait.
   */
  encodesDirectly(): boolean {
    return this.put_nowait === basePutNowait;
  }

  /** Queue a prepared record (QueueHandler.prepare's copy). Returns records dropped (0 or 1). */
  put_nowait(record: unknown): number {
    const r = record as Record<string, unknown>;
    const m = r.message ?? r.msg;
    return this.putPrepared(r, typeof m === 'string' ? m : String(m));
  }

  /**
   * Encode `record` with `msg` as its merged message (what prepare() would put
   * in msg/message) and queue it; args, exc_info, exc_text and stack_info are
   * not sent. With `withError`, `msg` is the message alone and exc_info (as a
   * rebuildable Error), exc_text and stack_info travel too, so the consumer's
   * formatters see the exception as the logging thread's would. Returns
   * records dropped to honour the overflow policy (0 or 1).
   */
  putPrepared(record: LogRecord | Record<string, unknown>, msg: string, args: readonly number[] | null = null, withError = false): number {
    const r = record as Record<string, unknown>;
    if (this.#st[CLOSED] !== 0 || this.#ctl[CTL_STATE] === STATE_DEAD || this.detached) return this.#drop();
    if (this.#st[WRITE] !== this.#W) this.#resync();
    // the worker's formatters use caller fields: this thread's log calls must capture them
    if (this.#ctl[CTL_CALLER] !== 0 && !callerInfo.usedByFormat) callerInfo.usedByFormat = true;
    if (withError || !binaryShape(r)) return this.#putJson(jsonRecord(r, msg, withError));
    const enc = this.#enc;
    const me = enc.meta(r);
    // meta bytes travel once per id, unless 'drop-oldest' may drop the record that carried them
    const metaLen = me.sent ? 0 : me.bytes.length;
    const extra = enc.extra(r);
    // with args, `msg` is the format text: an 8-aligned count and the f64 arguments precede it
    const argBytes = args === null ? 0 : 16 + 8 * args.length;
    const fixed = MSG_HEADER + FIXED_BYTES + metaLen + argBytes;
    const res = this.#reserve(fixed + (extra.length + msg.length) * 3, fixed, extra, msg);
    if (res < 0) return this.#drop();
    const cap = this.#cap;
    const pos = this.#W & (cap - 1);
    const p = pos + MSG_HEADER;
    const f64 = this.#f64;
    const i32 = this.#i32;
    const fi = p >> 3;
    f64[fi] = r.created as number;
    f64[fi + 1] = r.msecs as number;
    f64[fi + 2] = r.relativeCreated as number;
    const ii = (p + 24) >> 2;
    i32[ii] = r.levelno as number;
    i32[ii + 1] = r.lineno === null ? INT_NULL : (r.lineno as number);
    i32[ii + 2] = r.thread === null ? INT_NULL : (r.thread as number);
    i32[ii + 3] = r.process === null ? INT_NULL : (r.process as number);
    i32[ii + 4] = metaLen;
    i32[ii + 6] = me.id;
    i32[ii + 7] = (enc.reset ? FLAG_RESET : 0) | (args === null ? 0 : FLAG_ARGS) | (enc.extraHadErrors ? FLAG_ERRORS : 0);
    enc.reset = false;
    let q = p + FIXED_BYTES;
    if (metaLen > 0) {
      // word copy: TypedArray#set from a private buffer into shared memory takes a slow path
      const words = me.words;
      const wi = q >> 2;
      for (let k = 0; k < words.length; k++) i32[wi + k] = words[k]!;
      q += metaLen;
      me.sent = this.overflow !== 'drop-oldest';
    }
    let xl = 0;
    if (extra.length > 0) {
      xl = this.#buf.write(extra, q, cap - q, 'utf8');
      q += xl;
    }
    i32[ii + 5] = xl;
    if (args !== null) {
      q = (q + 7) & ~7;
      const n = args.length;
      i32[q >> 2] = n;
      const a0 = (q + 8) >> 3;
      for (let k = 0; k < n; k++) f64[a0 + k] = args[k]!;
      q += 8 + 8 * n;
    }
    q += writeUtf8(this.#buf as Utf8Buffer, msg, q, cap - q);
    i32[(pos >> 2) + 1] = KIND_BINARY;
    this.#commit(pos, q - p);
    return this.#lastDropped;
  }

  #putJson(s: string): number {
    const res = this.#reserve(MSG_HEADER + s.length * 3, MSG_HEADER, '', s);
    if (res < 0) return this.#drop();
    const pos = this.#W & (this.#cap - 1);
    const n = this.#buf.write(s, pos + MSG_HEADER, this.#cap - pos - MSG_HEADER, 'utf8');
    this.#i32[(pos >> 2) + 1] = KIND_JSON;
    this.#commit(pos, n);
    return this.#lastDropped;
  }

  #lastDropped = 0;

  /**
   * Find room for a message of at most `upper` bytes (exact size: `fixed` plus
   * the UTF-8 length of s1 and s2, computed only when the bound does not fit),
   * applying the overflow policy. The fast path only looks at this thread's
   * cached view of the consumer's counters. After a wrap, #W points at the
   * start of the data region (the padding is published with the record).
   * Returns the wrap padding, or -1 to drop.
   */
  #reserve(upper: number, fixed: number, s1: string, s2: string): number {
    const cap = this.#cap;
    this.#lastDropped = 0;
    const W = this.#W;
    const w = W & (cap - 1);
    const contiguous = cap - w;
    let need = align8(upper);
    let pad = 0;
    if (need > contiguous || ((W - this.#rCache) & POS_MASK) + need > cap || (this.maxRecords > 0 && ((this.#written - this.#takenCache) | 0) >= this.maxRecords)) {
      need = align8(fixed + (s1.length > 0 ? Buffer.byteLength(s1, 'utf8') : 0) + Buffer.byteLength(s2, 'utf8'));
      if (need > cap >> 1) return -1; // a single record may use at most half the ring
      if (need > contiguous) pad = contiguous;
      if (!this.#fits(need + pad)) {
        const r = this.#makeRoom(need + pad);
        if (r < 0) return -1;
        this.#lastDropped = r;
      }
    }
    if (pad > 0) {
      this.#i32[w >> 2] = MSG_WRAP;
      this.#W = (W + pad) & POS_MASK;
    }
    return pad;
  }

  /** Publish the message at `pos` (the wrap padding before it, if any, goes with it). */
  #commit(pos: number, payload: number): void {
    const st = this.#st;
    this.#i32[pos >> 2] = payload;
    const W = (this.#W + align8(MSG_HEADER + payload)) & POS_MASK;
    this.#W = W;
    st[WRITTEN] = this.#written = (this.#written + 1) | 0; // made visible by the store below
    Atomics.store(st, WRITE, W);
    // Wake the worker only if it may be asleep. The worker reads the doorbell, sets
    // CTL_SLEEPING and then re-checks WRITE before waiting; all sequentially consistent,
    // so either it sees this record or we see its flag. Only the producer that clears the
    // flag rings: one futex wake per sleep, not one per record until the worker runs.
    const ctl = this.#ctl;
    if (Atomics.load(ctl, CTL_SLEEPING) !== 0 && Atomics.compareExchange(ctl, CTL_SLEEPING, 1, 0) === 1) this.#ring();
  }

  /**
   * Resolve once the consumer has handled every record written to any of its
   * rings so far and flushed its handlers (QueueHandler.flush() awaits this, so
   * `shutdown()` waits for the worker's handlers). Works from any thread: the
   * request goes through the control block. Resolves at once when no worker
   * consumes the rings (never started, stopped or dead); the process is kept
   * alive while it waits, at most `timeout` ms (default 10 s, as
   * WorkerQueueListener's stopTimeout): then it resolves and reports how many
   * records were still queued.
   */
  flushConsumer(timeout = 10_000): Promise<void> {
    const ctl = this.#ctl;
    const idle = (): boolean => {
      const s = Atomics.load(ctl, CTL_STATE);
      return s === STATE_NEW || s === STATE_DEAD || s === STATE_STOPPED;
    };
    if (idle()) return Promise.resolve();
    const req = (Atomics.add(ctl, CTL_FLUSH_REQ, 1) + 1) | 0;
    this.#ring();
    return new Promise<void>((resolve) => {
      // Atomics.waitAsync does not keep the event loop alive by itself
      let done = false;
      const finish = (): void => {
        done = true;
        clearTimeout(keepAlive);
        resolve();
      };
      // also the bound: a worker stuck in a handler must not keep the process alive for ever
      const keepAlive = setTimeout(() => {
        if (done) return;
        reportLoggingError(new LoggingError(`flush of the worker queue gave up after ${timeout} ms with ${this.qsize()} record(s) queued`, 'ERR_LOGFLUME_FLUSH_TIMEOUT'), null, 'RingProducer');
        finish();
      }, timeout);
      const check = (): void => {
        for (;;) {
          if (done) return;
          const f = Atomics.load(ctl, CTL_FLUSHED);
          if (((f - req) | 0) >= 0 || idle()) {
            finish();
            return;
          }
          const w = waitAsync(ctl, CTL_FLUSHED, f, 100);
          if (w.async) {
            void w.value.then(check);
            return;
          }
        }
      };
      check();
    });
  }

  /** Write the sentinel (Python's `_sentinel`): the worker stops after the records before it. Returns false if it could not. */
  putSentinel(): boolean {
    const st = this.#st;
    if (st[CLOSED] !== 0) return false;
    if (st[WRITE] !== this.#W) this.#resync();
    const need = MSG_HEADER;
    const deadline = performance.now() + Math.max(this.blockTimeout, 1000);
    try {
      while (!this.#fitsBytes(need)) {
        if (this.#ctl[CTL_STATE] === STATE_DEAD || performance.now() > deadline) return false;
        const seq = Atomics.load(st, FREED_SEQ);
        Atomics.store(st, PRODUCER_WAITING, 1);
        if (this.#fitsBytes(need)) break;
        this.#ring();
        Atomics.wait(st, FREED_SEQ, seq, 50);
      }
    } finally {
      Atomics.store(st, PRODUCER_WAITING, 0);
    }
    // messages are 8-aligned, so 8 contiguous bytes are always left before the end
    this.#i32[(this.#W & (this.#cap - 1)) >> 2] = MSG_END;
    this.#W = (this.#W + need) & POS_MASK;
    Atomics.store(st, CLOSED, 1);
    Atomics.store(st, WRITE, this.#W);
    this.#ring();
    return true;
  }

  #ring(): void {
    const ctl = this.#ctl;
    Atomics.add(ctl, CTL_DOORBELL, 1);
    Atomics.notify(ctl, CTL_DOORBELL);
  }

  /** Oldest records dropped by a #makeRoom that then had to drop the new record too. */
  #droppedBeforeFail = 0;

  #drop(): number {
    Atomics.add(this.#st, DROPPED, 1);
    const before = this.#droppedBeforeFail;
    if (before > 0) {
      this.#droppedBeforeFail = 0;
      return 1 + before;
    }
    return 1;
  }

  /** True when `need` bytes are free (re-reads the consumer's position). */
  #fitsBytes(need: number): boolean {
    const r = Atomics.load(this.#st, READ);
    this.#rCache = r;
    return ((this.#W - r) & POS_MASK) + need <= this.#cap;
  }

  /** True when `need` bytes and one record slot are free (re-reads the consumer's counters). */
  #fits(need: number): boolean {
    if (!this.#fitsBytes(need)) return false;
    if (this.maxRecords <= 0) return true;
    const t = Atomics.load(this.#st, TAKEN);
    this.#takenCache = t;
    return ((this.#written - t) | 0) < this.maxRecords;
  }

  /** Apply the overflow policy until `need` bytes and one record slot are free. Returns records dropped, or -1 to drop the new one. */
  #makeRoom(need: number): number {
    const st = this.#st;
    if (this.overflow === 'drop-new') return -1;
    if (this.overflow === 'drop-oldest') {
      let dropped = 0;
      while (!this.#fits(need)) {
        if (!this.#dropOldest()) {
          if (this.#fits(need)) break; // the consumer emptied the ring meanwhile
          // the records dropped so far still count, with the new one #drop() adds
          if (dropped > 0) Atomics.add(st, DROPPED, dropped);
          this.#droppedBeforeFail = dropped;
          return -1;
        }
        dropped++;
      }
      if (dropped > 0) Atomics.add(st, DROPPED, dropped);
      return dropped;
    }
    // 'block': wait for the consumer, bounded by blockTimeout; then drop the new record.
    const deadline = performance.now() + this.blockTimeout;
    try {
      for (;;) {
        const seq = Atomics.load(st, FREED_SEQ);
        Atomics.store(st, PRODUCER_WAITING, 1);
        if (this.#fits(need)) return 0;
        const state = this.#ctl[CTL_STATE];
        if (state === STATE_DEAD || state === STATE_STOPPED) return -1;
        const left = deadline - performance.now();
        if (left <= 0) return -1;
        this.#ring();
        Atomics.wait(st, FREED_SEQ, seq, Math.min(left, 100));
      }
    } finally {
      Atomics.store(st, PRODUCER_WAITING, 0);
    }
  }

  /**
   * Drop the oldest published record (CAS on READ, racing the consumer, which
   * discards what it decoded when its own CAS then fails). Returns false when
   * there is nothing to drop.
   */
  #dropOldest(): boolean {
    const st = this.#st;
    const cap = this.#cap;
    for (;;) {
      const r = Atomics.load(st, READ);
      if (r === this.#W) return false;
      const pos = r & (cap - 1);
      const h = this.#i32[pos >> 2]!;
      if (h === MSG_WRAP) {
        Atomics.compareExchange(st, READ, r, (r + (cap - pos)) & POS_MASK);
        continue;
      }
      if (h === MSG_END) return false;
      if (Atomics.compareExchange(st, READ, r, (r + align8(MSG_HEADER + h)) & POS_MASK) === r) {
        Atomics.add(st, TAKEN, 1);
        return true;
      }
    }
  }
}

const basePutNowait = RingProducer.prototype.put_nowait;

function detachAll(): void {
  for (const p of [...attached.values()]) p.detach();
}

