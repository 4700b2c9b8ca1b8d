/**
 * One JSON log line → the attributes of a LogRecord, for `logflume pretty`.
 * Understands logflume's JsonFormatter (default and Python key names), pino
 * and bunyan; any other JSON object is shown with its fields.
 */
import { DEBUG, INFO, WARNING, ERROR, CRITICAL } from '../levels.js';

/** pino/bunyan numeric levels → logflume level numbers and names. */
const NUMERIC: ReadonlyArray<[number, number, string]> = [
  [60, CRITICAL, 'CRITICAL'],
  [50, ERROR, 'ERROR'],
  [40, WARNING, 'WARNING'],
  [30, INFO, 'INFO'],
  [20, DEBUG, 'DEBUG'],
  [10, 5, 'TRACE'],
];
const NAMES: Readonly<Record<string, [number, string]>> = {
  trace: [5, 'TRACE'],
  debug: [DEBUG, 'DEBUG'],
  info: [INFO, 'INFO'],
  warn: [WARNING, 'WARNING'],
  warning: [WARNING, 'WARNING'],
  error: [ERROR, 'ERROR'],
  fatal: [CRITICAL, 'CRITICAL'],
  critical: [CRITICAL, 'CRITICAL'],
};

/** Keys that are the line's frame, not its extra fields, per dialect. */
const FRAME = new Set(['time', 'created', 'timestamp', '@timestamp', 'level', 'levelname', 'levelno', 'logger', 'name', 'msg', 'message', 'err', 'error', 'exc_info', 'exc_text', 'stack', 'stack_info', 'v', 'hostname', 'pid', 'asctime', 'msecs']);

/** A parsed line: record attributes plus the extra fields to show. */
export interface ParsedLine {
  created: number;
  levelno: number;
  levelname: string;
  name: string;
  msg: string;
  /** Error text (stack with its causes), or null. */
  exc_text: string | null;
  stack_info: string | null;
  /** Every other field of the line, in order. */
  fields: Record<string, unknown>;
  process: number | null;
  hostname: string | null;
}

function level(v: unknown, fallback: unknown): [number, string] {
  if (typeof v === 'number' && Number.isFinite(v)) {
    for (const [p, n, name] of NUMERIC) if (v >= p) return [n, name];
    return [v, `Level ${v}`];
  }
  if (typeof v === 'string') {
    const hit = NAMES[v.toLowerCase()];
    if (hit) return hit;
    return [typeof fallback === 'number' ? fallback : INFO, v.toUpperCase()];
  }
  return [INFO, 'INFO'];
}

function time(o: Record<string, unknown>): number {
  const t = o.time ?? o.timestamp ?? o['@timestamp'] ?? o.created;
  if (typeof t === 'number') return t > 1e11 ? t / 1000 : t; // ms (pino) or seconds (Python's created)
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  return Date.now() / 1000;
}

/** An error object (logflume, pino, bunyan shapes) as text: its stack, then each cause. */
export function errorText(e: unknown, depth = 0): string {
  if (e === null || e === undefined) return '';
  if (typeof e !== 'object') return String(e);
  const o = e as Record<string, unknown>;
  const head = `${String(o.type ?? o.name ?? 'Error')}: ${String(o.message ?? '')}`;
  let text = typeof o.stack === 'string' && o.stack.length > 0 ? o.stack : head;
  if (depth < 8 && o.cause !== undefined && o.cause !== null) text += `\nCaused by: ${errorText(o.cause, depth + 1)}`;
  if (depth < 8 && Array.isArray(o.errors)) for (const x of o.errors) text += `\n  [member] ${errorText(x, depth + 1).replace(/\n/g, '\n  ')}`;
  return text;
}

/** Parse `line`; null when it is not a JSON object (then it is shown as it is). */
export function parseLine(line: string): ParsedLine | null {
  const t = line.trimStart();
  if (t[0] !== '{') return null;
  let o: unknown;
  try {
    o = JSON.parse(t);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const r = o as Record<string, unknown>;
  const [levelno, levelname] = r.levelname !== undefined ? level(r.levelname, r.levelno) : level(r.level ?? r.levelno, r.levelno);
  const msg = r.msg ?? r.message ?? '';
  const err = r.err ?? r.exc_info ?? r.error;
  let exc: string | null = null;
  if (err !== undefined && err !== null) exc = errorText(err);
  else if (typeof r.exc_text === 'string') exc = r.exc_text;
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(r)) if (!FRAME.has(k)) fields[k] = r[k];
  // bunyan's/pino's `name` is the logger name; logflume's is `logger`
  const name = typeof r.logger === 'string' ? r.logger : typeof r.name === 'string' ? r.name : '';
  const stack = typeof r.stack === 'string' ? r.stack : typeof r.stack_info === 'string' ? r.stack_info : null;
  return {
    created: time(r),
    levelno,
    levelname,
    name,
    msg: typeof msg === 'string' ? msg : JSON.stringify(msg),
    exc_text: exc,
    stack_info: stack,
    fields,
    process: typeof r.pid === 'number' ? r.pid : null,
    hostname: typeof r.hostname === 'string' ? r.hostname : null,
  };
}
