/**
 * The worker's process.stdout and process.stderr, writing straight to fd 1 and
 * fd 2 (as the main thread's stdio does on Linux for files, pipes and TTYs).
 *
 * Why: a worker's own stdio is forwarded to the main thread by messages, which
 * only the main thread's event loop delivers. At process exit the main thread
 * waits synchronously for the worker to drain and flush, so a StreamHandler on
 * `ext://process.stdout` built in the worker could neither deliver its lines
 * nor finish its flush: the lines were lost and the exit wait ran to its bound.
 * Written here, each write has reached the kernel when it returns.
 */
import { Writable } from 'node:stream';
import { writeSync } from 'node:fs';
import { isatty, WriteStream } from 'node:tty';

const pause = new Int32Array(new SharedArrayBuffer(4));
/** EAGAIN retries before a write fails (1 ms apart: a reader stalled for ~2 s). */
const MAX_EAGAIN = 2000;

/** Write all of `chunk` to `fd`, through partial writes and EAGAIN (a non-blocking pipe that is full). */
export function writeAllSync(fd: number, chunk: Uint8Array): void {
  let off = 0;
  let spins = 0;
  while (off < chunk.length) {
    try {
      off += writeSync(fd, chunk, off, chunk.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++spins > MAX_EAGAIN) throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * A Writable on a file descriptor whose writes are synchronous. A failed write
 * (EPIPE, EBADF…) errors the stream as a failed main-thread stdout would: the
 * write callback gets the error and later writes are refused.
 */
export class SyncFdStream extends Writable {
  readonly fd: number;
  readonly isTTY: boolean;

  constructor(fd: number) {
    super({ decodeStrings: true, autoDestroy: true, emitClose: false });
    this.fd = fd;
    this.isTTY = isatty(fd);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      writeAllSync(this.fd, chunk);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  /** tty.WriteStream's colour queries, answered for the terminal behind fd when there is one. */
  getColorDepth(env?: NodeJS.ProcessEnv): number {
    return this.isTTY ? WriteStream.prototype.getColorDepth.call(this, env) : 1;
  }
  hasColors(count?: number | NodeJS.ProcessEnv, env?: NodeJS.ProcessEnv): boolean {
    return this.isTTY ? WriteStream.prototype.hasColors.call(this, count as number, env) : false;
  }
}

/** Make this worker's process.stdout and process.stderr write synchronously to fd 1 and fd 2. */
export function useSyncStdio(): void {
  for (const [name, fd] of [['stdout', 1], ['stderr', 2]] as const) {
    const stream = new SyncFdStream(fd);
    Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
  }
}
