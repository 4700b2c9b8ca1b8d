import * as net from 'node:net';
import * as dgram from 'node:dgram';
import { existsSync, unlinkSync, statSync } from 'node:fs';
import type { LogRecord } from '../log-record.js';
import { getLogger } from '../api.js';
import { ConfigError } from '../errors.js';
import { writeStderr } from '../internal/report.js';
import { formatThrown } from '../internal/exc-format.js';
import { FrameDecoder } from './wire/frame.js';
import { TAG_BYTES, toKey, verify, type HmacKey } from './wire/hmac.js';
import { decodePayload, WIRE_FORMATS, type DecodeOptions, type WireFormat } from './wire/record-dict.js';
import { COMPACT_MAGIC, CompactDecoder } from './wire/compact-record.js';
import { recordFromDict } from './wire/record-rebuild.js';

/** Options of LogRecordReceiver (and `logflume serve`). */
export interface LogRecordReceiverOptions {
  /** TCP port to listen on (0 picks a free one); omit for no TCP. */
  tcp?: number | null;
  /** UDP port to listen on (0 picks a free one); omit for no UDP. */
  udp?: number | null;
  /** Unix domain (stream) socket path; omit for none. */
  unix?: string | null;
  /** Address to bind TCP and UDP to (default 127.0.0.1: only this host can send). */
  host?: string;
  /** Largest payload accepted, bytes (default 1 MiB); a larger length prefix closes the connection at once. */
  maxFrameSize?: number;
  /** Most simultaneous TCP + Unix connections (default 128); more are refused and counted. */
  maxConnections?: number;
  /** Milliseconds a started frame may take to arrive completely (default 10 000); a stalled peer is disconnected. */
  readTimeout?: number;
  /** Milliseconds a connection may stay silent (default 0: no limit, senders keep connections open). */
  idleTimeout?: number;
  /** Shared key: only frames with a valid HMAC-SHA256 tag are accepted. */
  hmacKey?: HmacKey | null;
  /** Payload encodings accepted (default all three: compact, json, pickle; pickle is decoded as data only). */
  formats?: readonly WireFormat[];
  /** Deepest nesting accepted in a payload (default 32). */
  maxDepth?: number;
  /** Send every record to this logger instead of the one named in the record (Python cookbook's `logname`). */
  logname?: string | null;
  /** Milliseconds `close()` waits for senders to finish before disconnecting them (default 5000). */
  drainTimeout?: number;
  /** At most this many malformed-input reports per `reportInterval` (default 10). */
  maxReports?: number;
  /** Window of the report rate limit, ms (default 10 000). */
  reportInterval?: number;
}

/** Counters, for monitoring and tests. */
export interface ReceiverStats {
  records: number;
  protocolErrors: number;
  timeouts: number;
  connections: number;
  activeConnections: number;
  rejectedConnections: number;
  handlerErrors: number;
  suppressedReports: number;
  /** Most bytes ever buffered for one connection (bounded by maxFrameSize + header + one read). */
  maxBuffered: number;
}

/** Where the receiver listens, once started. */
export interface ReceiverAddresses {
  tcp?: net.AddressInfo;
  udp?: net.AddressInfo;
  unix?: string;
}

/**
 * Receives records sent by SocketHandler / DatagramHandler (ours or
 * CPython's stock ones) over TCP, UDP and Unix sockets, rebuilds each with
 * `makeLogRecord` and hands it to the local logger of the same name, so the
 * receiver's own logging configuration decides where it goes (the Python
 * cookbook's `LogRecordSocketReceiver`). Many processes can thus write one
 * file safely.
 *
 * Safety: frames above `maxFrameSize` are refused from their header; pickles
 * are decoded as data only; a started frame must complete within
 * `readTimeout`; connections are capped at `maxConnections`; with `hmacKey`
 * unsigned frames are refused. A bad frame closes only the connection that
 * sent it (a bad datagram is dropped) and is reported on stderr, rate-limited.
 */
export class LogRecordReceiver {
  readonly options: Readonly<LogRecordReceiverOptions>;
  /** Python cookbook's `logname`: if set, the logger that gets every record. */
  logname: string | null;
  readonly stats: ReceiverStats = {
    records: 0,
    protocolErrors: 0,
    timeouts: 0,
    connections: 0,
    activeConnections: 0,
    rejectedConnections: 0,
    handlerErrors: 0,
    suppressedReports: 0,
    maxBuffered: 0,
  };
  #key: Buffer | null;
  #maxFrame: number;
  #servers: net.Server[] = [];
  #udp: dgram.Socket | null = null;
  #sockets = new Set<net.Socket>();
  #addresses: ReceiverAddresses = {};
  #reportWindowStart = 0;
  #reportsInWindow = 0;
  #suppressedInWindow = 0;
  #closing: Promise<void> | null = null;
  #decodeOptions: DecodeOptions;
  #compact: CompactDecoder | null;

