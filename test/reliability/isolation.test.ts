// Issue 10, scenario 3: a failing or hanging handler on a logger neither delays
// nor drops records for its sibling handlers — in process (failures and async
// hangs: a receiver that never reads, an HTTP endpoint that never answers) and
// behind the WorkerQueueListener (a worker handler stuck in a synchronous loop).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger, FileHandler, Formatter, INFO } from '../../src/index.js';
import { SocketHandler, HTTPHandler, QueueHandler, WorkerQueueListener } from '../../src/handlers/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { SeqChecker, collected, formatTable, record, result, reportCount, withElDelay } from './scenario.js';
import { FailingHandler } from './fixtures/worker-handlers.js';

isolateLogging();
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logflume-rel-iso-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log('\nreliability summary – isolation\n' + formatTable(collected));
});
const fmt = new Formatter('%(message)s');
const N = 20_000;

/** A TCP server that accepts and never reads, and an HTTP server that never answers. */
async function blackholes(): Promise<{ tcp: number; http: number; close: () => Promise<void> }> {
  const socks: net.Socket[] = [];
  const t = net.createServer((s) => {
    s.pause();
    socks.push(s);
  });
  const reqs: http.ServerResponse[] = [];
  const h = http.createServer((_req, res) => reqs.push(res));
  await new Promise<void>((r) => t.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => h.listen(0, '127.0.0.1', r));
  return {
    tcp: (t.address() as net.AddressInfo).port,
    http: (h.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of socks) s.destroy();
      for (const r of reqs) r.destroy();
      h.closeAllConnections();
      await Promise.all([new Promise((r) => t.close(r)), new Promise((r) => h.close(r))]);
    },
  };
}

describe('isolation – siblings of a failing or hanging handler', () => {
  test('Logger.callHandlers() – a throwing handler, a receiver that never reads and an HTTP endpoint that never answers: the FileHandler sibling gets every record at once', async () => {
    const holes = await blackholes();
    const log = getLogger('rel.iso1');
    log.setLevel(INFO);
    log.propagate = false;
    const failing = new FailingHandler();
    // JSON frames (≈ 400 B): 20 000 of them overflow the kernel's loopback buffers and the backlog; compact ones (≈ 160 B) could fit
    const sock = new SocketHandler('127.0.0.1', holes.tcp, { format: 'json', backlog: { records: 1000, bytes: 1 << 20 }, closeTimeout: 200 });
    const web = new HTTPHandler({ host: `127.0.0.1:${holes.http}`, url: '/log', method: 'POST', timeout: 60_000, maxBacklog: 100 });
    const file = new FileHandler(join(dir, 'iso1.log'));
    for (const h of [failing, sock, web, file]) {
      h.setFormatter(fmt);
      log.addHandler(h);
    }
    let p99 = 0;
    const stderr = await captureStderr(async () => {
      ({ p99 } = await withElDelay(async () => {
        for (let i = 0; i < N; i += 500) {
          for (let j = i; j < i + 500; j++) log.info('p0 %d', j);
          // the sibling has every record the moment the call returns (synchronous write)
          const c = new SeqChecker(1);
          c.file(join(dir, 'iso1.log'));
          assert.equal(c.delivered, i + 500);
          await new Promise((r) => setImmediate(r));
        }
      }));
    });
    const c = new SeqChecker(1);
    c.file(join(dir, 'iso1.log'));
    const row = record(result('isolation in-process (file sibling)', N, c.delivered, 0, { duplicated: c.duplicated + c.gaps, elDelayP99Ms: p99 }));
    assert.equal(row.lost, 0);
    // the hanging handlers bounded their buffers and said so
    assert.ok(sock.droppedCount > 0 && sock.droppedCount <= N, `socket dropped ${sock.droppedCount}`);
    assert.ok(web.droppedCount > 0, `http dropped ${web.droppedCount}`);
    assert.equal(reportCount(stderr) >= 2, true, stderr.slice(0, 500));
    await captureStderr(async () => {
      // the black holes go first: the hanging handlers then see their peers fail and close() returns
      await holes.close();
      await Promise.all([sock.close(), web.close(), file.close()]);
    });
  });

  test('WorkerQueueListener – a worker handler stuck in a loop: the main-thread sibling gets every record, log calls never wait (drop-new), drops are counted', async () => {
    const listener = new WorkerQueueListener(
      { module: join(import.meta.dirname, 'fixtures', 'worker-handlers.ts'), export: 'stuckHandler', args: [] },
      { overflow: 'drop-new', maxBytes: 64 * 1024, exitTimeout: 100 },
    );
    await listener.start();
    const log = getLogger('rel.iso2');
    log.setLevel(INFO);
    log.propagate = false;
    const q = new QueueHandler(listener.queue);
    const file = new FileHandler(join(dir, 'iso2.log'));
    file.setFormatter(fmt);
    log.addHandler(q);
    log.addHandler(file);
    const t0 = performance.now();
    const { p99 } = await withElDelay(async () => {
      for (let i = 0; i < N; i += 1000) {
        for (let j = i; j < i + 1000; j++) log.info('p0 %d', j);
        await new Promise((r) => setImmediate(r));
      }
    });
    const ms = performance.now() - t0;
    const c = new SeqChecker(1);
    c.file(join(dir, 'iso2.log'));
    const row = record(result('isolation behind worker (file sibling)', N, c.delivered, 0, { duplicated: c.duplicated + c.gaps, elDelayP99Ms: p99 }));
    assert.equal(row.lost, 0);
    // the stuck worker's ring filled and the rest was dropped and counted, without waiting:
    // with 'block' each of those calls would have waited blockTimeout (1 s).
    assert.ok(q.dropped > 0 && q.dropped < N, `dropped ${q.dropped}`);
    assert.equal(listener.dropped, q.dropped);
    assert.ok(ms < 30_000, `burst took ${ms} ms`);
    await captureStderr(async () => {
      const w = listener.worker!;
      // the listener's own 'exit' listener (added first) reports the death before this one runs
      const exited = new Promise((r) => w.once('exit', r));
      await w.terminate();
      await exited;
    });
    await file.close();
  });
});
