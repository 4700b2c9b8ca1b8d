import { Worker, isMainThread, threadId } from 'node:worker_threads';
import { runtimeInfo } from '../internal/runtime.js';
import { LoggingError } from '../errors.js';
import { reportLoggingError } from '../internal/report.js';
import { addExitHook } from '../internal/registry.js';
import { allocateRing, ringPending, type QueueDescriptor, type RingOptions, type RingOverflow } from './queue/ring-buffer.js';
import { RingProducer, attachRing } from './queue/ring-producer.js';
import { callerInfo, CALLER_FIELDS } from '../internal/caller.js';
import { CTL_CALLER, CTL_RINGS, CTL_DOORBELL, CTL_FLUSH_REQ, CTL_FLUSHED, CTL_SLOTS, CTL_STATE, STATE_DEAD, STATE_NEW, STATE_READY, STATE_STARTING, STATE_STOPPED } from './queue/indexes.js';
import type { FromWorker, ToWorker, WorkerInit } from './queue/protocol.js';
import type { HandlerSpec } from './queue/specs.js';

// Records logged on an application's worker threads carry that thread's id
// (the core cannot load node:worker_threads itself; see internal/runtime.ts).
if (!isMainThread && runtimeInfo.thread === 0) {
  runtimeInfo.thread = threadId;
  runtimeInfo.threadName = `Thread-${threadId}`;
}

/** Options of {@link WorkerQueueListener}: the ring's limits and policy plus the listener's own. */
export interface WorkerQueueListenerOptions extends RingOptions {
  /** Offer a record only to handlers whose level it reaches (Python's `respect_handler_level`, default false). */
  respectHandlerLevel?: boolean;
  /** Longest the main thread waits at process exit for the worker to drain and flush, ms (default 5000). */
  exitTimeout?: number;
  /** Default timeout of stop(), ms (default 10000). */
  stopTimeout?: number;
}

/** Whether a spec is dictConfig-shaped (its formatters can be read before the worker builds them). */
function specIsDict(spec: HandlerSpec): boolean {
  return typeof spec === 'object' && spec !== null && !('module' in spec);
}

/** A dictConfig-shaped spec whose formatters name a caller field (module specs are known once built). */
function specUsesCaller(spec: HandlerSpec): boolean {
  const fmts = (spec as { formatters?: unknown }).formatters;
  if (typeof fmts !== 'object' || fmts === null) return false;
  for (const f of Object.values(fmts as Record<string, unknown>)) {
    const text = typeof f === 'object' && f !== null ? ((f as Record<string, unknown>).format ?? (f as Record<string, unknown>).fmt) : undefined;
    if (typeof text !== 'string') continue;
    for (const field of CALLER_FIELDS) if (new RegExp(`%\\(${field}\\)|\\{${field}[}!:]|\\$\\{?${field}\\b`).test(text)) return true;
  }
  return false;
}

function sumPending(rings: SharedArrayBuffer[]): number {
  let n = 0;
  for (const sab of rings) n += ringPending(sab);
  return n;
}

/**
 * A QueueListener whose handlers run on a `worker_threads` Worker — Python's
 * QueueListener thread, the Node way. Named after Node's Worker because that
 * is what it adds to Python's QueueListener: handlers cannot be passed as
 * live objects, so they are described by specs (`{ module, export, args }` or
 * dictConfig-shaped `{ handlers: {…} }`) and built inside the worker.
 *
 * Records travel through a SharedArrayBuffer ring per producing thread:
 * `listener.queue` is the main thread's (give it to any number of
 * QueueHandlers); `createQueueDescriptor()` makes one for another thread,
 * which attaches with `WorkerQueueListener.attach(descriptor)`.
 *
 * Capacity: `maxBytes` (default 4 MiB) and optionally `maxRecords`. Overflow
 * (`overflow`, default 'block'): 'block' waits up to `blockTimeout` ms (default
 * 1000) for the worker to make room, then drops the record — no loss unless
 * the worker is stuck, at the price of stalling the caller while it waits;
 * 'drop-new' and 'drop-oldest' never wait. Drops are counted (`dropped`, and
 * `QueueHandler.dropped`) and reported to the handlers as one WARNING record
 * "N records dropped" once the worker gets to them.
 *
 * Exit: at process exit (natural end, process.exit(), uncaught exception) the
 * main thread waits up to `exitTimeout` for the worker to handle every queued
 * record and flush its handlers. If the worker dies, the failure and the
 * number of undelivered records are reported on stderr.
 *
 * @example
 * const listener = new WorkerQueueListener([{ module: '/abs/handlers.js', export: 'fileHandler', args: ['app.log'] }]);
 * listener.start();
 * getLogger().addHandler(new QueueHandler(listener.queue));
 * await listener.stop();
 */
