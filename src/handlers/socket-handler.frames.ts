/**
 * SocketHandler's frame-level helpers, apart from the connection logic:
 * fitting an oversized record under the receiver's frame limit, and writing
 * frames synchronously at process exit.
 */
import * as fs from 'node:fs';
import type * as net from 'node:net';
import type { LogRecord } from '../log-record.js';

/** What the receiver accepts by default (LogRecordReceiver's `maxFrameSize`, payload bytes). */
export const DEFAULT_MAX_FRAME_SIZE = 1 << 20;

/** Cut a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
function cutUtf8(s: string, maxBytes: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= maxBytes) return s;
  let end = Math.max(0, maxBytes);
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}

/**
 * A copy of `record` whose message (args merged), exception text and stack
 * are cut so the frame shrinks by at least `excess` bytes, each cut part
 * ending with `[truncated from N bytes]`. The original record is untouched
 * (other handlers still see all of it). Extras are left as they are: when
 * they alone are too big, the caller drops the record.
 */
export function shrinkRecord(record: LogRecord, excess: number, excText: string | null): LogRecord {
  const r = Object.assign(Object.create(Object.getPrototypeOf(record) as object) as LogRecord, record);
  let msg: string;
  try {
    msg = record.getMessage();
  } catch {
    msg = String(record.msg);
  }
  const parts: [keyof LogRecord, string][] = [['msg', msg]];
  if (excText) parts.push(['exc_text', excText]);
  if (typeof record.stack_info === 'string' && record.stack_info) parts.push(['stack_info', record.stack_info]);
  // take from the largest part first, with room for the mark and JSON escapes
  parts.sort((a, b) => b[1].length - a[1].length);
  let need = excess + 64;
  for (const [key, text] of parts) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (need <= 0) break;
    const keep = Math.max(0, bytes - need - 40);
    const cut = keep < bytes ? `${cutUtf8(text, keep)}[truncated from ${bytes} bytes]` : text;
    need -= bytes - Buffer.byteLength(cut, 'utf8');
    (r as unknown as Record<string, unknown>)[key] = cut;
  }
  r.args = null;
  r.exc_info = null;
  if (!excText) r.exc_text = null;
  return r;
}

/**
 * Write whole frames to a (non-blocking) socket descriptor, retrying on EAGAIN
 * until `timeoutMs`; returns how many frames went out completely. Only for
 * exit, when the event loop will not run again.
 */
export function writeFramesSync(fd: number, frames: Buffer[], timeoutMs: number): number {
  const deadline = Date.now() + timeoutMs;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let done = 0;
  for (const f of frames) {
    let off = 0;
    while (off < f.length) {
      try {
        off += fs.writeSync(fd, f, off, f.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > deadline) return done;
        Atomics.wait(nap, 0, 0, 1);
      }
    }
    done++;
  }
  return done;
}

/** Bytes Node may hold for a socket before queued frames wait in the handler's own queue. */
export const HIGH_WATER = 1 << 20;

/** A batch this large is written at once instead of at the end of the tick. */
export const BATCH_MAX = 64 << 10;

/** One connection of a SocketHandler and the frames on their way through it. */
export interface Conn {
  sock: net.Socket;
  /** Frames handed to this socket (batched or written) whose write has not completed yet, oldest first. */
  inflight: Buffer[];
  head: number;
  dead: boolean;
  /** Frames of the current batch: written as one Buffer at the end of the tick (or at BATCH_MAX bytes). */
  batch: Buffer[];
  batchBytes: number;
  flushQueued: boolean;
  /** Frames whose write completed on this connection. */
  sent: number;
  /** The ECONNRESET/EPIPE that ended it, if any. */
  reset: NodeJS.ErrnoException | null;
  /**
   * Frames whose write completed while the connection is new (PROBATION_MS,
   * at most PROBATION_MAX_BYTES): a logflume receiver at maxConnections answers
   * a connection the kernel had queued with one refusal line and reads nothing,
   * so these go back to the queue if that line arrives. null once trusted.
   */
  probation: Buffer[] | null;
  probationBytes: number;
  /** The receiver sent data: its refusal (a receiver never sends anything else). */
  refused: boolean;
}

/** How long a new connection's sent frames are kept in case the receiver refuses it. */
export const PROBATION_MS = 2000;
/** The most bytes kept for that (past it, frames are no longer kept: a refusal then loses them, reported). */
export const PROBATION_MAX_BYTES = 4 << 20;

/** The error reported for a record cut or dropped at `maxFrameSize`. */
export function oversize(text: string): Error {
  const e = new Error(`SocketHandler: ${text}`);
  (e as NodeJS.ErrnoException).code = 'ERR_LOGFLUME_TRUNCATED';
  return e;
}
