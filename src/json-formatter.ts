import { Formatter, type FormatStyle } from './formatter.js';
import { LogRecord, RECORD_ATTRIBUTES, standardPrefixLength, hasOnlyStandardKeys } from './log-record.js';
import { ConfigError } from './errors.js';
import { checkOptions, type OptionSpec } from './check-options.js';
import { errorToJson, objectLine, valueJson, keyJson, NEEDS_ESCAPE, DEFAULT_MAX_FIELD_LENGTH } from './json-formatter.serialize.js';
import { Redactor, REMOVED, type RedactorOptions } from './redactor.js';
import { applySerializer, globalSerializerMap, type Serializer } from './serializers.js';
import { recordMessage } from './record-message.js';
import { isError } from './internal/exc-format.js';

/** How JsonFormatter renders `created`. */
export type JsonTimeFormat = 'iso' | 'epoch' | 'epochMillis' | 'asctime';

/** Options of {@link JsonFormatter}. Every option is optional. */
// the keys of JsonFormatterOptions, checked at construction: keep in step with the interface
const JSON_FORMATTER_OPTIONS: OptionSpec = {
  fields: 'array',
  fmt: 'string',
  style: ['%', '{', '$'],
  datefmt: 'string',
  rename: 'object',
  time: ['iso', 'epoch', 'epochMillis', 'asctime'],
  extra: 'boolean',
  staticFields: 'object',
  defaults: 'object',
  maxDepth: 'integer',
  redact: 'object',
  serializers: 'object',
  maxFieldLength: 'integer',
};

export interface JsonFormatterOptions {
  /**
   * Record attributes to emit, in this order. Default
   * `['created', 'levelname', 'name', 'message']`. Any record attribute works,
   * plus `message` (the merged message) and `asctime` (formatTime).
   */
  fields?: readonly string[];
  /**
   * A Python-style format whose fields become `fields` (as python-json-logger
   * reads `'%(asctime)s %(levelname)s %(message)s'`); keys then keep their
   * Python spelling unless `rename` says otherwise. Ignored when `fields` is set.
   */
  fmt?: string | null;
  /** Style of `fmt` (%, { or $). */
  style?: FormatStyle;
  /** strftime format for `asctime` (and for `created` when `time` is 'asctime'). */
  datefmt?: string | null;
  /**
   * Output key for a record attribute. Merged over the defaults
   * `{ created: 'time', levelname: 'level', name: 'logger', message: 'msg', exc_info: 'err', stack_info: 'stack' }`
   * (no defaults when `fmt` is given); map a key to itself to keep Python's name.
   */
  rename?: Record<string, string>;
  /** `created` as an ISO-8601 UTC string (default), float epoch seconds (Python), epoch ms, or formatTime text. */
  time?: JsonTimeFormat;
  /** Merge the record's non-standard attributes (`extra`, context fields). Default true. */
  extra?: boolean;
  /** Fields written first on every line, e.g. `{ service: 'api', env: 'prod' }` (pino's `base`); a selected field of the same key wins. */
  staticFields?: Record<string, unknown> | null;
  /** Values for selected fields a record lacks (Python's Formatter `defaults`); fields with neither are left out. */
  defaults?: Record<string, unknown> | null;
  /** On the fallback path (circular or throwing values), objects nested deeper than this below the line's top level become "[Object]"/"[Array]". Default 10. */
  maxDepth?: number;
  /**
   * Redaction of the output: paths are matched against output keys (after
   * `rename`) of extra/context/structured fields and the error object;
   * `patterns` apply to the message. Default none (no cost).
   */
  redact?: Redactor | RedactorOptions | null;
  /** Serializers by output key (`{ req, res, err }` — see `stdSerializers`); default: the global ones from `registerSerializer`. */
  serializers?: Readonly<Record<string, Serializer>> | null;
  /** Longest JSON text of one extra field; a longer one is written as a truncated string. Default 16384. */
  maxFieldLength?: number;
}

/** Fields whose value usually repeats from record to record (see #formatDirect); never the message or per-record text. */
const STABLE_FIELDS = new Set(['created', 'levelname', 'levelno', 'name', 'pathname', 'filename', 'module', 'funcName', 'thread', 'threadName', 'process', 'processName', 'taskName']);
const NO_VALUE = Symbol('none');

/**
 * True when the merged message cannot contain a character JSON must escape,
 * known without scanning it: the format text has none (and no %c, which turns
 * a number into any character) and every argument is a number, boolean, null
 * or a string that has none. Scanning the merged text instead would first copy
 * it flat, which costs more than the rest of the line.
 */
