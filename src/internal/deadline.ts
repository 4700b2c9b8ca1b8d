/**
 * The deadline plumbing of shutdown()/close(): how long they wait by default,
 * racing a Promise against a bound, and the report of what a handler gave up
 * when its bound passed.
 */
import { settings } from './runtime.js';
import { writeStderr } from './report.js';

/**
 * Default overall bound of `shutdown()`, `flushOnSignals()` and the network
 * handlers' `close()`, in ms. 5 s fits inside the SIGTERM grace period of the
 * common container runtimes (Docker's `stop` waits 10 s, Kubernetes 30 s by
 * default) with room left for the application's own clean-up, and is the
 * connect/answer timeout the network handlers already use.
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

/** What a handler gave up at a deadline: the records not confirmed delivered. */
export interface Abandoned {
  /** Every record not confirmed delivered, in logged order (in-flight ones first). */
  records: unknown[];
  /** How many of `records` were on the wire (sent, not acknowledged): the receiver may have them. */
  inFlight: number;
}

/** Resolve true when `p` settles within `ms`, false when `ms` passes first (the timer never holds the process open). */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  if (!(ms < Infinity)) return p.then(
    () => true,
    () => true,
  );
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref?.();
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** A record's message for a report line, never throwing. */
function describe(r: unknown): string {
  try {
    const rec = r as { getMessage?: () => string; msg?: unknown };
    const text = typeof rec.getMessage === 'function' ? rec.getMessage() : String(rec.msg);
    return JSON.stringify(text.length > 80 ? text.slice(0, 77) + '...' : text);
  } catch {
    return '<unprintable>';
  }
}

/** One report line: `HTTPHandler(…): 3 record(s) not delivered (1 in flight): "a", "b", "c"`. */
export function describeAbandoned(who: string, a: Abandoned): string {
  const n = a.records.length;
  const shown = n <= 10 ? a.records.map(describe) : [...a.records.slice(0, 8).map(describe), '…', describe(a.records[n - 1])];
  return `${who}: ${n} record(s) not delivered${a.inFlight > 0 ? ` (${a.inFlight} in flight, possibly received)` : ''}${n > 0 ? ': ' + shown.join(', ') : ''}`;
}

/** Print what was given up at a deadline (only while settings.raiseExceptions, like every logging report). */
export function reportAbandoned(what: string, ms: number, lines: string[]): void {
  if (!settings.raiseExceptions || lines.length === 0) return;
  writeStderr(`--- Logging: ${what} did not finish within ${ms} ms; gave up ---\n${lines.map((l) => `  ${l}\n`).join('')}`);
}
