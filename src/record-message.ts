// A record's message as every formatter and wire encoder gets it. Python's
// `record.getMessage()` raises when `msg % args` fails and the handler then
// drops the record; logflume delivers it with a fallback text that keeps the
// format and every argument, and reports the fault to the handler at work.
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { lenientFormat, safeText } from './internal/pyformat.lenient.js';
import { MessageFormatError } from './errors.js';
import { reportLoggingError } from './internal/report.js';
import { firstFrameOutside } from './internal/caller.js';

/** What the message code needs of a record (kept structural: internal code does not import the record class). */
export interface MessageRecord {
  msg: unknown;
  args: unknown;
  name?: unknown;
  pathname?: unknown;
  lineno?: unknown;
  getMessage(): string;
}

/** Anything that takes fault reports as Handler.handleError does. */
export interface FaultSink {
  handleError(record: never, error?: unknown): void;
}

/**
 * The handler whose `handle()` is running (set and restored by Handler.handle),
 * so a fault found deep inside a formatter reaches that handler's handleError,
 * as a Python exception raised in `format()` reaches `emit()`'s except clause.
 */
export const activeHandler = { current: null as FaultSink | null };

/** The message of `record`: `getMessage()`, or the fallback text when it throws (the fault is reported). */
export function recordMessage(record: MessageRecord): string {
  try {
    return record.getMessage();
  } catch (e) {
    return fallbackMessage(record, e);
  }
}

/** The text a record is delivered with when `getMessage()` failed with `error`; reports unless the text is what a Node developer meant. */
export function fallbackMessage(record: MessageRecord, error: unknown): string {
  let text: string;
  let clean = false;
  let template = '';
  try {
    const msg = record.msg;
    template = typeof msg === 'string' ? msg : safeText(msg);
    const r = lenientFormat(template, record.args);
    text = r.text;
    clean = r.clean;
  } catch {
    text = template || '<unprintable message>';
  }
  if (!clean) reportMessageFault(record, error, text, template);
  return text;
}

function reportMessageFault(record: MessageRecord, error: unknown, text: string, template: string): void {
  try {
    const fault = new MessageFormatError(error, text, callSite(record), template, safeText);
    const sink = activeHandler.current;
    if (sink !== null) sink.handleError(record as never, fault);
    else reportLoggingError(fault, record, 'Formatter');
  } catch {
    /* a report must never throw into the code that logs */
  }
}

// this file sits in src/ (dist/ when built): every frame below that folder is logflume's
const PACKAGE_DIR = dirname(fileURLToPath(import.meta.url)) + '/';

/**
 * The log call's location: the record's own when caller information was
 * captured, else the first stack frame outside logflume (handlers run
 * synchronously inside the log call, so it is still on the stack).
 */
function callSite(record: MessageRecord): string | null {
  if (typeof record.pathname === 'string' && record.pathname !== '(unknown file)' && typeof record.lineno === 'number' && record.lineno > 0) {
    return `${record.pathname}:${record.lineno}`;
  }
  return firstFrameOutside(PACKAGE_DIR, callSite);
}
