import type * as net from 'node:net';
import type * as dgram from 'node:dgram';
import { nodeDgram, nodeNet } from '../internal/lazy-builtins.js';
import { existsSync, readFileSync, unlinkSync, statSync } from 'node:fs';
import type { LogRecord } from '../log-record.js';
import type { Logger } from '../logger.js';
import { getLogger } from '../api.js';
import { ConfigError } from '../errors.js';
import { writeStderr } from '../internal/report.js';
import { formatThrown } from '../internal/exc-format.js';
import { FrameDecoder } from './wire/frame.js';
import { TAG_BYTES, toKey, verify } from './wire/hmac.js';
import { decodePayload, WIRE_FORMATS, type DecodeOptions } from './wire/record-dict.js';
import { COMPACT_MAGIC, CompactDecoder } from './wire/compact-record.js';
import { recordFromDict } from './wire/record-rebuild.js';
import { mergeReceivedArgs } from './wire/message-budget.js';
import { LoggerRouter } from './wire/logger-routing.js';
import type { LogRecordReceiverOptions, ReceiverStats, ReceiverAddresses } from './log-record-receiver.options.js';

export type { LogRecordReceiverOptions, ReceiverStats, ReceiverAddresses } from './log-record-receiver.options.js';

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
    evictedConnections: 0,
    listenerPauses: 0,
    unmergedRecords: 0,
    loggersCreated: 0,
    fallbackRecords: 0,
    maxBuffered: 0,
    udpReceiveBuffer: 0,
    udpDrops: null,
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
  #router: LoggerRouter;
  #expansion: number;
  #maxConnections: number;
  #idleTimeout: number;
  /** When each open connection last received bytes (for eviction at maxConnections). */
  #lastData = new Map<net.Socket, number>();
  /** What each stream listener was bound to (for listening again after a pause). */
  #listenSpecs: net.ListenOptions[] = [];
  #paused = false;
  #evictTimer: NodeJS.Timeout | null = null;

  constructor(options: LogRecordReceiverOptions = {}) {
    this.options = { ...options };
    this.logname = options.logname ?? null;
    const maxFrame = options.maxFrameSize ?? 1 << 20;
    if (!Number.isInteger(maxFrame) || maxFrame < 64 || maxFrame > 0x7fffffff) throw new ConfigError(`LogRecordReceiver: maxFrameSize must be an integer 64–2147483647, got ${String(maxFrame)}`);
    this.#maxFrame = maxFrame;
    this.#decodeOptions = { ...(options.formats ? { formats: options.formats } : {}), maxDepth: options.maxDepth ?? 32 };
    for (const k of ['maxConnections', 'readTimeout', 'idleTimeout', 'drainTimeout', 'maxMessageExpansion', 'maxLoggers', 'maxLoggerDepth', 'maxLoggerNameLength'] as const) {
      const v = options[k];
      if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new ConfigError(`LogRecordReceiver: ${k} must be a non-negative number, got ${String(v)}`);
    }
    this.#expansion = options.maxMessageExpansion ?? 4;
    this.#maxConnections = options.maxConnections ?? 128;
    this.#idleTimeout = options.idleTimeout ?? 600_000;
    this.#router = new LoggerRouter({ maxLoggers: options.maxLoggers ?? 1000, maxDepth: options.maxLoggerDepth ?? 16, maxLength: options.maxLoggerNameLength ?? 256 });
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
        const a = s.address() as net.AddressInfo;
        this.#addresses.tcp = a;
        this.#listenSpecs.push({ host, port: a.port });
      }
      if (o.unix) {
        await removeStaleSocket(o.unix);
        const s = this.#makeServer();
        await listen(s, { path: o.unix });
        this.#addresses.unix = o.unix;
        this.#listenSpecs.push({ path: o.unix });
      }
      if (o.udp != null) {
        const u = nodeDgram().createSocket({ type: nodeNet().isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: o.udpReceiveBuffer ?? 4 << 20 });
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
        this.stats.udpReceiveBuffer = u.getRecvBufferSize();
        this.udpDrops();
      }
    } catch (e) {
      await this.close();
      throw e;
    }
    return this.#addresses;
  }

  #makeServer(): net.Server {
    // The connection limit is kept here, not by server.maxConnections: Node
    // closes such a connection without a word after the sender's first writes
    // were accepted by the kernel, so the sender never learns its records are lost.
    const server = nodeNet().createServer({ allowHalfOpen: true, pauseOnConnect: false }, (sock) => this.#admit(sock));
    server.on('error', (err) => this.reportProtocolError('listener', err));
    // A server closed by a pause leaves the list once its last connection is gone.
    server.on('close', () => {
      const i = this.#servers.indexOf(server);
      if (i >= 0 && !this.#closing) this.#servers.splice(i, 1);
    });
    this.#servers.push(server);
    return server;
  }

  /**
   * At maxConnections the receiver stops listening, so a new sender's connect
   * fails (ECONNREFUSED) and nothing it sends can be lost unseen: a logflume
   * SocketHandler keeps its records in the backlog and retries. Listening
   * resumes as soon as a connection closes; while paused, the connection
   * silent longest (≥ 1 s) is closed each second to make room.
   */
  #pause(): void {
    if (this.#paused || this.#closing) return;
    this.#paused = true;
    this.stats.listenerPauses++;
    this.reportProtocolError('listener', new Error(`maxConnections (${this.#maxConnections}) reached: not listening until a connection closes (new senders see connection refused)`), 'listening paused');
    for (const s of this.#servers) if (s.listening) s.close();
    this.#evictTimer = setInterval(() => {
      const idle = this.#longestIdle();
      if (idle !== null) this.#evict(idle);
    }, 1000);
    this.#evictTimer.unref();
  }

  #resume(): void {
    if (!this.#paused || this.#closing || this.#sockets.size >= this.#maxConnections) return;
    this.#paused = false;
    if (this.#evictTimer) clearInterval(this.#evictTimer);
    this.#evictTimer = null;
    for (const spec of this.#listenSpecs) {
      const s = this.#makeServer();
      s.once('error', () => {
        // e.g. the port was taken meanwhile: stay paused and try again on the next close
        this.#paused = true;
      });
      s.listen(spec);
    }
  }

  #evict(idle: net.Socket): void {
    this.stats.evictedConnections++;
    this.#sockets.delete(idle); // its slot is free now; 'close' still updates activeConnections
    idle.end();
    idle.destroySoon();
  }

  /** Take a new connection: within maxConnections, in place of the longest-idle one, or refused with a notice. */
  #admit(sock: net.Socket): void {
    if (this.#sockets.size >= this.#maxConnections) {
      // Only a connection that was queued in the kernel before listening paused gets here.
      const idle = this.#longestIdle();
      if (idle !== null) this.#evict(idle);
      else return this.#refuse(sock);
    }
    this.#onConnection(sock);
    if (this.#sockets.size >= this.#maxConnections) this.#pause();
  }

  /** The connection silent longest, if it has been silent for 1 s or more. */
  #longestIdle(): net.Socket | null {
    let best: net.Socket | null = null;
    let bestAt = Date.now() - 1000;
    for (const [sock, at] of this.#lastData) {
      // strictly older than the best so far: on a tie the first connected (Map order) goes
      if ((best === null ? at <= bestAt : at < bestAt) && this.#sockets.has(sock)) {
        best = sock;
        bestAt = at;
      }
    }
    return best;
  }

  /** Refuse a connection visibly: one line the sender can read, then the close; counted and reported. */
  #refuse(sock: net.Socket): void {
    this.stats.rejectedConnections++;
    const peer = sock.remoteAddress ? `tcp ${sock.remoteAddress}:${sock.remotePort}` : 'unix';
    this.reportProtocolError(peer, new Error(`connection refused: maxConnections (${this.#maxConnections}) reached`), 'nothing it sends is read');
    sock.on('error', () => {
      /* the sender may reset first */
    });
    sock.on('data', () => {
      /* not read: the refusal line tells the sender */
    });
    sock.end(REFUSED_LINE);
    setTimeout(() => sock.destroy(), 1000).unref();
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
    if (this.#idleTimeout > 0) {
      sock.setTimeout(this.#idleTimeout, () => {
        this.stats.timeouts++;
        fail(new Error(`idle for ${this.#idleTimeout} ms`));
      });
    }
    const onFrame = (buf: Buffer, start: number, end: number): void => this.#onFrame(buf, start, end);
    this.#lastData.set(sock, Date.now());
    sock.on('data', (chunk: Buffer) => {
      this.#lastData.set(sock, Date.now());
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
      this.#lastData.delete(sock);
      this.#resume();
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
    const args = record.args as unknown;
    if (args !== null && args !== undefined) this.#mergeArgs(record, end - start);
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
   * Merge a received record's arguments into its message once, here, when
   * the result is sure to fit `maxMessageExpansion`; otherwise (or when the
   * merge fails) keep the template as `msg` and the arguments as data.
   * SocketHandlers (ours and CPython's) send merged messages, so only a
   * hand-made frame gets here.
   */
  #mergeArgs(record: LogRecord, frameBytes: number): void {
    const limit = this.#expansion * frameBytes + 4096;
    const why = mergeReceivedArgs(record, limit);
    if (why === null) return;
    this.stats.unmergedRecords++;
    this.reportProtocolError(`record ${JSON.stringify(record.name.slice(0, 80))}`, new Error(`arguments kept unmerged: ${why} (limit: maxMessageExpansion ${this.#expansion} × ${frameBytes}-byte frame + 4096)`), 'record delivered with msg as sent');
  }

  /**
   * Dispatch a rebuilt record (the cookbook's `handleLogRecord`): to
   * `loggerFor(logname ?? record.name).handle(record)`. Override to route
   * records elsewhere.
   */
  handleLogRecord(record: LogRecord): void {
    if (this.logname !== null) getLogger(this.logname).handle(record);
    else this.loggerFor(record.name).handle(record);
  }

  /**
   * The local logger for a received name: an existing logger as it is; a new
   * one while `maxLoggers`, `maxLoggerDepth` and `maxLoggerNameLength` allow;
   * past them the nearest existing ancestor (counted in `fallbackRecords`,
   * reported).
   */
  loggerFor(name: string): Logger {
    const r = this.#router;
    const before = r.created;
    const logger = r.resolve(name);
    if (r.created !== before) this.stats.loggersCreated = r.created;
    if (r.refused !== null) {
      this.stats.fallbackRecords++;
      this.reportProtocolError(`record ${JSON.stringify(name.slice(0, 80))}${name.length > 80 ? '…' : ''}`, new Error(`no logger created for this name (${r.refused} reached)`), `routed to logger '${logger.name}'`);
    }
    return logger;
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
   * Datagrams the kernel dropped for the UDP socket since it opened (a burst
   * larger than `udpReceiveBuffer` while the receiver was busy): read from
   * /proc/net/udp (Linux) into `stats.udpDrops`; null elsewhere or without UDP.
   */
  udpDrops(): number | null {
    const port = this.#addresses.udp?.port;
    if (port === undefined) return null;
    const hex = ':' + port.toString(16).toUpperCase().padStart(4, '0');
    for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length >= 13 && cols[1]!.endsWith(hex)) return (this.stats.udpDrops = Number(cols[cols.length - 1]));
      }
    }
    return (this.stats.udpDrops = null);
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
    if (this.#evictTimer) clearInterval(this.#evictTimer);
    this.#evictTimer = null;
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

/** What a refused connection reads before the close (one line, so any client can show it). */
export const REFUSED_LINE = 'logflume receiver: connection refused: maxConnections reached; nothing sent on this connection was read\n';

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
    const probe = nodeNet().connect({ path });
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
