import * as path from 'node:path';
import { BaseRotatingHandler, BASE_ROTATING_OPTIONS, type BaseRotatingHandlerOptions } from './base-rotating-handler.js';
import { checkOptions, type OptionSpec } from '../check-options.js';
import { strftime } from '../internal/time/index.js';
import type { LogRecord } from '../log-record.js';
import {
  parseWhen,
  normalizeAtTime,
  computeRolloverTime,
  rolloverNameTime,
  selectFilesToDelete,
  type AtTime,
  type RolloverParams,
} from './timed-rotating-file-handler.compute.js';

/** Options of {@link TimedRotatingFileHandler}. */
const TIMED_OPTIONS: OptionSpec = { ...BASE_ROTATING_OPTIONS, when: 'string', interval: 'number', backupCount: 'integer', utc: 'boolean', atTime: 'any' };

export interface TimedRotatingFileHandlerOptions extends Omit<BaseRotatingHandlerOptions, 'mode'> {
  /** S, M, H, D, midnight or W0–W6 (Monday = 0), case-insensitive; default 'h'. */
  when?: string;
  /** Units of `when` between rollovers (default 1). */
  interval?: number;
  /** How many rotated files to keep; 0 (default) keeps all. */
  backupCount?: number;
  /** Use UTC instead of local time for boundaries and names. */
  utc?: boolean;
  /** Time of day for midnight/W rollovers: `{hour, minute, second}` or "HH:MM[:SS]". */
  atTime?: AtTime | string | null;
}

/**
 * A file that rolls over on a clock (Python's
 * `logging.handlers.TimedRotatingFileHandler`, 3.11 semantics): at each
 * boundary `app.log` becomes `app.log.<suffix>` where the suffix is the start
 * of the interval formatted with `suffix` (`%Y-%m-%d_%H-%M-%S` or its leading
 * part), and with `backupCount` > 0 the oldest files matching this handler's
 * own pattern are deleted. The first boundary counts from the existing file's
 * modification time. Local-time boundaries follow the process TZ on the wall clock,
 * DST included; unlike CPython 3.11, a rollover never deletes or overwrites an
 * earlier rotated file (see docs/python-mapping.md).
 *
 * The per-record check is one comparison against `rolloverAt` (a clock read,
 * no syscall).
 *
 * @example new TimedRotatingFileHandler('app.log', { when: 'midnight', backupCount: 7 })
 * @example new TimedRotatingFileHandler('app.log', 'W0', 1, 4) // Python's positional order
 * @throws ConfigError for an invalid `when`/`atTime` or a file that cannot be opened.
 */
export class TimedRotatingFileHandler extends BaseRotatingHandler {
  /** Upper-cased `when`. */
  when: string;
  /** Seconds between rollovers. */
  interval: number;
  backupCount: number;
  utc: boolean;
  atTime: Required<AtTime> | null;
  /** strftime pattern of rotated names. */
  suffix: string;
  /** Pattern of the suffix part that makes a file one of ours. */
  extMatch: RegExp;
  /** 0 = Monday … 6 = Sunday for W0–W6. */
  dayOfWeek: number;
  /** Next rollover, in whole seconds since the epoch. */
  rolloverAt: number;

  constructor(
    filename: string | URL,
    when?: string | TimedRotatingFileHandlerOptions,
    interval = 1,
    backupCount = 0,
    encoding?: string | null,
    delay?: boolean,
    utc?: boolean,
    atTime?: AtTime | string | null,
    errors?: string | null,
  ) {
    const opts: TimedRotatingFileHandlerOptions =
      typeof when === 'object' && when !== null ? when : { when: when ?? 'h', interval, backupCount, encoding, delay, utc, atTime, errors };
    if (new.target === TimedRotatingFileHandler) checkOptions('TimedRotatingFileHandler', opts, TIMED_OPTIONS);
    super(filename, 'a', opts);
    const spec = parseWhen(opts.when ?? 'h');
    this.when = spec.when;
    this.suffix = spec.suffix;
    this.extMatch = spec.extMatch;
    this.dayOfWeek = spec.dayOfWeek;
    this.interval = spec.unit * (opts.interval ?? 1);
    this.backupCount = opts.backupCount ?? 0;
    this.utc = opts.utc ?? false;
    this.atTime = normalizeAtTime(opts.atTime);
    this._openAtConstruction();
    const st = this._fs.stat(this.baseFilename);
    this.rolloverAt = this.computeRollover(st !== null ? st.mtime : this._time());
  }

