import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger, JsonFormatter, StreamHandler, stdSerializers, registerSerializer, serializeRequest, kw, DEBUG } from '../../src/index.js';
import { isolateLogging, MemoryStream } from '../helpers/capture.js';

isolateLogging();

let seq = 0;
function json(opts?: ConstructorParameters<typeof JsonFormatter>[0]) {
  const log = getLogger(`ser.${++seq}`);
  log.propagate = false;
  log.setLevel(DEBUG);
  const out = new MemoryStream();
  const h = new StreamHandler(out);
  h.setFormatter(new JsonFormatter(opts));
  log.addHandler(h);
  return { log, out };
}

/** One real request/response pair from a loopback server, handed to `fn` inside the handler. */
async function withExchange(fn: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<void> {
  const srv = http.createServer((req, res) => {
    res.setHeader('set-cookie', 'sid=secret-cookie');
    res.statusCode = 201;
    fn(req, res);
    res.end();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    await (await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/a/b?c=1`, { headers: { authorization: 'Bearer hidden', 'x-custom': 'yes' } })).arrayBuffer();
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
}

test('JsonFormatter – a node:http request and response under any key are small summaries, not sockets (was ≈12 kB)', async () => {
  const { log, out } = json();
  const red = json({ redact: { paths: ['req.headers["x-custom"]'] } });
  await withExchange((req, res) => {
    log.info('req done', { req, res });
    log.info('other keys', kw({ extra: { incoming: req, nested: { r: req } } }));
    red.log.info('redacted', { req });
  });
  const rl = JSON.parse(red.out.lines[0]!);
  assert.deepEqual([rl.req.headers['x-custom'], rl.req.url], ['[Redacted]', '/a/b?c=1']);
  const [a, b] = out.lines.map((l) => JSON.parse(l));
  assert.ok(out.lines[0]!.length < 1500, `line is ${out.lines[0]!.length} chars`);
  assert.deepEqual([a.req.method, a.req.url, a.req.remoteAddress, a.req.headers['x-custom'], a.req.headers.authorization], ['GET', '/a/b?c=1', '127.0.0.1', 'yes', '[Redacted]']);
  assert.equal(a.res.statusCode, 201);
  assert.equal(a.res.headers['set-cookie'], '[Redacted]');
  assert.equal(b.incoming.url, '/a/b?c=1');
  assert.equal(b.nested.r.method, 'GET');
  assert.ok(!out.text.includes('hidden') && !out.text.includes('secret-cookie') && !out.text.includes('_events'));
});

test('JsonFormatter({ serializers }) and registerSerializer – by output key; a throwing serializer is written, not raised', () => {
  const { log, out } = json({ serializers: { ...stdSerializers, user: (u) => ({ id: (u as { id: number }).id }) } });
  log.info('x', kw({ extra: { user: { id: 1, password: 'p' }, err: new Error('e1') } }));
  registerSerializer('account', (a) => `acct:${(a as { n: string }).n}`);
  registerSerializer('bad', () => {
    throw new Error('serializer broke');
  });
  try {
    const g = json();
    g.log.info('y', kw({ extra: { account: { n: 'z' }, bad: 1 } }));
    const line = JSON.parse(g.out.lines[0]!);
    assert.equal(line.account, 'acct:z');
    assert.equal(line.bad, '[Thrown: serializer broke]');
  } finally {
    registerSerializer('account', null);
    registerSerializer('bad', null);
  }
  const line = JSON.parse(out.lines[0]!);
  assert.deepEqual(line.user, { id: 1 });
  assert.equal(line.err.message, 'e1');
});

test('JsonFormatter – one huge field is bounded by maxFieldLength (default 16384); circular and throwing values never break a line', () => {
  const { log, out } = json();
  const huge = { rows: Array.from({ length: 100_000 }, (_, i) => ({ i })) };
  const circ: Record<string, unknown> = { a: 1 };
  circ.self = circ;
  const hostile = { get boom(): never { throw new Error('getter'); } };
  log.info('big', kw({ extra: { huge, text: 'x'.repeat(1_000_000), circ, hostile } }));
  assert.equal(out.lines.length, 1);
  const line = out.lines[0]!;
  assert.ok(line.length < 3 * 16384 + 2000, `line is ${line.length} chars`);
  const rec = JSON.parse(line);
  assert.match(rec.huge, /…\[truncated, \d+ chars\]$/);
  assert.match(rec.text, /…\[truncated, 1000000 chars\]$/);
  assert.equal(rec.circ.self, '[Circular]');
  assert.match(rec.hostile.boom, /Thrown/);
  const small = json({ maxFieldLength: 100 });
  small.log.info('s', kw({ extra: { v: 'y'.repeat(500) } }));
  assert.ok(JSON.parse(small.out.lines[0]!).v.length <= 130);
});

test('serializeRequest() – a hostile request-like object (throwing getters, binary header) never throws', () => {
  const evil = {
    method: 'GET',
    url: '/',
    socket: null,
    headers: { get 'x-a'(): never { throw new Error('no'); }, 'x-bin': '\u0000\u00ff\ud800' },
  };
  const out = serializeRequest(evil);
  assert.equal((out.headers as Record<string, unknown>)['x-a'], '[Thrown]');
  assert.equal(typeof JSON.stringify(out), 'string');
});
