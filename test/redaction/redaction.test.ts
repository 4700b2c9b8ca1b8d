import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  getLogger,
  kw,
  withContext,
  Redactor,
  RedactingFilter,
  JsonFormatter,
  Formatter,
  StreamHandler,
  makeLogRecord,
  DEBUG,
} from '../../src/index.js';
import { dictConfig } from '../../src/config/index.js';
import { QueueHandler, WorkerQueueListener, SocketHandler, HTTPHandler, DatagramHandler } from '../../src/handlers/index.js';
import { isolateLogging, MemoryStream } from '../helpers/capture.js';
import { tempFile, lines, waitFor } from '../queue/worker-helpers.js';
import { collectOn, startReceiver } from '../network/_util.js';

isolateLogging();

const PATHS = ['password', 'headers.authorization', '*.token', 'users[*].ssn', 'req.headers["x-api-key"]'];
let seq = 0;
function logger(handler: StreamHandler | QueueHandler | SocketHandler | HTTPHandler) {
  const log = getLogger(`redact.${++seq}`);
  log.propagate = false;
  log.setLevel(DEBUG);
  log.addHandler(handler);
  return log;
}
function jsonStream(opts: ConstructorParameters<typeof JsonFormatter>[0] = {}) {
  const out = new MemoryStream();
  const h = new StreamHandler(out);
  h.setFormatter(new JsonFormatter(opts));
  return { out, h, parsed: () => out.lines.map((l) => JSON.parse(l) as Record<string, any>) };
}
const secrets = () => ({
  password: 'hunter2',
  headers: { authorization: 'Bearer abc', accept: '*/*' },
  session: { token: 'tok-1', user: 'ann' },
  users: [{ ssn: '111-22-3333', name: 'a' }, { name: 'b' }],
});

describe('Redactor', () => {
  test('Redactor.redact() – dotted, bracketed and wildcard paths censor a copy; the input is unchanged', () => {
    const r = new Redactor({ paths: PATHS });
    const input = { ...secrets(), req: { headers: { 'x-api-key': 'k', host: 'h' } }, keep: { a: 1 } };
    const before = JSON.stringify(input);
    const out = r.redact(input) as any;
    assert.equal(JSON.stringify(input), before);
    assert.equal(out.password, '[Redacted]');
    assert.deepEqual(out.headers, { authorization: '[Redacted]', accept: '*/*' });
    assert.deepEqual(out.session, { token: '[Redacted]', user: 'ann' });
    assert.deepEqual(out.users, [{ ssn: '[Redacted]', name: 'a' }, { name: 'b' }]);
    assert.deepEqual(out.req.headers, { 'x-api-key': '[Redacted]', host: 'h' });
    assert.equal(out.keep, input.keep, 'untouched branches are shared, not copied');
    assert.equal(r.redact({ other: 1 }).other, 1);
  });

  test('Redactor – remove drops keys and array elements; a censor function gets value and path', () => {
    const rm = new Redactor({ paths: ['password', 'list[*]'], remove: true });
    assert.deepEqual(rm.redact({ password: 1, list: [1, 2], x: 3 }), { list: [], x: 3 });
    const seen: unknown[] = [];
    const fn = new Redactor({ paths: ['a.b'], censor: (v: unknown, p: readonly string[]) => (seen.push([v, p]), `<${String(v).length}>`) });
    assert.deepEqual(fn.redact({ a: { b: 'secret' } }), { a: { b: '<6>' } });
    assert.deepEqual(seen, [['secret', ['a', 'b']]]);
  });

  test('Redactor – a throwing getter or hostile Proxy on a path fails closed, never throws', () => {
    const r = new Redactor({ paths: ['user.token'] });
    const evil = { get token(): string { throw new Error('getter'); }, name: 'x' };
    assert.equal(r.redactField('user', evil), '[Redaction failed]');
    const proxy = new Proxy({}, { getOwnPropertyDescriptor() { throw new Error('trap'); } });
    assert.equal(r.redactField('user', proxy), '[Redaction failed]');
    assert.deepEqual(new Redactor({ paths: ['p.*'] }).redact({ p: new Proxy({}, { ownKeys() { throw new Error('keys'); } }) }), { redaction: '[Redaction failed]' });
  });

  test('Redactor – bad paths and patterns name themselves', () => {
    assert.throws(() => new Redactor({ paths: ['a..b'] }), /"a\.\.b".*offset/);
    assert.throws(() => new Redactor({ paths: ['a[b]'] }), /brackets/);
    assert.throws(() => new Redactor({ patterns: ['('] }), /patterns\[0\].*invalid regular expression/);
    assert.throws(() => new Redactor({ patterns: [42 as never] }), /patterns\[0\] must be/);
  });

  test('Redactor.redactText() – card numbers (Luhn-checked), bearer tokens, JWTs; other digits stay', () => {
    const r = new Redactor({ patterns: ['creditCard', 'bearerToken', 'jwt', /secret-\d+/] });
    assert.equal(
      r.redactText('paid 4111 1111 1111 1111, order 1234567890123, Authorization: Bearer abc.DEF-123 jwt eyJhbGciOi.eyJzdWIi.sig secret-42'),
      'paid [Redacted card], order 1234567890123, Authorization: Bearer [Redacted] jwt [Redacted JWT] [Redacted]',
    );
  });
});

