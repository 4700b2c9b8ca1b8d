import type { LogRecord } from './log-record.js';
import {
  compilePercentStyle,
  compileBraceStyle,
  compileDollarStyle,
  validateFormat,
  percentFormat,
  PyFormatError,
  type CompiledFormat,
} from './internal/pyformat.js';
import { localtime, makeTimeFormatter, strftime, zoneGeneration, type Converter } from './internal/time/index.js';
import { formatThrown } from './internal/exc-format.js';
import { callerInfo, CALLER_FIELDS } from './internal/caller.js';
import { ConfigError } from './errors.js';
import { recordMessage } from './record-message.js';
import { checkOptions, type OptionSpec } from './check-options.js';

/** The three format styles of Python's logging. */
export type FormatStyle = '%' | '{' | '$';

/** Options of {@link Formatter}; positional arguments are accepted too, as in Python. */
/** @internal the keys of FormatterOptions and their kinds (checked at construction; keep in step with the interface). */
export const FORMATTER_OPTIONS: OptionSpec = { fmt: 'string', datefmt: 'string', style: ['%', '{', '$'], validate: 'boolean', defaults: 'object', escape: ['none', 'control'] };

export interface FormatterOptions {
  fmt?: string | null;
  datefmt?: string | null;
  style?: FormatStyle;
  validate?: boolean;
  defaults?: Record<string, unknown> | null;
  /**
   * 'control' escapes control characters in the record's string fields before
   * they enter the line (`\n` → `\\n`, ESC → `\\x1b`, …), so untrusted text
   * cannot forge log lines or send terminal escapes; exception and stack text
   * keep their newlines. Default 'none', as Python.
   */
  escape?: 'none' | 'control';
}

interface TimeCache {
  created: number;
  datefmt: string | null;
  converter: Converter | null;
  msecFormat: string | null;
  timeFormat: string;
  zoneGen: number;
  msecs: number;
  text: string;
}

const DEFAULT_FMT: Record<FormatStyle, string> = { '%': '%(message)s', '{': '{message}', $: '${message}' };
const DEFAULT_MSEC_FORMAT = '%s,%03d';
const DEFAULT_TIME_FORMAT = '%Y-%m-%d %H:%M:%S';

/**
 * Turns a LogRecord into text (Python's `logging.Formatter`). The format string
 * is compiled once, at construction, into a render function; the time text is
 * cached per second. Override `formatTime`, `formatException`, `formatStack` or
 * `formatMessage` to change one part.
 *
 * @example new Formatter('%(asctime)s %(levelname)-8s %(name)s %(message)s')
 * @throws ConfigError when `validate` is on and the format is invalid for its style.
 */
export class Formatter {
  /** The format string in effect (Python's `_fmt`). */
  readonly _fmt: string;
  datefmt: string | null;
  readonly style: FormatStyle;
  // The three class-level defaults live on the prototype, as Python's class attributes:
  // `Formatter.prototype.converter = gmtime` (or a subclass's prototype value, or a static
  // such as `static default_time_format = '%H:%M'`) applies to every formatter that does
  // not set its own; assigning on an instance sets that formatter's own.
  /** Python's `converter`: `localtime` (default) or `gmtime` for UTC. */
  declare converter: Converter;
  /** Python's `default_time_format`. */
  declare default_time_format: string;
  /** Python's `default_msec_format`; null drops the milliseconds. */
  declare default_msec_format: string | null;
  readonly #compiled: CompiledFormat;
  readonly #defaults: Record<string, unknown> | null;
  readonly #usesTime: boolean;
  #timeFn: ((secs: number) => string) | null = null;
  #timeFnKey: unknown[] = [];

  /** 'control' escapes control characters in record fields (see FormatterOptions.escape). */
  escape: 'none' | 'control' = 'none';

