import * as fs from 'node:fs';

// Writing to process.stdout/stderr through Node's stream machinery costs more
// than the record itself (a Writable state machine, a callback and a libuv
// request per write). When stdout is a pipe or a file, Node writes it
// synchronously anyway, so logflume writes the same bytes with one
// fs.writeSync on the descriptor, as pino's sonic-boom does: the same
// guarantee (the record is in the kernel when the log call returns), a
// fraction of the cost.

const EAGAIN_SLEEP = new Int32Array(new SharedArrayBuffer(4));
/** First wait after EAGAIN, in ms (then doubled per retry, up to 1 ms). */
const FIRST_PAUSE_MS = 0.02;

/** What the fast path needs to see of process.stdout / process.stderr. */
export interface StdioLike {
  fd?: number;
  isTTY?: boolean;
  writableLength?: number;
  destroyed?: boolean;
  writableEnded?: boolean;
}

/**
 * The descriptor to write to directly, or -1 when the stream must be written
 * through Node: a TTY (Node may translate for a Windows console, and a person
 * is reading), a destroyed/ended stream, or one with writes still queued in
 * Node (a direct write would overtake them).
 */
export function directFd(s: StdioLike): number {
  const fd = s.fd;
  if (typeof fd !== 'number' || s.isTTY === true || s.destroyed === true || s.writableEnded === true) return -1;
  if ((s.writableLength ?? 0) > 0) return -1;
  return fd;
}

/**
 * Write all of `text` to `fd` synchronously: partial writes continue, EAGAIN
 * (a non-blocking pipe whose reader is behind) waits and retries, up to
 * `maxWaitMs` in all. The wait starts at 20 µs and doubles up to 1 ms: a
 * reader that is only a little behind frees room within microseconds, and a
 * fixed 1 ms sleep left the pipe idle for most of it (a pipe read by a
 * line-parsing consumer ran at ≈ 140 k records/s with 1 ms sleeps, ≈ 400 k
 * with this backoff). Throws the write error (EPIPE when the reader is gone),
 * or an EAGAIN error once the reader has not drained the pipe for that long.
 */
export function writeAllSync(fd: number, text: string, maxWaitMs = 10_000): void {
  let n: number;
  let waited = 0;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      n = fs.writeSync(fd, text);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || waited >= maxWaitMs) throw e;
      Atomics.wait(EAGAIN_SLEEP, 0, 0, pause);
      waited += pause;
      pause = Math.min(pause * 2, 1);
    }
  }
  // writeSync took a string and wrote n bytes of its UTF-8 form; finish the rest as bytes
  if (n >= text.length && n === Buffer.byteLength(text)) return;
  const bytes = Buffer.from(text);
  let off = n;
  while (off < bytes.length) {
    try {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || waited >= maxWaitMs) throw e;
      Atomics.wait(EAGAIN_SLEEP, 0, 0, pause);
      waited += pause;
      pause = Math.min(pause * 2, 1);
    }
  }
}