describe('RedactingFilter', () => {
  test('RedactingFilter – extra, context and mapping/object args are redacted for the text Formatter; the caller’s objects are not', () => {
    const out = new MemoryStream();
    const h = new StreamHandler(out);
    h.setFormatter(new Formatter('%(message)s|%(password)s|%(session)s|%(requestId)s'));
    h.addFilter(new RedactingFilter({ paths: [...PATHS, 'requestId'] }));
    const log = logger(h);
    const extra = secrets();
    withContext({ requestId: 'r-1' }, () => log.info('login %s', 'ann', kw({ extra })));
    // a trailing plain object is the call's fields (issue 14): redacted like extra
    log.info('second', { password: 'pw', session: { token: 'tok-2' }, requestId: 'r-2' });
    // records built elsewhere (a receiver, makeLogRecord): object and mapping args are redacted too
    h.handle(makeLogRecord({ name: 'x', msg: 'obj %s', args: [{ name: 'ann', password: 'pw-arg' }], password: 'p', session: null, requestId: 'q' }));
    h.handle(makeLogRecord({ name: 'x', msg: 'map %(password)s', args: { password: 'pw-map' }, password: 'p', session: null, requestId: 'q' }));
    assert.equal(extra.password, 'hunter2');
    assert.equal(out.lines[0]!.split('|')[0], 'login ann');
    assert.equal(out.lines[0]!.split('|')[1], '[Redacted]');
    assert.match(out.lines[0]!, /token.*\[Redacted\]/);
    assert.match(out.lines[1]!, /^second\|\[Redacted\]\|.*token.*\[Redacted\].*\|\[Redacted\]$/);
    assert.match(out.lines[2]!, /^obj .*password.*\[Redacted\]/);
    assert.match(out.lines[3]!, /^map \[Redacted\]\|/);
    for (const secret of ['hunter2', 'tok-1', 'tok-2', 'r-1', 'r-2', 'pw-arg', 'pw-map', "'pw'"]) assert.ok(!out.text.includes(secret), `${secret} in ${out.text}`);
  });

  test('RedactingFilter – message patterns on the merged text; on one handler only, the other still sees the original', () => {
    const a = new MemoryStream();
    const b = new MemoryStream();
    const ha = new StreamHandler(a);
    const hb = new StreamHandler(b);
    ha.addFilter(new RedactingFilter({ patterns: ['creditCard'] }));
    const log = logger(ha);
    log.addHandler(hb);
    log.warning('card %s declined', '4111-1111-1111-1111');
    assert.equal(a.text, 'card [Redacted card] declined\n');
    assert.equal(b.text, 'card 4111-1111-1111-1111 declined\n');
  });
});

