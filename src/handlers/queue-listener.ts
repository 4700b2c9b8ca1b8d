import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Handler } from '../handler.js';
import { LogRecord } from '../log-record.js';
import { WARNING } from '../levels.js';
import { LoggingError } from '../errors.js';
import { reportLoggingError } from '../internal/report.js';
import { addExitHook } from '../internal/registry.js';
import { Empty, type Queue } from './queue.js';

/** Options of {@link QueueListener}. */
export interface QueueListenerOptions {
  /** Offer a record only to handlers whose level it reaches (Python's `respect_handler_level`, default false). */
  respectHandlerLevel?: boolean;
  /** Records handled per event-loop turn before yielding (default 256). */
  batchSize?: number;
}

/** What a QueueListener reads from: `get(block)` that throws when empty, as Python's queue. */
export interface DequeueLike {
  get(block?: boolean, timeout?: number | null): unknown;
  put_nowait(item: unknown): unknown;
  task_done?(): void;
}

/** Build the "N records dropped" warning a listener delivers once the queue has room again. */
export function droppedRecordsWarning(n: number, where: string): LogRecord {
  return new LogRecord('logflume.queue', WARNING, where, 0, '%d records dropped', [n], null, null, null);
}

/**
 * Takes records off a queue and hands them to handlers (Python's
 * `logging.handlers.QueueListener`). One listener may serve several
 * QueueHandlers that share its queue.
 *
 * Node difference: Python runs the loop on a thread; here it runs on the event
 * loop in batches (`setImmediate` between batches), so handlers never run on the
 * logging call's stack, but a slow synchronous handler still occupies the
 * thread — use {@link WorkerQueueListener} to move handlers off the main thread.
 * Drops made by the queue's overflow policy are reported to the handlers as one
 * WARNING record "N records dropped" from logger `logflume.queue`.
 *
 * @example
 * const listener = new QueueListener(q, fileHandler, consoleHandler, { respectHandlerLevel: true });
 * listener.start();
 * await listener.stop(); // every queued record handled
 */
export class QueueListener {
  /** Python's `_sentinel`: the value that tells the loop to stop. */
  static readonly _sentinel: null = null;
  /** The queue read from. */
  queue: DequeueLike;
  /** The handlers records are offered to. */
  handlers: Handler[];
  /** Python's `respect_handler_level`. */
  respectHandlerLevel: boolean;
  readonly #batchSize: number;
  #running: Promise<void> | null = null;
  #stopRequested = false;
  #reportedDrops = 0;

  constructor(queue: DequeueLike, ...rest: (Handler | QueueListenerOptions)[]) {
    this.queue = queue;
    let opts: QueueListenerOptions = {};
    const last = rest[rest.length - 1];
    if (last !== undefined && typeof (last as Handler).handle !== 'function') {
      opts = rest.pop() as QueueListenerOptions;
    }
    this.handlers = rest as Handler[];
    this.respectHandlerLevel = opts.respectHandlerLevel ?? false;
    this.#batchSize = opts.batchSize ?? 256;
  }

  /**
   * Take one record off the queue (Python's `dequeue`). Override to use
   * timeouts or another queue API. Default: `queue.get(block)`; must throw
   * (Empty) or return undefined when nothing is queued.
   */
  dequeue(block: boolean): unknown {
    return this.queue.get(block);
  }

  /** Transform a record before the handlers see it. Override to unmarshal; default returns it unchanged. */
  prepare(record: unknown): LogRecord {
    return record as LogRecord;
  }

  /** Offer a record to every handler (respecting their levels if asked). Override to route differently. */
  handle(record: unknown): void {
    const rec = this.prepare(record);
    for (const h of this.handlers) {
      if (!this.respectHandlerLevel || rec.levelno >= h.level) h.handle(rec);
    }
  }

