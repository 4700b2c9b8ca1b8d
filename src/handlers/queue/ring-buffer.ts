/**
 * A single-producer / single-consumer byte ring in a SharedArrayBuffer, the
 * transport of WorkerQueueListener. Each producing thread owns one ring (the
 * listener's main-thread ring, plus one per `createQueueDescriptor()`), so
 * producers never contend and a producer that dies mid-write cannot wedge
 * the others. The read position is advanced with compare-and-swap so the
 * producer can also drop the oldest record (policy 'drop-oldest').
 *
 * Layout: RING_HEADER_BYTES of Int32 state (see indexes.ts: producer-owned and
 * consumer-owned counters on separate cache lines, each side caching the
 * other's), then `capacity` bytes of messages, each 8-aligned: an Int32 length (or MSG_WRAP/MSG_END), an
 * Int32 kind, then the payload (codec.ts), padded to 8 bytes.
 *
 * This file holds what both sides share (the descriptor, allocation, counters);
 * ring-producer.ts writes, ring-consumer.ts reads.
 */
import { WRITTEN, TAKEN, MAX_RECORDS, TOKEN, RING_SLOTS, RING_HEADER_BYTES } from './indexes.js';

/** Overflow policies of the shared ring ('raise' is not offered: a log call never throws). */
export type RingOverflow = 'block' | 'drop-new' | 'drop-oldest';

/** Limits and policy of a ring; travels with the descriptor so every producer applies the same rules. */
export interface RingOptions {
  /** Data bytes (rounded up to a power of two, min 4 KiB; default 4 MiB). Bounds memory. */
  maxBytes?: number;
  /** Records in the ring at most (default: no limit beyond maxBytes). */
  maxRecords?: number;
  /** What to do when full (default 'block'). */
  overflow?: RingOverflow;
  /** Longest a 'block' put waits before dropping, ms (default 1000). */
  blockTimeout?: number;
}

/** Everything a thread needs to write into a listener's ring: pass it in workerData or postMessage. */
export interface QueueDescriptor {
  readonly kind: 'logflume.ring';
  readonly control: SharedArrayBuffer;
  readonly ring: SharedArrayBuffer;
  readonly maxRecords: number;
  readonly overflow: RingOverflow;
  readonly blockTimeout: number;
}

export const align8 = (n: number): number => (n + 7) & ~7;

/** Atomics.waitAsync (ES2024; present in Node 20's V8, missing from the ES2022 lib types). */
export const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, t?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;
/** Bytes of the per-message header: i32 length, i32 kind. */
/** Bytes of the per-message header: i32 length, i32 kind. */
export const MSG_HEADER = 8;

/** Allocate a ring's SharedArrayBuffer (data size rounded up to a power of two, 4 KiB to 1 GiB). */
export function allocateRing(maxBytes = 4 * 1024 * 1024, maxRecords = 0): SharedArrayBuffer {
  let cap = 4096;
  while (cap < maxBytes && cap < 1 << 30) cap *= 2;
  const sab = new SharedArrayBuffer(RING_HEADER_BYTES + cap);
  const st = new Int32Array(sab, 0, RING_SLOTS);
  st[MAX_RECORDS] = maxRecords;
  st[TOKEN] = (Math.random() * 2 ** 32) | 0;
  st[TOKEN + 1] = (Math.random() * 2 ** 32) | 0;
  return sab;
}

/**
 * Touch every page of a ring for writing, so the producer never takes a
 * first-touch page fault on the logging path (4–16 µs per 4 KiB page on a VM,
 * i.e. hundreds of ns per record while a fresh ring fills). Done by the worker
 * before it reports ready. A compare-exchange of 0 with 0 is a write access
 * that never changes a value, so it is safe while a producer already writes.
 */
export function prefaultRing(sab: SharedArrayBuffer): void {
  const words = new Int32Array(sab);
  for (let i = 0; i < words.length; i += 1024) Atomics.compareExchange(words, i, 0, 0);
}

/** Records waiting in a ring (written and not yet taken), from any thread. */
export function ringPending(sab: SharedArrayBuffer): number {
  const st = new Int32Array(sab, 0, RING_SLOTS);
  return (Atomics.load(st, WRITTEN) - Atomics.load(st, TAKEN)) | 0;
}

