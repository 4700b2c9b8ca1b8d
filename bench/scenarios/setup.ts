// Shared by the logflume scenarios: the workload's logger and its timed loop.
import { getLogger, Formatter, INFO, type Handler, type Logger } from '../../src/index.js';

/** The text format every text scenario uses. */
export const TEXT_FORMAT = '%(asctime)s %(levelname)s %(name)s %(message)s';

/** Logger `app.http` at INFO with only `h` (given `fmt`, if any, as its formatter). */
export function appLogger(h: Handler, fmt: Formatter | null = new Formatter(TEXT_FORMAT)): Logger {
  if (fmt !== null) h.setFormatter(fmt);
  const log = getLogger('app.http');
  log.setLevel(INFO);
  log.addHandler(h);
  log.propagate = false;
  return log;
}

/** N × info("request handled %d", i), then `close()`: caller ns/call and records/s to flushed. */
export async function timedBurst(log: Logger, n: number, close: () => Promise<void>): Promise<{ recordsPerSec: number; callerNs: number }> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) log.info('request handled %d', i);
  const t1 = process.hrtime.bigint();
  await close();
  const t2 = process.hrtime.bigint();
  return { recordsPerSec: (n * 1e9) / Number(t2 - t0), callerNs: Number(t1 - t0) / n };
}