describe('JsonFormatter redact', () => {
  test('JsonFormatter({ redact }) – extra, context and error fields in the JSON line; message patterns; no secret anywhere', () => {
    const { out, h, parsed } = jsonStream({ redact: { paths: [...PATHS, 'err.config.headers.authorization'], patterns: ['bearerToken'] } });
    const log = logger(h);
    const err = Object.assign(new Error('request failed'), { config: { headers: { authorization: 'Basic dXNlcg==' } } });
    withContext({ session: { token: 'ctx-token' } }, () => log.error('call with Bearer xyz failed', kw({ extra: { ...secrets(), session: undefined }, exc_info: err })));
    const [line] = parsed();
    assert.equal(line!.msg, 'call with Bearer [Redacted] failed');
    assert.equal(line!.password, '[Redacted]');
    assert.equal(line!.headers.authorization, '[Redacted]');
    assert.deepEqual(line!.users, [{ ssn: '[Redacted]', name: 'a' }, { name: 'b' }]);
    assert.equal(line!.err.config.headers.authorization, '[Redacted]');
    assert.equal(line!.err.message, 'request failed');
    for (const s of ['hunter2', 'Bearer abc', 'tok-1', '111-22-3333', 'dXNlcg', 'xyz']) assert.ok(!out.text.includes(s), s);
  });

  test('JsonFormatter({ redact }) – remove:true leaves the keys out; processLogRecord output is redacted too', () => {
    class Hooked extends JsonFormatter {
      override processLogRecord(o: Record<string, unknown>) {
        return { ...o, added: { token: 'from-hook' } };
      }
    }
    const out = new MemoryStream();
    const h = new StreamHandler(out);
    h.setFormatter(new JsonFormatter({ redact: { paths: ['password', '*.token'], remove: true } }));
    const h2 = new StreamHandler(out);
    h2.setFormatter(new Hooked({ redact: { paths: ['password', '*.token'] } }));
    const log = logger(h);
    log.addHandler(h2);
    log.info('x', kw({ extra: { password: 'p', s: { token: 't', k: 1 } } }));
    const [a, b] = out.lines.map((l) => JSON.parse(l));
    assert.deepEqual([a.password, a.s], [undefined, { k: 1 }]);
    assert.equal('password' in a, false);
    assert.deepEqual([b.password, b.s.token, b.added.token], ['[Redacted]', '[Redacted]', '[Redacted]']);
  });

  test('dictConfig – RedactingFilter by class name and JsonFormatter redact options', () => {
    const out = new MemoryStream();
    dictConfig({
      version: 1,
      filters: { secrets: { '()': 'logflume.RedactingFilter', paths: ['password'], patterns: ['creditCard'] } },
      formatters: { json: { '()': 'logflume.JsonFormatter', redact: { paths: ['*.token'] } } },
      handlers: { out: { class: 'logging.StreamHandler', stream: out, formatter: 'json', filters: ['secrets'] } },
      loggers: { 'redact.dict': { handlers: ['out'], level: 'INFO', propagate: false } },
    });
    getLogger('redact.dict').info('card 4111111111111111', kw({ extra: { password: 'p', s: { token: 't' } } }));
    const line = JSON.parse(out.lines[0]!);
    assert.deepEqual([line.msg, line.password, line.s.token], ['card [Redacted card]', '[Redacted]', '[Redacted]']);
    assert.throws(
      () => dictConfig({ version: 1, filters: { f: { '()': 'logflume.RedactingFilter', paths: ['a..b'] } } }),
      /filters.*f|a\.\.b/,
    );
  });
});

