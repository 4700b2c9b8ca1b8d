import { writeSync } from 'node:fs';
import { settings } from './runtime.js';
import { formatThrown } from './exc-format.js';
import { pyRepr } from './pyformat.js';

/** @internal where diagnostics go; tests swap `write` to capture them. */
export const diagnostics = {
  write(text: string): void {
    writeSync(2, text);
  },
};

/**
 * Write diagnostics straight to fd 2, synchronously, never through logging
 * (a handler error must not recurse into handlers) and never throwing.
 */
export function writeStderr(text: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      diagnostics.write(text);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

function safeGet(o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return '<unreadable>';
  }
}

function safeRepr(v: unknown): string {
  try {
    return pyRepr(v);
  } catch {
    return '<unprintable>';
  }
}

/**
 * What makes two failures "the same fault" for rate limiting: the error's code
 * (or class) and its message with numbers blanked, so a burst of ENOSPC writes
 * or of one HTTP status is one fault, while a different failure is reported.
 */
export function errorKey(error: unknown): string {
  try {
    if (error === null || typeof error !== 'object') return `${typeof error}:${String(error).slice(0, 80)}`;
    const e = error as { code?: unknown; name?: unknown; message?: unknown; constructor?: { name?: string }; faultKey?: unknown };
    if (typeof e.faultKey === 'string') return e.faultKey;
    const msg = typeof e.message === 'string' ? e.message.slice(0, 120).replace(/\d+/g, '#') : '';
    return `${String(e.code ?? e.constructor?.name ?? e.name ?? 'Error')}:${msg}`;
  } catch {
    return 'unreadable error';
  }
}

/**
 * Whether `error` is about the destination (a system error with an errno-style
 * code such as ENOSPC, EPIPE, ECONNREFUSED) rather than about the record: a
 * destination fault repeats for every record whatever its call site, so it is
 * one fault; a record fault (a bad format, a throwing toString) is one fault
 * per call site.
 */
export function isDestinationFault(error: unknown): boolean {
  try {
    const code = (error as { code?: unknown } | null)?.code;
    // errno-style only: Node's own ERR_* codes (ERR_INVALID_ARG_TYPE) are about a value, not a destination
    return typeof code === 'string' && /^E(?!RR_)[A-Z0-9_]+$/.test(code);
  } catch {
    return false;
  }
}

/**
 * Python's "--- Logging error ---" report: the error, then the record's
 * message and arguments. Only printed while `settings.raiseExceptions` is true.
 */
export function reportLoggingError(error: unknown, record: { msg?: unknown; args?: unknown } | null, where?: string, note?: string): void {
  if (!settings.raiseExceptions) return;
  let text: string;
  try {
    text = reportText(error, record, where, note);
  } catch {
    text = '--- Logging error ---\n(the error could not be described)\n';
  }
  writeStderr(text);
}

function reportText(error: unknown, record: { msg?: unknown; args?: unknown } | null, where?: string, note?: string): string {
  let text = '--- Logging error ---\n' + formatThrown(error) + '\n';
  if (where) text += `In: ${where}\n`;
  if (note) text += note + '\n';
  if (record) text += `Message: ${safeRepr(safeGet(record, 'msg'))}\nArguments: ${safeRepr(safeGet(record, 'args'))}\n`;
  return text;
}
