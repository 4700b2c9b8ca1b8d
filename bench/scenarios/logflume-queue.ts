// N × info("request handled %d", i) from logger app.http through QueueHandler →
// WorkerQueueListener (off-thread) → FileHandler at argv[2], with
// '%(asctime)s %(levelname)s %(name)s %(message)s'. Logs in batches of 1000 per
// event-loop turn so the event-loop delay histogram sees the load.
// Prints JSON {recordsPerSec, callerNs, peakRssMb, elDelayP99Ms, dropped}.
// Usage: node --import tsx bench/scenarios/logflume-queue.ts FILE N [buffered=1] [ringMiB=4]
// (buffered: the worker's FileHandler batches writes per loop turn; ringMiB: the
// shared ring's size — at 4 MiB the caller outruns the worker and 'block' paces it,
// at 256 MiB nothing blocks and callerNs is the pure caller cost).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { getLogger, INFO } from '../../src/index.js';
import { QueueHandler, WorkerQueueListener } from '../../src/handlers/index.js';

const [file, nArg, bufferedArg, ringArg] = process.argv.slice(2);
const n = Number(nArg ?? 200_000);
const buffered = (bufferedArg ?? '1') === '1';
const ringMiB = Number(ringArg ?? 4);
const fixture = fileURLToPath(new URL('../../test/fixtures/queue/handlers.ts', import.meta.url));

const listener = new WorkerQueueListener([{ module: fixture, export: 'fileHandler', args: [file, '%(asctime)s %(levelname)s %(name)s %(message)s', buffered] }], { maxBytes: ringMiB * 1024 * 1024 });
await listener.start();
const log = getLogger('app.http');
log.setLevel(INFO);
log.propagate = false;
log.addHandler(new QueueHandler(listener.queue));

const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const BATCH = 1000;
let callerTotal = 0n;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; ) {
  const end = Math.min(n, i + BATCH);
  const b0 = process.hrtime.bigint();
  for (; i < end; i++) log.info('request handled %d', i);
  callerTotal += process.hrtime.bigint() - b0;
  await new Promise((r) => setImmediate(r));
}
await listener.stop();
const t1 = process.hrtime.bigint();
h.disable();
process.stdout.write(
  JSON.stringify({
    recordsPerSec: (n * 1e9) / Number(t1 - t0),
    callerNs: Number(callerTotal) / n,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    elDelayP99Ms: h.percentile(99) / 1e6,
    dropped: listener.dropped,
  }) + '\n',
);
