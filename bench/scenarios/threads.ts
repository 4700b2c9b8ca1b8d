// 8 worker threads logging into one destination file: logflume (each thread a
// QueueHandler on its own ring of one WorkerQueueListener → FileHandler) next to
// 8 threads each with its own pino.transport (pino/file, append) — what a pino
// user runs. Each thread logs N/8 records "request handled <i>" with i unique
// across threads; the file must hold every i exactly once (checked here).
// Prints JSON {recordsPerSec, callerNs, peakRssMb}.
// Usage: node --import tsx bench/scenarios/threads.ts logflume|pino FILE N [threads=8]
import { Worker } from 'node:worker_threads';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [who, file, nArg, tArg] = process.argv.slice(2);
const n = Number(nArg);
const threads = Number(tArg ?? 8);
const per = Math.floor(n / threads);
const here = fileURLToPath(new URL('.', import.meta.url));
writeFileSync(file!, '');

// the producers: tsx is registered inside each worker so it can import the TypeScript sources
const producer = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { who, start, count, file, queue, fixture } = workerData;
  let log, done;
  if (who === 'logflume') {
    const tsx = await import('tsx/esm/api');
    tsx.register();
    const lf = await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});
    const hs = await import(${JSON.stringify(new URL('../../src/handlers/index.ts', import.meta.url).href)});
    log = lf.getLogger('app.http');
    log.setLevel(lf.INFO);
    log.propagate = false;
    log.addHandler(new hs.QueueHandler(hs.WorkerQueueListener.attach(queue)));
    done = async () => {};
  } else {
    const pino = (await import('pino')).default;
    const dest = pino.transport({ target: 'pino/file', options: { destination: file, append: true } });
    log = pino({ level: 'info' }, dest).child({ name: 'app.http' });
    // thread-stream's worker is unref'd: keep this thread alive until it has closed
    const keep = setInterval(() => {}, 1000);
    done = () => new Promise((resolve) => { dest.once('close', () => { clearInterval(keep); resolve(); }); dest.end(); });
  }
  parentPort.postMessage('ready');
  await new Promise((r) => parentPort.once('message', r));
  const t0 = process.hrtime.bigint();
  for (let i = start; i < start + count; i++) log.info('request handled %d', i);
  const t1 = process.hrtime.bigint();
  await done();
  parentPort.postMessage({ callerNs: Number(t1 - t0) / count });
})().catch((e) => { throw e; });
`;

let listener: { start(): Promise<void>; stop(): Promise<void>; createQueueDescriptor(): unknown; dropped?: number } | null = null;
if (who === 'logflume') {
  const { WorkerQueueListener } = await import('../../src/handlers/index.js');
  const fixture = fileURLToPath(new URL('../../test/fixtures/queue/handlers.ts', import.meta.url));
  listener = new WorkerQueueListener([{ module: fixture, export: 'fileHandler', args: [file, '%(asctime)s %(levelname)s %(name)s %(message)s', true] }], { maxBytes: 8 * 1024 * 1024, blockTimeout: 60_000 }); // a full ring waits for the listener, never drops (pino's buffers grow instead)
  await listener.start();
}
const workers = Array.from({ length: threads }, (_, t) => new Worker(producer, { eval: true, workerData: { who, start: t * per, count: per, file, queue: listener?.createQueueDescriptor(), fixture: here } }));
const exited = workers.map((w) => new Promise((r) => w.once('exit', r)));
for (const w of workers) {
  w.on('error', (e) => {
    process.stdout.write(JSON.stringify({ error: `a producer thread failed: ${String(e)}` }) + '\n');
    process.exit(1);
  });
}
await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
const results = workers.map(
  (w, t) =>
    new Promise<{ callerNs: number }>((resolve) => {
      // a thread that posted its result and exited (while others still log) is fine;
      // only an exit before the result is a failure
      let finished = false;
      w.once('message', (m: { callerNs: number }) => {
        finished = true;
        resolve(m);
      });
      w.once('exit', (code) => {
        if (finished) return;
        process.stdout.write(JSON.stringify({ error: `producer thread ${t} exited (code ${code}) before it finished logging` }) + '\n');
        process.exit(1);
      });
    }),
);
const t0 = process.hrtime.bigint();
for (const w of workers) w.postMessage('go');
const res = await Promise.all(results);
await Promise.all(exited);
if (listener) await listener.stop();
const t1 = process.hrtime.bigint();
const total = per * threads;
// every i exactly once
// A line must be one whole record: logflume's text format, or one JSON object with pino's
// fields. A line holding pieces of two records (two writers' bytes interleaved) is torn; its
// record still counts once if its sequence number is found, and torn lines are counted.
const seen = new Uint8Array(total);
const whole = who === 'logflume' ? /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO app\.http request handled (\d+)$/ : /^\{"level":30,"time":\d+,"pid":\d+,"hostname":"[^"]*","name":"app\.http","msg":"request handled (\d+)"\}$/;
let lines = 0;
let torn = 0;
let problem: string | null = null;
for (const line of readFileSync(file!, 'utf8').split('\n')) {
  if (line === '') continue;
  lines++;
  let m = whole.exec(line);
  if (m === null) {
    torn++;
    m = /request handled (\d+)/.exec(line);
  }
  const i = m ? Number(m[1]) : -1;
  if (i < 0 || i >= total || seen[i]) {
    problem ??= `bad or repeated line: ${line.slice(0, 100)}`;
    continue;
  }
  seen[i] = 1;
}
if (problem === null && lines !== total) problem = `expected ${total} lines, got ${lines}`;
const out: Record<string, unknown> = {
  recordsPerSec: (total * 1e9) / Number(t1 - t0),
  callerNs: res.reduce((a, r) => a + r.callerNs, 0) / res.length,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  tornLines: torn,
};
if (problem !== null) out.error = problem;
process.stdout.write(JSON.stringify(out) + '\n');
