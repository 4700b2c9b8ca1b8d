import * as path from 'node:path';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StreamHandler } from './stream-handler.js';
import { FdWriter } from './internal/fd-writer.js';
import { toNodeEncoding, applyErrors } from './internal/encoding.js';
import { ConfigError } from './errors.js';
import { getLevelName } from './levels.js';
import type { LogRecord } from './log-record.js';
import { checkOptions, type OptionSpec } from './check-options.js';

/** Options of {@link FileHandler} (and the file handlers built on it). */
/** @internal the keys of FileHandlerOptions (checked at construction; keep in step with the interface). */
export const FILE_HANDLER_OPTIONS: OptionSpec = { mode: 'string', encoding: 'string', delay: 'boolean', errors: 'string', fileMode: 'integer', mkdir: 'boolean', buffered: 'boolean', bufferSize: 'integer' };

export interface FileHandlerOptions {
  /** Python file mode: 'a' (default) or 'w'. */
  mode?: string;
  /** Python or Node encoding name; utf-8 by default. */
  encoding?: string | null;
  /** Open the file on the first record instead of at construction. */
  delay?: boolean;
  /** Python's `errors` policy for characters the encoding cannot hold. */
  errors?: string | null;
  /** Permission bits for a newly created file (default 0o644, then umask). */
  fileMode?: number;
  /** Create missing parent directories at construction (default false: a missing directory is an error). */
  mkdir?: boolean;
  /**
   * Batch writes per event-loop turn (see docs/performance.md). Default false:
   * each record is written before the log call returns, as in Python.
   */
  buffered?: boolean;
  /** Characters that force a write in buffered mode (default 65536). */
  bufferSize?: number;
}

/**
 * Writes formatted records to a file (Python's `logging.FileHandler`). Writes
 * are synchronous by default, so a record logged right before `process.exit()`
 * or a crash is already in the file; `buffered: true` trades that for speed and
 * is flushed synchronously at exit.
 *
 * @example new FileHandler('app.log')
 * @example new FileHandler('app.log', { mode: 'w', delay: true })
 * @throws ConfigError when the directory does not exist (unless `mkdir`) or the file cannot be opened.
 */
export class FileHandler extends StreamHandler<FdWriter | null> {
  /** Absolute path of the file (Python's `baseFilename`). */
  baseFilename: string;
  mode: string;
  encoding: string | null;
  errors: string | null;
  delay: boolean;
  /** @internal */
  protected readonly _nodeEncoding: BufferEncoding;
  /** @internal */
  protected readonly _writerOptions: { fileMode: number; buffered: boolean; bufferSize: number };

  constructor(filename: string | URL, mode?: string | FileHandlerOptions, encoding?: string | null, delay?: boolean, errors?: string | null) {
    let opts: FileHandlerOptions;
    if (typeof mode === 'object' && mode !== null) opts = mode;
    else opts = { mode: mode ?? 'a', encoding, delay, errors };
    if (new.target === FileHandler) checkOptions('FileHandler', opts, FILE_HANDLER_OPTIONS);
    if (typeof filename !== 'string' && !(filename instanceof URL)) {
      throw new ConfigError(`${new.target.name}: filename must be a path string or a file: URL, got ${typeof filename}`, { code: 'ERR_LOGFLUME_OPTION' });
    }
    super(null);
    this.stream = null; // StreamHandler defaults to stderr; a delayed file has no stream yet
    const file = filename instanceof URL ? fileURLToPath(filename) : String(filename);
    this.baseFilename = path.resolve(file);
    this.mode = opts.mode ?? 'a';
    this.encoding = opts.encoding ?? null;
    this.errors = opts.errors ?? null;
    this.delay = opts.delay ?? false;
    this._nodeEncoding = toNodeEncoding(this.encoding);
    this._writerOptions = { fileMode: opts.fileMode ?? 0o644, buffered: opts.buffered ?? false, bufferSize: opts.bufferSize ?? 65536 };
    const dir = path.dirname(this.baseFilename);
    if (opts.mkdir) fs.mkdirSync(dir, { recursive: true });
    if (!this.delay) {
      try {
        this.stream = this._open();
      } catch (e) {
        throw new ConfigError(`cannot open log file ${this.baseFilename}: ${(e as Error).message}`, { cause: e, code: 'ERR_LOGFLUME_OPEN' });
      }
    }
  }

  /** Open the file and return the writer (Python's `_open`). Override to open differently. */
  protected _open(): FdWriter {
    const w = new FdWriter(this.baseFilename, { mode: this.mode, encoding: this._nodeEncoding, ...this._writerOptions });
    w.onAsyncError = (e) => this.handleError(null, e);
    w.onDropped = (n) => {
      this.droppedCount += n;
    };
    return w;
  }

  /** Open lazily (delay, or after close in mode 'a', as Python), then write. */
  override emit(record: LogRecord): void {
    if (this.stream === null) {
      if (this.mode !== 'w' || !this._closed) this.stream = this._open();
      else return;
    }
    const msg = this.format(record) + this.terminator;
    this.stream.write(this.errors === null && this._nodeEncoding === 'utf8' ? msg : applyErrors(msg, this._nodeEncoding, this.errors));
  }

  /** Write out buffered records; a failure is reported here (this also runs at exit, where nobody else would). */
  override flushSync(): void {
    try {
      this.stream?.flushSync();
    } catch (e) {
      this.handleError(null, e);
    }
  }

  /** Flush and close the file; logging again in mode 'a' reopens it, as in Python. */
  override close(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    try {
      s?.close();
    } catch (e) {
      this.handleError(null, e);
    }
    return super.close();
  }

  override toString(): string {
    return `<${this.constructor.name} ${this.baseFilename} (${getLevelName(this.level)})>`;
  }
}
