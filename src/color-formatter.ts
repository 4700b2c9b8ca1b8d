import { Formatter, type FormatStyle, type FormatterOptions } from './formatter.js';
import type { LogRecord } from './log-record.js';
import { DEBUG, INFO, WARNING, ERROR, CRITICAL } from './levels.js';
import { checkOptions, type OptionSpec } from './check-options.js';
import { FORMATTER_OPTIONS } from './formatter.js';
import { createRequire } from 'node:module';

/** Where ColorFormatter looks to decide on colours: a TTY stream's `hasColors()` (a `tty.WriteStream`), else `isTTY`. */
export interface TtyLike {
  isTTY?: boolean;
  /** Node's `tty.WriteStream#hasColors(env)`: its answer decides for a terminal. */
  hasColors?(env?: object): boolean;
}

type ColorDepth = (env?: object) => number;
let nodeColorDepth: ColorDepth | null = null;
/** Node's own colour rules (`tty.WriteStream#getColorDepth`), loaded on first need: node:tty loads node:net, which the core must not load at import. */
function colorDepth(env: object): number {
  nodeColorDepth ??= (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).WriteStream.prototype.getColorDepth as ColorDepth;
  return nodeColorDepth.call(null, env);
}

/** Options of {@link ColorFormatter}: Formatter's, plus colour control. */
/** @internal the keys of ColorFormatterOptions (checked at construction; keep in step with the interface). */
const COLOR_FORMATTER_OPTIONS: OptionSpec = { ...FORMATTER_OPTIONS, stream: 'any', colors: 'any', levelColors: 'object', env: 'object' };

export interface ColorFormatterOptions extends FormatterOptions {
  /** Stream the output goes to; colours only when it is a TTY (default process.stderr, StreamHandler's default). */
  stream?: TtyLike | null;
  /** true/false forces colours on/off; 'auto' (default) asks Node (`stream.hasColors()`: FORCE_COLOR, NO_COLOR, TERM, …). */
  colors?: boolean | 'auto';
  /** SGR parameters per level number, e.g. `{ 20: '32' }` for green INFO; merged over the defaults. */
  levelColors?: Record<number, string>;
  /** Environment read for FORCE_COLOR / NO_COLOR / TERM (default process.env). */
  env?: Record<string, string | undefined>;
}

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const DIM = `${ESC}2m`;
const DEFAULT_LEVEL_COLORS: Record<number, string> = {
  [DEBUG]: '34',
  [INFO]: '32',
  [WARNING]: '33',
  [ERROR]: '31',
  [CRITICAL]: '1;97;41',
};
const DEFAULT_DEV_FORMAT = '%(asctime)s %(levelname)-8s %(name)s %(message)s';
const LEVEL_F = '_lf_level';
const DIM_F = '_lf_dim';
const RESET_F = '_lf_reset';

/**
 * A Formatter for humans at a terminal: level names in colour, timestamp and
 * logger name dimmed, error stacks with the message in red and library frames
 * (node:, node_modules) dimmed. Colours are decided once, at construction:
 * the `colors` option, else Node's own answer for the stream
 * (`stream.hasColors(env)`, which reads FORCE_COLOR, NO_COLOR,
 * NODE_DISABLE_COLORS, TERM and CI); a stream that is not a terminal gets
 * colours only from FORCE_COLOR, read as Node reads it. Without colours the output is exactly
 * Formatter's, so the same config works in CI logs.
 *
 * Widths such as `%(levelname)-8s` pad the text, not the escape codes, and
 * `exc_text` cached on the record stays uncoloured for other handlers.
 *
 * @example
 * const h = new StreamHandler(process.stderr);
 * h.setFormatter(new ColorFormatter({ stream: process.stderr }));
 */
export class ColorFormatter extends Formatter {
  /** Whether this formatter writes escape codes. */
  readonly useColors: boolean;
  /** SGR parameters per level number. */
  readonly levelColors: Readonly<Record<number, string>>;
  readonly #defaults: Record<string, unknown> | null;
  readonly #levels: number[];

  constructor(options?: ColorFormatterOptions | string | null, datefmt?: string | null, style?: FormatStyle, validate?: boolean, defaults?: Record<string, unknown> | null) {
    const o: ColorFormatterOptions = typeof options === 'string' || options == null ? { fmt: options ?? null, datefmt, style, validate, defaults } : options;
    if (new.target === ColorFormatter) checkOptions('ColorFormatter', o, COLOR_FORMATTER_OPTIONS);
    const st = o.style ?? '%';
    const useColors = ColorFormatter.shouldColor(o.stream === undefined ? process.stderr : o.stream, o.env ?? process.env, o.colors ?? 'auto');
    const fmt = o.fmt ?? (st === '%' ? DEFAULT_DEV_FORMAT : null);
    // colours mean a terminal: untrusted text must not carry its own escape sequences to it
    super({ fmt: useColors && fmt !== null ? decorate(fmt, st) : fmt, datefmt: o.datefmt ?? null, style: st, validate: o.validate ?? true, escape: o.escape ?? (useColors ? 'control' : 'none') });
    this.useColors = useColors;
    this.#defaults = o.defaults ?? null;
    this.levelColors = { ...DEFAULT_LEVEL_COLORS, ...(o.levelColors ?? {}) };
    this.#levels = Object.keys(this.levelColors).map(Number).sort((a, b) => b - a);
    if (o.fmt == null && o.datefmt == null) {
      this.default_time_format = '%H:%M:%S';
      this.default_msec_format = '%s.%03d';
    }
  }

