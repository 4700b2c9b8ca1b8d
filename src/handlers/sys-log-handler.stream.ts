/**
 * The stream side of SysLogHandler (TCP, TLS, Unix stream): one connection,
 * a bounded backlog while it is (re)established, and replay of the writes a
 * dying connection refused — in the order the records were logged, however
 * many writes were in flight and however many reconnects it takes.
 */
import type * as net from 'node:net';
import type { LogRecord } from '../log-record.js';

/** What the stream sender needs from its handler. */
export interface SyslogStreamHooks {
  /** Open a new connection (net or TLS); it need not be connected yet. */
  open(): net.Socket;
  /** 'connect' for TCP/Unix, 'secureConnect' for TLS. */
  readyEvent: 'connect' | 'secureConnect';
  /** Give up an attempt after this many ms. */
  connectTimeout: number;
  /** First reconnect delay in ms, doubled up to 30 s. */
  reconnectDelay: number;
  /** Backlog bound in records; past it the oldest are dropped. */
  maxBacklog: number;
  /** Report one fault (the handler's handleError). */
  report(record: LogRecord | null, error: unknown): void;
  /** Turn a socket error into what is reported (for a clearer text). */
  explain(error: Error): unknown;
  /** Called once a connection is ready. */
  connected(): void;
  /** `host:port` or the path, for messages. */
  describe(): string;
}

interface Pending {
  seq: number;
  data: Buffer;
  record: LogRecord | null;
}

/**
 * One syslog stream connection with its backlog. Records carry a sequence
 * number; a write that fails on a dying socket goes back into the backlog at
 * its place by that number (not simply to the front), so N failed writes are
 * replayed in their original order, ahead of everything logged after them.
 */
export class SyslogStreamSender {
  /** Records dropped because the backlog was full or the sender closed first. */
  dropped = 0;
  readonly #h: SyslogStreamHooks;
  #sock: net.Socket | null = null;
  #connected = false;
  #connecting = false;
  #outageReported = false;
  #dropReported = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #delay: number;
  #seq = 0;
  #backlog: Pending[] = [];
  /** Records handed to the socket whose write has not completed; abandon() returns them. */
  readonly #written = new Set<Pending>();
  #closed = false;
  #refd = true;
  /** Called whenever the sender may have become idle. */
  onSettle: () => void = () => {};

  constructor(hooks: SyslogStreamHooks) {
    this.#h = hooks;
    this.#delay = hooks.reconnectDelay;
  }

  /** Records waiting for a connection. */
  get backlogLength(): number {
    return this.#backlog.length;
  }

  /** True while a socket exists or a reconnect is scheduled. */
  get active(): boolean {
    return this.#sock !== null || this.#retryTimer !== null;
  }

