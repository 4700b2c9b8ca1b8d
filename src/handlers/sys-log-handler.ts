import type * as dgram from 'node:dgram';
import type * as tls from 'node:tls';
import { nodeDgram, nodeNet, nodeTls } from '../internal/lazy-builtins.js';
import * as os from 'node:os';
import { Handler } from '../handler.js';
import { ConfigError } from '../errors.js';
import { NOTSET } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import type { Abandoned } from '../internal/deadline.js';
import * as C from './sys-log-handler.constants.js';
import { UnixDgramSender, loadUnixDgram } from './unix-dgram-sender.js';
import { Waiters } from '../internal/waiters.js';
import { SyslogStreamSender } from './sys-log-handler.stream.js';
import { defaultAppName, keyError, resolveOptions, type SysLogHandlerOptions, type SyslogAddress, type SyslogSocktype } from './sys-log-handler.options.js';

export type { SysLogHandlerOptions, SyslogAddress, SyslogSocktype } from './sys-log-handler.options.js';
import {
  buildMessage,
  formatStructuredData,
  frame,
  header,
  type SyslogFormat,
  type SyslogFraming,
} from './sys-log-handler.format.js';
import { checkOptions } from '../check-options.js';

interface Pending {
  data: Buffer;
  record: LogRecord | null;
}

/** Default `maxMessageSize`: what rsyslog (8096 bytes, its "8k") and syslog-ng (64 KiB) accept out of the box. */
export const DEFAULT_MAX_MESSAGE_SIZE = 8096;

export { loadUnixDgram };
const UNIX_DGRAM_HINT = 'Unix datagram sockets need the optional native module unix-dgram: run `npm install unix-dgram`';

/**
 * Sends records to a syslog daemon (Python's `logging.handlers.SysLogHandler`)
 * over UDP, TCP, TLS or a Unix socket. `emit()` never waits: datagrams are
 * handed to the kernel, stream records are written or queued in a bounded
 * backlog while the connection is (re)established, and failures go to
 * `handleError`. By default the bytes are Python's (`<PRI>ident message\0`);
 * `format: 'rfc5424' | 'rfc3164'` add the standard headers. Unlike Python the
 * exception text is never sent (Python's docstring promises this, its code
 * does not): syslog lines should stay one line; log the traceback elsewhere.
 *
 * @example new SysLogHandler({ address: ['127.0.0.1', 514], facility: 'local0' })
 * @example new SysLogHandler({ address: ['logs.example', 6514], tls: { ca }, format: 'rfc5424', framing: 'octet-counting' })
 * @throws ConfigError for an unknown facility, a bad address, or an option that does not fit the transport.
 */
export class SysLogHandler extends Handler {
  static readonly LOG_EMERG = C.LOG_EMERG;
  static readonly LOG_ALERT = C.LOG_ALERT;
  static readonly LOG_CRIT = C.LOG_CRIT;
  static readonly LOG_ERR = C.LOG_ERR;
  static readonly LOG_WARNING = C.LOG_WARNING;
  static readonly LOG_NOTICE = C.LOG_NOTICE;
  static readonly LOG_INFO = C.LOG_INFO;
  static readonly LOG_DEBUG = C.LOG_DEBUG;
  static readonly LOG_KERN = C.LOG_KERN;
  static readonly LOG_USER = C.LOG_USER;
  static readonly LOG_MAIL = C.LOG_MAIL;
  static readonly LOG_DAEMON = C.LOG_DAEMON;
  static readonly LOG_AUTH = C.LOG_AUTH;
  static readonly LOG_SYSLOG = C.LOG_SYSLOG;
  static readonly LOG_LPR = C.LOG_LPR;
  static readonly LOG_NEWS = C.LOG_NEWS;
  static readonly LOG_UUCP = C.LOG_UUCP;
  static readonly LOG_CRON = C.LOG_CRON;
  static readonly LOG_AUTHPRIV = C.LOG_AUTHPRIV;
  static readonly LOG_FTP = C.LOG_FTP;
  static readonly LOG_NTP = C.LOG_NTP;
  static readonly LOG_SECURITY = C.LOG_SECURITY;
  static readonly LOG_CONSOLE = C.LOG_CONSOLE;
  static readonly LOG_SOLCRON = C.LOG_SOLCRON;
  static readonly LOG_LOCAL0 = C.LOG_LOCAL0;
  static readonly LOG_LOCAL1 = C.LOG_LOCAL1;
  static readonly LOG_LOCAL2 = C.LOG_LOCAL2;
  static readonly LOG_LOCAL3 = C.LOG_LOCAL3;
  static readonly LOG_LOCAL4 = C.LOG_LOCAL4;
  static readonly LOG_LOCAL5 = C.LOG_LOCAL5;
  static readonly LOG_LOCAL6 = C.LOG_LOCAL6;
  static readonly LOG_LOCAL7 = C.LOG_LOCAL7;
  static readonly priority_names = C.priority_names;
  static readonly facility_names = C.facility_names;
  static readonly priority_map = C.priority_map;

