import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { LoggerAdapter, INFO } from '../../src/index.js';
import { RequestLogger, FastifyLogger } from '../../src/http/index.js';
import { isolateLogging } from '../helpers/capture.js';
import { jsonLogger, waitFor } from './_util.js';

isolateLogging();

function makeApp(rl: RequestLogger, logger: FastifyLogger['logger']) {
  return Fastify({ loggerInstance: new FastifyLogger(logger), disableRequestLogging: true, genReqId: (raw) => rl.requestId(raw as never) });
}

describe('RequestLogger + FastifyLogger with a real Fastify 5 server', () => {
  const http = jsonLogger('http.fastify');
  const app = jsonLogger('app.fastify');
  let f!: ReturnType<typeof makeApp>;
  let base = '';
  let requestLog: unknown = null;
  before(async () => {
    const rl = new RequestLogger({ logger: http.logger, ignore: [/^\/health/] });
    f = makeApp(rl, http.logger);
    await f.register(rl.fastifyPlugin());
    f.get('/health/live', async () => 'ok');
    f.get('/items/:id', async (request) => {
      requestLog = request.log;
      request.log.info({ item: (request.params as { id: string }).id }, 'via request.log');
      app.logger.info('via a plain logger');
      return { ok: true };
    });
    f.post('/items', async (request) => {
      await new Promise((r) => setTimeout(r, 1));
      app.logger.info('posted %d keys', Object.keys(request.body as object).length);
      return request.body;
    });
    f.get('/fail', async () => {
      throw Object.assign(new TypeError('bad item'), { statusCode: 503 });
    });
    f.get('/slow', { logLevel: 'error' }, async (request) => {
      request.log.info('hidden by the route logLevel');
      request.log.error('shown');
      return 'x';
    });
    base = await f.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await f.close();
  });

  test('FastifyLogger – request.log is a logflume LoggerAdapter; its records carry reqId and the object-first fields', async () => {
    const res = await fetch(`${base}/items/42`, { headers: { 'x-request-id': 'req-fastify-1', cookie: 'session=secret' } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    await waitFor(() => http.records().some((r) => r.msg?.startsWith('GET /items/42')));
    assert.ok(requestLog instanceof LoggerAdapter);
    assert.ok(requestLog instanceof FastifyLogger);
    const recs = http.records();
    const own = recs.find((r) => r.msg === 'via request.log')!;
    assert.deepEqual([own.reqId, own.item, own.requestId], ['req-fastify-1', '42', 'req-fastify-1']);
    const done = recs.find((r) => r.msg?.startsWith('GET /items/42'))!;
    assert.equal(done.level, 'INFO');
    assert.deepEqual([done.requestId, done.req.method, done.req.url, done.res.statusCode], ['req-fastify-1', 'GET', '/items/42', 200]);
    assert.equal(done.req.headers.cookie, '[Redacted]');
    assert.equal(app.records().find((r) => r.msg === 'via a plain logger')?.requestId, 'req-fastify-1');
    assert.ok(!http.out.text.includes('session=secret'));
  });

  test('fastifyPlugin() – the request-id scope survives body parsing; a thrown error is one ERROR record with its stack', async () => {
    const res = await fetch(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'post-1' }, body: JSON.stringify({ a: 1, b: 2 }) });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    await waitFor(() => app.records().some((r) => r.msg === 'posted 2 keys'));
    assert.equal(app.records().find((r) => r.msg === 'posted 2 keys')?.requestId, 'post-1');
    const bad = await fetch(`${base}/fail`);
    assert.equal(bad.status, 503);
    await bad.arrayBuffer();
    await waitFor(() => http.records().some((r) => r.req?.url === '/fail'));
    const r = http.records().find((x) => x.req?.url === '/fail')!;
    assert.equal(r.level, 'ERROR');
    assert.equal(r.err.type, 'TypeError');
    assert.match(r.err.stack, /TypeError: bad item\n\s+at /);
  });

  test('FastifyLogger – a route logLevel raises that child only; ignored paths log nothing; levels table as Fastify validates it', async () => {
    const before = http.records().length;
    await (await fetch(`${base}/health/live`)).arrayBuffer();
    await (await fetch(`${base}/slow`)).arrayBuffer();
    await waitFor(() => http.records().some((r) => r.req?.url === '/slow'));
    const recs = http.records().slice(before);
    assert.equal(recs.some((r) => r.msg === 'hidden by the route logLevel'), false);
    assert.equal(recs.some((r) => r.msg === 'shown'), true);
    assert.equal(recs.some((r) => r.req?.url === '/health/live'), false);
    const fl = new FastifyLogger(http.logger);
    assert.equal(fl.levels.values.warn, 40);
    assert.equal(fl.isLevelEnabled('info'), http.logger.isEnabledFor(INFO));
    assert.equal(fl.child({}, { level: 'warn' }).isLevelEnabled('info'), false);
  });
});

test('FastifyLogger – with Fastify\'s own request logging on, its { req } / { res } records are small summaries', async () => {
  const own = jsonLogger('http.fastify.own');
  const app = Fastify({ loggerInstance: new FastifyLogger(own.logger) });
  app.get('/x', async () => 'ok');
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await (await fetch(`${base}/x`, { headers: { authorization: 'Bearer zzz' } })).text();
    await waitFor(() => own.records().some((r) => r.msg === 'request completed'));
  } finally {
    await app.close();
  }
  const incoming = own.records().find((r) => r.msg === 'incoming request')!;
  assert.deepEqual([incoming.req.method, incoming.req.url, incoming.req.headers.authorization], ['GET', '/x', '[Redacted]']);
  assert.equal(typeof incoming.reqId, 'string');
  const done = own.records().find((r) => r.msg === 'request completed')!;
  assert.equal(done.res.statusCode, 200);
  assert.equal(typeof done.responseTime, 'number');
  for (const l of own.out.lines) assert.ok(l.length < 2000, `line of ${l.length} chars`);
  assert.ok(!own.out.text.includes('zzz'));
});
