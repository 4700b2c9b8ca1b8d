/**
 * Errors thrown by logflume at configuration time (never from a log call).
 * Each carries a stable `code` and a `Symbol.for` brand so `instanceof` works
 * across duplicate copies of the package in one process.
 */
const BRAND = Symbol.for('logflume.error');

/** Base class of every error logflume throws; `code` is stable across versions. */
export class LoggingError extends Error {
  /** A stable identifier such as `ERR_LOGFLUME_LEVEL`. */
  readonly code: string;
  constructor(message: string, code = 'ERR_LOGFLUME', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoggingError';
    this.code = code;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }
  static override [Symbol.hasInstance](obj: unknown): boolean {
    if (this === LoggingError) {
      return typeof obj === 'object' && obj !== null && (obj as Record<symbol, unknown>)[BRAND] === true;
    }
    return Function.prototype[Symbol.hasInstance].call(this, obj);
  }
}

/** A configuration value is wrong; the message names the offending key path. */
export class ConfigError extends LoggingError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.code ?? 'ERR_LOGFLUME_CONFIG', options);
    this.name = 'ConfigError';
  }
}

/** A level name or value that is not known (Python raises ValueError/TypeError). */
export class LevelError extends LoggingError {
  constructor(message: string) {
    super(message, 'ERR_LOGFLUME_LEVEL');
    this.name = 'LevelError';
  }
}

/**
 * A record's message could not be made by `msg % args`; the record was
 * delivered with the fallback text (`delivered`). `cause` is Python's error.
 */
export class MessageFormatError extends LoggingError {
  /** The text the record went out with. */
  readonly delivered: string;
  /** `file:line` of the log call, when it could be found. */
  readonly site: string | null;
  /** What makes a repeat of this fault the same fault (error kind, format, call site). */
  readonly faultKey: string;
  constructor(cause: unknown, delivered: string, site: string | null, template: string, text: (v: unknown) => string = String) {
    const what = describeCause(cause, text);
    super(
      `the message could not be formatted (${what})${site !== null ? ` at ${site}` : ''}; the record was delivered as ${JSON.stringify(delivered.length > 200 ? delivered.slice(0, 200) + '…' : delivered)}`,
      'ERR_LOGFLUME_MESSAGE_FORMAT',
      { cause },
    );
    this.name = 'MessageFormatError';
    // where the call was made is what helps; logflume's own frames do not
    this.stack = `MessageFormatError: ${this.message}${site !== null ? `\n    at ${site}` : ''}`;
    this.delivered = delivered;
    this.site = site;
    // the call site when known: a template carrying appended or interpolated values
    // (`user ${id}: %d`) is still one fault repeating, not a new one per call
    this.faultKey = `${what.slice(0, 120)}|${site ?? template.slice(0, 120)}`;
  }
}

function describeCause(cause: unknown, text: (v: unknown) => string): string {
  try {
    return cause instanceof Error ? `${(cause as { pyType?: string }).pyType ?? cause.name}: ${cause.message}` : text(cause);
  } catch {
    return 'an error that cannot be shown';
  }
}
