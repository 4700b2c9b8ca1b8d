import { FileHandler, type FileHandlerOptions } from '../file-handler.js';
import { ConfigError } from '../errors.js';
import { applyErrors } from '../internal/encoding.js';
import type { LogRecord } from '../log-record.js';
import { nodeRotationFs, type RotationFs } from './rotation-fs.js';
import { checkOptions, type OptionSpec } from '../check-options.js';
import { FILE_HANDLER_OPTIONS } from '../file-handler.js';

/** Turns the default name of a rotated file into the name to use (Python's `namer`). */
export type Namer = (defaultName: string) => string;
/**
 * Moves the current file `source` to `dest` (Python's `rotator`). It may return
 * a Promise for work that finishes later (compression): `source` must be free
 * for a new file when it returns; failures of the Promise reach handleError and
 * `flush()`/`close()` wait for it.
 */
export type Rotator = (source: string, dest: string) => void | Promise<void>;

/** Options shared by the rotating handlers. */
/** @internal the keys of BaseRotatingHandlerOptions (checked by the subclasses; keep in step with the interface). */
export const BASE_ROTATING_OPTIONS: OptionSpec = { ...FILE_HANDLER_OPTIONS, namer: 'function', rotator: 'function', fs: 'object' };

export interface BaseRotatingHandlerOptions extends FileHandlerOptions {
  /** Initial `namer` attribute. */
  namer?: Namer | null;
  /** Initial `rotator` attribute. */
  rotator?: Rotator | null;
  /** Filesystem driver for renames, removals, listings (default: node:fs). */
  fs?: RotationFs;
}

/**
 * Base of the file handlers that roll over (Python's
 * `logging.handlers.BaseRotatingHandler`). `emit()` is the fixed skeleton:
 * `shouldRollover(record)` → `doRollover()` → write. Subclasses implement the
 * two hooks; users customise names and the move itself through the `namer` and
 * `rotator` attributes or by overriding `rotationFilename()`/`rotate()`.
 *
 * Difference from Python: when `doRollover()` throws (a namer bug, a permission
 * error), the failure goes to handleError and the record is still written to
 * the base file, instead of being dropped; the next record tries again.
 */
export class BaseRotatingHandler extends FileHandler {
  /** Called by `rotationFilename()` when set (Python's `namer`). */
  namer: Namer | null;
  /** Called by `rotate()` when set (Python's `rotator`). */
  rotator: Rotator | null;
  /** @internal the filesystem driver used for names (never for the open file). */
  protected readonly _fs: RotationFs;
  #fmtRecord: LogRecord | null = null;
  #fmtText = '';
  readonly #pending = new Set<Promise<void>>();

  /**
   * Subclasses call `_openAtConstruction()` at the end of their constructor:
   * the file is opened only once their own fields exist (their `_open`
   * overrides may use them).
   */
  constructor(filename: string | URL, mode: string, options: BaseRotatingHandlerOptions = {}) {
    if (new.target === BaseRotatingHandler) checkOptions('BaseRotatingHandler', options, BASE_ROTATING_OPTIONS);
    super(filename, { ...options, mode, delay: true });
    this.delay = options.delay ?? false;
    this.namer = options.namer ?? null;
    this.rotator = options.rotator ?? null;
    this._fs = options.fs ?? nodeRotationFs;
  }

  /** @internal open now unless `delay`, turning failures into ConfigError as FileHandler does. */
  protected _openAtConstruction(): void {
    if (this.delay) return;
    try {
      this.stream = this._open();
    } catch (e) {
      throw new ConfigError(`cannot open log file ${this.baseFilename}: ${(e as Error).message}`, { cause: e, code: 'ERR_LOGFLUME_OPEN' });
    }
  }

  /**
   * Decide whether `record` must go to a fresh file. Override to roll over on
   * your own condition; the default never does.
   */
  shouldRollover(_record: LogRecord): boolean {
    return false;
  }

  /** Move the current file aside and open a new one. Override in subclasses; the default does nothing. */
  doRollover(): void {}

  /** Roll over when `shouldRollover` says so, then write the record. */
  override emit(record: LogRecord): void {
    if (this.shouldRollover(record)) {
      try {
        this.doRollover();
      } catch (e) {
        this.handleError(record, e); // reported; the record still goes to the base file below
      }
    }
    const text = this.#fmtRecord === record ? this.#fmtText : this.format(record) + this.terminator;
    this.#fmtRecord = null;
    this.#fmtText = '';
    if (this.stream === null) {
      if (this.mode !== 'w' || !this._closed) this.stream = this._open();
      else return;
    }
    this.stream.write(this.errors === null && this._nodeEncoding === 'utf8' ? text : applyErrors(text, this._nodeEncoding, this.errors));
  }

  /**
   * @internal format once per record: a size check formats through this and
   * `emit()` reuses the text (Python formats twice).
   */
  protected _formatForWrite(record: LogRecord): string {
    if (this.#fmtRecord !== record) {
      this.#fmtText = this.format(record) + this.terminator;
      this.#fmtRecord = record;
    }
    return this.#fmtText;
  }

  /**
   * The name a rotated file gets (Python's `rotation_filename`): `namer(defaultName)`
   * when a namer is set, else `defaultName`. Override to name files yourself.
   */
  rotationFilename(defaultName: string): string {
    return typeof this.namer === 'function' ? this.namer(defaultName) : defaultName;
  }

  /**
   * Move `source` to `dest` (Python's `rotate`): `rotator(source, dest)` when
   * set, else a rename when `source` exists (with `delay` it may not). Override
   * to move files yourself; a returned Promise is tracked as with `rotator`.
   */
  rotate(source: string, dest: string): void | Promise<void> {
    if (typeof this.rotator !== 'function') {
      if (this._fs.exists(source)) this._fs.rename(source, dest);
      return;
    }
    return this.rotator(source, dest);
  }

  /** @internal `rotate()` as doRollover calls it: a returned Promise is tracked. */
  protected _rotate(source: string, dest: string): void {
    const r = this.rotate(source, dest);
    if (r !== undefined && r !== null && typeof (r as Promise<void>).then === 'function') this._track(r as Promise<void>);
  }

  /** @internal keep an asynchronous rotation until it settles; report its failure. */
  protected _track(p: Promise<void>): void {
    const tracked: Promise<void> = Promise.resolve(p).then(
      () => {
        this.#pending.delete(tracked);
      },
      (e: unknown) => {
        this.#pending.delete(tracked);
        this.handleError(null, e);
      },
    );
    this.#pending.add(tracked);
  }

  /** Asynchronous rotations (compression) still running. */
  get pendingRotations(): number {
    return this.#pending.size;
  }

  /** Flush the file, then wait for asynchronous rotations to finish. */
  override async flush(): Promise<void> {
    await super.flush();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Close the file, then wait for asynchronous rotations to finish. */
  override async close(): Promise<void> {
    await super.close();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