  /**
   * The colour decision, as a function you can call for your own output:
   * `colors` true/false wins; a terminal stream answers through Node's
   * `hasColors(env)` (an `isTTY` object without it through Node's
   * `getColorDepth` rules); anything else (a file, a pipe, null) is coloured
   * only when FORCE_COLOR asks for colours as Node reads it.
   */
  static shouldColor(stream: TtyLike | null | undefined, env: Record<string, string | undefined> = process.env, colors: boolean | 'auto' = 'auto'): boolean {
    if (colors === true || colors === false) return colors;
    if (stream?.isTTY === true) return typeof stream.hasColors === 'function' ? stream.hasColors(env) : colorDepth(env) > 1;
    return env.FORCE_COLOR !== undefined && colorDepth(env) > 1;
  }

  /** SGR parameters for a level: its own entry, else the nearest lower level's. Override for other schemes. */
  colorFor(levelno: number): string {
    const own = this.levelColors[levelno];
    if (own !== undefined) return own;
    for (const l of this.#levels) if (l <= levelno) return this.levelColors[l]!;
    return '0';
  }

  override format(record: LogRecord): string {
    if (!this.useColors) return super.format(record);
    const saved = record.exc_text;
    const hasExc = record.exc_info !== null && record.exc_info !== undefined && record.exc_info !== false;
    record.exc_text = hasExc ? null : saved ? this.colorizeStack(saved) : saved;
    try {
      return super.format(record);
    } finally {
      record.exc_text = saved;
    }
  }

  override formatMessage(record: LogRecord): string {
    if (!this.useColors && this.#defaults === null) return super.formatMessage(record);
    const view = Object.create(record) as Record<string, unknown>;
    if (this.#defaults !== null) for (const k in this.#defaults) if (!(k in record)) view[k] = this.#defaults[k];
    if (this.useColors) {
      view[LEVEL_F] = `${ESC}${this.colorFor(record.levelno)}m`;
      view[DIM_F] = DIM;
      view[RESET_F] = RESET;
    }
    return super.formatMessage(view as unknown as LogRecord);
  }

  override formatException(ei: unknown): string {
    const text = super.formatException(ei);
    return this.useColors ? this.colorizeStack(text) : text;
  }

  override formatStack(stackInfo: string): string {
    return this.useColors ? `${DIM}${stackInfo}${RESET}` : stackInfo;
  }

  /**
   * Colour a stack text: "Error: message" lines red, frames from node: and
   * node_modules dimmed, your own frames plain. Override to change the scheme.
   */
  colorizeStack(text: string): string {
    return text
      .split('\n')
      .map((line) => {
        const t = line.trimStart();
        if (t.startsWith('at ')) return /\(node:|\bnode:|node_modules/.test(t) ? `${DIM}${line}${RESET}` : line;
        if (t === '' || t.startsWith('The above exception')) return line ? `${DIM}${line}${RESET}` : line;
        return `${ESC}31m${line}${RESET}`;
      })
      .join('\n');
  }
}

const COLORED: Record<string, string> = { levelname: LEVEL_F, asctime: DIM_F, name: DIM_F };

/** Wrap each levelname/asctime/name directive (with its width) in colour fields of the same style. */
function decorate(fmt: string, style: FormatStyle): string {
  const wrap = (field: string, directive: string, open: (f: string) => string): string => `${open(COLORED[field]!)}${directive}${open(RESET_F)}`;
  if (style === '%') {
    return fmt.replace(/%%|%\((levelname|asctime|name)\)[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]/g, (m, f?: string) =>
      f ? wrap(f, m, (x) => `%(${x})s`) : m,
    );
  }
  if (style === '{') {
    return fmt.replace(/\{\{|\}\}|\{(levelname|asctime|name)(?:![rsa])?(?::[^{}]*)?\}/g, (m, f?: string) => (f ? wrap(f, m, (x) => `{${x}}`) : m));
  }
  return fmt.replace(/\$\$|\$\{(levelname|asctime|name)\}|\$(levelname|asctime|name)(?![A-Za-z0-9_])/g, (m, f1?: string, f2?: string) => {
    const f = f1 ?? f2;
    return f ? wrap(f, m, (x) => `\${${x}}`) : m;
  });
}