function messageIsJsonSafe(record: LogRecord): boolean {
  if (record.getMessage !== recordGetMessage) return false;
  const msg = record.msg;
  if (typeof msg !== 'string' || !templateIsSafe(msg)) return false;
  const args = record.args;
  if (args === null || args === undefined) return true;
  if (!Array.isArray(args)) return false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const t = typeof a;
    if (t === 'number' || t === 'boolean' || t === 'bigint' || t === 'undefined' || a === null) continue;
    if (t !== 'string' || NEEDS_ESCAPE.test(a as string)) return false;
  }
  return true;
}
const recordGetMessage = LogRecord.prototype.getMessage;
const CHAR_CONVERSION = /%[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d*))?[hlL]?c/;
let lastTemplate = '';
let lastTemplateSafe = true;
const templates = new Map<string, boolean>();
function templateIsSafe(t: string): boolean {
  if (t === lastTemplate) return lastTemplateSafe;
  let safe = templates.get(t);
  if (safe === undefined) {
    safe = !NEEDS_ESCAPE.test(t) && !CHAR_CONVERSION.test(t);
    if (templates.size >= 1024) templates.clear();
    templates.set(t, safe);
  }
  lastTemplate = t;
  lastTemplateSafe = safe;
  return safe;
}

const DEFAULT_FIELDS = ['created', 'levelname', 'name', 'message'] as const;
const DEFAULT_RENAME: Record<string, string> = {
  created: 'time',
  levelname: 'level',
  name: 'logger',
  message: 'msg',
  exc_info: 'err',
  stack_info: 'stack',
};

let standardKeys: Set<string> | null = null;
/** Attributes every LogRecord has; anything else on a record came from `extra`, context or a filter. */
function standard(): Set<string> {
  if (standardKeys === null) {
    standardKeys = new Set(RECORD_ATTRIBUTES);
    for (const k of ['message', 'asctime', 'exc_text']) standardKeys.add(k);
  }
  return standardKeys;
}

/**
 * One JSON object per record, on one line: selected record fields under
 * configurable names, `extra` and context fields merged, errors as objects
 * with `type`, `message`, `stack`, `code` and their `cause` chain. Circular
 * references, BigInt (as a decimal string), Map and Set are handled; the
 * common case is a single native JSON.stringify with no copying.
 *
 * Extends Formatter, so `formatTime`, `converter` and `datefmt` work as usual
 * and a StreamHandler/FileHandler takes it like any formatter.
 *
 * @example
 * handler.setFormatter(new JsonFormatter({ staticFields: { service: 'api' } }));
 * // {"service":"api","time":"2026-01-01T12:00:00.000Z","level":"INFO","logger":"app","msg":"ready","port":8080}
 * @throws ConfigError for unknown `time` values or a bad `fmt`.
 */
export class JsonFormatter extends Formatter {
  /** The record attributes emitted, in order. */
  readonly jsonFields: readonly string[];
  /** Output key per record attribute. */
  readonly rename: Readonly<Record<string, string>>;
  /** Rendering of `created`. */
  time: JsonTimeFormat;
  /** Merge non-standard record attributes. */
  extra: boolean;
  /** Fields written first on every line. */
  staticFields: Record<string, unknown> | null;
  /** Depth limit of the fallback serialiser. */
  maxDepth: number;
  /** Bound of one extra field's JSON text. */
  maxFieldLength: number;
  /** The redactor applied to the output, or null. */
  readonly redactor: Redactor | null;
  readonly #serializers: ReadonlyMap<string, Serializer>;
  readonly #attrs: readonly string[];
  readonly #keys: readonly string[];
  readonly #prefixes: readonly string[];
  /** Output keys extras may not take: the selected fields' and the static fields'. */
  readonly #taken: Set<string>;
  readonly #customProcess: boolean;
  #staticSrc: Record<string, unknown> | null = null;
  #staticText = '{';
  readonly #selected: Set<string>;
  readonly #defaults: Record<string, unknown> | null;
  readonly #errKey: string;
  readonly #stackKey: string;
  #isoMs = NaN;
  #iso = '';
  /** Per selected field: whether its JSON text may be reused while the value repeats (see #formatDirect). */
  readonly #cacheable: readonly boolean[];
  readonly #lastValue: unknown[];
  readonly #lastJson: string[];
  /** Index of `message` in the selected fields (-1: not selected). */
  readonly #messageAt: number;