  /** Where records go (Python's `address`). */
  readonly address: SyslogAddress;
  /** Facility code (Python's `facility`). */
  facility: number;
  /** 'dgram' or 'stream'; on a Unix path it is set once the connection type is known, as Python. */
  socktype: SyslogSocktype | null;
  /** True for a Unix socket path (Python's `unixsocket`). */
  readonly unixsocket: boolean;
  /** Prepended to every message (Python's `ident`). */
  ident: string;
  /** Python's `append_nul`. */
  append_nul: boolean;
  readonly syslogFormat: SyslogFormat;
  readonly framing: SyslogFraming;
  utf8Bom: boolean;
  hostname: string;
  appName: string;
  procid: string | number;
  structuredData: Record<string, Record<string, unknown>> | null;
  /** Largest message in bytes (see the option); `Infinity` for no limit. */
  maxMessageSize: number;
  readonly maxBacklog: number;
  /** Messages cut to `maxMessageSize` (each also reported through handleError, rate-limited). */
  truncatedCount = 0;

  readonly #tls: tls.ConnectionOptions | null;
  readonly #reconnectDelay: number;
  readonly #connectTimeout: number;
  #dropped = 0;
  #udp: dgram.Socket | null = null;
  #udpConnected = false;
  #unixDgram: UnixDgramSender | null = null;
  #stream: SyslogStreamSender | null = null;
  /** Datagrams logged before the UDP socket finished connecting. */
  #pending: Pending[] = [];
  #dropReported = false;
  #inFlight = 0;
  readonly #waiters = new Waiters();

