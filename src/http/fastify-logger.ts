import { LoggerAdapter } from '../logger-adapter.js';
import { getLogger } from '../api.js';
import type { Logger } from '../logger.js';
import { DEBUG, INFO, WARNING, ERROR, CRITICAL } from '../levels.js';

/** pino's level names and numbers, which Fastify checks route `logLevel` options against. */
const PINO_VALUES: Readonly<Record<string, number>> = Object.freeze({ trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 });
const TO_LOGFLUME: Readonly<Record<string, number>> = Object.freeze({ trace: DEBUG, debug: DEBUG, info: INFO, warn: WARNING, error: ERROR, fatal: CRITICAL, silent: Infinity });

function pinoName(level: number): string {
  if (level >= CRITICAL) return 'fatal';
  if (level >= ERROR) return 'error';
  if (level >= WARNING) return 'warn';
  if (level >= INFO) return 'info';
  return 'debug';
}

/**
 * A logflume LoggerAdapter that is also a Fastify logger
 * (`Fastify({ loggerInstance: new FastifyLogger(getLogger('http')) })`), so
 * `request.log` and `fastify.log` write logflume records. Fastify's calls
 * (`log.info({ req }, 'msg')`, object first as pino takes them) become
 * fields; `child(bindings)` gives an adapter whose bindings (Fastify's
 * `reqId`) land on every record; `trace` logs at DEBUG. A child's `level`
 * (a route's `logLevel`) only ever raises the threshold of that child.
 */
export class FastifyLogger extends LoggerAdapter {
  /** pino's level table, as Fastify reads it to validate `logLevel` options. */
  readonly levels = { values: PINO_VALUES, labels: { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' } };
  #min = 0;

  constructor(logger: Logger | string = getLogger('http'), bindings: Record<string, unknown> | null = null) {
    super(typeof logger === 'string' ? getLogger(logger) : logger, bindings, true);
  }

  /** The effective level as a pino name; setting it (a name) raises this adapter's own threshold. */
  get level(): string {
    return pinoName(Math.max(this.logger.getEffectiveLevel(), this.#min === Infinity ? CRITICAL : this.#min));
  }
  set level(name: string) {
    const n = TO_LOGFLUME[String(name).toLowerCase()];
    if (n !== undefined) this.#min = n;
  }

  /** A FastifyLogger with `bindings` added to every record (and `options.level`, when given). */
  override child<F extends Record<string, unknown>>(bindings?: F, options?: { level?: string }): FastifyLogger & LoggerAdapter<Record<string, unknown> & F> {
    const c = new FastifyLogger(this.logger, { ...this.extra, ...bindings });
    c.#min = this.#min;
    if (options?.level) c.level = options.level;
    return c as FastifyLogger & LoggerAdapter<Record<string, unknown> & F>;
  }

  /** Whether a record at `level` (a logflume number or pino name) would be logged. */
  isLevelEnabled(level: string | number): boolean {
    const n = typeof level === 'number' ? level : (TO_LOGFLUME[level] ?? INFO);
    return n >= this.#min && this.logger.isEnabledFor(n);
  }

  override debug(msg: unknown, ...args: unknown[]): void {
    if (this.#min <= DEBUG) super.debug(msg, ...args);
  }
  /** pino's trace: DEBUG in logflume (Python has no lower standard level). */
  trace(msg: unknown, ...args: unknown[]): void {
    if (this.#min <= DEBUG) super.debug(msg, ...args);
  }
  override info(msg: unknown, ...args: unknown[]): void {
    if (this.#min <= INFO) super.info(msg, ...args);
  }
  override warn(msg: unknown, ...args: unknown[]): void {
    if (this.#min <= WARNING) super.warn(msg, ...args);
  }
  override error(msg: unknown, ...args: unknown[]): void {
    if (this.#min <= ERROR) super.error(msg, ...args);
  }
  override fatal(msg: unknown, ...args: unknown[]): void {
    if (this.#min <= CRITICAL) super.fatal(msg, ...args);
  }
  /** pino's `silent` level method: logs nothing. */
  silent(): void {}
}