  constructor(options?: JsonFormatterOptions | string | null, datefmt?: string | null, style?: FormatStyle, validate?: boolean, defaults?: Record<string, unknown> | null) {
    const o: JsonFormatterOptions = typeof options === 'string' ? { fmt: options, datefmt, style, defaults } : { ...(options ?? {}) };
    if (new.target === JsonFormatter && options !== null && typeof options === 'object') checkOptions('JsonFormatter', options, JSON_FORMATTER_OPTIONS);
    super({ fmt: o.fmt ?? null, datefmt: o.datefmt ?? null, style: o.style ?? '%', validate: validate ?? true });
    const time = o.time ?? 'iso';
    if (!['iso', 'epoch', 'epochMillis', 'asctime'].includes(time)) {
      throw new ConfigError(`JsonFormatter: time must be 'iso', 'epoch', 'epochMillis' or 'asctime' (got ${JSON.stringify(time)})`);
    }
    this.time = time;
    const fromFmt = o.fields === undefined && o.fmt != null;
    this.jsonFields = [...(o.fields ?? (fromFmt ? this.fields : DEFAULT_FIELDS))];
    this.rename = { ...(fromFmt ? {} : DEFAULT_RENAME), ...(o.rename ?? {}) };
    this.extra = o.extra ?? true;
    this.staticFields = o.staticFields ?? null;
    this.maxDepth = o.maxDepth ?? 10;
    this.maxFieldLength = o.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
    this.redactor = o.redact == null ? null : o.redact instanceof Redactor ? o.redact : new Redactor(o.redact);
    this.#serializers = o.serializers == null ? globalSerializerMap() : new Map(Object.entries(o.serializers));
    this.#defaults = o.defaults ?? null;
    this.#attrs = this.jsonFields;
    this.#keys = this.jsonFields.map((f) => this.rename[f] ?? f);
    this.#prefixes = this.#keys.map(keyJson);
    this.#cacheable = this.jsonFields.map((f) => STABLE_FIELDS.has(f));
    this.#lastValue = this.jsonFields.map(() => NO_VALUE);
    this.#lastJson = this.jsonFields.map(() => '');
    this.#messageAt = this.jsonFields.indexOf('message');
    this.#taken = new Set([...this.#keys, ...Object.keys(this.staticFields ?? {})]);
    this.#customProcess = this.processLogRecord !== JsonFormatter.prototype.processLogRecord;
    this.#selected = new Set(this.jsonFields);
    this.#errKey = this.rename.exc_info ?? 'exc_info';
    this.#stackKey = this.rename.stack_info ?? 'stack_info';
  }

  /** The line for `record` (no trailing newline; the handler adds its terminator). */
  override format(record: LogRecord): string {
    record.message = recordMessage(record);
    if (this.redactor !== null && this.redactor.patterns.length > 0) record.message = this.redactor.redactText(record.message);
    return this.#customProcess ? this.#formatViaObject(record) : this.#formatDirect(record);
  }

