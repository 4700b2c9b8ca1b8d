/**
 * The callers of a handler's `flush()` that wait for it to go idle: `wait()`
 * gives each a Promise, `release()` resolves them all once the handler is idle.
 * Shared by the handlers whose sends complete asynchronously.
 */
export class Waiters {
  #list: (() => void)[] = [];

  /** How many callers are waiting. */
  get size(): number {
    return this.#list.length;
  }

  /** A Promise resolved by the next `release()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#list.push(resolve));
  }

  /** Call `fn` at the next `release()` (for waits that also have a timeout). */
  add(fn: () => void): void {
    this.#list.push(fn);
  }

  /** Resolve everyone waiting now. */
  release(): void {
    if (this.#list.length === 0) return;
    const w = this.#list;
    this.#list = [];
    for (const fn of w) fn();
  }
}
