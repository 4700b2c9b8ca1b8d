import * as fs from 'node:fs';

/** Options of the internal file writer. */
export interface FdWriterOptions {
  /** 'a' (append, default) or 'w' (truncate) — Python's file modes; 'a+'/'w+' and 'x' accepted. */
  mode?: string;
  /** Node encoding used to turn text into bytes. */
  encoding?: BufferEncoding;
  /** File permission bits for a new file (umask still applies). */
  fileMode?: number;
  /**
   * Buffer writes and flush them in batches: at `bufferSize` characters, at the
   * end of the current event-loop turn (setImmediate), on flush()/close() and
   * synchronously at process exit. Off by default: every write reaches the
   * kernel before the log call returns, as in Python. With it on, a SIGKILL can
   * lose at most one loop turn's records (bounded by bufferSize).
   */
  buffered?: boolean;
  /** Characters that trigger a synchronous flush in buffered mode (default 64 KiB). */
  bufferSize?: number;
}

const EAGAIN_SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * A small synchronous writer on a file descriptor, the I/O half of the file
 * handlers (after sonic-boom): write functions chosen once, partial writes and
 * EAGAIN handled, `flushSync()` for exit, `reopen()` for rotation and watched
 * files, and a running byte count so rotation need not stat per record.
 */
export class FdWriter {
  readonly path: string;
  fd: number;
  // Bytes in the file: size at open + bytes written (#flushed), plus the
  // buffered text, whose UTF-8 length is counted lazily — only RotatingFileHandler
  // asks, and a plain buffered FileHandler should not pay a byteLength per record.
  #flushed = 0;
  #bufCounted = 0;
  #countedChars = 0;
  readonly #flags: string;
  readonly #encoding: BufferEncoding;
  readonly #fileMode: number;
  readonly #buffered: boolean;
  readonly #bufferSize: number;
  #buf = '';
  #scheduled = false;

  constructor(path: string, options: FdWriterOptions = {}) {
    this.path = path;
    this.#flags = toFlags(options.mode ?? 'a');
    this.#encoding = options.encoding ?? 'utf8';
    this.#fileMode = options.fileMode ?? 0o644;
    this.#buffered = options.buffered ?? false;
    this.#bufferSize = options.bufferSize ?? 65536;
    this.fd = this.#open(this.#flags);
  }

  #open(flags: string): number {
    const fd = fs.openSync(this.path, flags, this.#fileMode);
    try {
      const st = fs.fstatSync(fd);
      this.#flushed = st.isFile() ? st.size : 0;
    } catch {
      this.#flushed = 0;
    }
    this.#bufCounted = 0;
    this.#countedChars = 0;
    return fd;
  }

  /** True when the descriptor refers to a regular file (rotation only makes sense then). */
  isRegularFile(): boolean {
    try {
      return fs.fstatSync(this.fd).isFile();
    } catch {
      return false;
    }
  }

  /** Bytes in the file as far as this writer knows (size at open + bytes written, including buffered). */
  get size(): number {
    const buf = this.#buf;
    if (this.#countedChars < buf.length) {
      this.#bufCounted += Buffer.byteLength(this.#countedChars === 0 ? buf : buf.slice(this.#countedChars), this.#encoding);
      this.#countedChars = buf.length;
    }
    return this.#flushed + this.#bufCounted;
  }

  /** Write text; synchronous unless buffered. Throws on I/O errors (the handler reports them). */
  write(text: string): void {
    if (this.fd < 0) throw Object.assign(new Error('I/O operation on closed file'), { code: 'ERR_LOGFLUME_CLOSED' });
    if (this.#buffered) {
      this.#buf += text;
      if (this.#buf.length >= this.#bufferSize) this.flushSync();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#onImmediate).unref?.();
      }
      return;
    }
    this.#flushed += this.#writeAll(text);
  }

  #onImmediate = (): void => {
    this.#scheduled = false;
    try {
      this.flushSync();
    } catch (e) {
      this.onAsyncError?.(e);
    }
  };

  /** Called with errors from a deferred (buffered) flush, which has no caller to throw to. */
  onAsyncError: ((e: unknown) => void) | null = null;

  #writeAll(text: string): number {
    let n: number;
    try {
      n = fs.writeSync(this.fd, text, null, this.#encoding);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      n = 0;
    }
    const total = Buffer.byteLength(text, this.#encoding);
    if (n < total) this.#writeRest(Buffer.from(text, this.#encoding), n);
    return total;
  }

  #writeRest(bytes: Buffer, off: number): void {
    let spins = 0;
    while (off < bytes.length) {
      try {
        off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
        spins = 0;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++spins > 1000) throw e;
        Atomics.wait(EAGAIN_SLEEP, 0, 0, 1);
      }
    }
  }

  /** Write out any buffered text now. */
  flushSync(): void {
    if (this.#buf.length === 0 || this.fd < 0) return;
    const text = this.#buf;
    this.#buf = '';
    this.#bufCounted = 0;
    this.#countedChars = 0;
    this.#flushed += this.#writeAll(text);
  }

  /** Characters waiting in the buffer. */
  get pending(): number {
    return this.#buf.length;
  }

  /** Flush and close the descriptor. Idempotent. */
  close(): void {
    if (this.fd < 0) return;
    try {
      this.flushSync();
    } finally {
      const fd = this.fd;
      this.fd = -1;
      fs.closeSync(fd);
    }
  }

  /**
   * Flush, close and open the path again (after a rename or an external
   * rotation). `mode` overrides the open mode, e.g. 'w' after rollover.
   */
  reopen(mode?: string): void {
    this.close();
    this.fd = this.#open(mode ? toFlags(mode) : this.#flags === 'w' ? 'a' : this.#flags);
  }

  /** Python's file-object API: flush is synchronous here. */
  flush(): void {
    this.flushSync();
  }
}

function toFlags(mode: string): string {
  const m = mode.replace('b', '').replace('t', '');
  switch (m) {
    case 'a':
    case 'a+':
    case 'w':
    case 'w+':
    case 'r+':
      return m;
    case 'x':
      return 'wx';
    case 'x+':
      return 'wx+';
    default:
      throw Object.assign(new Error(`invalid file mode: '${mode}'`), { code: 'ERR_LOGFLUME_MODE' });
  }
}
