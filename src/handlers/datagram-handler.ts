import type * as dgram from 'node:dgram';
import { nodeDgram, nodeNet } from '../internal/lazy-builtins.js';
import { UnixDgramSender, loadUnixDgram, type UnixDgramModule } from './unix-dgram-sender.js';
import { Handler } from '../handler.js';
import { NOTSET, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { ConfigError } from '../errors.js';
import { toKey, type HmacKey } from './wire/hmac.js';
import { checkEndpoint } from './wire/endpoint.js';
import type { WireFormat } from './wire/record-dict.js';
import { encodeLogRecordFrame } from './wire/record-frame.js';
import { Waiters } from '../internal/waiters.js';
import { checkOptions } from '../check-options.js';
import { callerInfo } from '../internal/caller.js';

/** Options of DatagramHandler. */
export interface DatagramHandlerOptions {
  /** Payload encoding: `'json'` (default) or `'pickle'` (Python's). */
  format?: WireFormat;
  /** Shared key for HMAC-SHA256 tags, checked by a receiver with the same key. */
  hmacKey?: HmacKey | null;
  /** Most datagrams handed to the OS and not yet sent (default 10 000); beyond it records are dropped and counted. */
  maxPending?: number;
  /** Handler level. */
  level?: Level;
  /** The receiver's formatters print caller fields: capture them here (see SocketHandlerOptions.captureCaller). */
  captureCaller?: boolean;
}

/** Largest UDP payload over IPv4. */
export const MAX_DATAGRAM = 65507;

function requireUnixDgram(): UnixDgramModule {
  const m = loadUnixDgram();
  if (m === null) throw new ConfigError('DatagramHandler: Unix datagram sockets (port null) need the optional native module unix-dgram: npm install unix-dgram');
  return m;
}

/**
 * Sends each record as one UDP datagram (Python's
 * `logging.handlers.DatagramHandler`), or to a Unix datagram socket when
 * `port` is null (through the optional `unix-dgram` module). The datagram
 * carries the same bytes as a SocketHandler frame, 4-byte length prefix
 * included — that is what CPython sends, and what a LogRecordReceiver's UDP
 * port expects (it also accepts datagrams without the prefix).
 *
 * UDP gives no delivery guarantee; a record larger than one datagram
 * (65 507 bytes) is reported through handleError. Sends are asynchronous;
 * `flush()` resolves when the OS has taken every datagram.
 */
export class DatagramHandler extends Handler {
  /** Host name or address; the socket path when `port` is null. */
  host: string;
  /** UDP port, or null for a Unix datagram socket at `host`. */
  port: number | null;
  /** `[host, port]` or the socket path (Python's `address`). */
  address: [string, number] | string;
  /** The UDP socket, created on first use (Python's `sock`); a Unix path's socket belongs to its sender. */
  sock: dgram.Socket | null = null;
  /** Kept for Python compatibility; a UDP socket has no connection to close. */
  closeOnError = false;
  /** Payload encoding used by `makePickle`. */
  wireFormat: WireFormat;
  #dropped = 0;
  /** Records dropped because too many datagrams were pending (or, on a Unix path, queued behind a congested reader). */
  get droppedCount(): number {
    return this.#dropped + (this.#unixSender?.dropped ?? 0);
  }
  protected readonly hmacKey: Buffer | null;
  readonly #formatException = (r: LogRecord): void => {
    this.format(r);
  };
  #unixSender: UnixDgramSender | null = null;
  #pending = 0;
  #maxPending: number;
  readonly #waiters = new Waiters();

  constructor(host: string, port: number | null, options: DatagramHandlerOptions = {}) {
    if (new.target === DatagramHandler) checkOptions('DatagramHandler', options, { format: 'any', hmacKey: 'any', maxPending: 'integer', level: 'level', captureCaller: 'boolean' });
    super(options.level ?? NOTSET);
    if (options.captureCaller === true) callerInfo.usedByFormat = true; // the receiver prints caller fields (issue #15 item 8)
    const format = checkEndpoint('DatagramHandler', host, port, options.format);
    this.host = host;
    this.port = port;
    this.address = port === null ? host : [host, port];
    this.wireFormat = format;
    this.#maxPending = options.maxPending ?? 10_000;
    try {
      this.hmacKey = options.hmacKey != null ? toKey(options.hmacKey) : null;
    } catch (e) {
      throw new ConfigError(`DatagramHandler: hmacKey: ${(e as Error).message}`);
    }
    if (port === null) {
      this.#unixSender = new UnixDgramSender(host, requireUnixDgram(), {
        maxQueue: this.#maxPending,
        onError: (r, e) => this.handleError(r as LogRecord | null, e),
      });
    }
  }

  /** The record as one datagram (same frame as SocketHandler). Override to change the payload. */
  makePickle(record: LogRecord): Buffer {
    return encodeLogRecordFrame(record, this.wireFormat, this.hmacKey, this.#formatException);
  }

  /** Clearer alias of `makePickle`. */
  encodeRecord(record: LogRecord): Buffer {
    return this.makePickle(record);
  }

  /** Create the datagram socket (Python's `makeSocket`). Override to set socket options. */
  makeSocket(): dgram.Socket {
    const s = nodeDgram().createSocket(nodeNet().isIPv6(this.host) ? 'udp6' : 'udp4');
    s.unref();
    return s;
  }

  /** Create the socket if there is none. */
  createSocket(): void {
    if (this.sock) return;
    const s = this.makeSocket();
    s.on('error', (err: Error) => this.handleError(null, err));
    this.sock = s;
  }

  /** Send one datagram (Python's `send`); `record` is used to report an asynchronous failure. */
  send(s: Buffer, record: LogRecord | null = null): void {
    if (s.length > MAX_DATAGRAM) throw new RangeError(`DatagramHandler: record is ${s.length} bytes, more than one datagram holds (${MAX_DATAGRAM})`);
    if (this.#unixSender) {
      // a Unix datagram reader holds few unread datagrams: the sender waits out congestion (bounded)
      this.#unixSender.send(s, record);
      return;
    }
    if (this.#pending >= this.#maxPending) {
      this.#dropped++;
      if (this.droppedCount === 1 || this.droppedCount % 10_000 === 0) {
        super.handleError(record, new Error(`DatagramHandler: ${this.droppedCount} records dropped (more than ${this.#maxPending} datagrams pending)`));
      }
      return;
    }
    this.createSocket();
    this.#pending++;
    const done = (err?: Error | null): void => {
      this.#pending--;
      if (err) this.handleError(record, err);
      if (this.#pending === 0) this.#waiters.release();
    };
    this.sock!.send(s, this.port!, this.host, done);
  }

  /** Serialise and send the record. */
  override emit(record: LogRecord): void {
    this.send(this.makePickle(record), record);
  }

  /** Resolve when every datagram has been handed to the OS. */
  override async flush(): Promise<void> {
    if (this.#unixSender) await this.#unixSender.flush();
    if (this.#pending === 0) return;
    return this.#waiters.wait();
  }

  /** Wait for pending sends, then close the socket. */
  override async close(): Promise<void> {
    await this.flush();
    this.#unixSender?.close();
    const s = this.sock;
    this.sock = null;
    if (s) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
    await super.close();
  }

  override toString(): string {
    return `<${this.constructor.name} ${String(this.address)}>`;
  }
}
