/**
 * Every live handler, weakly held in creation order, so `shutdown()` can flush
 * and close them in reverse order (Python's `_handlerList`), plus the named
 * handlers (Python's `_handlers`). Exit hooks are installed with the first handler.
 */
export interface Shutdownable {
  flushSync(): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const handlerList: WeakRef<Shutdownable>[] = [];
let sinceCompact = 0;
const named = new Map<string, WeakRef<Shutdownable>>();
let exitHookInstalled = false;

/** @internal */
export function registerHandler(h: Shutdownable): void {
  handlerList.push(new WeakRef(h));
  if (++sinceCompact > 1024) compact();
  if (!exitHookInstalled) installExitHook();
}

function compact(): void {
  sinceCompact = 0;
  let j = 0;
  for (let i = 0; i < handlerList.length; i++) {
    const r = handlerList[i]!;
    if (r.deref() !== undefined) handlerList[j++] = r;
  }
  handlerList.length = j;
}

/** @internal live handlers, newest first. */
export function liveHandlersNewestFirst(): Shutdownable[] {
  const out: Shutdownable[] = [];
  for (let i = handlerList.length - 1; i >= 0; i--) {
    const h = handlerList[i]!.deref();
    if (h !== undefined) out.push(h);
  }
  return out;
}

/** @internal */
export function setNamedHandler(name: string, h: Shutdownable): void {
  named.set(name, new WeakRef(h));
}
/** @internal */
export function deleteNamedHandler(name: string, h: Shutdownable): void {
  if (named.get(name)?.deref() === h) named.delete(name);
}
/** @internal */
export function getNamedHandler(name: string): Shutdownable | undefined {
  return named.get(name)?.deref();
}
/** Synchronously push every buffered record out; used at process exit. */
export function flushAllSync(): void {
  for (const h of liveHandlersNewestFirst()) {
    try {
      h.flushSync();
    } catch {
      /* exit path: nothing can be reported reliably, and one handler must not stop the rest */
    }
  }
}

const exitHooks: (() => void)[] = [];
/** @internal extra synchronous work for process exit (e.g. draining a worker queue). Runs before handler flushes. */
export function addExitHook(fn: () => void): void {
  exitHooks.push(fn);
  if (!exitHookInstalled) installExitHook();
}

/**
 * @internal everything the process-exit hook does (exit hooks such as the worker
 * queue drain, then every handler's flushSync), for callers that end the
 * process without an 'exit' event (flushOnSignals re-raising a signal).
 */
export function runExitWorkSync(): void {
  onExit();
}

/**
 * @internal `started` turns true when logflume's 'exit' listener runs. Listeners
 * the application registered after logflume's run later (Python runs atexit
 * hooks before logging.shutdown; Node runs 'exit' listeners in registration
 * order), so a record logged from then on is pushed out before its log call
 * returns: see {@link afterLateRecord}.
 */
export const exitState = { started: false, lateRecords: 0 };

let inLate = false;
/**
 * @internal called by Handler.handle for a record handled after the exit work
 * ran: flush the handler synchronously, then run the exit hooks again (the
 * worker queue drains its ring), so the record is not left in a buffer.
 */
export function afterLateRecord(h: Shutdownable): void {
  if (inLate) return;
  inLate = true;
  exitState.lateRecords++;
  try {
    try {
      h.flushSync();
    } catch {
      /* see flushAllSync */
    }
    runHooks();
  } finally {
    inLate = false;
  }
}

function runHooks(): void {
  for (const fn of exitHooks) {
    try {
      fn();
    } catch {
      /* see flushAllSync */
    }
  }
}

function onExitEvent(): void {
  exitState.started = true;
  onExit();
}

function onExit(): void {
  for (const fn of exitHooks) {
    try {
      fn();
    } catch {
      /* see flushAllSync */
    }
  }
  flushAllSync();
}

function installExitHook(): void {
  exitHookInstalled = true;
  process.on('exit', onExitEvent);
}

/** @internal test isolation */
export function snapshotRegistry(): () => void {
  const list = handlerList.slice();
  const n = new Map(named);
  return () => {
    handlerList.length = 0;
    handlerList.push(...list);
    named.clear();
    for (const [k, v] of n) named.set(k, v);
  };
}