  /** Start connecting now (a no-op while connected or connecting). */
  connect(): void {
    if (this.#sock || this.#closed) return;
    this.#connecting = true;
    const sock = this.#h.open();
    sock.setNoDelay?.(true);
    this.#sock = sock;
    this.#refd = true; // a new socket is ref'd
    sock.setTimeout(this.#h.connectTimeout, () => {
      if (!this.#connected) sock.destroy(new Error(`SysLogHandler: no connection to ${this.#h.describe()} within ${this.#h.connectTimeout} ms`));
    });
    sock.once(this.#h.readyEvent, () => {
      sock.setTimeout(0);
      if (this.#sock !== sock) return;
      this.#connecting = false;
      this.#connected = true;
      this.#outageReported = false;
      this.#dropReported = false;
      this.#delay = this.#h.reconnectDelay;
      this.#h.connected();
      this.#drain();
    });
    sock.on('data', () => {}); // syslog servers do not answer; keep the socket flowing
    sock.on('error', (e) => {
      if (this.#sock !== sock || this.#outageReported) return;
      this.#outageReported = true;
      this.#h.report(this.#backlog[0]?.record ?? null, this.#h.explain(e));
    });
    sock.on('close', () => {
      if (this.#sock !== sock) return;
      this.#sock = null;
      this.#connected = false;
      this.#connecting = false;
      if (this.#backlog.length > 0 && !this.#closed) this.#scheduleReconnect();
      this.#settle();
    });
  }

  #scheduleReconnect(): void {
    if (this.#retryTimer) return;
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, 30_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#closed && !this.#sock && this.#backlog.length > 0) this.connect();
    }, delay);
    this.#retryTimer.unref();
  }

  /** Write now when connected and nothing waits ahead of it, else queue. */
  send(data: Buffer, record: LogRecord | null): void {
    if (!this.#sock && !this.#retryTimer) this.connect();
    const p: Pending = { seq: this.#seq++, data, record };
    if (this.#connected && this.#backlog.length === 0) this.#write(p);
    else this.#enqueue(p);
    this.#hold(true);
  }

  /**
   * Keep the process alive only while records are on their way. Only state
   * changes touch the socket: ref() on a socket that has no handle yet adds a
   * 'connect' listener each time.
   */
  #hold(on: boolean): void {
    const s = this.#sock;
    if (!s || s.destroyed || this.#refd === on) return;
    this.#refd = on;
    if (on) s.ref();
    else s.unref();
  }

  #enqueue(p: Pending): void {
    if (this.#backlog.length >= this.#h.maxBacklog) {
      this.#backlog.shift();
      this.dropped++;
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.#h.report(p.record, new Error(`SysLogHandler: backlog full (${this.#h.maxBacklog}), dropping the oldest records`));
      }
    }
    this.#backlog.push(p);
  }

  /** Put a refused write back at its place in the backlog (by sequence number). */
  #requeue(p: Pending): void {
    const b = this.#backlog;
    let i = 0;
    // failed writes are older than anything queued since, so this stops early
    while (i < b.length && b[i]!.seq < p.seq) i++;
    b.splice(i, 0, p);
    if (b.length > this.#h.maxBacklog) {
      const lost = b.shift()!;
      this.dropped++;
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.#h.report(lost.record, new Error(`SysLogHandler: backlog full (${this.#h.maxBacklog}), dropping the oldest records`));
      }
    }
  }

  #write(p: Pending): void {
    this.#sock!.write(p.data, (err) => {
      // a no-op for a write abandon() already gave back
      this.#written.delete(p);
      // a write the dying socket refused is replayed on the next connection; its callback may
      // run after the socket's 'close' (which saw no backlog then), so a reconnect is due here too
      if (err && !this.#closed) {
        this.#requeue(p);
        if (!this.#sock) this.#scheduleReconnect();
      }
      this.#settle();
    });
    this.#written.add(p); // only once write() accepted it
  }

  #drain(): void {
    while (this.#connected && this.#sock && this.#backlog.length > 0) {
      const p = this.#backlog.shift()!;
      try {
        this.#write(p);
      } catch (e) {
        this.#h.report(p.record, e); // runs from a socket event: must not throw
      }
    }
    this.#settle();
  }

  /** Nothing more happens until new records arrive or a reconnect fires. */
  idle(): boolean {
    return this.#written.size === 0 && (this.#backlog.length === 0 || (!this.#connected && !this.#connecting));
  }

  #settle(): void {
    this.#hold(this.#written.size > 0 || this.#backlog.length > 0);
    this.onSettle();
  }

  /**
   * Give up at once (shutdown()'s deadline): the socket is destroyed and what it held comes
   * back, written-but-unconfirmed records first (`inFlight`), then the backlog, in order.
   */
  abandon(): { records: (LogRecord | null)[]; inFlight: number } {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const written = [...this.#written].sort((a, b) => a.seq - b.seq);
    const records = written.concat(this.#backlog).map((p) => p.record);
    this.#written.clear();
    this.#backlog = [];
    const s = this.#sock;
    this.#sock = null;
    this.#connected = false;
    this.#connecting = false;
    s?.destroy();
    this.onSettle();
    return { records, inFlight: written.length };
  }

  /** Stop: drop (and return the count of) what is still queued, end the connection. */
  async close(): Promise<number> {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const n = this.#backlog.length;
    const first = this.#backlog[0]?.record ?? null;
    this.dropped += n;
    this.#backlog = [];
    if (n > 0) this.#h.report(first, new Error(`SysLogHandler: closed with ${n} undelivered record(s)`));
    const s = this.#sock;
    this.#sock = null;
    this.#connected = false;
    if (s && !s.destroyed) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => s.destroy(), 1000);
        s.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        s.end();
      });
    }
    return n;
  }
}