  constructor(address?: SyslogAddress | SysLogHandlerOptions, facility?: number | string, socktype?: SyslogSocktype | null) {
    const o = resolveOptions(address, facility, socktype);
    if (new.target === SysLogHandler) {
      checkOptions('SysLogHandler', o, {
        // values with checks of their own below are 'any' here, so their messages stay Python's
        address: 'any', facility: 'any', socktype: 'any', format: 'any', framing: 'any',
        tls: 'any', ident: 'string', appendNul: 'boolean', utf8Bom: 'boolean', hostname: 'string', appName: 'string', procid: 'any', structuredData: 'object',
        maxMessageSize: 'number', maxBacklog: 'integer', reconnectDelay: 'number', connectTimeout: 'number', level: 'level',
      });
    }
    super(o.level ?? NOTSET);
    const addr = o.address ?? ['localhost', C.SYSLOG_UDP_PORT];
    if (typeof addr !== 'string' && !(Array.isArray(addr) && addr.length === 2 && typeof addr[0] === 'string' && Number.isInteger(addr[1]))) {
      throw new ConfigError(`SysLogHandler: address must be [host, port] or a Unix socket path, got ${JSON.stringify(addr)}`);
    }
    this.address = addr;
    this.unixsocket = typeof addr === 'string';
    this.facility = typeof o.facility === 'string' ? this.#facilityCode(o.facility) : (o.facility ?? C.LOG_USER);
    this.#tls = o.tls ? (o.tls === true ? {} : o.tls) : null;
    if (this.#tls && this.unixsocket) throw new ConfigError('SysLogHandler: tls needs a [host, port] address');
    if (this.#tls && o.socktype === 'dgram') throw new ConfigError("SysLogHandler: tls needs socktype 'stream'");
    if (o.socktype !== undefined && o.socktype !== null && o.socktype !== 'dgram' && o.socktype !== 'stream') {
      throw new ConfigError(`SysLogHandler: socktype must be 'dgram', 'stream' or null, got ${JSON.stringify(o.socktype)}`);
    }
    this.socktype = this.#tls ? 'stream' : (o.socktype ?? (this.unixsocket ? null : 'dgram'));
    this.syslogFormat = o.format ?? 'python';
    if (!['python', 'rfc3164', 'rfc5424'].includes(this.syslogFormat)) {
      throw new ConfigError(`SysLogHandler: format must be 'python', 'rfc3164' or 'rfc5424', got ${JSON.stringify(o.format)}`);
    }
    // RFC formats need a delimiter on a stream; Python's own format keeps Python's bytes
    this.framing = o.framing ?? (this.syslogFormat === 'python' ? 'none' : this.unixsocket ? 'lf' : 'octet-counting');
    if (!['none', 'octet-counting', 'lf'].includes(this.framing)) {
      throw new ConfigError(`SysLogHandler: framing must be 'none', 'octet-counting' or 'lf', got ${JSON.stringify(o.framing)}`);
    }
    this.ident = o.ident ?? '';
    this.append_nul = o.appendNul ?? (this.syslogFormat === 'python' && this.framing === 'none');
    this.utf8Bom = o.utf8Bom ?? false;
    this.hostname = o.hostname ?? os.hostname();
    this.appName = o.appName ?? defaultAppName();
    this.procid = o.procid ?? process.pid;
    this.structuredData = o.structuredData ?? null;
    this.maxMessageSize = o.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (!(this.maxMessageSize >= 1)) throw new ConfigError(`SysLogHandler: maxMessageSize must be a positive number of bytes (or Infinity), got ${String(o.maxMessageSize)}`);
    this.maxBacklog = o.maxBacklog ?? 1000;
    if (!(this.maxBacklog >= 1)) throw new ConfigError('SysLogHandler: maxBacklog must be at least 1');
    this.#reconnectDelay = o.reconnectDelay ?? 500;
    this.#connectTimeout = o.connectTimeout ?? 5000;
    if (this.unixsocket && this.socktype === 'dgram' && !loadUnixDgram()) {
      throw new ConfigError(`SysLogHandler: ${UNIX_DGRAM_HINT}`, { code: 'ERR_LOGFLUME_MISSING_DEPENDENCY' });
    }
    // UDP: open now, as Python does, so the socket is connected before the first record
    if (this.socktype === 'dgram' && !this.unixsocket) this.createSocket();
  }

  /** The class's `facility_names` (a subclass may replace it, as in Python). */
  #facilityCode(name: string): number {
    const names = (this.constructor as typeof SysLogHandler).facility_names;
    const f = names[name];
    if (f === undefined) throw keyError('facility', name, names);
    return f;
  }

  /** Records dropped: backlog full, or closed before they could be sent. */
  get droppedCount(): number {
    return this.#dropped + (this.#stream?.dropped ?? 0);
  }

  /**
   * Python's `encodePriority`: `(facility << 3) | priority`, names or codes,
   * looked up in this class's `facility_names` / `priority_names`.
   * @throws ConfigError `KeyError: 'nope' (…)` for an unknown name (Python raises `KeyError: 'nope'`).
   */
  encodePriority(facility: number | string, priority: number | string): number {
    const cls = this.constructor as typeof SysLogHandler;
    const f = typeof facility === 'string' ? cls.facility_names[facility] : facility;
    const p = typeof priority === 'string' ? cls.priority_names[priority] : priority;
    if (f === undefined) throw keyError('facility', facility, cls.facility_names);
    if (p === undefined) throw keyError('priority', priority, cls.priority_names);
    return (f << 3) | p;
  }

  /**
   * Map a level name to a `priority_names` key (Python: `self.priority_map.get(levelName, "warning")`):
   * an instance's own `priority_map`, else the class's (a subclass's static one), else 'warning'.
   */
  mapPriority(levelName: string): string {
    const own = (this as { priority_map?: Readonly<Record<string, string>> }).priority_map;
    const map = own ?? (this.constructor as typeof SysLogHandler).priority_map;
    return map[levelName] ?? 'warning';
  }

  /** Structured data for one record (RFC 5424 only). Override to add per-record SD-ELEMENTs; default is the `structuredData` option. */
  getStructuredData(_record: LogRecord): Record<string, Record<string, unknown>> | null {
    return this.structuredData;
  }

  /** RFC 5424 MSGID for a record. Override to classify messages; default none ('-'). */
  getMsgId(_record: LogRecord): string | null {
    return null;
  }

  /** The formatted text without exception text (see the class note). */
  #formatWithoutException(record: LogRecord): string {
    const { exc_info, exc_text } = record;
    if (exc_info === null || exc_info === undefined || exc_info === false) {
      if (!exc_text) return this.format(record);
    }
    record.exc_info = null;
    record.exc_text = null;
    try {
      return this.format(record);
    } finally {
      record.exc_info = exc_info;
      record.exc_text = exc_text;
    }
  }

