import { createRequire } from 'node:module';
import { Waiters } from '../internal/waiters.js';

/** The subset of the optional native `unix-dgram` module used here. */
export interface UnixDgramSocket {
  on(ev: 'error', fn: (e: Error) => void): void;
  on(ev: 'congestion', fn: (buf: Buffer) => void): void;
  on(ev: 'writable', fn: () => void): void;
  connect(path: string): void;
  send(buf: Buffer, cb?: (err?: Error | null) => void): void;
  close(): void;
}
export interface UnixDgramModule {
  createSocket(type: 'unix_dgram'): UnixDgramSocket;
}

let mod: UnixDgramModule | null | undefined;
/** The optional native module for Unix datagram sockets, or null when it is not installed. */
export function loadUnixDgram(): UnixDgramModule | null {
  if (mod === undefined) {
    try {
      mod = createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
    } catch {
      mod = null;
    }
  }
  return mod;
}

/** Options of {@link UnixDgramSender}. */
export interface UnixDgramSenderOptions {
  /** Datagrams held while the receiver's queue is full; beyond it the oldest are dropped and counted. */
  maxQueue: number;
  /** Where send failures and drops are reported (the owning handler's handleError). */
  onError(record: unknown, err: unknown): void;
}

interface Pending {
  data: Buffer;
  record: unknown;
}

/**
 * Datagrams to a Unix socket path through `unix-dgram`, with the two things
 * that module leaves to its user:
 *
 * - Congestion. A Unix datagram socket accepts only `net.unix.max_dgram_qlen`
 *   (often 10) unread datagrams; past that a send fails with EAGAIN. Python's
 *   blocking socket would wait; here the datagram waits in a bounded queue
 *   until the socket is writable again (drop-oldest beyond `maxQueue`, counted).
 * - Process lifetime. An open `unix-dgram` socket keeps Node's event loop
 *   alive and cannot be unref'd, so the socket is closed once nothing is
 *   queued (at the end of the loop turn that sent) and reopened on the next
 *   record: a program that logs and ends still exits.
 *
 * Connection errors (no such socket, a stream socket — EPROTOTYPE) are thrown
 * from `send()` so the caller can fall back, as Python does.
 */
export class UnixDgramSender {
  readonly path: string;
  /** Datagrams dropped because the queue was full. */
  dropped = 0;
  readonly #mod: UnixDgramModule;
  readonly #opts: UnixDgramSenderOptions;
  #sock: UnixDgramSocket | null = null;
  #queue: Pending[] = [];
  #congested = false;
  #sawCongestion = false;
  #connectError: Error | null = null;
  #connecting = false;
  #closeTimer: NodeJS.Timeout | null = null;
  readonly #waiters = new Waiters();
  #dropReported = false;

  constructor(path: string, module: UnixDgramModule, options: UnixDgramSenderOptions) {
    this.path = path;
    this.#mod = module;
    this.#opts = options;
  }

  /** Datagrams waiting for the receiver. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Send now, or queue while the receiver is congested. Throws connection errors. */
  send(data: Buffer, record: unknown): void {
    if (this.#congested || this.#queue.length > 0) {
      this.#enqueue({ data, record });
      return;
    }
    if (!this.#trySend(data)) this.#queue.push({ data, record });
    this.#scheduleClose();
  }

  #enqueue(p: Pending): void {
    if (this.#queue.length >= this.#opts.maxQueue) {
      this.#queue.shift();
      this.dropped++;
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.#opts.onError(p.record, new Error(`Unix datagram socket ${this.path} is congested: queue full (${this.#opts.maxQueue}), dropping the oldest records`));
      }
    }
    this.#queue.push(p);
  }

  #open(): UnixDgramSocket {
    if (this.#sock) return this.#sock;
    const s = this.#mod.createSocket('unix_dgram');
    s.on('error', (e) => {
      if (this.#connecting) this.#connectError = e;
      else this.#opts.onError(this.#queue[0]?.record ?? null, e);
    });
    s.on('congestion', () => {
      this.#sawCongestion = true;
    });
    s.on('writable', () => this.#onWritable());
    this.#connecting = true;
    this.#connectError = null;
    s.connect(this.path); // synchronous: success or an 'error' event before it returns
    this.#connecting = false;
    if (this.#connectError) {
      s.close();
      const e = this.#connectError as NodeJS.ErrnoException;
      this.#connectError = null;
      throw e;
    }
    this.#sock = s;
    return s;
  }

  /** true when the datagram was handed to the kernel; false when the receiver is congested. */
  #trySend(data: Buffer): boolean {
    const s = this.#open();
    this.#sawCongestion = false;
    s.send(data);
    if (this.#sawCongestion) {
      this.#congested = true;
      return false;
    }
    return true;
  }

  #onWritable(): void {
    this.#congested = false;
    while (this.#queue.length > 0) {
      let sent: boolean;
      try {
        sent = this.#trySend(this.#queue[0]!.data);
      } catch (e) {
        this.#opts.onError(this.#queue[0]!.record, e);
        sent = true; // the receiver is gone: drop this one rather than spin
      }
      if (!sent) return;
      this.#queue.shift();
    }
    this.#dropReported = false;
    this.#scheduleClose();
    this.#settle();
  }

  #scheduleClose(): void {
    if (this.#closeTimer !== null) return;
    this.#closeTimer = setTimeout(() => {
      this.#closeTimer = null;
      if (!this.#congested && this.#queue.length === 0) this.#closeSocket();
    }, 0);
  }

  #closeSocket(): void {
    const s = this.#sock;
    this.#sock = null;
    s?.close();
  }

  #idle(): boolean {
    return this.#queue.length === 0 && !this.#congested;
  }

  #settle(): void {
    if (this.#idle()) this.#waiters.release();
  }

  /**
   * Resolve once every queued datagram has been handed to the kernel, or after
   * `timeoutMs` if the receiver stops reading (a blocked Python sender would
   * wait forever; a close() must not).
   */
  flush(timeoutMs = 5000): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      t.unref();
      this.#waiters.add(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Close the socket; datagrams still queued are dropped and returned as a count. */
  close(): number {
    const n = this.#queue.length;
    this.dropped += n;
    this.#queue = [];
    this.#congested = false;
    if (this.#closeTimer !== null) clearTimeout(this.#closeTimer);
    this.#closeTimer = null;
    this.#closeSocket();
    this.#settle();
    return n;
  }
}
