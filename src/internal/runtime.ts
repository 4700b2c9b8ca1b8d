/**
 * Process-wide facts stamped on every record. Kept in one mutable object so the
 * queue module (which may load node:worker_threads) can fill in the thread id
 * without the core importing worker_threads itself.
 */
export const runtimeInfo = {
  thread: 0 as number | null,
  threadName: 'MainThread' as string | null,
  process: process.pid as number | null,
  processName: 'MainProcess' as string | null,
  /** ms since the epoch when logflume was first loaded (Python's `_startTime`). */
  startTime: Date.now(),
};

/** Anything that can take a record the way lastResort does. */
export interface RecordSink {
  level: number;
  handle(record: never): unknown;
}

/**
 * logging's module-level switches. Python code assigns `logging.raiseExceptions
 * = False`; ESM namespaces are read-only, so the same names live on this
 * mutable object (exported as `settings`).
 */
export const settings = {
  /** Print handler errors to stderr (true) or swallow them (false). Never throws either way. */
  raiseExceptions: true,
  /** Handler used when a record finds no handler at all (Python's `lastResort`); null to disable. */
  lastResort: null as RecordSink | null,
  /** Stamp thread id/name on records. */
  logThreads: true,
  /** Stamp process id on records. */
  logProcesses: true,
  /** Stamp process name on records. */
  logMultiprocessing: true,
  /**
   * Milliseconds during which a handler reports the same fault (same error code
   * and message) only once; repeats are counted in `handler.suppressedErrors`
   * and summarised with the next report or at close. 0 reports every failure,
   * as Python does. A full disk under load is one report, not one per record.
   */
  errorReportInterval: 5000,
};

/**
 * Source of context fields stamped on every record a Logger creates (set by
 * `src/context.ts` on the first `withContext` call). While null — the default,
 * when context is never used — the cost per record is this one null check.
 */
export let contextProvider: (() => Record<string, unknown> | undefined) | null = null;
type FieldSource = () => Record<string, unknown> | undefined;
let contextSource: FieldSource | null = null;
let traceSource: FieldSource | null = null;
/** @internal install or remove the context provider (src/context.ts). */
export function setContextProvider(fn: FieldSource | null): void {
  contextSource = fn;
  composeProviders();
}
/**
 * @internal install or remove the trace-correlation source (logflume/otel).
 * Shares the one `contextProvider` slot, so a process that uses neither still
 * pays a single null check; context fields win over trace fields of the same name.
 */
export function setTraceProvider(fn: FieldSource | null): void {
  traceSource = fn;
  composeProviders();
}
function composeProviders(): void {
  const c = contextSource;
  const t = traceSource;
  contextProvider =
    c === null || t === null
      ? (c ?? t)
      : () => {
          const cf = c();
          const tf = t();
          return cf === undefined ? tf : tf === undefined ? cf : { ...tf, ...cf };
        };
}
