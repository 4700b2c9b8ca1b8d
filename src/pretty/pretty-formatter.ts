import { Formatter, type FormatterOptions } from '../formatter.js';
import { RECORD_ATTRIBUTES, hasOnlyStandardKeys, standardPrefixLength, type LogRecord } from '../log-record.js';

const STANDARD = new Set([...RECORD_ATTRIBUTES, 'message', 'asctime']);
import { gmtime, localtime } from '../internal/time/index.js';
import { DEBUG, INFO, WARNING, ERROR, CRITICAL } from '../levels.js';

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const DIM = `${ESC}2m`;
const CYAN = `${ESC}36m`;
function levelColor(n: number): string {
  if (n >= CRITICAL) return `${ESC}1;41;97m`;
  if (n >= ERROR) return `${ESC}31m`;
  if (n >= WARNING) return `${ESC}33m`;
  if (n >= INFO) return `${ESC}32m`;
  if (n >= DEBUG) return `${ESC}34m`;
  return `${ESC}90m`;
}

/** Options of {@link PrettyFormatter}. */
export interface PrettyFormatterOptions extends FormatterOptions {
  /** ANSI colours. Default false. */
  colors?: boolean;
  /** Times in UTC instead of local time. Default false. */
  utc?: boolean;
  /** Show the record's extra fields as `key=value`. Default true. */
  fields?: boolean;
}

/**
 * A human-friendly line per record, for terminals and `logflume pretty`:
 * `12:00:00.123 WARNING app: disk low free=3`, then the exception (its
 * stack and causes) indented below. With `fmt` it is a plain Formatter with
 * that Python format (extras usable as `%(key)s`), coloured level names
 * aside.
 */
export class PrettyFormatter extends Formatter {
  readonly colors: boolean;
  readonly showFields: boolean;
  readonly #custom: boolean;

  constructor(options: PrettyFormatterOptions = {}) {
    super({ ...options, fmt: options.fmt ?? '%(asctime)s %(levelname)s %(name)s: %(message)s', datefmt: options.datefmt ?? '%H:%M:%S' });
    this.#custom = options.fmt != null;
    this.colors = options.colors ?? false;
    this.showFields = options.fields ?? true;
    this.converter = options.utc ? gmtime : localtime;
    this.#zone = options.utc && options.datefmt === undefined ? 'Z' : '';
  }
  readonly #zone: string;

  override format(record: LogRecord): string {
    if (this.#custom) return this.colors ? this.#colorLevel(super.format(record), record) : super.format(record);
    const c = this.colors;
    const time = `${this.formatTime(record, this.datefmt)}.${String(Math.floor(record.msecs)).padStart(3, '0')}${this.#zone}`;
    const lvl = record.levelname.padEnd(7);
    let s = c ? `${DIM}${time}${RESET} ${levelColor(record.levelno)}${lvl}${RESET}` : `${time} ${lvl}`;
    if (record.name) s += c ? ` ${CYAN}${record.name}${RESET}:` : ` ${record.name}:`;
    s += ' ' + record.getMessage();
    if (this.showFields && !hasOnlyStandardKeys(record)) {
      const rec = record as unknown as Record<string, unknown>;
      const keys = Object.keys(rec);
      for (let i = standardPrefixLength(keys); i < keys.length; i++) {
        const k = keys[i]!;
        if (STANDARD.has(k)) continue;
        let v: string;
        try {
          const x = rec[k];
          v = typeof x === 'string' && x.length > 0 && !/[\s"=]/.test(x) ? x : (JSON.stringify(x) ?? String(x));
        } catch {
          v = '[unprintable]';
        }
        s += c ? ` ${DIM}${k}=${RESET}${v}` : ` ${k}=${v}`;
      }
    }
    let exc = record.exc_text;
    const ei = record.exc_info;
    if (!exc && ei !== null && ei !== undefined && ei !== false && ei !== true) exc = record.exc_text = this.formatException(ei);
    if (exc) s += '\n' + indent(exc, c);
    if (record.stack_info) s += '\n' + indent(record.stack_info, c);
    return s;
  }

  #colorLevel(text: string, record: LogRecord): string {
    const name = record.levelname;
    const i = text.indexOf(name);
    return i < 0 ? text : text.slice(0, i) + levelColor(record.levelno) + name + RESET + text.slice(i + name.length);
  }
}

function indent(text: string, colors: boolean): string {
  const body = text.replace(/\n$/, '').split('\n').map((l) => '    ' + l).join('\n');
  return colors ? `${ESC}31m${body}${RESET}` : body;
}