  constructor(fmt?: string | null | FormatterOptions, datefmt?: string | null, style?: FormatStyle, validate?: boolean, defaults?: Record<string, unknown> | null) {
    let escape: FormatterOptions['escape'];
    if (new.target !== Formatter && !STATICS_SEEN.has(new.target)) adoptStaticDefaults(new.target);
    if (fmt !== null && typeof fmt === 'object') {
      if (new.target === Formatter) checkOptions('Formatter', fmt, FORMATTER_OPTIONS);
      ({ fmt, datefmt, style, validate, defaults, escape } = fmt);
    } else if (fmt !== undefined && fmt !== null && typeof fmt !== 'string') {
      throw new ConfigError(`Formatter: fmt must be a format string or an options object, got ${typeof fmt}`, { code: 'ERR_LOGFLUME_OPTION' });
    }
    if (escape !== undefined) {
      if (escape !== 'none' && escape !== 'control') throw new ConfigError(`escape must be 'none' or 'control' (got ${JSON.stringify(escape)})`, { code: 'ERR_LOGFLUME_FORMAT' });
      this.escape = escape;
    }
    style ??= '%';
    if (style !== '%' && style !== '{' && style !== '$') {
      throw new ConfigError(`Style must be one of: %,{,$ (got ${JSON.stringify(style)})`, { code: 'ERR_LOGFLUME_FORMAT' });
    }
    // Python's `fmt or default`: '' is the default format too
    const text = fmt || DEFAULT_FMT[style];
    this._fmt = text;
    this.style = style;
    this.datefmt = datefmt ?? null;
    this.#defaults = defaults ?? null;
    try {
      if (validate ?? true) {
        validateFormat(text, style);
      }
      this.#compiled = style === '%' ? compilePercentStyle(text) : style === '{' ? compileBraceOrDefer(text) : compileDollarStyle(text);
    } catch (e) {
      if (e instanceof PyFormatError) throw new ConfigError(e.message, { cause: e, code: 'ERR_LOGFLUME_FORMAT' });
      throw e;
    }
    this.#usesTime = usesTimeText(text, style);
    // Compile the date format and load the time zone now, not on the first record.
    if (this.#usesTime) this.#timeFunction(this.datefmt || null)(Date.now() / 1000);
    for (const f of this.#compiled.fields) if (CALLER_FIELDS.has(f)) callerInfo.usedByFormat = true;
  }

  /** Field names the format refers to, in order. */
  get fields(): readonly string[] {
    return this.#compiled.fields;
  }

  /** Whether the format needs `asctime` (Python's `usesTime`). */
  usesTime(): boolean {
    return this.#usesTime;
  }

  /**
   * The record's creation time as text. Override for other clocks. Uses
   * `datefmt` (strftime directives) or Python's default `YYYY-MM-DD HH:MM:SS,mmm`.
   */
  formatTime(record: LogRecord, datefmt: string | null = null): string {
    // Python's `if datefmt:` — '' means the default format, as null does
    if (!datefmt) datefmt = null;
    const created = record.created;
    // Thousands of records share a millisecond: reuse the text while nothing it depends on changed.
    const c = this.#timeCache;
    if (
      created === c.created &&
      datefmt === c.datefmt &&
      this.converter === c.converter &&
      this.default_msec_format === c.msecFormat &&
      this.default_time_format === c.timeFormat &&
      zoneGeneration === c.zoneGen &&
      record.msecs === c.msecs
    ) {
      return c.text;
    }
    const text = this.#formatTimeUncached(record, created, datefmt);
    c.created = created;
    c.datefmt = datefmt;
    c.converter = this.converter;
    c.msecFormat = this.default_msec_format;
    c.timeFormat = this.default_time_format;
    c.zoneGen = zoneGeneration;
    c.msecs = record.msecs;
    c.text = text;
    return text;
  }

  #timeCache: TimeCache = { created: NaN, datefmt: null, converter: null, msecFormat: null, timeFormat: '', zoneGen: -1, msecs: NaN, text: '' };

  #formatTimeUncached(record: LogRecord, created: number, datefmt: string | null): string {
    if (datefmt !== null && datefmt !== (this.datefmt || null)) {
      return strftime(datefmt, this.converter(created));
    }
    const fn = this.#timeFunction(datefmt);
    if (datefmt !== null) return fn(created);
    const t = fn(created);
    const mf = this.default_msec_format;
    if (mf === null) return t;
    if (mf === DEFAULT_MSEC_FORMAT) return t + ',' + pad3(record.msecs);
    return percentFormat(mf, [t, record.msecs]);
  }

  #timeFunction(datefmt: string | null): (secs: number) => string {
    const key = this.#timeFnKey;
    const fmt = datefmt ?? this.default_time_format;
    if (this.#timeFn === null || key[0] !== fmt || key[1] !== this.converter) {
      this.#timeFn = makeTimeFormatter(fmt, this.converter);
      this.#timeFnKey = [fmt, this.converter];
    }
    return this.#timeFn;
  }

  /** Text of an exception: JS stack plus its `cause` chain. Override to change it. */
  formatException(ei: unknown): string {
    return formatThrown(ei);
  }

  /** Text of `stack_info`; returned unchanged by default. Override to change it. */
  formatStack(stackInfo: string): string {
    return stackInfo;
  }

  /** Apply the compiled format to the record's attributes (plus `defaults`). */
  formatMessage(record: LogRecord): string {
    let values = record as unknown as Record<string, unknown>;
    const defaults = this.#defaults;
    if (defaults !== null) {
      // Python: defaults | record.__dict__ — the record wins; a prototype view keeps escaped fields visible
      values = Object.create(record) as Record<string, unknown>;
      for (const k in defaults) if (!(k in record)) values[k] = defaults[k];
    }
    try {
      return this.#compiled.render(values);
    } catch (e) {
      if (e instanceof PyFormatError && e.pyType === 'KeyError') {
        throw new PyFormatError('ValueError', `Formatting field not found in record: ${e.message}`);
      }
      throw e;
    }
  }

