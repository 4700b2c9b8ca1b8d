/**
 * Slot numbers of the Int32Array state blocks shared between the threads of a
 * WorkerQueueListener (after thread-stream's lib/indexes.js). One control block
 * per listener; one ring state block per producer thread.
 */

// ---- control block (one per listener, shared by every ring) ----
/** Bumped by producers after each write; the worker waits on it. */
export const CTL_DOORBELL = 0;
/** 1 while the worker may be asleep on CTL_DOORBELL (producers notify only then). */
export const CTL_SLEEPING = 1;
/** Bumped by a thread that wants everything drained and the handlers flushed (at exit, or QueueHandler.flush()). */
export const CTL_FLUSH_REQ = 2;
/**
 * Set by the worker to the CTL_FLUSH_REQ value it has served, once every ring
 * was empty and its handlers flushed. Any thread may request a flush (the exit
 * drain, QueueHandler.flush()); a request is served when CTL_FLUSHED − request ≥ 0.
 */
export const CTL_FLUSHED = 3;
/** Worker state: STATE_* below. */
export const CTL_STATE = 4;
/** 1 once a formatter built in the worker uses caller fields: producing threads then capture their callers. */
export const CTL_CALLER = 5;
/** Rings created so far (the main thread bumps it after posting ADD_RING): the worker knows them all before it stops or serves a flush. */
export const CTL_RINGS = 6;
export const CTL_SLOTS = 8;

/** No start() yet: nothing consumes the rings (a flush request resolves at once). */
export const STATE_NEW = 0;
export const STATE_READY = 1;
export const STATE_STOPPED = 2;
/** start() was called; the worker is building its handlers. */
export const STATE_STARTING = 3;
/** The worker died or failed to start. */
export const STATE_DEAD = -2;

// ---- ring state block (one per producer thread) ----
// A classic SPSC layout: what the producer writes per record and what the
// consumer writes per record live on separate 128-byte blocks (two cache lines,
// so the adjacent-line prefetcher does not pair them), and each side caches the
// other's counters, re-reading them only when its cached view says full
// (producer) or empty (consumer). Bytes and records in use are derived:
// WRITE − READ and WRITTEN − TAKEN. Slots written only on rare events (drops,
// waits, close) share the first block, which both sides only read per record.

// -- shared, rarely written (block 0) --
/** Records dropped by the overflow policy, cumulative (producer). */
export const DROPPED = 0;
/** Bumped by the consumer after freeing space while a producer waits. */
export const FREED_SEQ = 1;
/** 1 while a producer waits (policy 'block') on FREED_SEQ. */
export const PRODUCER_WAITING = 2;
/** 1 once the sentinel was written: later records are dropped. */
export const CLOSED = 3;
/** The ring's record limit (0: none), set at allocation; the consumer's low-water mark uses it. */
export const MAX_RECORDS = 4;
/** threadId + 1 of the thread whose RingProducer writes this ring (0: none): one producer per ring. */
export const OWNER = 5;
/** Two random words set at allocation: names the ring across structured clones (per-thread attach cache). */
export const TOKEN = 6;

// -- producer-owned (block 1) --
/** Bytes written so far (headers and wrap padding included), mod 2^31; position = WRITE & (capacity - 1). Publishes a record. */
export const WRITE = 32;
/** Records written so far, mod 2^32 (Int32 wrap-around arithmetic). */
export const WRITTEN = 33;

// -- consumer-owned (block 2; the producer touches it only to drop the oldest or when its cached view says full) --
/** Bytes consumed so far, mod 2^31; advanced by CAS (the producer's 'drop-oldest' races the consumer). */
export const READ = 64;
/** Records taken off the ring so far (read or dropped as oldest), mod 2^32. */
export const TAKEN = 65;

export const RING_SLOTS = 96;
/** Bytes of the state block in front of the data region. */
export const RING_HEADER_BYTES = RING_SLOTS * 4;

// ---- message headers in the data region (an Int32 before each payload) ----
/** Payload length in bytes when > 0. */
/** The sentinel: stop after this (Python's `_sentinel`). */
export const MSG_END = -1;
/** Skip to the start of the data region. */
export const MSG_WRAP = -3;

/** Positions are kept modulo 2^31 so a stale CAS cannot succeed until 2 GiB have passed (ABA guard). */
export const POS_MASK = 0x7fffffff;
