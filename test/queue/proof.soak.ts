// The proof: slow handlers behind the off-thread listener do not slow
// the main thread's event loop while it serves HTTP on 127.0.0.1.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { getLogger, INFO, Handler, type Logger } from '../../src/index.js';
import { QueueHandler, QueueListener, Queue, WorkerQueueListener } from '../../src/handlers/index.js';
import { isolateLogging } from '../helpers/capture.js';
import { handlersModule, tempFile, lines } from './worker-helpers.js';
import { slowFileHandler } from '../fixtures/queue/handlers.js';

isolateLogging();

let seq = 0;
function appLogger(handler: Handler): Logger {
  const log = getLogger(`proof.${++seq}`);
  log.propagate = false;
  log.setLevel(INFO);
  log.addHandler(handler);
  return log;
}

/** An HTTP server that logs one record per request. */
async function httpServer(log: Logger): Promise<{ server: Server; url: string }> {
  let n = 0;
  const server = createServer((req, res) => {
    log.info('request %d %s', n++, req.url);
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Requests sent before measuring (the first fetch loads undici); they are logged too. */
const WARMUP = 3;

interface Delay {
  p50: number;
  p99: number;
  max: number;
  /** Event-loop stalls of 45 ms or more (one per record if a 50 ms handler ran on this thread). */
  stalls: number;
  samples: number;
}

function summarise(h: ReturnType<typeof monitorEventLoopDelay>): Delay {
  let above = 0;
  for (const [pct, v] of h.percentiles) {
    if (v >= 45e6) {
      above = 1 - pct / 100;
      break;
    }
  }
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, stalls: Math.round(above * h.count), samples: h.count };
}

const show = (d: Delay): string => `p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms, stalls≥45ms ${d.stalls}/${d.samples}`;

/**
 * Send `total` requests, `concurrency` at a time, each client pausing `paceMs`
 * between requests so the load lasts as long as the handler work (after a
 * warm-up); the event-loop delay meanwhile.
 */
async function load(url: string, total: number, concurrency = 2, paceMs = 40): Promise<Delay> {
  for (let i = 0; i < WARMUP; i++) await (await fetch(url + 'warmup', { headers: { connection: 'close' } })).text();
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const r = await fetch(url + next, { headers: { connection: 'close' } });
        assert.equal(await r.text(), 'ok');
        await new Promise((res) => setTimeout(res, paceMs));
      }
    }),
  );
  h.disable();
  return summarise(h);
}

async function idle(ms = 500): Promise<Delay> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, ms));
  h.disable();
  return summarise(h);
}

describe('non-blocking proof', () => {
  test('WorkerQueueListener – a handler that busy-waits 50 ms per record runs off-thread: the HTTP thread\'s event-loop delay stays near idle, and stop() delivers every record', async (t) => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'slowFileHandler', args: [file, 50, '%(message)s'] });
    await listener.start();
    const log = appLogger(new QueueHandler(listener.queue));
    const { server, url } = await httpServer(log);
    const base = await idle();
    const N = 40;
    const d = await load(url, N);
    server.close();
    await listener.stop();
    t.diagnostic(`idle: ${show(base)}; under load: ${show(d)}`);
    assert.equal(lines(file).length, N + WARMUP, 'every record delivered');
    // Each record costs 50 ms of handler time (2 s in all). Had it run on this thread
    // there would be one ≥ 45 ms stall per record (see the control below); allow a few
    // stalls for scheduling noise on a loaded machine.
    assert.ok(d.stalls <= Math.max(3, N / 10), `stalls: ${show(d)}`);
    assert.ok(d.p50 <= base.p50 + 10, `median delay near idle: ${show(d)} vs idle ${show(base)}`);
  });

  test('QueueListener (control) – the same handler in process blocks the event loop for ≥ 50 ms per record', async (t) => {
    const file = tempFile();
    const q = new Queue();
    const listener = new QueueListener(q, slowFileHandler(file, 50, '%(message)s'));
    listener.start();
    const log = appLogger(new QueueHandler(q));
    const { server, url } = await httpServer(log);
    const d = await load(url, 10);
    server.close();
    await listener.stop();
    t.diagnostic(`in process: ${show(d)}`);
    assert.equal(lines(file).length, 10 + WARMUP);
    assert.ok(d.stalls >= 5, `about one stall per record: ${show(d)}`);
  });

  test('WorkerQueueListener – an SMTP-like slow network handler (one 40 ms round trip per record) off-thread: low event-loop delay, stop() waits until the peer acknowledged every record', async (t) => {
    const received: string[] = [];
    const sockets = new Set<Socket>();
    const peer = createTcpServer((s) => {
      sockets.add(s);
      s.setEncoding('utf8');
      let buf = '';
      s.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          setTimeout(() => {
            received.push(line);
            s.write('250 OK\n');
          }, 40);
        }
      });
      s.on('close', () => sockets.delete(s));
    });
    peer.listen(0, '127.0.0.1');
    await once(peer, 'listening');
    const port = (peer.address() as AddressInfo).port;
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'SlowNetHandler', args: [port] });
    await listener.start();
    const log = appLogger(new QueueHandler(listener.queue));
    const { server, url } = await httpServer(log);
    const base = await idle();
    const N = 25;
    const d = await load(url, N);
    server.close();
    assert.ok(received.length < N + WARMUP, 'records were still in flight when the requests were done');
    await listener.stop();
    assert.equal(received.length, N + WARMUP, 'stop() resolved only after the peer acknowledged every record');
    assert.deepEqual(received.map((l) => Number(l.split(' ')[2])).sort((a, b) => a - b), Array.from({ length: N + WARMUP }, (_, i) => i));
    t.diagnostic(`idle: ${show(base)}; under load: ${show(d)}`);
    assert.ok(d.stalls <= 3, `stalls: ${show(d)}`);
    assert.ok(d.p50 <= base.p50 + 10, `median delay near idle: ${show(d)} vs idle ${show(base)}`);
    for (const s of sockets) s.destroy();
    peer.close();
  });
});