describe('redaction across threads and the network', () => {
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'redaction', 'worker-handlers.ts');

  test('QueueHandler + RedactingFilter – records leave the thread redacted; a worker-side JsonFormatter redact works the same', async () => {
    const fileA = tempFile('a.jsonl');
    const fileB = tempFile('b.jsonl');
    const la = new WorkerQueueListener({ module: fixture, export: 'jsonFile', args: [fileA] });
    const lb = new WorkerQueueListener({ module: fixture, export: 'jsonFile', args: [fileB, ['password', 'session.token']] });
    await Promise.all([la.start(), lb.start()]);
    const qa = new QueueHandler(la.queue);
    qa.addFilter(new RedactingFilter({ paths: ['password', 'session.token'], patterns: ['creditCard'] }));
    const log = logger(qa);
    log.addHandler(new QueueHandler(lb.queue));
    for (let i = 0; i < 50; i++) log.info('pay %d with 4111111111111111', i, kw({ extra: { password: `pw${i}`, session: { token: `t${i}`, id: i } } }));
    await Promise.all([la.stop(), lb.stop()]);
    const a = lines(fileA).map((l) => JSON.parse(l));
    const b = lines(fileB).map((l) => JSON.parse(l));
    assert.equal(a.length, 50);
    assert.equal(b.length, 50);
    for (let i = 0; i < 50; i++) {
      assert.deepEqual([a[i].msg, a[i].password, a[i].session], [`pay ${i} with [Redacted card]`, '[Redacted]', { token: '[Redacted]', id: i }]);
      assert.deepEqual([b[i].password, b[i].session], ['[Redacted]', { token: '[Redacted]', id: i }]);
    }
  });

  test('SocketHandler + RedactingFilter – the receiver never gets the secret fields', async () => {
    const { sink } = collectOn('redact.rx');
    const rx = await startReceiver({ tcp: 0 });
    try {
      for (const format of ['compact', 'json', 'pickle'] as const) {
        const h = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port, { format });
        h.addFilter(new RedactingFilter({ paths: ['password', 'headers.authorization'], patterns: ['bearerToken'] }));
        h.handle(makeLogRecord({ name: 'redact.rx', msg: 'auth Bearer %s', args: ['zzz'], levelno: 20, levelname: 'INFO', password: 'pw', headers: { authorization: 'Basic q', ok: 1 } }));
        await h.close();
      }
      await waitFor(() => sink.records.length === 3);
      for (const r of sink.records) {
        assert.equal(r.getMessage(), 'auth Bearer [Redacted]');
        assert.equal(r.password, '[Redacted]');
        assert.deepEqual({ ...(r.headers as object) }, { authorization: '[Redacted]', ok: 1 });
      }
    } finally {
      await rx.close();
    }
  });

  test('DatagramHandler + RedactingFilter – the UDP receiver never gets the secret fields', async () => {
    const { sink } = collectOn('redact.udp');
    const rx = await startReceiver({ udp: 0 });
    try {
      const h = new DatagramHandler('127.0.0.1', rx.addresses.udp!.port, { format: 'json' });
      h.addFilter(new RedactingFilter({ paths: ['password', 'session.token'] }));
      h.handle(makeLogRecord({ name: 'redact.udp', msg: 'udp', args: null, levelno: 20, levelname: 'INFO', password: 'pw', session: { token: 't', id: 1 } }));
      await waitFor(() => sink.records.length === 1);
      assert.equal(sink.records[0]!.password, '[Redacted]');
      assert.deepEqual({ ...(sink.records[0]!.session as object) }, { token: '[Redacted]', id: 1 });
      await h.close();
    } finally {
      await rx.close();
    }
  });

  test('HTTPHandler + RedactingFilter – the POSTed form has no secret', async () => {
    const bodies: string[] = [];
    const srv = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += String(c)));
      req.on('end', () => {
        bodies.push(b);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const h = new HTTPHandler(`127.0.0.1:${(srv.address() as AddressInfo).port}`, '/log', 'POST');
      h.addFilter(new RedactingFilter({ paths: ['password', 'apiKey'] }));
      const log = logger(h);
      log.warning('login', kw({ extra: { password: 'hunter2', apiKey: 'k-123', user: 'ann' } }));
      await h.flush?.();
      await waitFor(() => bodies.length === 1);
      const form = new URLSearchParams(bodies[0]);
      assert.equal(form.get('password'), '[Redacted]');
      assert.equal(form.get('apiKey'), '[Redacted]');
      assert.equal(form.get('user'), 'ann');
      assert.ok(!bodies[0]!.includes('hunter2') && !bodies[0]!.includes('k-123'));
      await h.close();
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });
});