  /** Common case: write the line straight from the record, no intermediate object. */
  #formatDirect(record: LogRecord): string {
    const rec = record as unknown as Record<string, unknown>;
    const depth = this.maxDepth;
    let s = this.#staticJson();
    const attrs = this.#attrs;
    const prefixes = this.#prefixes;
    const cacheable = this.#cacheable;
    const lastValue = this.#lastValue;
    const lastJson = this.#lastJson;
    for (let i = 0; i < attrs.length; i++) {
      const v = this.#fieldValue(record, rec, attrs[i]!);
      if (v === undefined) continue;
      let j: string | undefined;
      // Level, logger name, time and the like repeat record after record: reuse their
      // JSON text while the value is the same primitive (objects may have changed).
      if (cacheable[i] && v === lastValue[i]) j = lastJson[i];
      else if (i === this.#messageAt && typeof v === 'string' && messageIsJsonSafe(record) && (this.redactor === null || this.redactor.patterns.length === 0)) j = '"' + v + '"';
      else {
        j = valueJson(v, depth);
        if (cacheable[i] && j !== undefined && (typeof v !== 'object' || v === null)) {
          lastValue[i] = v;
          lastJson[i] = j;
        }
      }
      if (j !== undefined) s += (s.length > 1 ? ',' : '') + prefixes[i] + j;
    }
    if (this.extra && !hasOnlyStandardKeys(record)) {
      const std = standard();
      const taken = this.#taken;
      const selected = this.#selected;
      const keys = Object.keys(record);
      for (let i = standardPrefixLength(keys); i < keys.length; i++) {
        const k = keys[i]!;
        if (std.has(k) || selected.has(k)) continue;
        const key = this.rename[k] ?? k;
        if (taken.has(key)) continue;
        const v = this.#fieldOut(key, rec[k]);
        if (v === REMOVED) continue;
        const j = valueJson(v, depth, this.maxFieldLength);
        if (j !== undefined) s += (s.length > 1 ? ',' : '') + keyJson(key) + j;
      }
    }
    const ei = record.exc_info;
    let err: unknown;
    if (ei !== null && ei !== undefined && ei !== false && ei !== true) err = this.serializeError(ei);
    else if (record.exc_text) err = record.exc_text;
    if (err !== undefined && this.redactor !== null) err = this.redactor.redactField(this.#errKey, err);
    if (err !== undefined && err !== REMOVED) {
      const j = valueJson(err, depth);
      if (j !== undefined) s += (s.length > 1 ? ',' : '') + keyJson(this.#errKey) + j;
    }
    if (record.stack_info) s += (s.length > 1 ? ',' : '') + keyJson(this.#stackKey) + JSON.stringify(this.formatStack(record.stack_info));
    return s + '}';
  }

  /** With processLogRecord overridden: build the object, let the hook change it, then serialise. */
  #formatViaObject(record: LogRecord): string {
    const rec = record as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    if (this.staticFields !== null) for (const k of Object.keys(this.staticFields)) if (!this.#keys.includes(k)) out[k] = this.staticFields[k];
    const attrs = this.#attrs;
    for (let i = 0; i < attrs.length; i++) {
      const v = this.#fieldValue(record, rec, attrs[i]!);
      if (v !== undefined) out[this.#keys[i]!] = v;
    }
    if (this.extra) {
      const std = standard();
      const keys = Object.keys(record);
      for (let i = standardPrefixLength(keys); i < keys.length; i++) {
        const k = keys[i]!;
        if (std.has(k) || this.#selected.has(k)) continue;
        const key = this.rename[k] ?? k;
        if (this.#taken.has(key)) continue;
        const ser = this.#serializers.size === 0 ? undefined : this.#serializers.get(key);
        out[key] = ser === undefined ? rec[k] : applySerializer(ser, rec[k]);
      }
    }
    const ei = record.exc_info;
    if (ei !== null && ei !== undefined && ei !== false && ei !== true) out[this.#errKey] = this.serializeError(ei);
    else if (record.exc_text) out[this.#errKey] = record.exc_text;
    if (record.stack_info) out[this.#stackKey] = this.formatStack(record.stack_info);
    const done = this.processLogRecord(out, record);
    return objectLine(this.redactor === null ? done : this.redactor.redact(done), this.maxDepth);
  }

  /** An extra field's value as written: its serializer, then redaction (REMOVED: leave it out). */
  #fieldOut(key: string, v: unknown): unknown {
    if (this.#serializers.size !== 0) {
      const ser = this.#serializers.get(key);
      if (ser !== undefined) v = applySerializer(ser, v);
    }
    const red = this.redactor;
    return red === null || !red.touches(key) ? v : red.redactField(key, v);
  }

  #fieldValue(record: LogRecord, rec: Record<string, unknown>, attr: string): unknown {
    if (attr === 'created') return this.#created(record);
    if (attr === 'asctime') return (record.asctime = this.formatTime(record, this.datefmt));
    const v = rec[attr];
    if (v !== undefined || this.#defaults === null) return v;
    return this.#defaults[attr];
  }

  #staticJson(): string {
    const sf = this.staticFields;
    if (sf === null) return '{';
    if (sf !== this.#staticSrc) {
      this.#staticSrc = sf;
      const own: Record<string, unknown> = {};
      for (const k of Object.keys(sf)) if (!this.#keys.includes(k)) own[k] = sf[k];
      const body = objectLine(own, this.maxDepth);
      this.#staticText = body.slice(0, -1);
    }
    return this.#staticText;
  }

  /**
   * The JSON value for a logged exception. Default: for an Error, `{ type,
   * message, stack, code?, cause?, errors? }` plus its own enumerable fields;
   * any other thrown value as is. Override to redact or reshape errors.
   */
  serializeError(err: unknown): unknown {
    return isError(err) ? errorToJson(err) : err;
  }

  /**
   * Last look at the object before it is serialised (python-json-logger's
   * `process_log_record`). Override to add, drop or rename keys; the default
   * returns `out` unchanged.
   */
  processLogRecord(out: Record<string, unknown>, _record: LogRecord): Record<string, unknown> {
    return out;
  }

  #created(record: LogRecord): unknown {
    switch (this.time) {
      case 'iso': {
        const ms = Math.round(record.created * 1000);
        if (ms === this.#isoMs) return this.#iso;
        if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return record.created;
        this.#isoMs = ms;
        return (this.#iso = new Date(ms).toISOString());
      }
      case 'epoch':
        return record.created;
      case 'epochMillis':
        return Math.round(record.created * 1000);
      default:
        return this.formatTime(record, this.datefmt);
    }
  }
}
