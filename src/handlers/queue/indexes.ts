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
/** Bumped by the main thread at exit: "drain everything and flushSync your handlers". */
export const CTL_FLUSH_REQ = 2;
/** Set by the worker to the CTL_FLUSH_REQ value it has served (main waits on it). */
export const CTL_FLUSHED = 3;
/** Worker state: STATE_* below. */
export const CTL_STATE = 4;
export const CTL_SLOTS = 8;

export const STATE_STARTING = 0;
export const STATE_READY = 1;
export const STATE_STOPPED = 2;
/** The worker died or failed to start. */
export const STATE_DEAD = -2;

// ---- ring state block (one per producer thread) ----
/** Bytes consumed so far, mod 2^31 (position = READ & (capacity - 1)); advanced by CAS. */
export const READ = 0;
/** Bytes written so far, mod 2^31 (producer only; informational for the consumer). */
export const WRITE = 1;
/** Bytes in use, headers and wrap padding included. */
export const USED = 2;
/** Records in the ring. */
export const RECORDS = 3;
/** Records dropped by the overflow policy, cumulative. */
export const DROPPED = 4;
/** Bumped by the consumer after freeing space while a producer waits. */
export const FREED_SEQ = 5;
/** 1 while a producer waits (policy 'block') on FREED_SEQ. */
export const PRODUCER_WAITING = 6;
/** 1 once the sentinel was written: later records are dropped. */
export const CLOSED = 7;
/** The ring's record limit (0: none), set at allocation; the consumer's low-water mark uses it. */
export const MAX_RECORDS = 8;
export const RING_SLOTS = 16;
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
