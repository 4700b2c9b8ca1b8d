import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestLogger } from '../../src/http/index.js';
import { isolateLogging } from '../helpers/capture.js';
import { jsonLogger, waitFor } from './_util.js';

isolateLogging();

async function serve(listener: http.RequestListener) {
  const s = http.createServer(listener);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: async () => {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    },
  };
}

test('RequestLogger.wrap() – node:http: status levels, a rejected handler gives 500 with the error, the id reaches handler logs', async () => {
  const h = jsonLogger('http.node');
  const app = jsonLogger('app.node');
  const rl = new RequestLogger({ logger: h.logger });
  const srv = await serve(
    rl.wrap(async (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === '/fail') throw new Error('handler failed');
      if (req.url === '/teapot') {
        res.statusCode = 418;
        return void res.end();
      }
      let body = '';
      for await (const c of req) body += String(c);
      app.logger.info('got %d bytes', body.length);
      res.end('ok');
    }),
  );
  try {
    const ok = await fetch(`${srv.base}/`, { method: 'POST', body: Buffer.from([0, 255, 1, 254]), headers: { 'x-request-id': 'n-1' } });
    assert.equal(await ok.text(), 'ok');
    const fail = await fetch(`${srv.base}/fail`);
    assert.equal(fail.status, 500);
    await fail.arrayBuffer();
    await (await fetch(`${srv.base}/teapot`)).arrayBuffer();
    await waitFor(() => h.records().length === 3);
    const [a, b, c] = h.records();
    assert.deepEqual([a!.level, a!.requestId, a!.res.statusCode], ['INFO', 'n-1', 200]);
    assert.equal(app.records()[0]!.requestId, 'n-1');
    assert.equal(app.records()[0]!.msg, 'got 4 bytes');
    assert.deepEqual([b!.level, b!.res.statusCode, b!.err.message], ['ERROR', 500, 'handler failed']);
    assert.deepEqual([c!.level, c!.res.statusCode], ['WARNING', 418]);
  } finally {
    await srv.close();
  }
});

test('RequestLogger.wrap() – a client that goes away mid-response is logged as aborted (WARNING), once', async () => {
  const h = jsonLogger('http.abort');
  const rl = new RequestLogger({ logger: h.logger });
  let started!: () => void;
  const inHandler = new Promise<void>((r) => (started = r));
  const srv = await serve(
    rl.wrap((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.write('partial');
      started();
    }),
  );
  try {
    const ac = new AbortController();
    const p = fetch(`${srv.base}/stream`, { signal: ac.signal }).then((r) => r.body?.getReader().read()).catch(() => null);
    await inHandler;
    await p;
    ac.abort();
    await waitFor(() => h.records().length === 1);
    const [r] = h.records();
    assert.equal(r!.level, 'WARNING');
    assert.match(r!.msg, /^GET \/stream aborted after [\d.]+ ms$/);
  } finally {
    await srv.close();
  }
  assert.equal(h.records().length, 1);
});