  constructor(options: LogRecordReceiverOptions = {}) {
    this.options = { ...options };
    this.logname = options.logname ?? null;
    const maxFrame = options.maxFrameSize ?? 1 << 20;
    if (!Number.isInteger(maxFrame) || maxFrame < 64 || maxFrame > 0x7fffffff) throw new ConfigError(`LogRecordReceiver: maxFrameSize must be an integer 64–2147483647, got ${String(maxFrame)}`);
    this.#maxFrame = maxFrame;
    this.#decodeOptions = { ...(options.formats ? { formats: options.formats } : {}), maxDepth: options.maxDepth ?? 32 };
    for (const k of ['maxConnections', 'readTimeout', 'idleTimeout', 'drainTimeout'] as const) {
      const v = options[k];
      if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new ConfigError(`LogRecordReceiver: ${k} must be a non-negative number, got ${String(v)}`);
    }
    for (const f of options.formats ?? []) if (!WIRE_FORMATS.includes(f)) throw new ConfigError(`LogRecordReceiver: formats: unknown format ${String(f)}`);
    this.#compact = options.formats && !options.formats.includes('compact') ? null : new CompactDecoder(options.maxDepth ?? 32);
    try {
      this.#key = options.hmacKey != null ? toKey(options.hmacKey) : null;
    } catch (e) {
      throw new ConfigError(`LogRecordReceiver: hmacKey: ${(e as Error).message}`);
    }
    if (options.tcp == null && options.udp == null && !options.unix) throw new ConfigError('LogRecordReceiver: give at least one of tcp, udp or unix');
  }

  /** Where it listens (ports resolved when 0 was asked for). */
  get addresses(): ReceiverAddresses {
    return this.#addresses;
  }

  /** Open the listeners; resolves with the bound addresses. */
  async start(): Promise<ReceiverAddresses> {
    const o = this.options;
    const host = o.host ?? '127.0.0.1';
    try {
      if (o.tcp != null) {
        const s = this.#makeServer();
        await listen(s, { host, port: o.tcp });
        this.#addresses.tcp = s.address() as net.AddressInfo;
      }
      if (o.unix) {
        await removeStaleSocket(o.unix);
        const s = this.#makeServer();
        await listen(s, { path: o.unix });
        this.#addresses.unix = o.unix;
      }
      if (o.udp != null) {
        const u = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
        u.on('message', (msg, rinfo) => this.#onDatagram(msg, `udp ${rinfo.address}:${rinfo.port}`));
        u.on('error', (err) => this.reportProtocolError('udp', err));
        await new Promise<void>((resolve, reject) => {
          u.once('error', reject);
          u.bind(o.udp!, host, () => {
            u.removeListener('error', reject);
            resolve();
          });
        });
        this.#udp = u;
        this.#addresses.udp = u.address();
      }
    } catch (e) {
      await this.close();
      throw e;
    }
    return this.#addresses;
  }

  #makeServer(): net.Server {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (sock) => this.#onConnection(sock));
    server.maxConnections = this.options.maxConnections ?? 128;
    server.on('drop', () => {
      this.stats.rejectedConnections++;
      this.reportProtocolError('listener', new Error(`connection refused: maxConnections (${server.maxConnections}) reached`));
    });
    server.on('error', (err) => this.reportProtocolError('listener', err));
    this.#servers.push(server);
    return server;
  }

  #onConnection(sock: net.Socket): void {
    const peer = sock.remoteAddress ? `tcp ${sock.remoteAddress}:${sock.remotePort}` : 'unix';
    this.stats.connections++;
    this.stats.activeConnections++;
    this.#sockets.add(sock);
    const dec = new FrameDecoder(this.#maxFrame + (this.#key ? TAG_BYTES : 0));
    const readTimeout = this.options.readTimeout ?? 10_000;
    let frameTimer: NodeJS.Timeout | null = null;
    const clearFrameTimer = (): void => {
      if (frameTimer) clearTimeout(frameTimer);
      frameTimer = null;
    };
    const fail = (err: unknown): void => {
      clearFrameTimer();
      this.reportProtocolError(peer, err);
      sock.destroy();
    };
    if (this.options.idleTimeout) {
      sock.setTimeout(this.options.idleTimeout, () => {
        this.stats.timeouts++;
        fail(new Error(`idle for ${this.options.idleTimeout} ms`));
      });
    }
    const onFrame = (buf: Buffer, start: number, end: number): void => this.#onFrame(buf, start, end);
    sock.on('data', (chunk: Buffer) => {
      let frames: number;
      try {
        frames = dec.pushEach(chunk, onFrame);
      } catch (e) {
        // a framing error or a bad frame: either way the sender is at fault
        this.stats.protocolErrors++;
        return fail(e);
      }
      if (dec.buffered > this.stats.maxBuffered) this.stats.maxBuffered = dec.buffered;
      if (frames > 0) clearFrameTimer();
      if (dec.inFrame && !frameTimer && readTimeout > 0) {
        frameTimer = setTimeout(() => {
          frameTimer = null;
          this.stats.timeouts++;
          fail(new Error(`frame not completed within readTimeout (${readTimeout} ms)`));
        }, readTimeout);
        frameTimer.unref();
      }
    });
    sock.on('end', () => {
      clearFrameTimer();
      if (dec.inFrame) {
        this.stats.protocolErrors++;
        this.reportProtocolError(peer, new Error('connection closed in the middle of a frame'));
      }
      sock.end();
    });
    sock.on('error', () => {
      /* reset by peer etc.: 'close' follows */
    });
    sock.on('close', () => {
      clearFrameTimer();
      this.stats.activeConnections--;
      this.#sockets.delete(sock);
    });
  }