  /** The bytes for one record, framing included. Override to change the wire format entirely. */
  makeMessage(record: LogRecord): Buffer {
    const msg = this.#formatWithoutException(record);
    const pri = this.encodePriority(this.facility, this.mapPriority(record.levelname));
    const head = header(this.syslogFormat, {
      pri,
      date: new Date(record.created * 1000),
      hostname: this.hostname,
      appName: this.appName,
      procid: this.procid,
      msgid: this.syslogFormat === 'rfc5424' ? this.getMsgId(record) : null,
      structuredData: this.syslogFormat === 'rfc5424' ? formatStructuredData(this.getStructuredData(record)) : '-',
    });
    const [data, fullSize] = buildMessage({
      header: head,
      ident: this.ident,
      message: msg,
      appendNul: this.append_nul,
      bom: this.utf8Bom && this.syslogFormat === 'rfc5424',
      maxSize: this.maxMessageSize,
    });
    if (fullSize > 0) {
      this.truncatedCount++;
      const e = new Error(`SysLogHandler: a ${fullSize}-byte message was cut to maxMessageSize (${this.maxMessageSize}); truncatedCount counts them`);
      (e as NodeJS.ErrnoException).code = 'ERR_LOGFLUME_TRUNCATED';
      this.handleError(record, e);
    }
    return this.socktype === 'stream' ? frame(data, this.framing) : data;
  }

  /** Format and send; never blocks. */
  override emit(record: LogRecord): void {
    const data = this.makeMessage(record);
    this.send(data, record);
  }

