// Shared helpers for the network tests (not a test file: the runner only picks *.test.ts).
import { Handler, LogRecord, getLogger, INFO, type Logger } from '../../src/index.js';
import { LogRecordReceiver, type LogRecordReceiverOptions } from '../../src/handlers/log-record-receiver.js';

/** Keeps every record it is given. */
export class CollectHandler extends Handler {
  records: LogRecord[] = [];
  override emit(record: LogRecord): void {
    this.records.push(record);
  }
  get messages(): string[] {
    return this.records.map((r) => r.getMessage());
  }
}

/** A collector on logger `name` (propagation off), where a receiver delivers records named `name.*`. */
export function collectOn(name: string): { logger: Logger; sink: CollectHandler } {
  const logger = getLogger(name);
  const sink = new CollectHandler();
  logger.addHandler(sink);
  logger.propagate = false;
  return { logger, sink };
}

/** A record as a sending process would make it. */
export function rec(name: string, msg: string, args: unknown[] = [], level = INFO, exc: unknown = null): LogRecord {
  return new LogRecord(name, level, '/app/sender.ts', 12, msg, args, exc, 'send');
}

/** Start a receiver on ephemeral loopback ports. */
export async function startReceiver(opts: LogRecordReceiverOptions = { tcp: 0 }): Promise<LogRecordReceiver> {
  const rx = new LogRecordReceiver(opts);
  await rx.start();
  return rx;
}

/** Poll until `cond()` holds; fails after `ms` (wide margin: the machine is shared). */
export async function waitFor(cond: () => boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