  /** Whole seconds since the epoch (Python's `int(time.time())`). Override to drive the handler from another clock. */
  protected _time(): number {
    return Math.floor(Date.now() / 1000);
  }

  #params(): RolloverParams {
    return { when: this.when, interval: this.interval, utc: this.utc, atTime: this.atTime, dayOfWeek: this.dayOfWeek };
  }

  /**
   * The next rollover strictly after `currentTime` (whole seconds): CPython 3.11's
   * result wherever no DST change or multi-day midnight/W interval is involved, and the
   * wall-clock-correct time (as CPython after the gh-88352 fix) where 3.11 is off by an
   * hour or a day. Override to schedule differently.
   */
  computeRollover(currentTime: number): number {
    return computeRolloverTime(currentTime, this.#params());
  }

  /**
   * True once the clock reaches `rolloverAt`. A base path that is not a
   * regular file is never rotated; its next check is pushed one interval on.
   */
  override shouldRollover(_record: LogRecord): boolean {
    const t = this._time();
    if (t < this.rolloverAt) return false;
    const st = this._fs.stat(this.baseFilename);
    if (st !== null && !st.isFile) {
      this.rolloverAt = this.computeRollover(t);
      return false;
    }
    return true;
  }

  /**
   * Rotated files of this handler that retention removes: names with this
   * handler's prefix and a suffix part matching `extMatch`, oldest first,
   * leaving the newest `backupCount`. A neighbour such as `app.log.bak` never
   * matches. Override to choose differently.
   */
  getFilesToDelete(): string[] {
    const dir = path.dirname(this.baseFilename);
    const names = this._fs.readdir(dir);
    return selectFilesToDelete(names, path.basename(this.baseFilename), this.extMatch, this.backupCount, this.namer !== null).map((n) => path.join(dir, n));
  }

  /**
   * Rotate to `app.log.<start of interval>`, delete what retention selects,
   * reopen (unless `delay`) and schedule the next rollover. A rotated file is never
   * overwritten: when the name is taken (the repeated hour of a DST fall-back, another
   * process, a clock set back) the file goes to the first free `<name>.1`, `<name>.2`, …
   * (Python 3.11 deletes the earlier file; 3.13 skips the rollover).
   */
  override doRollover(): void {
    const s = this.stream;
    this.stream = null;
    s?.close();
    const currentTime = this._time();
    const p = this.#params();
    const base = `${this.baseFilename}.${strftime(this.suffix, rolloverNameTime(this.rolloverAt, p))}`;
    let dfn = this.rotationFilename(base);
    for (let n = 1; this._fs.exists(dfn); n++) {
      if (n > MAX_SAME_NAME) throw new Error(`TimedRotatingFileHandler: ${MAX_SAME_NAME} rotated files already named ${base}[.N]; not rotating`);
      dfn = this.rotationFilename(`${base}.${n}`);
    }
    this._rotate(this.baseFilename, dfn);
    if (this.backupCount > 0) {
      for (const f of this.getFilesToDelete()) if (f !== dfn) this._fs.unlink(f);
    }
    if (!this.delay) this.stream = this._open();
    this.rolloverAt = this.computeRollover(currentTime);
  }
}

/** Bound of the `.N` search for a free rotated name; past it the rollover fails (reported via handleError, the record still goes to the current file). */
const MAX_SAME_NAME = 10000;