  #onDatagram(msg: Buffer, peer: string): void {
    try {
      let body = msg;
      // CPython's DatagramHandler keeps SocketHandler's length prefix; accept it, or a bare payload.
      if (msg.length >= 4 && msg.readUInt32BE(0) === msg.length - 4) body = msg.subarray(4);
      if (body.length > this.#maxFrame + (this.#key ? TAG_BYTES : 0)) throw new Error(`datagram of ${body.length} bytes exceeds maxFrameSize`);
      this.#onFrame(body, 0, body.length);
    } catch (e) {
      this.stats.protocolErrors++;
      this.reportProtocolError(peer, e, 'datagram dropped');
    }
  }

  /** Verify, decode and dispatch the frame body `buf[start, end)`; throws ProtocolError on bad input. */
  #onFrame(buf: Buffer, start: number, end: number): void {
    let record: LogRecord;
    if (this.#key === null && buf[start] === COMPACT_MAGIC && this.#compact !== null) record = this.#compact.decodeAt(buf, start, end);
    else {
      const body = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
      const payload = this.#key ? verify(this.#key, body) : body;
      // Same result as makeLogRecord(sanitizeRecordDict(dict)), without the intermediate copy.
      record = payload[0] === COMPACT_MAGIC && this.#compact !== null ? this.#compact.decode(payload) : recordFromDict(decodePayload(payload, this.#decodeOptions));
    }
    this.stats.records++;
    try {
      this.handleLogRecord(record);
    } catch (e) {
      // A local handler problem is not the sender's fault: keep the connection.
      this.stats.handlerErrors++;
      this.reportProtocolError('local handling', e, 'record skipped');
    }
  }

  /**
   * Dispatch a rebuilt record (the cookbook's `handleLogRecord`): to
   * `getLogger(logname ?? record.name).handle(record)`. Override to route
   * records elsewhere.
   */
  handleLogRecord(record: LogRecord): void {
    const name = this.logname ?? record.name;
    getLogger(name).handle(record);
  }

  /**
   * Report malformed input or a listener problem. The default writes one line
   * to stderr, at most `maxReports` per `reportInterval`, then a count of the
   * suppressed ones. Override to report elsewhere.
   */
  reportProtocolError(peer: string, error: unknown, action = 'connection closed'): void {
    const now = Date.now();
    const interval = this.options.reportInterval ?? 10_000;
    if (now - this.#reportWindowStart >= interval) {
      if (this.#suppressedInWindow > 0) writeStderr(`logflume receiver: ${this.#suppressedInWindow} more reports suppressed\n`);
      this.#reportWindowStart = now;
      this.#reportsInWindow = 0;
      this.#suppressedInWindow = 0;
    }
    if (this.#reportsInWindow >= (this.options.maxReports ?? 10)) {
      this.#suppressedInWindow++;
      this.stats.suppressedReports++;
      return;
    }
    this.#reportsInWindow++;
    const text = error instanceof Error && error.name === 'ProtocolError' ? error.message : firstLine(error);
    writeStderr(`logflume receiver: ${peer}: ${text}; ${action}\n`);
  }

  /**
   * Stop listening, let connected senders finish (their SocketHandlers see the
   * close and keep later records in their backlog), disconnect whatever is
   * still open after `drainTimeout`, and close the UDP socket.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const closed = this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const sock of this.#sockets) sock.end();
    if (this.#sockets.size > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          for (const sock of this.#sockets) sock.destroy();
          resolve();
        }, this.options.drainTimeout ?? 5000);
        const check = (): void => {
          if (this.#sockets.size === 0) {
            clearTimeout(t);
            resolve();
          }
        };
        for (const sock of this.#sockets) sock.once('close', () => setImmediate(check));
      });
    }
    await Promise.all(closed);
    if (this.#udp) {
      const u = this.#udp;
      this.#udp = null;
      await new Promise<void>((resolve) => u.close(() => resolve()));
    }
  }
}

function firstLine(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return formatThrown(e).split('\n')[0] ?? String(e);
}

function listen(server: net.Server, opts: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

/** Remove a socket file left by a receiver that died; one a live receiver answers on is kept (listen then fails with EADDRINUSE). */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  try {
    if (!statSync(path).isSocket()) return;
  } catch {
    return;
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!alive) {
    try {
      unlinkSync(path);
    } catch {
      /* listen reports the problem */
    }
  }
}
