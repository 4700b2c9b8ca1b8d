import * as path from 'node:path';
import { BaseRotatingHandler, BASE_ROTATING_OPTIONS, type BaseRotatingHandlerOptions } from './base-rotating-handler.js';
import { checkOptions, type OptionSpec } from '../check-options.js';
import type { FdWriter } from '../internal/fd-writer.js';
import type { LogRecord } from '../log-record.js';

/** Options of {@link RotatingFileHandler}. */
const ROTATING_OPTIONS: OptionSpec = { ...BASE_ROTATING_OPTIONS, maxBytes: 'integer', backupCount: 'integer' };

export interface RotatingFileHandlerOptions extends BaseRotatingHandlerOptions {
  /** Roll over before a write would bring the file to this many bytes; 0 (default) never. */
  maxBytes?: number;
  /** How many old files to keep (`.1` … `.N`); 0 (default) never rolls over. */
  backupCount?: number;
}

/**
 * A file that rolls over by size (Python's `logging.handlers.RotatingFileHandler`):
 * before the write that would make the file reach `maxBytes`, `app.log` becomes
 * `app.log.1`, `.1` becomes `.2` … and the oldest (`.backupCount`) is dropped.
 *
 * The size comes from the writer's byte counter (the size at open plus what
 * this handler wrote), so the check costs no syscall per record; a file grown
 * by another process is not noticed until reopened. Sizes are encoded bytes
 * (Python compares characters; the same for ASCII). A non-regular file
 * (`/dev/null`, a FIFO) is never rotated. With `maxBytes` > 0 the mode is
 * forced to 'a', as in Python.
 *
 * @example new RotatingFileHandler('app.log', { maxBytes: 10 * 1024 * 1024, backupCount: 5 })
 * @example new RotatingFileHandler('app.log', 'a', 1_000_000, 3) // Python's positional order
 * @throws ConfigError when the file cannot be opened.
 */
export class RotatingFileHandler extends BaseRotatingHandler {
  /** Size limit in bytes; 0 disables rollover. */
  maxBytes: number;
  /** Number of backups kept; 0 disables rollover. */
  backupCount: number;
  #regular = true;

  constructor(filename: string | URL, mode?: string | RotatingFileHandlerOptions, maxBytes = 0, backupCount = 0, encoding?: string | null, delay?: boolean, errors?: string | null) {
    const opts: RotatingFileHandlerOptions =
      typeof mode === 'object' && mode !== null ? mode : { mode: mode ?? 'a', maxBytes, backupCount, encoding, delay, errors };
    if (new.target === RotatingFileHandler) checkOptions('RotatingFileHandler', opts, ROTATING_OPTIONS);
    const max = opts.maxBytes ?? 0;
    super(filename, max > 0 ? 'a' : (opts.mode ?? 'a'), opts);
    this.maxBytes = max;
    this.backupCount = opts.backupCount ?? 0;
    this._openAtConstruction();
  }

  protected override _open(): FdWriter {
    const w = super._open();
    this.#regular = w.isRegularFile();
    return w;
  }

  /**
   * True when writing `record` would bring the file to `maxBytes` or beyond
   * (Python's `>=`), and the file is a regular file. Never when `maxBytes` or
   * `backupCount` is 0. Override to add conditions.
   */
  override shouldRollover(record: LogRecord): boolean {
    if (this.maxBytes <= 0 || this.backupCount <= 0) return false;
    if (this.stream === null) this.stream = this._open();
    if (!this.#regular) return false;
    const text = this._formatForWrite(record);
    const size = this.stream.size;
    // An empty file never rolls over: a record larger than maxBytes goes into a file of its own.
    if (size === 0) return false;
    // No encoding used for text takes more than 3 bytes per UTF-16 unit: far from the limit, skip the byte count.
    if (size + text.length * 3 < this.maxBytes) return false;
    return size + Buffer.byteLength(text, this._nodeEncoding) >= this.maxBytes;
  }

  /**
   * Shift `.i` → `.i+1` from the oldest down, drop what would exceed
   * `backupCount`, rotate the base file to `.1`, reopen (unless `delay`).
   * Names pass through `rotationFilename()`, the move through `rotate()`.
   */
  override doRollover(): void {
    const s = this.stream;
    this.stream = null;
    s?.close();
    if (this.backupCount > 0) {
      const fs = this._fs;
      const exists = this.#existsFromListing();
      for (let i = this.backupCount - 1; i > 0; i--) {
        const sfn = this.rotationFilename(`${this.baseFilename}.${i}`);
        const dfn = this.rotationFilename(`${this.baseFilename}.${i + 1}`);
        if (exists(sfn)) {
          if (exists(dfn)) exists.unlink(dfn);
          fs.rename(sfn, dfn);
          exists.moved(sfn, dfn);
        }
      }
      const dfn = this.rotationFilename(`${this.baseFilename}.1`);
      if (exists(dfn)) exists.unlink(dfn);
      this._rotate(this.baseFilename, dfn);
    }
    if (!this.delay) this.stream = this._open();
  }

  /**
   * Python stats two names per backup slot on every rollover (2 × backupCount
   * syscalls); one listing of the directory answers the same questions for
   * names in it, so a large backupCount costs no syscalls. Names elsewhere
   * (a namer may move files to another directory) are still stat'ed.
   */
  #existsFromListing(): ((p: string) => boolean) & { unlink(p: string): void; moved(s: string, d: string): void } {
    const fs = this._fs;
    const dir = path.dirname(this.baseFilename);
    let names: Set<string> | null = null;
    try {
      names = new Set(fs.readdir(dir));
    } catch {
      names = null;
    }
    const inDir = (p: string) => names !== null && path.dirname(p) === dir;
    const exists = (p: string) => (inDir(p) ? names!.has(path.basename(p)) : fs.exists(p));
    return Object.assign(exists, {
      unlink(p: string) {
        fs.unlink(p);
        if (inDir(p)) names!.delete(path.basename(p));
      },
      moved(src: string, dest: string) {
        if (inDir(src)) names!.delete(path.basename(src));
        if (inDir(dest)) names!.add(path.basename(dest));
      },
    });
  }
}
