import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestLogger } from '../../src/http/index.js';
import { newRequestId } from '../../src/http/request-id.js';
import { isolateLogging, MemoryStream } from '../helpers/capture.js';
import { StreamHandler, Formatter } from '../../src/index.js';
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

test('RequestLogger – the id header is echoed only with setResponseHeader: true; a generated id is UUID-shaped and new per request', async () => {
  const h = jsonLogger('http.echo');
  const plain = new RequestLogger({ logger: h.logger });
  const echo = new RequestLogger({ logger: h.logger, setResponseHeader: true });
  const none = new RequestLogger({ logger: h.logger, setResponseHeader: true, requestIdHeader: '' });
  const srv = await serve((req, res) => {
    const rl = req.url === '/echo' ? echo : req.url === '/none' ? none : plain;
    rl.wrap((_q: http.IncomingMessage, r: http.ServerResponse) => void r.end('ok'))(req, res);
  });
  try {
    const a = await fetch(`${srv.base}/plain`, { headers: { 'x-request-id': 'given-1' } });
    const b = await fetch(`${srv.base}/echo`, { headers: { 'x-request-id': 'given-2' } });
    const c = await fetch(`${srv.base}/echo`);
    const d = await fetch(`${srv.base}/none`, { headers: { 'x-request-id': 'given-4' } });
    for (const r of [a, b, c, d]) await r.arrayBuffer();
    assert.equal(a.headers.get('x-request-id'), null, 'off by default (as pino-http)');
    assert.equal(b.headers.get('x-request-id'), 'given-2');
    await waitFor(() => h.records().length === 4);
    const ids = h.records().map((r) => r.requestId as string);
    assert.equal(ids[0], 'given-1', 'the incoming header is still the id');
    assert.match(ids[2]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(c.headers.get('x-request-id'), ids[2], 'a generated id is echoed too');
    assert.notEqual(ids[3], 'given-4', "requestIdHeader: '' reads no header");
    assert.equal(d.headers.get('x-request-id'), null, "requestIdHeader: '' writes no header");
  } finally {
    await srv.close();
  }
});

test('newRequestId() – v4-shaped, distinct over many calls, a counter in the last digits under one random prefix', () => {
  const ids = Array.from({ length: 5000 }, () => newRequestId());
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const [x, y] = [ids[100]!, ids[101]!];
  if (x.slice(0, 30) === y.slice(0, 30)) assert.equal(parseInt(y.slice(30), 16), parseInt(x.slice(30), 16) + 1);
});

test('RequestLogger – a fixed message template with the URL as an argument (a path with % in it is kept as is); context: false still records the id', async () => {
  const h = jsonLogger('http.msg');
  const app = jsonLogger('app.msg');
  const raw = new MemoryStream();
  const rawHandler = new StreamHandler(raw);
  rawHandler.setFormatter(new Formatter('%(msg)s|%(message)s'));
  h.logger.addHandler(rawHandler);
  const rl = new RequestLogger({ logger: h.logger, context: false });
  const srv = await serve(
    rl.wrap((_req: http.IncomingMessage, res: http.ServerResponse) => {
      app.logger.info('inside');
      res.end('ok');
    }),
  );
  try {
    await (await fetch(`${srv.base}/100%25/%s/%d`, { headers: { 'x-request-id': 'p-1' } })).arrayBuffer();
    await waitFor(() => h.records().length === 1);
    const [r] = h.records();
    assert.match(r!.msg, /^GET \/100%25\/%s\/%d -> 200 \([\d.]+ ms\)$/);
    assert.match(raw.lines[0]!, /^%s %s -> %d \(%s ms\)\|GET \/100%25/, 'the record keeps the fixed template, so records group by msg');
    assert.equal(r!.requestId, 'p-1');
    assert.equal(app.records()[0]!.requestId, undefined, 'no context scope with context: false');
  } finally {
    await srv.close();
  }
});

test('RequestLogger.track() – a response-like that is not an EventEmitter (listeners called without `this`) is still logged once; nothing is thrown', () => {
  const h = jsonLogger('http.duck');
  const rl = new RequestLogger({ logger: h.logger, setResponseHeader: true });
  const listeners: Record<string, (() => void)[]> = { finish: [], close: [] };
  const headers: Record<string, unknown> = {};
  const res = {
    statusCode: 201,
    writableEnded: true,
    setHeader: (k: string, v: string) => void (headers[k] = v),
    getHeaders: () => ({ ...headers }),
    getHeader: (k: string) => headers[k],
    end: () => undefined,
    once(event: 'finish' | 'close', fn: () => void) {
      listeners[event]!.push(fn);
    },
  };
  const req = { method: 'PUT', url: '/duck', headers: { 'x-request-id': 'duck-1' } };
  const out = rl.track(req, res, () => 'handled');
  assert.equal(out, 'handled');
  assert.equal(headers['x-request-id'], 'duck-1');
  for (const fn of [...listeners.finish!, ...listeners.close!]) fn.call(undefined);
  const recs = h.records();
  assert.equal(recs.length, 1);
  assert.match(recs[0]!.msg, /^PUT \/duck -> 201 \([\d.]+ ms\)$/);
  assert.equal(recs[0]!.requestId, 'duck-1');
});
