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
  /** Fields merged into the record; keys that clash with record attributes are reported and skipped. */
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
    if (opts.exc_info !== undefined) this.exc_info = opts.exc_info;
    if (opts.extra !== undefined) this.extra = opts.extra;
    if (opts.stack_info !== undefined) this.stack_info = opts.stack_info;
    if (opts.stacklevel !== undefined) this.stacklevel = opts.stacklevel;
  }
}

/** Wrap a log call's keyword options so they are not mistaken for a format argument. */
export function kw(opts: LogOptions): LogKw {
  return new LogKw(opts);
}
