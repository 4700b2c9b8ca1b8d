// Issue 15, item 4: shutdown(), close() and flushOnSignals() have an overall
// deadline; independent handlers flush concurrently; when the deadline passes,
// the result and the stderr report say exactly which records each handler did
// not deliver. Real counterparts: an HTTP server that accepts and never
// answers, a TCP server that never sends an SMTP greeting, a responsive HTTP
// server beside them. No wall-clock assertions: shutdown must return, and what
// it reports is checked record by record.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger, Handler, shutdown, INFO, type LogRecord } from '../../src/index.js';
import { HTTPHandler, SMTPHandler } from '../../src/handlers/index.js';
import { captureStderr, isolateLogging } from '../helpers/capture.js';
import { SeqChecker, collected, formatTable, record, result, runChild } from './scenario.js';

isolateLogging();
after(() => {
  console.log('\nreliability summary – shutdown deadline\n' + formatTable(collected));
});

/** A server that reads each request and never answers; `seqs` are the records whose bodies arrived. */
async function silentHttp(): Promise<{ host: string; seqs: number[]; close: () => void }> {
  const seqs: number[] = [];
  const srv = http.createServer((req) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      const text = body.startsWith('[') ? body : decodeURIComponent(body.replace(/\+/g, ' '));
      // form mode: args=(7,); JSON mode: "args":[7]
      for (const m of text.matchAll(/args(?:=\(|":\[)(\d+)/g)) seqs.push(Number(m[1]));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(srv.address() as net.AddressInfo).port}`, seqs, close: () => (srv.closeAllConnections(), srv.close()) };
}

/** A server that answers 200 to every request, counting records by sequence number. */
async function answeringHttp(): Promise<{ host: string; checker: SeqChecker; close: () => void }> {
  const checker = new SeqChecker(1);
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      for (const r of JSON.parse(body) as { msg: string; args: unknown[] }[]) checker.seq(0, Number(r.args[0]));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(srv.address() as net.AddressInfo).port}`, checker, close: () => (srv.closeAllConnections(), srv.close()) };
}

const seqOf = (r: LogRecord): number => Number((r.args as unknown[])[0]);

function logger(name: string, ...handlers: Handler[]): ReturnType<typeof getLogger> {
  const log = getLogger(name);
  log.setLevel(INFO);
  log.propagate = false;
  for (const h of handlers) log.addHandler(h);
  return log;
}

describe('shutdown() deadline', { concurrency: 1 }, () => {
  let silent: Awaited<ReturnType<typeof silentHttp>>;
  before(async () => {
    silent = await silentHttp();
  });
  after(() => silent.close());

  test('HTTP that never answers (form mode) beside an answering JSON endpoint: shutdown returns, the answering one gets every record, the stuck one lists exactly what it did not deliver', async () => {
    silent.seqs.length = 0;
    const good = await answeringHttp();
    try {
      const N = 50;
      // the answering handler is older, so the stuck one comes first in shutdown's newest-first order
      const fast = new HTTPHandler({ host: good.host, url: '/bulk', json: true, batchSize: 1000, batchInterval: 600_000 });
      const stuck = new HTTPHandler({ host: silent.host, url: '/log', method: 'POST', timeout: 600_000, closeTimeout: 600_000 });
      const log = logger('deadline.http', fast, stuck);
      for (let i = 0; i < N; i++) log.info('p0 %d', i);
      let res!: Awaited<ReturnType<typeof shutdown>>;
      const err = await captureStderr(async () => {
        // long enough for the answering endpoint on a loaded machine; the stuck one never answers whatever the deadline
        res = await shutdown([fast, stuck], { timeout: 2000 });
      });
      // concurrent flush: the answering endpoint got everything although the stuck one never finished
      record(result('shutdown deadline: answering HTTP handler beside a stuck one', N, good.checker.delivered, 0, { duplicated: good.checker.duplicated + good.checker.gaps }));
      assert.equal(good.checker.delivered, N);
      assert.equal(res.complete, false);
      assert.deepEqual(res.unfinished, []);
      assert.equal(res.undelivered.length, 1);
      const u = res.undelivered[0]!;
      assert.equal(u.handler, stuck);
      assert.equal(u.inFlight, 1, 'form mode: one request on the wire');
      assert.deepEqual(u.records.map(seqOf), Array.from({ length: N }, (_, i) => i), 'exactly the records not confirmed, in order');
      await waitFor(() => silent.seqs.length === 1);
      assert.deepEqual(silent.seqs, [seqOf(u.records[0]!)], 'the in-flight record is the only one the server saw; the other 49 were never sent');
      assert.equal(stuck.abandonedCount, N);
      record(result('shutdown deadline: HTTP endpoint that never answers (form mode)', N, 0, u.records.length, { note: `${u.inFlight} in flight, all ${u.records.length} listed by shutdown()` }));
      assert.match(err, /shutdown\(\) did not finish within 2000 ms/);
      assert.match(err, /50 record\(s\) not delivered \(1 in flight, possibly received\): "p0 0", "p0 1"/);
    } finally {
      good.close();
    }
  });

  test('HTTP that never answers (JSON batches of 100): the batch in flight and the queued records are listed', async () => {
    silent.seqs.length = 0;
    const N = 250;
    const h = new HTTPHandler({ host: silent.host, url: '/bulk', json: true, batchSize: 100, batchInterval: 10, timeout: 600_000, closeTimeout: 600_000 });
    const log = logger('deadline.json', h);
    for (let i = 0; i < N; i++) log.info('p0 %d', i);
    let res!: Awaited<ReturnType<typeof shutdown>>;
    await captureStderr(async () => {
      res = await shutdown([h], { timeout: 200 });
    });
    assert.equal(res.undelivered.length, 1);
    const u = res.undelivered[0]!;
    assert.equal(u.inFlight, 100);
    assert.deepEqual(u.records.map(seqOf), Array.from({ length: N }, (_, i) => i));
    assert.equal(h.abandonedCount, N);
    record(result('shutdown deadline: HTTP endpoint that never answers (JSON, 100/batch)', N, 0, u.records.length, { note: `${u.inFlight} in flight` }));
  });

  test('SMTP server that never greets: shutdown returns, every unsent mail listed (one in flight)', async () => {
    const socks = new Set<net.Socket>();
    const mute = net.createServer((s) => {
      socks.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    try {
      const port = (mute.address() as net.AddressInfo).port;
      const N = 5;
      const h = new SMTPHandler({ mailhost: ['127.0.0.1', port], fromaddr: 'app@example.test', toaddrs: ['ops@example.test'], subject: 'x', timeout: 600, closeTimeout: 600_000 });
      const log = logger('deadline.smtp', h);
      for (let i = 0; i < N; i++) log.error('p0 %d', i);
      let res!: Awaited<ReturnType<typeof shutdown>>;
      const err = await captureStderr(async () => {
        res = await shutdown([h], { timeout: 200 });
      });
      assert.equal(res.complete, false);
      assert.equal(res.undelivered.length, 1);
      const u = res.undelivered[0]!;
      assert.equal(u.inFlight, 1);
      assert.deepEqual(u.records.map(seqOf), [0, 1, 2, 3, 4]);
      assert.equal(h.abandonedCount, N);
      assert.match(err, /5 record\(s\) not delivered \(1 in flight/);
      record(result('shutdown deadline: SMTP server that never greets', N, 0, u.records.length, { note: `${u.inFlight} in flight` }));
    } finally {
      for (const s of socks) s.destroy();
      mute.close();
    }
  });

  test('a handler without abandon() whose flush never ends: shutdown still returns and names it as unfinished', async () => {
    class Wedged extends Handler {
      override emit(): void {}
      override flush(): Promise<void> {
        return new Promise(() => {});
      }
    }
    const h = new Wedged();
    let res!: Awaited<ReturnType<typeof shutdown>>;
    const err = await captureStderr(async () => {
      res = await shutdown([h], { timeout: 100 });
    });
    assert.equal(res.complete, false);
    assert.deepEqual(res.unfinished, [h]);
    assert.match(err, /still busy; it cannot tell which records it holds/);
  });

  test('close() alone is bounded by closeTimeout, and lists what it gave up', async () => {
    silent.seqs.length = 0;
    const h = new HTTPHandler({ host: silent.host, url: '/log', method: 'POST', timeout: 600_000, closeTimeout: 150 });
    const log = logger('deadline.close', h);
    for (let i = 0; i < 3; i++) log.info('p0 %d', i);
    const err = await captureStderr(() => h.close());
    assert.equal(h.abandonedCount, 3);
    assert.match(err, /HTTPHandler\.close\(\) did not finish within 150 ms/);
    assert.match(err, /3 record\(s\) not delivered \(1 in flight, possibly received\): "p0 0", "p0 1", "p0 2"/);
  });

  test('a bad timeout is a ConfigError naming it', async () => {
    await assert.rejects(shutdown([], { timeout: -1 }), /shutdown: timeout must be a non-negative number/);
  });

  test('flushOnSignals({ timeout }) – SIGTERM in a child: the file gets every record, the stuck HTTPHandler lists all it held, the process ends by SIGTERM', async () => {
    silent.seqs.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'lf-sigdl-'));
    try {
      const file = join(dir, 'out.log');
      const N = 20;
      const run = await runChild(join(import.meta.dirname, 'fixtures/signal-deadline-child.ts'), [silent.host, file, String(N), '300'], {
        onLine: (line, child) => {
          if (line === 'ready') child.kill('SIGTERM');
        },
      });
      assert.equal(run.signal, 'SIGTERM', `code ${run.code}\n${run.stderr}`);
      const c = new SeqChecker(1);
      c.file(file);
      assert.equal(c.delivered, N);
      assert.match(run.stderr, /shutdown\(\) did not finish within 300 ms/);
      assert.match(run.stderr, new RegExp(`${N} record\\(s\\) not delivered \\(1 in flight, possibly received\\): "p0 0", "p0 1"`));
      record(result('flushOnSignals deadline: SIGTERM, HTTP endpoint that never answers', N, 0, N, { note: 'FileHandler beside it got all; the HTTP records listed' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}
