// Event-loop delay while logging 100 records per loop turn to a file (issue #8's
// shape): p99 of monitorEventLoopDelay while idle, then while logging N records
// at 100 per turn (setImmediate between turns): elDelayP99Ms once warm (after the
// first 10 % of records), coldElDelayP99Ms over the whole run. Prints JSON.
// Usage: node --import tsx bench/scenarios/logflume-eldelay.ts FILE N [buffered=0|1]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FileHandler } from '../../src/index.js';
import { appLogger } from './setup.js';

const [file, nArg, bufferedArg] = process.argv.slice(2);
const n = Number(nArg);
const h = new FileHandler(file!, { mode: 'w', buffered: bufferedArg === '1' });
const log = appLogger(h);

const turn = () => new Promise<void>((r) => setImmediate(r));
async function idleP99(ms: number): Promise<number> {
  const m = monitorEventLoopDelay({ resolution: 1 });
  m.enable();
  const end = Date.now() + ms;
  while (Date.now() < end) await turn();
  m.disable();
  return m.percentile(99) / 1e6;
}

const idle = await idleP99(1000);
// Two histograms: the whole run, and the run after its first 10 % (when the JIT
// has compiled the logging path; the cold start is a one-time cost of any code).
const all = monitorEventLoopDelay({ resolution: 1 });
const warm = monitorEventLoopDelay({ resolution: 1 });
all.enable();
const warmAt = Math.floor(n / 10);
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; ) {
  const end = Math.min(n, i + 100);
  for (; i < end; i++) log.info('request handled %d', i);
  if (i === warmAt) warm.enable();
  await turn();
}
all.disable();
warm.disable();
await h.close();
const t1 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ recordsPerSec: (n * 1e9) / Number(t1 - t0), elDelayP99Ms: warm.percentile(99) / 1e6, coldElDelayP99Ms: all.percentile(99) / 1e6, idleP99Ms: idle }) + '\n');