export class WorkerQueueListener {
  /** The main thread's queue: pass it to QueueHandlers. */
  readonly queue: RingProducer;
  /** The handler specs built in the worker. */
  readonly specs: HandlerSpec[];
  /** Python's `respect_handler_level`. */
  readonly respectHandlerLevel: boolean;
  /** Exit wait bound, ms. */
  exitTimeout: number;
  /** Default stop() timeout, ms. */
  stopTimeout: number;
  /** The Worker while running. */
  worker: Worker | null = null;
  readonly #control = new SharedArrayBuffer(CTL_SLOTS * 4);
  readonly #ctl = new Int32Array(this.#control);
  readonly #rings: { id: number; sab: SharedArrayBuffer }[] = [];
  readonly #ringOpts: { maxBytes: number; maxRecords: number; overflow: RingOverflow; blockTimeout: number };
  #ready: Promise<void> | null = null;
  #stopping = false;
  #stopped: Promise<void> | null = null;
  #flushId = 0;
  #flushWaiters = new Map<number, () => void>();
  #deathReported = false;

  constructor(specs: HandlerSpec | HandlerSpec[], options: WorkerQueueListenerOptions = {}) {
    this.specs = Array.isArray(specs) ? specs : [specs];
    this.respectHandlerLevel = options.respectHandlerLevel ?? false;
    this.exitTimeout = options.exitTimeout ?? 5000;
    this.stopTimeout = options.stopTimeout ?? 10000;
    const overflow = options.overflow ?? 'block';
    if (!['block', 'drop-new', 'drop-oldest'].includes(overflow)) {
      throw new LoggingError(`WorkerQueueListener: overflow must be 'block', 'drop-new' or 'drop-oldest', not '${String(overflow)}'`, 'ERR_LOGFLUME_CONFIG');
    }
    this.#ringOpts = { maxBytes: options.maxBytes ?? 4 * 1024 * 1024, maxRecords: options.maxRecords ?? 0, overflow, blockTimeout: options.blockTimeout ?? 1000 };
    this.queue = new RingProducer(this.createQueueDescriptor());
    // records logged before the worker is ready must carry what its formatters will print
    if (this.specs.some(specUsesCaller)) callerInfo.usedByFormat = true;
    const ref = new WeakRef(this);
    addExitHook(() => {
      const l = ref.deref();
      if (l !== undefined) l.#drainAtExit();
    });
  }

  /**
   * Attach to a listener's ring from another thread (the descriptor came
   * through workerData or postMessage). Idempotent per thread: attaching the
   * same descriptor again returns the same producer.
   * @throws LoggingError (ERR_LOGFLUME_QUEUE_OWNED) when another thread already writes that ring.
   */
  static attach(descriptor: QueueDescriptor): RingProducer {
    return attachRing(descriptor);
  }

