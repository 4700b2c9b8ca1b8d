import { reportLoggingError } from './internal/report.js';

/**
 * Python's keyword arguments of a log call. JavaScript has no keyword
 * arguments, so they travel as a trailing argument made by {@link kw}:
 *
 * ```ts
 * log.error('upload %s failed', id, kw({ exc_info: err, extra: { userId } }));
 * ```
 */
export interface LogOptions {
  /** An Error (or any thrown value) to print with the record; `true` picks the message or last argument that is an Error. */
  exc_info?: unknown;
  /** Fields merged into the record; a key that clashes with a record attribute is reported and kept with `_` appended (`name_`). */
  extra?: Record<string, unknown> | null;
  /** Add the call stack to the record. */
  stack_info?: boolean;
  /** Which caller to report as the record's origin: 1 = the function that called the log method. */
  stacklevel?: number;
}

/** Marks an object as a log call's options (see {@link kw}). */
export class LogKw implements LogOptions {
  exc_info?: unknown;
  extra?: Record<string, unknown> | null;
  stack_info?: boolean;
  stacklevel?: number;
  constructor(opts: LogOptions) {
    // each option read on its own and never throwing: kw() is part of a log call's statement
    const v = (key: keyof LogOptions): unknown => {
      try {
        return opts[key];
      } catch (e) {
        reportLoggingError(e, null, `kw(): option '${key}' cannot be read; the call is logged without it`);
        return undefined;
      }
    };
    const exc = v('exc_info');
    if (exc !== undefined) this.exc_info = exc;
    const extra = v('extra');
    if (extra !== undefined) this.extra = extra as Record<string, unknown> | null;
    const si = v('stack_info');
    if (si !== undefined) this.stack_info = si as boolean;
    const sl = v('stacklevel');
    if (sl !== undefined) this.stacklevel = sl as number;
  }
}

/** Wrap a log call's keyword options so they are not mistaken for a format argument. */
export function kw(opts: LogOptions): LogKw {
  return new LogKw(opts);
}
