// OTLP/HTTP protobuf export on loopback, in two processes: this one logs
// N × info("request handled %d", i) from logger app.http, 1000 records per
// event-loop turn (as a server would); a forked child is the collector: it
// answers 200, walks each ExportLogsServiceRequest and checks every body's
// sequence number arrives once. Prints JSON {recordsPerSec, callerNs, outOfOrder}:
// records/s from the first call until the receiver has the N-th distinct record.
// Both senders get the same batching: 512 records per request, 200 ms delay,
// a backlog that holds all N records (both drop past their backlog: the burst
// outruns any collector); no code.* attributes (pino does not capture callers).
// Usage: node --import tsx bench/scenarios/otlp.ts N logflume-worker|logflume-main|pino
import { fork } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const args = process.argv.slice(2);

/** Varint at b[p]: [value, next position]. */
function varint(b: Buffer, p: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const x = b[p++]!;
    v += (x & 0x7f) * mul;
    if (x < 0x80) return [v, p];
    mul *= 128;
  }
}
/** Call fn(field, start, end) for every length-delimited field of the message in b[s, e); skip the rest. */
function fields(b: Buffer, s: number, e: number, fn: (f: number, a: number, z: number) => void): void {
  let p = s;
  while (p < e) {
    let tag: number;
    [tag, p] = varint(b, p);
    const wire = tag & 7;
    const f = tag >>> 3;
    if (wire === 0) [, p] = varint(b, p);
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else {
      let len: number;
      [len, p] = varint(b, p);
      fn(f, p, p + len);
      p += len;
    }
  }
}

if (args[0] === '--receiver') {
  const n = Number(args[1]);
  const seen = new Uint8Array(n);
  let distinct = 0;
  let last = -1;
  let outOfOrder = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const b = Buffer.concat(chunks);
      // request.resource_logs(1) → scope_logs(2) → log_records(2) → body(5) → string_value(1)
      fields(b, 0, b.length, (f1, a1, z1) => f1 === 1 && fields(b, a1, z1, (f2, a2, z2) => f2 === 2 && fields(b, a2, z2, (f3, a3, z3) => f3 === 2 && fields(b, a3, z3, (f4, a4, z4) => f4 === 5 && fields(b, a4, z4, (f5, a5, z5) => {
        if (f5 !== 1) return;
        const text = b.toString('utf8', a5, z5);
        const i = Number(text.slice(text.lastIndexOf(' ') + 1));
        if (i < last) outOfOrder++;
        last = i;
        if (i >= 0 && i < n && seen[i] === 0) {
          seen[i] = 1;
          if (++distinct === n) process.send!({ done: true, outOfOrder });
        }
      })))));
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', () => process.exit(0));
} else {
  const n = Number(args[0] ?? 100_000);
  const mode = args[1] ?? 'logflume-worker';
  const child = fork(process.argv[1]!, ['--receiver', String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const done = new Promise<number>((resolve) => child.on('message', (m: { done?: boolean; outOfOrder: number }) => m.done && resolve(m.outOfOrder)));
  const url = `http://127.0.0.1:${port}/v1/logs`;
  const batching = { maxExportBatchSize: 512, scheduledDelayMillis: 200, maxQueueSize: n };
  let info: (i: number) => void;
  let end: () => Promise<void> = async () => {};
  let dropped = (): number => 0;
  if (mode === 'pino') {
    const { default: pino } = await import('pino');
    const transport = pino.transport({
      target: 'pino-opentelemetry-transport',
      options: {
        loggerName: 'app.http',
        resourceAttributes: { 'service.name': 'bench' },
        logRecordProcessorOptions: { recordProcessorType: 'batch', exporterOptions: { protocol: 'http/protobuf', protobufExporterOptions: { url } }, processorConfig: batching },
      },
    });
    const log = pino(transport);
    info = (i) => log.info('request handled %d', i);
  } else {
    const { getLogger, INFO } = await import('../../src/index.js');
    const log = getLogger('app.http');
    log.setLevel(INFO);
    log.propagate = false;
    const options = { endpoint: url, serviceName: 'bench', codeAttributes: false, env: {}, ...batching };
    if (mode === 'logflume-worker') {
      const { QueueHandler, WorkerQueueListener } = await import('../../src/handlers/index.js');
      const listener = new WorkerQueueListener({ module: new URL('../../src/otel/index.ts', import.meta.url).pathname, export: 'OTLPHandler', args: [options] });
      await listener.start();
      const qh = new QueueHandler(listener.queue);
      log.addHandler(qh);
      dropped = () => listener.dropped;
      end = () => listener.stop();
    } else {
      const { OTLPHandler } = await import('../../src/otel/index.js');
      const h = new OTLPHandler(options);
      log.addHandler(h);
      dropped = () => h.dropped + h.failed;
      end = () => h.close();
    }
    info = (i) => log.info('request handled %d', i);
  }
  let callerNs = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1000) {
    const c0 = process.hrtime.bigint();
    for (let j = i; j < Math.min(n, i + 1000); j++) info(j);
    callerNs += Number(process.hrtime.bigint() - c0);
    await new Promise((r) => setImmediate(r));
  }
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), 120_000).unref());
  const outOfOrder = await Promise.race([done, timeout]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (outOfOrder === null) {
    process.stdout.write(JSON.stringify({ error: `receiver did not get all ${n} records within 120 s (dropped by the sender: ${dropped()})` }) + '\n');
    child.kill();
    process.exit(0);
  }
  process.stdout.write(JSON.stringify({ recordsPerSec: n / secs, callerNs: callerNs / n, outOfOrder }) + '\n');
  await end();
  child.send('bye');
  process.exit(0);
}