  /** Records dropped on the main thread's ring so far. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /**
   * A descriptor for a new ring that feeds this listener, for another thread:
   * `new QueueHandler(WorkerQueueListener.attach(workerData.logQueue))`. One ring
   * per producing thread keeps every ring single-producer (no write contention,
   * and a producer that dies mid-write cannot block the others).
   */
  createQueueDescriptor(): QueueDescriptor {
    const sab = allocateRing(this.#ringOpts.maxBytes, this.#ringOpts.maxRecords);
    const id = this.#rings.length;
    this.#rings.push({ id, sab });
    if (this.worker !== null) this.#post({ code: 'ADD_RING', id, sab });
    Atomics.store(this.#ctl, CTL_RINGS, this.#rings.length);
    return { kind: 'logflume.ring', control: this.#control, ring: sab, maxRecords: this.#ringOpts.maxRecords, overflow: this.#ringOpts.overflow, blockTimeout: this.#ringOpts.blockTimeout };
  }

  /**
   * Start the worker. Records may be queued before it is ready; they wait in
   * the ring. Resolves when the handlers are built; rejects (and reports) if
   * building them failed.
   */
  start(): Promise<void> {
    if (this.#ready !== null) return this.#ready;
    Atomics.compareExchange(this.#ctl, CTL_STATE, STATE_NEW, STATE_STARTING);
    // handlers built from a module: whether they print caller fields is known only once built,
    // so until the worker answers, log calls capture their callers (issue #15 item 8)
    if (!this.#callerKnown && this.specs.some((s) => !specIsDict(s))) {
      callerInfo.pending++;
      this.#callerPending = true;
    }
    const init: WorkerInit = { control: this.#control, rings: this.#rings.slice(), specs: this.specs, respectHandlerLevel: this.respectHandlerLevel };
    const entry = workerEntry(import.meta.url);
    let w: Worker;
    if (entry.pathname.endsWith('.ts')) {
      // running from TypeScript sources (tests, tsx): register tsx inside the worker first
      const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
      w = new Worker(code, { eval: true, workerData: init, stderr: false, stdout: false });
    } else {
      w = new Worker(entry, { workerData: init });
    }
    this.worker = w;
    this.#ready = new Promise<void>((resolve, reject) => {
      w.on('message', (m: FromWorker) => {
        switch (m.code) {
          case 'READY':
            if (Atomics.load(this.#ctl, CTL_CALLER) !== 0) callerInfo.usedByFormat = true;
            this.#settleCaller();
            w.unref();
            resolve();
            break;
          case 'ERROR': {
            const e = new LoggingError(`WorkerQueueListener: the worker failed: ${m.message}`, 'ERR_LOGFLUME_WORKER');
            if (m.stack) e.stack = `${e.name}: ${e.message}\n    worker: ${m.stack}`;
            if (m.fatal) {
              this.#settleCaller();
              Atomics.store(this.#ctl, CTL_STATE, STATE_DEAD);
              this.#reportDeath(e);
              reject(e);
            } else reportLoggingError(e, null, 'WorkerQueueListener');
            break;
          }
          case 'FLUSHED': {
            const f = this.#flushWaiters.get(m.id);
            f?.();
            this.#flushWaiters.delete(m.id);
            break;
          }
          case 'STOPPED':
            break;
        }
      });
      w.on('error', (e) => {
        Atomics.store(this.#ctl, CTL_STATE, STATE_DEAD);
        this.#reportDeath(e);
        reject(e);
      });
      w.on('exit', (code) => {
        this.#settleCaller();
        const state = Atomics.load(this.#ctl, CTL_STATE);
        if (state !== STATE_STOPPED) {
          Atomics.store(this.#ctl, CTL_STATE, STATE_DEAD);
          this.#reportDeath(new LoggingError(`WorkerQueueListener: the worker exited with code ${code}`, 'ERR_LOGFLUME_WORKER'));
          reject(new LoggingError(`worker exited with code ${code}`, 'ERR_LOGFLUME_WORKER'));
        }
        for (const f of this.#flushWaiters.values()) f();
        this.#flushWaiters.clear();
        this.worker = null;
      });
    });
    this.#ready.catch(() => {});
    return this.#ready;
  }

  /** Records queued and not yet taken by the worker, over every ring. */
  get pending(): number {
    return sumPending(this.#rings.map((r) => r.sab));
  }

  #reportDeath(err: unknown): void {
    if (this.#deathReported) return;
    this.#deathReported = true;
    const lost = this.pending;
    const e = new LoggingError(`${(err as Error)?.message ?? String(err)}; ${lost} record(s) were not delivered`, 'ERR_LOGFLUME_WORKER', { cause: err });
    reportLoggingError(e, null, 'WorkerQueueListener');
  }

  #post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  /** Put the sentinel in the main ring (Python's `enqueue_sentinel`): the worker stops after the records before it. */
  enqueueSentinel(): void {
    this.queue.putSentinel();
  }

  /** Resolve once the worker has handled every record queued so far and flushed its handlers. */
  flush(): Promise<void> {
    if (this.worker === null || Atomics.load(this.#ctl, CTL_STATE) === STATE_DEAD) return Promise.resolve();
    const id = ++this.#flushId;
    const w = this.worker;
    w.ref(); // keep the process alive until the answer arrives
    return new Promise<void>((resolve) => {
      this.#flushWaiters.set(id, () => {
        if (this.#flushWaiters.size <= 1 && !this.#stopping && this.ready) w.unref();
        resolve();
      });
      this.#post({ code: 'FLUSH', id });
    });
  }

  /**
   * Stop after every queued record is handled and the worker's handlers are
   * flushed and closed. Rejects with `ERR_LOGFLUME_STOP_TIMEOUT` after `timeout` ms.
   */
  stop(timeout: number = this.stopTimeout): Promise<void> {
    if (this.#stopped !== null) return this.#stopped;
    const w = this.worker;
    if (w === null) return Promise.resolve();
    this.#stopping = true;
    this.#stopped = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new LoggingError(`WorkerQueueListener.stop() timed out after ${timeout} ms with ${this.pending} record(s) queued`, 'ERR_LOGFLUME_STOP_TIMEOUT'));
      }, timeout);
      w.once('exit', () => {
        clearTimeout(timer);
        if (Atomics.load(this.#ctl, CTL_STATE) === STATE_STOPPED) resolve();
        else reject(new LoggingError('WorkerQueueListener: the worker died before stopping', 'ERR_LOGFLUME_WORKER'));
      });
      this.enqueueSentinel();
      w.ref();
    });
    return this.#stopped;
  }

  /** True when the worker is built and running. */
  get ready(): boolean {
    return Atomics.load(this.#ctl, CTL_STATE) === STATE_READY;
  }

  /** At process exit: wait (bounded) for the worker to drain every ring and flush its handlers. */
  #callerPending = false;
  #callerKnown = false;
  /** The worker answered (or died): stop capturing callers on its behalf. */
  #settleCaller(): void {
    this.#callerKnown = true;
    if (!this.#callerPending) return;
    this.#callerPending = false;
    callerInfo.pending--;
  }

  #drainAtExit(): void {
    if (this.worker === null) {
      if (this.#ready === null && this.pending > 0) {
        reportLoggingError(new LoggingError(`WorkerQueueListener was never started; ${this.pending} record(s) were not delivered`, 'ERR_LOGFLUME_WORKER'), null, 'WorkerQueueListener');
      }
      return;
    }
    const ctl = this.#ctl;
    const req = Atomics.add(ctl, CTL_FLUSH_REQ, 1) + 1;
    Atomics.add(ctl, CTL_DOORBELL, 1);
    Atomics.notify(ctl, CTL_DOORBELL);
    const deadline = performance.now() + this.exitTimeout;
    for (;;) {
      const flushed = Atomics.load(ctl, CTL_FLUSHED);
      if (((flushed - req) | 0) >= 0) return;
      const state = Atomics.load(ctl, CTL_STATE);
      if (state === STATE_DEAD || state === STATE_STOPPED) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(ctl, CTL_FLUSHED, flushed, Math.min(left, 50));
    }
    const lost = this.pending;
    if (lost > 0) {
      reportLoggingError(new LoggingError(`WorkerQueueListener: exit wait ended with ${lost} record(s) not delivered`, 'ERR_LOGFLUME_WORKER'), null, 'WorkerQueueListener');
    }
  }
}

/**
 * The worker thread's module. From the sources (tsx) or a file-per-module build it sits
 * beside this file in queue/; in the published bundle (scripts/build.mjs) every file is
 * flat in dist/, so it is ./worker.js next to whichever chunk holds this code.
 */
function workerEntry(here: string): URL {
  const m = /\/worker-queue-listener\.(ts|js)$/.exec(here);
  return m ? new URL(`./queue/worker.${m[1]}`, here) : new URL('./worker.js', here);
}
