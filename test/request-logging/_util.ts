// Shared by the request-logging tests: a JSON-capturing logger and a small HTTP client.
import { getLogger, StreamHandler, JsonFormatter, DEBUG, type Logger } from '../../src/index.js';
import { MemoryStream } from '../helpers/capture.js';

let seq = 0;
/** A fresh logger whose records are kept as parsed JSON lines (and the raw text). */
export function jsonLogger(prefix: string, formatter = new JsonFormatter()): { logger: Logger; out: MemoryStream; records: () => Record<string, any>[] } {
  const logger = getLogger(`${prefix}.${++seq}`);
  logger.propagate = false;
  logger.setLevel(DEBUG);
  const out = new MemoryStream();
  const h = new StreamHandler(out);
  h.setFormatter(formatter);
  logger.addHandler(h);
  return { logger, out, records: () => out.lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
