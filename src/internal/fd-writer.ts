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
  // char offsets in #buf where each buffered record ends (per-record loss counts)
  #ends: number[] = [];
  #spareEnds: number[] = [];
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
    this.#tail = null; // a torn line in the previous file stays there; never carry its end into a new one
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

  /**
   * Write one record's text; synchronous unless buffered. Throws on I/O errors
   * (the handler reports them). A failed write never leaves part of a record
   * in the file: see {@link FdWriter.droppedRecords}.
   */
  write(text: string): void {
    if (this.fd < 0) throw Object.assign(new Error('I/O operation on closed file'), { code: 'ERR_LOGFLUME_CLOSED' });
    if (this.#buffered) {
      this.#buf += text;
      this.#ends.push(this.#buf.length);
      if (this.#buf.length >= this.#bufferSize) this.flushSync();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#onImmediate).unref?.();
      }
      return;
    }
    this.#flushed += this.#writeAll(text, null);
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

  /**
   * Records that a failed write (ENOSPC, EFBIG, EIO…) did not put in the file,
   * counted per record also in buffered mode, where one failed flush can hold
   * thousands. The part of a record that did reach the file is truncated away
   * (or, where truncation is impossible, the record is completed by the next
   * write), so the file never holds a torn line.
   */
  droppedRecords = 0;
  /** Called with the number of records each failed write dropped (the handler counts them). */
  onDropped: ((n: number) => void) | null = null;

  // The unwritten rest of a record whose start is in the file and could not be
  // truncated away; written before anything else so that the line is completed.
  #tail: Buffer | null = null;

  /** Write `text` (whose records end at char offsets `ends`, or one record when null); returns the bytes it added. */
  #writeAll(text: string, ends: number[] | null): number {
    let added = 0;
    if (this.#tail !== null) {
      const tail = this.#tail;
      const w = this.#writeLoop(tail, 0);
      if (w.error !== null) {
        this.#tail = tail.subarray(w.off);
        throw this.#dropped(w.error, ends === null ? 1 : ends.length, false);
      }
      this.#tail = null;
      added += tail.length;
    }
    let n = 0;
    try {
      n = fs.writeSync(this.fd, text, null, this.#encoding);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw this.#dropped(e, ends === null ? 1 : ends.length, false);
    }
    const total = Buffer.byteLength(text, this.#encoding);
    if (n < total) {
      const bytes = Buffer.from(text, this.#encoding);
      const w = this.#writeLoop(bytes, n);
      if (w.error !== null) return this.#partial(text, bytes, w.off, ends, w.error, added);
    }
    return added + total;
  }

  /** Write bytes from `off` until done or a non-EAGAIN error (waiting out EAGAIN briefly, bounded). */
  #writeLoop(bytes: Buffer, off: number): { off: number; error: unknown } {
    let spins = 0;
    while (off < bytes.length) {
      try {
        off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
        spins = 0;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++spins > 1000) return { off, error: e };
        Atomics.wait(EAGAIN_SLEEP, 0, 0, 1);
      }
    }
    return { off, error: null };
  }

  /**
   * A write failed after `written` of the bytes reached the file: keep the
   * records that are complete, remove the torn one's bytes (or, when that is
   * impossible, finish it at the next write), count the rest, throw.
   */
  #partial(text: string, bytes: Buffer, written: number, ends: number[] | null, err: unknown, added: number): never {
    // byte offset where the last complete record ends, and how many records are complete
    let keep = 0;
    let complete = 0;
    let recordEnd = bytes.length;
    if (ends !== null) {
      const ascii = bytes.length === text.length;
      let chars = 0;
      let end = 0;
      for (let i = 0; i < ends.length; i++) {
        // byte offset of this record's end (counted record by record: this path runs only after a failure)
        end = ascii ? ends[i]! : end + Buffer.byteLength(text.slice(chars, ends[i]), this.#encoding);
        chars = ends[i]!;
        if (end > written) {
          recordEnd = end;
          break;
        }
        keep = end;
        complete++;
      }
    }
    const records = ends === null ? 1 : ends.length;
    const torn = written - keep;
    let finishing = false;
    if (torn > 0 && !this.#truncateBack(bytes.subarray(keep, written), this.#flushed + added + written)) {
      this.#tail = Buffer.from(bytes.subarray(written, recordEnd));
      finishing = true;
      keep = written;
    }
    this.#flushed += added + keep;
    throw this.#dropped(err, records - complete - (finishing ? 1 : 0), torn > 0 && !finishing);
  }

  /**
   * Remove `torn` from the end of the file if it is still the end. The file
   * size this writer expects says so when it is the only writer; otherwise
   * (another process appends too) the bytes are compared first.
   */
  #truncateBack(torn: Buffer, expectedSize: number): boolean {
    try {
      const st = fs.fstatSync(this.fd);
      if (!st.isFile() || st.size < torn.length) return false;
      const at = st.size - torn.length;
      if (st.size !== expectedSize && !this.#endsWith(torn, at)) return false;
      fs.ftruncateSync(this.fd, at);
      return true;
    } catch {
      return false;
    }
  }

  #endsWith(torn: Buffer, at: number): boolean {
    // the descriptor is usually write-only (mode 'a'): read through a second one
    let rfd = -1;
    try {
      rfd = fs.openSync(`/proc/self/fd/${this.fd}`, 'r');
      const seen = Buffer.allocUnsafe(torn.length);
      return fs.readSync(rfd, seen, 0, torn.length, at) === torn.length && seen.equals(torn);
    } catch {
      return false;
    } finally {
      if (rfd >= 0) fs.closeSync(rfd);
    }
  }

  /** Count `n` dropped records and build the error the handler reports. */
  #dropped(err: unknown, n: number, truncated: boolean): Error {
    this.droppedRecords += n;
    if (n > 0) this.onDropped?.(n);
    const e = err as NodeJS.ErrnoException;
    const msg = `${e?.message ?? String(err)} (${n} record(s) not written${truncated ? '; the partly written record was truncated away' : ''})`;
    return Object.assign(new Error(msg, { cause: err }), { code: e?.code, errno: e?.errno, syscall: e?.syscall, records: n });
  }

  /** Write out any buffered text now. */
  flushSync(): void {
    if (this.#buf.length === 0 || this.fd < 0) return;
    const text = this.#buf;
    const ends = this.#ends;
    this.#buf = '';
    this.#ends = this.#spareEnds;
    this.#spareEnds = ends;
    this.#bufCounted = 0;
    this.#countedChars = 0;
    try {
      this.#flushed += this.#writeAll(text, ends);
    } finally {
      ends.length = 0;
    }
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
