/**
 * The consumer side of a shared ring (see ring-buffer.ts for the layout): the
 * worker's reader, decoding records into LogRecords.
 */
import { READ, WRITE, WRITTEN, TAKEN, DROPPED, FREED_SEQ, PRODUCER_WAITING, MAX_RECORDS, RING_SLOTS, RING_HEADER_BYTES, MSG_END, MSG_WRAP, POS_MASK } from './indexes.js';
import { RecordDecoder, parseJsonRecord, KIND_BINARY } from './codec.js';
import { align8, MSG_HEADER, ringPending } from './ring-buffer.js';
import { makeLogRecord, type LogRecord } from '../../log-record.js';

/** The sentinel marker returned by RingConsumer.read(). */
export const END: unique symbol = Symbol('logflume.queue.end');

/** The consumer side (the worker): decodes records into LogRecords. */
export class RingConsumer {
  readonly id: number;
  readonly #st: Int32Array;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #buf: Buffer;
  readonly #cap: number;
  readonly #sab: SharedArrayBuffer;
  readonly #dec = new RecordDecoder();
  /** Last WRITE seen: re-read only when the ring looks empty. */
  #wCache: number;
  /** DROPPED value already reported as a warning record. */
  reportedDrops = 0;
  /** True once the sentinel was read. */
  ended = false;

  readonly #maxRecords: number;

  constructor(id: number, sab: SharedArrayBuffer) {
    this.id = id;
    this.#sab = sab;
    this.#st = new Int32Array(sab, 0, RING_SLOTS);
    this.#maxRecords = this.#st[MAX_RECORDS]!;
    this.#cap = sab.byteLength - RING_HEADER_BYTES;
    this.#i32 = new Int32Array(sab, RING_HEADER_BYTES, this.#cap >> 2);
    this.#f64 = new Float64Array(sab, RING_HEADER_BYTES, this.#cap >> 3);
    this.#buf = Buffer.from(sab, RING_HEADER_BYTES, this.#cap);
    this.#wCache = Atomics.load(this.#st, READ);
  }

  /** Records dropped by the producer's overflow policy so far. */
  get dropped(): number {
    return Atomics.load(this.#st, DROPPED);
  }
  /** Records waiting. */
  get pending(): number {
    return ringPending(this.#sab);
  }
  /** True when nothing (not even a sentinel) is waiting (fresh reads: the worker's sleep check relies on it). */
  get empty(): boolean {
    const r = Atomics.load(this.#st, READ);
    return Atomics.load(this.#st, WRITE) === r;
  }

  /**
   * Take one record off the ring: a LogRecord, END for the sentinel, or null
   * when empty. The record is decoded before the slot is released, so a
   * producer dropping the oldest record can never hand out a torn one.
   */
  read(): LogRecord | typeof END | null {
    const st = this.#st;
    const cap = this.#cap;
    for (;;) {
      const r = Atomics.load(st, READ);
      // READ may pass a stale cached WRITE when the producer drops the oldest: distance > cap then
      const avail = (this.#wCache - r) & POS_MASK;
      if (avail === 0 || avail > cap) {
        const w = Atomics.load(st, WRITE); // read after READ, so it is never behind it
        this.#wCache = w;
        if (w === r) return null;
      }
      const pos = r & (cap - 1);
      const h = this.#i32[pos >> 2]!;
      if (h === MSG_WRAP) {
        Atomics.compareExchange(st, READ, r, (r + (cap - pos)) & POS_MASK);
        continue;
      }
      if (h === MSG_END) {
        if (Atomics.compareExchange(st, READ, r, (r + MSG_HEADER) & POS_MASK) === r) {
          this.ended = true;
          return END;
        }
        continue;
      }
      let rec: LogRecord | null = null;
      let err: unknown = null;
      try {
        const p = pos + MSG_HEADER;
        rec = this.#i32[(pos >> 2) + 1] === KIND_BINARY ? this.#dec.decode(this.#buf, this.#f64, this.#i32, p, h) : makeLogRecord(parseJsonRecord(this.#buf.toString('utf8', p, p + h)));
      } catch (e) {
        err = e;
      }
      const next = (r + align8(MSG_HEADER + h)) & POS_MASK;
      if (Atomics.compareExchange(st, READ, r, next) !== r) continue; // the producer dropped it meanwhile
      this.#dec.commit();
      const taken = (Atomics.add(st, TAKEN, 1) + 1) | 0;
      // Wake a blocked producer only at the low-water mark (half empty), so it writes a
      // burst per wake-up instead of ping-ponging one record per futex wake.
      // PRODUCER_WAITING lives on the rarely written block: reading it costs no line transfer.
      if (Atomics.load(st, PRODUCER_WAITING) !== 0) {
        const used = (Atomics.load(st, WRITE) - next) & POS_MASK;
        const records = (Atomics.load(st, WRITTEN) - taken) | 0;
        if (used <= cap >> 1 && (this.#maxRecords === 0 || records <= this.#maxRecords >> 1)) {
          Atomics.add(st, FREED_SEQ, 1);
          Atomics.notify(st, FREED_SEQ);
        }
      }
      if (err !== null) throw err;
      return rec!;
    }
  }
}

