import * as fs from 'node:fs';
import { FileHandler, type FileHandlerOptions } from '../file-handler.js';
import { ConfigError } from '../errors.js';
import type { FdWriter } from '../internal/fd-writer.js';
import type { LogRecord } from '../log-record.js';
import { nodeRotationFs, type RotationFs } from './rotation-fs.js';
import { checkOptions } from '../check-options.js';
import { FILE_HANDLER_OPTIONS } from '../file-handler.js';

/** Options of {@link WatchedFileHandler}. */
export interface WatchedFileHandlerOptions extends FileHandlerOptions {
  /** Filesystem driver for the per-record stat (default: node:fs). */
  fs?: RotationFs;
}

/**
 * A file that someone else rotates (Python's `logging.handlers.WatchedFileHandler`):
 * before each record it stats the path and reopens when the device or inode
 * changed or the file is gone, so after `logrotate` (create mode) or `mv`
 * records go to the new file. This costs one stat() per record by design —
 * it is how the move is noticed between two records.
 *
 * With `copytruncate` the inode never changes and no reopen happens; the
 * descriptor is opened in append mode, so writes continue at the new end of
 * the truncated file, but records written between logrotate's copy and its
 * truncate are lost (see docs/handlers/watched-file-handler.md).
 *
 * @example new WatchedFileHandler('/var/log/myapp.log')
 * @throws ConfigError when the file cannot be opened.
 */
export class WatchedFileHandler extends FileHandler {
  /** Device of the open file, -1 when none (Python's `dev`). */
  dev = -1;
  /** Inode of the open file, -1 when none (Python's `ino`). */
  ino = -1;
  readonly #fs: RotationFs;

  constructor(filename: string | URL, mode?: string | WatchedFileHandlerOptions, encoding?: string | null, delay?: boolean, errors?: string | null) {
    const opts: WatchedFileHandlerOptions = typeof mode === 'object' && mode !== null ? mode : { mode: mode ?? 'a', encoding, delay, errors };
    if (new.target === WatchedFileHandler) checkOptions('WatchedFileHandler', opts, { ...FILE_HANDLER_OPTIONS, fs: 'object' });
    super(filename, { ...opts, delay: true });
    this.delay = opts.delay ?? false;
    this.#fs = opts.fs ?? nodeRotationFs;
    if (!this.delay) {
      try {
        this.stream = this._open();
      } catch (e) {
        throw new ConfigError(`cannot open log file ${this.baseFilename}: ${(e as Error).message}`, { cause: e, code: 'ERR_LOGFLUME_OPEN' });
      }
    }
  }

  /** Open, then remember the new file's device and inode. */
  protected override _open(): FdWriter {
    const w = super._open();
    this.dev = -1;
    this.ino = -1;
    try {
      const st = fs.fstatSync(w.fd);
      this.dev = st.dev;
      this.ino = st.ino;
    } catch {
      // leave -1: the next reopenIfNeeded() will reopen
    }
    return w;
  }

  /** Python's `_statstream`: refresh `dev`/`ino` from the open descriptor. */
  _statstream(): void {
    if (this.stream === null) return;
    const st = fs.fstatSync(this.stream.fd);
    this.dev = st.dev;
    this.ino = st.ino;
  }

  /**
   * Reopen the file when the path now names another file or nothing. A
   * failed reopen leaves the handler without a stream (the next record tries
   * again) and throws to the caller's handleError. Override to watch differently.
   */
  reopenIfNeeded(): void {
    const st = this.#fs.stat(this.baseFilename);
    if (st !== null && st.dev === this.dev && st.ino === this.ino) return;
    const s = this.stream;
    if (s === null) return;
    this.stream = null;
    try {
      s.close();
    } finally {
      this.stream = this._open();
    }
  }

  /** Reopen if needed, then write. */
  override emit(record: LogRecord): void {
    this.reopenIfNeeded();
    super.emit(record);
  }
}
