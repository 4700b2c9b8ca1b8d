import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { getLogger } from '../../src/index.js';
import { RequestLogger, requestLogger } from '../../src/http/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { jsonLogger, waitFor } from './_util.js';

isolateLogging();

describe('RequestLogger with a real Express 5 server', () => {
  const http = jsonLogger('http.express');
  const app = jsonLogger('app.express');
  let server: Server;
  let base = '';
  before(async () => {
    const rl = new RequestLogger({ logger: http.logger, ignore: ['/health'], setResponseHeader: true, customFields: (req) => ({ tenant: req.headers['x-tenant'] }) });
    const e = express();
    e.use(rl.middleware());
    e.use(express.json());
    e.get('/health', (_q, r) => void r.send('ok'));
    e.get('/users/:id', async (q, r) => {
      await new Promise((res) => setTimeout(res, 1));
      app.logger.info('loading user %s', q.params.id);
      r.json({ id: q.params.id });
    });
    e.post('/echo', (q, r) => {
      app.logger.info('body received');
      r.json(q.body);
    });
    e.get('/boom', async () => {
      throw new RangeError('kaboom', { cause: new Error('root cause') });
    });
    e.use(rl.errorMiddleware());
    server = e.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('RequestLogger.middleware() – one INFO record per request with status, duration, route, small req/res; the id reaches handler logs', async () => {
    const res = await fetch(`${base}/users/7?x=1`, { headers: { 'x-request-id': 'abc-123', authorization: 'Bearer secret', 'x-tenant': 't1' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'abc-123', 'setResponseHeader: true echoes the id');
    await waitFor(() => http.records().length === 1);
    const [r] = http.records();
    assert.equal(r!.level, 'INFO');
    assert.equal(r!.msg.replace(/\([\d.]+ ms\)/, '(N ms)'), 'GET /users/7?x=1 -> 200 (N ms)');
    assert.equal(r!.requestId, 'abc-123');
    assert.equal(r!.tenant, 't1');
    assert.equal(typeof r!.responseTime, 'number');
    assert.ok(r!.responseTime >= 0);
    assert.deepEqual([r!.req.method, r!.req.url, r!.req.route, r!.req.remoteAddress], ['GET', '/users/7?x=1', '/users/:id', '127.0.0.1']);
    assert.equal(r!.req.headers.authorization, '[Redacted]');
    assert.equal(r!.res.statusCode, 200);
    assert.equal(r!.res.headers['x-request-id'], 'abc-123');
    assert.ok(http.out.lines[0]!.length < 2048, `record is ${http.out.lines[0]!.length} chars`);
    assert.ok(!http.out.text.includes('secret'));
    const handlerLog = app.records().find((x) => x.msg === 'loading user 7');
    assert.equal(handlerLog?.requestId, 'abc-123');
  });

  test('RequestLogger.middleware() – the scope survives express.json() body parsing; traceparent gives the id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, body: JSON.stringify({ a: 'x'.repeat(100_000) }) });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    await waitFor(() => http.records().some((x) => x.req?.url === '/echo'));
    assert.equal(app.records().find((x) => x.msg === 'body received')?.requestId, traceId);
    assert.equal(http.records().find((x) => x.req?.url === '/echo')?.requestId, traceId);
  });

  test('RequestLogger.errorMiddleware() – a thrown error gives 500 and one ERROR record with the stack and cause', async () => {
    const res = await fetch(`${base}/boom`);
    assert.equal(res.status, 500);
    await res.arrayBuffer();
    await waitFor(() => http.records().some((x) => x.req?.url === '/boom'));
    const r = http.records().find((x) => x.req?.url === '/boom')!;
    assert.equal(r.level, 'ERROR');
    assert.equal(r.res.statusCode, 500);
    assert.equal(r.err.type, 'RangeError');
    assert.match(r.err.stack, /RangeError: kaboom\n\s+at /);
    assert.equal(r.err.cause.message, 'root cause');
  });

  test('RequestLogger – 4xx is WARNING; ignored paths write nothing; hostile ids and huge headers are not copied', async () => {
    const n = http.records().length;
    await (await fetch(`${base}/health`)).arrayBuffer();
    const big = 'v'.repeat(8000);
    const r404 = await fetch(`${base}/nope`, { headers: { 'x-request-id': 'bad id "quoted"', 'x-big': big } });
    assert.equal(r404.status, 404);
    await r404.arrayBuffer();
    await waitFor(() => http.records().length === n + 1);
    const r = http.records()[n]!;
    assert.equal(r.level, 'WARNING');
    assert.equal(r.req.url, '/nope');
    assert.match(r.requestId, /^[0-9a-f-]{36}$/, 'a hostile header id is replaced by a UUID');
    assert.ok(r.req.headers['x-big'].length < 1100);
  });

  test('requestLogger() – the default logger is "http" and a throwing customFields never breaks the request', async () => {
    const e = express();
    const h = jsonLogger('http.express.default');
    const httpLog = getLogger('http');
    httpLog.addHandler(h.logger.handlers[0] as never);
    httpLog.propagate = false;
    httpLog.setLevel('INFO');
    e.use(requestLogger({ customFields: () => { throw new Error('bad fields'); } }));
    e.get('/', (_q, r) => void r.send('hi'));
    const s = e.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    try {
      let body = '';
      const err = await captureStderr(async () => {
        body = await (await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`)).text();
        await waitFor(() => h.records().length === 1);
      });
      assert.equal(body, 'hi');
      assert.equal(h.records()[0]!.logger, 'http');
      assert.match(err, /bad fields/);
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
  test('RequestLogger.middleware() with context: false – the request is logged with its id, handlers run outside any scope', async () => {
    const e = express();
    const h = jsonLogger('http.express.nocontext');
    const a = jsonLogger('app.express.nocontext');
    e.use(new RequestLogger({ logger: h.logger, context: false }).middleware());
    e.use(express.json());
    e.post('/in', (q, r) => {
      a.logger.info('got %s', q.body.k);
      r.status(202).json({ ok: true });
    });
    const s = e.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/in`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'nc-1' }, body: '{"k":"v"}' });
      assert.equal(res.status, 202);
      await res.arrayBuffer();
      await waitFor(() => h.records().length === 1);
      const [r] = h.records();
      assert.deepEqual([r!.level, r!.requestId, r!.res.statusCode, r!.req.url], ['INFO', 'nc-1', 202, '/in']);
      assert.equal(a.records()[0]!.msg, 'got v');
      assert.equal(a.records()[0]!.requestId, undefined);
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
});