  /**
   * Open the socket (Python's `createSocket`). Datagram sockets are ready at
   * once; stream connections complete asynchronously and records wait in the
   * backlog meanwhile. Override to build the socket differently.
   */
  createSocket(): void {
    if (this.socktype === 'dgram' && !this.unixsocket) {
      const [host, port] = this.address as [string, number];
      const s = nodeDgram().createSocket(nodeNet().isIPv6(host) ? 'udp6' : 'udp4');
      // a connected UDP socket hands each datagram to the kernel inside send(),
      // so a record logged right before process.exit() still goes out (as Python's sendto)
      s.on('error', (e) => {
        if (this.#udp === s && !this.#udpConnected) {
          this.#udp = null;
          s.close();
        }
        this.handleError(this.#pending[0]?.record ?? null, e);
        this.#settle();
      });
      s.connect(port, host, () => {
        this.#udpConnected = true;
        const waiting = this.#pending;
        this.#pending = [];
        for (const p of waiting) {
          try {
            this.#sendDatagram(p.data, p.record);
          } catch (e) {
            this.handleError(p.record, e);
          }
        }
        this.#settle();
      });
      s.unref();
      this.#udp = s;
      this.#udpConnected = false;
      return;
    }
    if (this.unixsocket && this.socktype !== 'stream') {
      const mod = loadUnixDgram();
      if (mod) {
        this.#unixDgram = new UnixDgramSender(this.address as string, mod, {
          maxQueue: this.maxBacklog,
          onError: (r, e) => this.handleError(r as LogRecord | null, e),
        });
        this.socktype = 'dgram';
        return;
      }
    }
    this.#streamSender().connect();
  }

  #streamSender(): SyslogStreamSender {
    if (this.#stream) return this.#stream;
    const tlsOpts = this.#tls;
    const s = new SyslogStreamSender({
      open: () => {
        if (this.unixsocket) return nodeNet().connect({ path: this.address as string });
        const [host, port] = this.address as [string, number];
        return tlsOpts ? nodeTls().connect({ servername: nodeNet().isIP(host) ? undefined : host, ...tlsOpts, host, port }) : nodeNet().connect({ host, port });
      },
      readyEvent: tlsOpts ? 'secureConnect' : 'connect',
      connectTimeout: this.#connectTimeout,
      reconnectDelay: this.#reconnectDelay,
      maxBacklog: this.maxBacklog,
      report: (r, e) => this.handleError(r, e),
      explain: (e) =>
        this.unixsocket && (e as NodeJS.ErrnoException).code === 'EPROTOTYPE' && !loadUnixDgram()
          ? new ConfigError(`SysLogHandler: ${String(this.address)} is a datagram socket; ${UNIX_DGRAM_HINT}`, { cause: e })
          : e,
      connected: () => {
        if (this.unixsocket) this.socktype = 'stream';
      },
      describe: () => (typeof this.address === 'string' ? this.address : `${this.address[0]}:${this.address[1]}`),
    });
    s.onSettle = () => this.#settle();
    this.#stream = s;
    return s;
  }

  /** Python: a datagram connect that fails on a stream-only socket falls back to stream. */
  #isProtoType(e: unknown): boolean {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EPROTOTYPE' || Math.abs(Number(code)) === os.constants.errno.EPROTOTYPE || /connect -91\b/.test(String((e as Error).message));
  }

  /**
   * Put bytes on the wire (Python's `send`): a datagram at once, or a stream
   * write; while a stream connects, records wait in a backlog of `maxBacklog`
   * entries, dropping the oldest (counted in `droppedCount`, reported once per
   * outage through handleError). Writes a broken connection refused are
   * replayed in their original order. Override to send elsewhere.
   */
  send(data: Buffer, record: LogRecord | null = null): void {
    if (this._closed) throw new Error('SysLogHandler is closed');
    if (!this.#udp && !this.#unixDgram && !this.#stream?.active) this.createSocket();
    if (this.#udp) {
      if (this.#udpConnected) this.#sendDatagram(data, record);
      else this.#enqueue({ data, record }); // sent once the socket is connected
      return;
    }
    if (this.#unixDgram) {
      try {
        this.#unixDgram.send(data, record);
      } catch (e) {
        if (!this.#isProtoType(e)) throw e;
        this.#unixDgram.close();
        this.#unixDgram = null;
        this.socktype = 'stream';
        this.send(data, record);
      }
      return;
    }
    this.#streamSender().send(data, record);
  }

  #sendDatagram(data: Buffer, record: LogRecord | null): void {
    this.#udp!.send(data, (err) => {
      this.#inFlight--;
      // Python's sendto is silent when nobody listens; a connected socket reports ICMP refusals, ignore them alike
      if (err && (err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') this.handleError(record, err);
      this.#settle();
    });
    this.#inFlight++; // only once send() accepted it: a synchronous throw must not wedge flush()
  }

  #enqueue(p: Pending): void {
    if (this.#pending.length >= this.maxBacklog) {
      this.#pending.shift();
      this.#dropped++;
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.handleError(p.record, new Error(`SysLogHandler: backlog full (${this.maxBacklog}), dropping the oldest records`));
      }
    }
    this.#pending.push(p);
  }

  /** True when nothing more can happen until new records arrive or a reconnect fires. */
  #idle(): boolean {
    const udpIdle = this.#inFlight === 0 && (this.#pending.length === 0 || this.#udp === null || this.#udpConnected);
    return udpIdle && (this.#stream?.idle() ?? true);
  }

  #settle(): void {
    if (this.#idle()) this.#waiters.release();
  }

  /** Records still waiting for a connection. */
  get backlogLength(): number {
    return this.#pending.length + (this.#stream?.backlogLength ?? 0);
  }

  /**
   * Resolve once every record handed to the kernel has been accepted, or the
   * server is unreachable (queued records then wait for the reconnect).
   */
  override async flush(): Promise<void> {
    if (this.#unixDgram) await this.#unixDgram.flush();
    if (this.#idle()) return;
    return this.#waiters.wait();
  }

  /** Records given up by `abandon()` (shutdown()'s deadline). */
  abandonedCount = 0;

  /**
   * Give up at once (shutdown()'s deadline): sockets are closed and the records not yet
   * delivered come back in order (stream records written but unconfirmed first: `inFlight`),
   * counted in `abandonedCount`. A close() that follows does not wait.
   */
  abandon(_reason?: Error): Abandoned {
    const fromStream = this.#stream?.abandon() ?? { records: [], inFlight: 0 };
    const queued = this.#pending.map((p) => p.record);
    this.#pending = [];
    this.#inFlight = 0;
    const records = fromStream.records.concat(queued).filter((r): r is LogRecord => r !== null);
    this.abandonedCount += records.length;
    this.#settle();
    return { records, inFlight: fromStream.inFlight };
  }

  /** Flush, then close the socket; records still queued are dropped and reported. */
  override async close(): Promise<void> {
    if (this._closed) return;
    await this.flush();
    await super.close();
    if (this.#pending.length > 0) {
      const n = this.#pending.length;
      this.#dropped += n;
      this.handleError(this.#pending[0]!.record, new Error(`SysLogHandler: closed with ${n} undelivered record(s)`));
      this.#pending = [];
    }
    this.#udp?.close();
    this.#udp = null;
    if (this.#unixDgram) this.#dropped += this.#unixDgram.dropped + this.#unixDgram.close();
    this.#unixDgram = null;
    if (this.#stream) await this.#stream.close();
    this.#settle();
  }
}
