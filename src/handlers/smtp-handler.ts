import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type * as tls from 'node:tls';
import { Handler } from '../handler.js';
import { ConfigError } from '../errors.js';
import { NOTSET, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { Waiters } from '../internal/waiters.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, describeAbandoned, reportAbandoned, settlesWithin, type Abandoned } from '../internal/deadline.js';
import { checkOptions } from '../check-options.js';

/** Options of {@link SMTPHandler}; the first seven are Python's arguments. */
export interface SMTPHandlerOptions {
  /** `host` or `[host, port]` (port 25 by default). */
  mailhost: string | [string, number];
  fromaddr: string;
  /** One address or a list. */
  toaddrs: string | string[];
  subject: string;
  /** `[user, password]`; AUTH is only done when given. */
  credentials?: [string, string] | null;
  /**
   * Python's `secure` tuple: `[]`, `[keyfile]` or `[keyfile, certfile]` turns on
   * STARTTLS (required, with an optional client key/cert). As in Python it only
   * applies together with `credentials`; without it no STARTTLS is attempted.
   */
  secure?: [] | [string] | [string, string] | null;
  /** Seconds (Python's unit) one message may take, connection included; default 1. */
  timeout?: number;
  /** Beyond Python: extra TLS options for STARTTLS (`ca`, `servername`, `rejectUnauthorized`…). */
  tlsOptions?: tls.ConnectionOptions;
  /** Messages waiting while one is being sent; beyond it the oldest are dropped. Default 100. */
  maxBacklog?: number;
  /**
   * Bound in ms on close() waiting for queued mail (default 5000, shutdown()'s
   * default deadline). Past it, what is left is given up (see `abandon()`),
   * counted in `abandonedCount` and listed on stderr.
   */
  closeTimeout?: number;
  level?: Level;
}

interface Job {
  record: LogRecord;
  subject: string;
  body: string;
  date: Date;
}

interface Transport {
  sendMail(msg: Record<string, unknown>): Promise<unknown>;
  close(): void;
}
type NodemailerModule = { createTransport(opts: Record<string, unknown>): Transport };

const require_ = createRequire(import.meta.url);
let nodemailer: NodemailerModule | null = null;
function loadNodemailer(): NodemailerModule {
  if (nodemailer) return nodemailer;
  try {
    nodemailer = require_('nodemailer') as NodemailerModule;
    return nodemailer;
  } catch (e) {
    throw new ConfigError('SMTPHandler needs the optional dependency nodemailer: run `npm install nodemailer`', {
      cause: e,
      code: 'ERR_LOGFLUME_MISSING_DEPENDENCY',
    });
  }
}

/**
 * Sends one email per record (Python's `logging.handlers.SMTPHandler`) with
 * From, To, Subject, Date and the formatted record as a text/plain body,
 * through nodemailer (an optional dependency, loaded on the first send).
 * `emit()` only queues the message: mail goes out one at a time in the
 * background, each bounded by `timeout`, and failures go to `handleError`.
 * Mail is slow: gate this handler to CRITICAL or put it behind a
 * MemoryHandler or the QueueListener (see examples/smtp-critical.ts).
 * `flush()`/`close()` wait for queued mail; nothing is sent at process exit.
 *
 * @example new SMTPHandler(['smtp.example', 587], 'app@example', ['ops@example'], 'App failure', ['user', 'pw'], [])
 * @throws ConfigError for a missing address or a bad mailhost; a missing nodemailer is reported via handleError.
 */
export class SMTPHandler extends Handler {
  mailhost: string;
  mailport: number | null;
  username: string | null;
  password: string | null;
  fromaddr: string;
  toaddrs: string[];
  subject: string;
  secure: [] | [string] | [string, string] | null;
  /** Seconds per message. */
  timeout: number;
  readonly tlsOptions: tls.ConnectionOptions;
  readonly maxBacklog: number;
  /** Messages dropped because the backlog was full. */
  droppedCount = 0;
  /** Messages given up by close()/shutdown() at their deadline (see `abandon()`). */
  abandonedCount = 0;
  /** Bound in ms on close() waiting for queued mail. */
  closeTimeout: number;
  #current: Job | null = null;
  #abandonedJob: Job | null = null;
  #abort: ((e: Error) => void) | null = null;

  #queue: Job[] = [];
  #busy = false;
  #dropReported = false;
  readonly #waiters = new Waiters();

  constructor(
    mailhost: string | [string, number] | SMTPHandlerOptions,
    fromaddr?: string,
    toaddrs?: string | string[],
    subject?: string,
    credentials: [string, string] | null = null,
    secure: [] | [string] | [string, string] | null = null,
    timeout = 1.0,
  ) {
    const o: SMTPHandlerOptions =
      typeof mailhost === 'object' && !Array.isArray(mailhost)
        ? mailhost
        : { mailhost, fromaddr: fromaddr!, toaddrs: toaddrs!, subject: subject!, credentials, secure, timeout };
    if (new.target === SMTPHandler) {
      checkOptions('SMTPHandler', o, {
        mailhost: 'any', fromaddr: 'string', toaddrs: 'any', subject: 'string', credentials: 'array', secure: 'array', timeout: 'number',
        tlsOptions: 'object', maxBacklog: 'integer', closeTimeout: 'number', level: 'level',
      });
    }
    super(o.level ?? NOTSET);
    if (Array.isArray(o.mailhost)) {
      if (o.mailhost.length !== 2 || typeof o.mailhost[0] !== 'string' || !Number.isInteger(o.mailhost[1])) {
        throw new ConfigError('SMTPHandler: mailhost must be a host or [host, port]');
      }
      [this.mailhost, this.mailport] = o.mailhost;
    } else {
      this.mailhost = o.mailhost;
      this.mailport = null;
    }
    if (!o.fromaddr) throw new ConfigError('SMTPHandler: fromaddr is required');
    const to = typeof o.toaddrs === 'string' ? [o.toaddrs] : o.toaddrs;
    if (!Array.isArray(to) || to.length === 0) throw new ConfigError('SMTPHandler: toaddrs is required');
    this.fromaddr = o.fromaddr;
    this.toaddrs = to;
    this.subject = o.subject ?? '';
    [this.username, this.password] = o.credentials ? o.credentials : [null, null];
    this.secure = o.secure ?? null;
    this.timeout = o.timeout ?? 1.0;
    if (!(this.timeout > 0)) throw new ConfigError('SMTPHandler: timeout must be a positive number of seconds');
    this.tlsOptions = o.tlsOptions ?? {};
    this.maxBacklog = o.maxBacklog ?? 100;
    if (!Number.isInteger(this.maxBacklog) || this.maxBacklog < 1) throw new ConfigError('SMTPHandler: maxBacklog must be a positive integer');
    this.closeTimeout = o.closeTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  }

  /** The subject for a record (Python's `getSubject`). Override to put the level or message in it; default is `subject`. */
  getSubject(_record: LogRecord): string {
    return this.subject;
  }

  /** Format now and queue the message; it is sent in the background. */
  override emit(record: LogRecord): void {
    let body = this.format(record);
    if (!body.endsWith('\n')) body += '\n'; // as Python's EmailMessage.set_content
    const job: Job = { record, subject: this.getSubject(record), body, date: new Date() };
    if (this.#queue.length >= this.maxBacklog) {
      this.#queue.shift();
      this.droppedCount++;
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.handleError(record, new Error(`SMTPHandler: backlog full (${this.maxBacklog}), dropping the oldest messages`));
      }
    }
    this.#queue.push(job);
    this.#pump();
  }

  /** The nodemailer transport options for one connection. Override to add DKIM, a proxy, pooling… */
  transportOptions(): Record<string, unknown> {
    const ms = Math.round(this.timeout * 1000);
    const starttls = this.secure !== null && this.username !== null;
    const tlsOpts: Record<string, unknown> = { ...this.tlsOptions };
    if (starttls && this.secure!.length > 0) {
      tlsOpts.key = readFileSync(this.secure![0]!);
      if (this.secure!.length > 1) tlsOpts.cert = readFileSync(this.secure![1]!);
    }
    return {
      host: this.mailhost,
      port: this.mailport ?? 25,
      secure: false,
      requireTLS: starttls,
      ignoreTLS: !starttls,
      auth: this.username !== null ? { user: this.username, pass: this.password ?? '' } : undefined,
      tls: tlsOpts,
      connectionTimeout: ms,
      greetingTimeout: ms,
      socketTimeout: ms,
      dnsTimeout: ms,
    };
  }

  #pump(): void {
    if (this.#busy || this.#queue.length === 0) return;
    const job = this.#queue.shift()!;
    this.#busy = true;
    this.#current = job;
    void this.#send(job)
      .catch((e) => {
        if (job !== this.#abandonedJob) this.handleError(job.record, e); // an abandoned one is counted by abandon()
      })
      .finally(() => {
        if (this.#current === job) {
          // (abandon() may already have let go of it, and a new message may be under way)
          this.#busy = false;
          this.#current = null;
          this.#abort = null;
        }
        if (this.#queue.length === 0) this.#dropReported = false;
        this.#pump();
        this.#settle();
      });
  }

  async #send(job: Job): Promise<void> {
    const transport = loadNodemailer().createTransport(this.transportOptions());
    const ms = Math.round(this.timeout * 1000);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        transport.sendMail({
          from: this.fromaddr,
          to: this.toaddrs.join(','),
          subject: job.subject,
          date: job.date,
          text: job.body,
        }),
        new Promise((_r, reject) => {
          this.#abort = reject;
          timer = setTimeout(() => reject(new Error(`SMTPHandler: ${this.mailhost} did not complete within ${this.timeout} s`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      transport.close();
    }
  }

  #idle(): boolean {
    return !this.#busy && this.#queue.length === 0;
  }

  #settle(): void {
    if (this.#idle()) this.#waiters.release();
  }

  /** Messages waiting to be sent. */
  get backlogLength(): number {
    return this.#queue.length;
  }

  /** Resolve when every queued message has been sent or has failed (each bounded by `timeout`). */
  override flush(): Promise<void> {
    return this.#idle() ? Promise.resolve() : this.#waiters.wait();
  }

  /**
   * Give up on every message not yet sent: the queued ones and the one being
   * sent (its connection is closed), counted in `abandonedCount`; pending
   * flush() calls resolve. Returns the records given up. close() calls it when
   * `closeTimeout` passes, shutdown() when its deadline does.
   */
  abandon(reason: Error = new Error('SMTPHandler: abandoned')): Abandoned {
    const current = this.#current;
    const unsent = this.#queue.splice(0);
    this.#abandonedJob = current;
    this.#abort?.(reason);
    this.#abort = null;
    this.#current = null;
    this.#busy = false; // idle at once: close() after abandon() does not wait for the aborted send
    const jobs = current ? [current, ...unsent] : unsent;
    this.abandonedCount += jobs.length;
    this.#waiters.release();
    return { records: jobs.map((j) => j.record), inFlight: current ? 1 : 0 };
  }

  /** Send what is queued (for at most `closeTimeout` ms; then give up what is left, listed on stderr), then close. */
  override async close(): Promise<void> {
    if (this._closed) return;
    if (!(await settlesWithin(this.flush(), this.closeTimeout))) {
      const a = this.abandon(new Error(`SMTPHandler: close() gave up after ${this.closeTimeout} ms`));
      reportAbandoned(`${this.constructor.name}.close()`, this.closeTimeout, [describeAbandoned(`${this.constructor.name}(${this.mailhost}:${this.mailport ?? 25})`, a)]);
    }
    await super.close();
  }
}
