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
  if (error === null || typeof error !== 'object') return `${typeof error}:${String(error).slice(0, 80)}`;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; constructor?: { name?: string } };
  const msg = typeof e.message === 'string' ? e.message.slice(0, 120).replace(/\d+/g, '#') : '';
  return `${String(e.code ?? e.constructor?.name ?? e.name ?? 'Error')}:${msg}`;
}

/**
 * Python's "--- Logging error ---" report: the error, then the record's
 * message and arguments. Only printed while `settings.raiseExceptions` is true.
 */
export function reportLoggingError(error: unknown, record: { msg?: unknown; args?: unknown } | null, where?: string, note?: string): void {
  if (!settings.raiseExceptions) return;
  let text = '--- Logging error ---\n' + formatThrown(error) + '\n';
  if (where) text += `In: ${where}\n`;
  if (note) text += note + '\n';
  if (record) text += `Message: ${safeRepr(record.msg)}\nArguments: ${safeRepr(record.args)}\n`;
  writeStderr(text);
}