  /** Start taking records off the queue. Idempotent while running. */
  start(): void {
    if (this.#running !== null) return;
    this.#stopRequested = false;
    const q = this.queue as Partial<Queue>;
    if ('drainer' in q) q.drainer = (n: number) => this.#drainSync(n);
    this.#running = this.#monitor();
    if (!this.#exitHookAdded) {
      this.#exitHookAdded = true;
      const ref = new WeakRef(this);
      addExitHook(() => {
        const l = ref.deref();
        if (l !== undefined) l.#drainAtExit();
      });
    }
  }

  #exitHookAdded = false;
  /** At process exit: handle what is still queued, synchronously, then flush the handlers. */
  #drainAtExit(): void {
    if (this.#running === null) return;
    this.#drainSync(Infinity);
    for (const h of this.handlers) {
      try {
        h.flushSync();
      } catch {
        /* exit path */
      }
    }
  }

  /** Put the sentinel that ends the loop (Python's `enqueue_sentinel`). Override for queues that need another call. */
  enqueueSentinel(): void {
    const q = this.queue as Partial<Queue>;
    // logflume's Queue takes the sentinel past its bound so an overflow policy cannot drop it
    if (typeof q.putUnbounded === 'function') q.putUnbounded(QueueListener._sentinel);
    else this.queue.put_nowait(QueueListener._sentinel);
  }

  /**
   * Stop after every record queued so far has been handled. Resolves when the
   * loop has ended; rejects with a LoggingError (`ERR_LOGFLUME_STOP_TIMEOUT`)
   * if that takes longer than `timeout` ms (default: no limit).
   */
  async stop(timeout: number | null = null): Promise<void> {
    const running = this.#running;
    if (running === null) return;
    try {
      this.enqueueSentinel();
    } catch {
      this.#stopRequested = true; // a full bounded queue: stop once it is empty
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      if (timeout === null) await running;
      else {
        await Promise.race([
          running,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new LoggingError(`QueueListener.stop() timed out after ${timeout} ms`, 'ERR_LOGFLUME_STOP_TIMEOUT')), timeout);
          }),
        ]);
      }
    } finally {
      if (timer) clearTimeout(timer);
    }
    this.#running = null;
    const q = this.queue as Partial<Queue>;
    if ('drainer' in q) q.drainer = null;
  }

  /** True between start() and the end of stop(). */
  get running(): boolean {
    return this.#running !== null;
  }

  #next(): { done: boolean; value?: unknown } {
    let v: unknown;
    try {
      v = this.dequeue(false);
    } catch (e) {
      if (e instanceof Empty || (e as { name?: string }).name === 'Empty') return { done: true };
      throw e;
    }
    if (v === undefined) return { done: true };
    return { done: false, value: v };
  }

  #reportDrops(): void {
    const d = (this.queue as { dropped?: number }).dropped;
    if (typeof d === 'number' && d > this.#reportedDrops) {
      const n = d - this.#reportedDrops;
      this.#reportedDrops = d;
      this.handle(droppedRecordsWarning(n, 'QueueListener'));
    }
  }

  /** Handle one dequeued item; returns false on the sentinel. */
  #one(v: unknown): boolean {
    const q = this.queue;
    if (v === QueueListener._sentinel) {
      q.task_done?.();
      return false;
    }
    try {
      this.handle(v);
    } catch (e) {
      reportLoggingError(e, v as LogRecord, 'QueueListener');
    }
    q.task_done?.();
    return true;
  }

  #drainSync(atLeast: number): void {
    for (let i = 0; i < atLeast; i++) {
      const n = this.#next();
      if (n.done) return;
      if (!this.#one(n.value)) {
        this.#stopRequested = true;
        return;
      }
    }
  }

  async #monitor(): Promise<void> {
    await yieldToLoop();
    for (;;) {
      let handled = 0;
      this.#reportDrops();
      while (handled < this.#batchSize) {
        let n: { done: boolean; value?: unknown };
        try {
          n = this.#next();
        } catch (e) {
          reportLoggingError(e, null, 'QueueListener.dequeue');
          n = { done: true };
        }
        if (n.done) break;
        if (!this.#one(n.value)) return;
        handled++;
      }
      if (handled > 0) {
        this.#reportDrops();
        await yieldToLoop();
        continue;
      }
      if (this.#stopRequested) return;
      const q = this.queue as Partial<Queue>;
      // A pending promise does not keep the process alive (Python's daemon thread); the exit hook drains what is left.
      if (typeof q.whenNotEmpty === 'function') await q.whenNotEmpty(null);
      else await new Promise((r) => setTimeout(r, 10).unref());
    }
  }
}