  /**
   * The full text for a record: message, time if used, the formatted line, then
   * exception and stack text on their own lines. Caches `exc_text` on the record.
   */
  format(record: LogRecord): string {
    record.message = recordMessage(record);
    if (this.#usesTime) record.asctime = this.formatTime(record, this.datefmt);
    let s = this.formatMessage(this.escape === 'control' ? escapedView(record) : record);
    if (record.exc_info !== null && record.exc_info !== undefined && record.exc_info !== false) {
      if (!record.exc_text) record.exc_text = this.formatException(record.exc_info);
    }
    // Python's `if s[-1:] != "\n"`: an empty line still gets the newline before the exception text
    if (record.exc_text) {
      if (!s.endsWith('\n')) s += '\n';
      s += record.exc_text;
    }
    if (record.stack_info) {
      if (!s.endsWith('\n')) s += '\n';
      s += this.formatStack(record.stack_info);
    }
    return s;
  }
}

Formatter.prototype.converter = localtime;
Formatter.prototype.default_time_format = DEFAULT_TIME_FORMAT;
Formatter.prototype.default_msec_format = DEFAULT_MSEC_FORMAT;

const CLASS_DEFAULTS = ['converter', 'default_time_format', 'default_msec_format'] as const;
const STATICS_SEEN = new WeakSet<object>();

/**
 * A subclass that declares a default as a static (`static converter = gmtime`) gets it as
 * its prototype's value, once, at its first construction — unless its prototype already
 * has its own; the nearest class in the chain wins, as Python's attribute lookup.
 */
function adoptStaticDefaults(cls: abstract new (...args: never[]) => unknown): void {
  STATICS_SEEN.add(cls);
  const resolved = new Set<string>();
  for (let c: unknown = cls; c !== Formatter && typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const statics = c as unknown as Record<string, unknown> & { prototype: object };
    for (const k of CLASS_DEFAULTS) {
      if (resolved.has(k)) continue;
      if (Object.hasOwn(statics.prototype, k)) resolved.add(k);
      else if (Object.hasOwn(statics, k)) {
        Object.defineProperty(statics.prototype, k, { value: statics[k], writable: true, configurable: true, enumerable: false });
        resolved.add(k);
      }
    }
  }
}

/**
 * Python's validate accepts positional fields ('{0}') and fails only when a
 * record is formatted (IndexError, reported through handleError); keep that.
 */
function compileBraceOrDefer(text: string): CompiledFormat {
  try {
    return compileBraceStyle(text);
  } catch (e) {
    if (e instanceof PyFormatError && e.message.startsWith('Replacement index')) {
      return {
        fields: [],
        render: () => {
          throw e;
        },
      };
    }
    throw e;
  }
}

const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/;
const CONTROL_G = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\v': '\\v', '\f': '\\f', '\b': '\\b', '\0': '\\0' };

/** Control characters as visible escapes: a newline in a field can no longer start a forged line. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL_G, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0') : '\\u' + c.charCodeAt(0).toString(16)));
}

/** The record seen through escaped copies of its string fields (the record itself is not changed). */
function escapedView(record: LogRecord): LogRecord {
  let view: Record<string, unknown> | null = null;
  const r = record as unknown as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    const v = r[k];
    if (typeof v === 'string' && CONTROL.test(v)) (view ??= Object.create(record) as Record<string, unknown>)[k] = escapeControl(v);
  }
  return (view as unknown as LogRecord) ?? record;
}

/** Python's '%03d' of msecs; negative before the epoch ('-250', '-05'), as Python's `%03d` of -250.0. */
function pad3(n: number): string {
  const i = Math.trunc(n);
  if (i < 0) return i <= -10 ? String(i) : '-0' + -i;
  return i >= 100 ? String(i) : i >= 10 ? '0' + i : '00' + i;
}

function usesTimeText(fmt: string, style: FormatStyle): boolean {
  if (style === '%') return fmt.includes('%(asctime)');
  if (style === '{') return fmt.includes('{asctime');
  return fmt.includes('$asctime') || fmt.includes('${asctime}');
}

let theDefault: Formatter | undefined;

/**
 * The formatter every handler without its own uses (Python's `_defaultFormatter`).
 * Made on first use: compiling it at import was ≈ 1.5 ms of every process start.
 */
export function defaultFormatter(): Formatter {
  return (theDefault ??= new Formatter());
}
