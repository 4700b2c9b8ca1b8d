import { LoggingError } from '../errors.js';

/** Raised by `put`/`put_nowait` on a full queue (Python's `queue.Full`). */
export class Full extends LoggingError {
  constructor() {
    super('queue is full', 'ERR_LOGFLUME_QUEUE_FULL');
    this.name = 'Full';
  }
}

/** Raised by `get`/`get_nowait` on an empty queue (Python's `queue.Empty`). */
export class Empty extends LoggingError {
  constructor() {
    super('queue is empty', 'ERR_LOGFLUME_QUEUE_EMPTY');
    this.name = 'Empty';
  }
}

/**
 * What a bounded queue does with a record that does not fit:
 * - `'raise'` – Python's behaviour: `put_nowait` raises {@link Full} (QueueHandler reports it via handleError);
 * - `'drop-new'` – the new item is dropped and counted;
 * - `'drop-oldest'` – the oldest queued item is dropped and counted, the new one is queued;
 * - `'block'` – the caller makes room: on the off-thread queue it waits (bounded) for the
 *   worker; on the in-process {@link Queue} it runs the attached consumer inline.
 */
export type OverflowPolicy = 'raise' | 'drop-new' | 'drop-oldest' | 'block';

/** Options of {@link Queue}. */
export interface QueueOptions {
  /** What `put` does when the queue is full (default `'raise'`, as Python's `queue.Queue`). */
  overflow?: OverflowPolicy;
}

/** @internal the consumer a listener attaches so a `'block'` put can make room inline. */
export type QueueDrainer = (atLeast: number) => void;

/**
 * An in-process FIFO queue with Python's `queue.Queue` API (`put`, `put_nowait`,
 * `get`, `get_nowait`, `task_done`, `join`, `qsize`, `empty`, `full`).
 *
 * Node difference: producer and consumer share one thread, so a blocking
 * `get()` on an empty queue cannot wait — it raises {@link Empty} at once;
 * await `getAsync()` (or `whenNotEmpty()`) instead. A blocking `put()` on a full
 * queue makes room by running the attached consumer (a started
 * {@link QueueListener}) synchronously, or raises {@link Full} if none is attached.
 *
 * Capacity: `maxsize` items; `0` (or negative) means unbounded, as in Python —
 * pass a maxsize in production. Drops under `'drop-new'`/`'drop-oldest'` are
 * counted in `dropped`; a QueueListener turns them into one "N records dropped" warning.
 *
 * @example const q = new Queue(10_000, { overflow: 'drop-oldest' });
 */
export class Queue<T = unknown> {
  /** Maximum number of items; 0 means unbounded (Python's `maxsize`). */
  readonly maxsize: number;
  /** Overflow policy for a full queue. */
  readonly overflow: OverflowPolicy;
  /** Items dropped by the overflow policy so far. */
  dropped = 0;
  /** Unfinished tasks (put minus task_done), as Python's `unfinished_tasks`. */
  unfinished_tasks = 0;
  #items: (T | undefined)[] = [];
  #head = 0;
  #waiters: (() => void)[] = [];
  #joiners: (() => void)[] = [];
  /** @internal */
  drainer: QueueDrainer | null = null;

  constructor(maxsize = 0, options: QueueOptions = {}) {
    this.maxsize = maxsize > 0 ? Math.floor(maxsize) : 0;
    this.overflow = options.overflow ?? 'raise';
  }

  /** Number of items queued. */
  qsize(): number {
    return this.#items.length - this.#head;
  }
  /** True when nothing is queued. */
  empty(): boolean {
    return this.qsize() === 0;
  }
  /** True when a bounded queue holds `maxsize` items. */
  full(): boolean {
    return this.maxsize > 0 && this.qsize() >= this.maxsize;
  }

  /**
   * Add an item. On a full queue the overflow policy decides; with `block`
   * true and policy `'raise'` or `'block'` the attached consumer runs inline to
   * make room. Returns the number of items dropped to honour the policy (0 or 1).
   * @throws Full when the item cannot be queued under `'raise'`.
   */
  put(item: T, block = true, _timeout: number | null = null): number {
    let dropped = 0;
    if (this.maxsize > 0 && this.qsize() >= this.maxsize) {
      const policy = this.overflow;
      if (policy === 'drop-new') {
        this.dropped++;
        return 1;
      }
      if (policy === 'drop-oldest') {
        this.#shift();
        this.#taskDone(1);
        this.dropped++;
        dropped = 1;
      } else if ((block || policy === 'block') && this.drainer !== null) {
        this.drainer(this.qsize() - this.maxsize + 1);
        if (this.qsize() >= this.maxsize) throw new Full();
      } else {
        throw new Full();
      }
    }
    this.#items.push(item);
    this.unfinished_tasks++;
    if (this.#waiters.length > 0) {
      const ws = this.#waiters;
      this.#waiters = [];
      for (const w of ws) w();
    }
    return dropped;
  }

  /** @internal append past the bound (a listener's sentinel must never be dropped). */
  putUnbounded(item: T): void {
    this.#items.push(item);
    this.unfinished_tasks++;
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) w();
  }

  /** `put(item, false)`: never makes room inline; raises Full under `'raise'`. */
  put_nowait(item: T): number {
    return this.put(item, this.overflow === 'block');
  }

  /**
   * Remove and return the oldest item. Node difference: never waits — an empty
   * queue raises {@link Empty} whatever `block` says; use `getAsync()` to wait.
   * @throws Empty when nothing is queued.
   */
  get(_block = true, _timeout: number | null = null): T {
    if (this.#head >= this.#items.length) throw new Empty();
    return this.#shift();
  }

  /** `get(false)`. */
  get_nowait(): T {
    return this.get(false);
  }

  /** Wait (up to `timeout` ms, forever when null) for an item and remove it. Rejects with Empty on timeout. */
  async getAsync(timeout: number | null = null): Promise<T> {
    const deadline = timeout === null ? Infinity : Date.now() + timeout;
    while (this.empty()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Empty();
      await this.whenNotEmpty(left === Infinity ? null : left);
    }
    return this.#shift();
  }

  /** Resolve when an item is available (or after `timeout` ms). */
  whenNotEmpty(timeout: number | null = null): Promise<void> {
    if (!this.empty()) return Promise.resolve();
    return new Promise((resolve) => {
      let t: NodeJS.Timeout | undefined;
      const w = (): void => {
        if (t) clearTimeout(t);
        resolve();
      };
      this.#waiters.push(w);
      if (timeout !== null) {
        t = setTimeout(() => {
          const i = this.#waiters.indexOf(w);
          if (i >= 0) this.#waiters.splice(i, 1);
          resolve();
        }, timeout);
      }
    });
  }

  /** Mark one item as processed (Python's `task_done`). @throws Error when called more times than items were put. */
  task_done(): void {
    if (this.unfinished_tasks <= 0) throw new Error('task_done() called too many times');
    this.#taskDone(1);
  }

  /** Resolve once every item put so far has been marked done (Python's blocking `join`). */
  join(): Promise<void> {
    if (this.unfinished_tasks === 0) return Promise.resolve();
    return new Promise((resolve) => this.#joiners.push(resolve));
  }

  #taskDone(n: number): void {
    this.unfinished_tasks -= n;
    if (this.unfinished_tasks === 0 && this.#joiners.length > 0) {
      const js = this.#joiners;
      this.#joiners = [];
      for (const j of js) j();
    }
  }

  #shift(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    } else if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
    return item;
  }
}
