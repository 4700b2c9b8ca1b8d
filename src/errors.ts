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
