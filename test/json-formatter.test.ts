import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { JsonFormatter, LogRecord, makeLogRecord, getLogger, StreamHandler, FileHandler, kw, withContext, ConfigError, gmtime, Formatter } from '../src/index.js';
import { MemoryStream, isolateLogging } from './helpers/capture.js';
import { runPython } from './helpers/python.js';
import { dictConfig } from '../src/config/index.js';

isolateLogging();

function rec(msg: unknown = 'hello %s', args: unknown[] = ['world'], level = 20): LogRecord {
  return new LogRecord('app.db', level, '/srv/app.js', 12, msg, args, null, 'main');
}

function logTo(fmt: JsonFormatter, name = 'json.t'): { lines: () => Record<string, unknown>[]; stream: MemoryStream; log: ReturnType<typeof getLogger> } {
  const stream = new MemoryStream();
  const h = new StreamHandler(stream);
  h.setFormatter(fmt);
  const log = getLogger(name);
  log.handlers = [h];
  log.propagate = false;
  log.setLevel('DEBUG');
  return { stream, log, lines: () => stream.lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JsonFormatter', () => {
  test('JsonFormatter.format() – default fields, renamed to time/level/logger/msg, in that order', () => {
    const r = rec();
    const line = new JsonFormatter().format(r);
    const o = JSON.parse(line);
    assert.deepEqual(Object.keys(o), ['time', 'level', 'logger', 'msg']);
    assert.equal(o.level, 'INFO');
    assert.equal(o.logger, 'app.db');
    assert.equal(o.msg, 'hello world');
    assert.equal(o.time, new Date(Math.round(r.created * 1000)).toISOString());
    assert.equal(r.message, 'hello world', 'sets record.message as Formatter does');
  });

  test('JsonFormatter.format() – fields selection and rename', () => {
    const f = new JsonFormatter({ fields: ['levelno', 'message', 'lineno', 'funcName'], rename: { levelno: 'severity', message: 'message' } });
    assert.deepEqual(JSON.parse(f.format(rec())), { severity: 20, message: 'hello world', lineno: 12, funcName: 'main' });
  });

  test('JsonFormatter.format() – time modes: epoch is Python created, epochMillis, asctime with datefmt', () => {
    const r = makeLogRecord({ name: 'a', levelno: 20, levelname: 'INFO', msg: 'm', created: 1700000000.25, msecs: 250 });
    assert.equal(JSON.parse(new JsonFormatter({ time: 'epoch' }).format(r)).time, 1700000000.25);
    assert.equal(JSON.parse(new JsonFormatter({ time: 'epochMillis' }).format(r)).time, 1700000000250);
    assert.equal(JSON.parse(new JsonFormatter().format(r)).time, '2023-11-14T22:13:20.250Z');
    const f = new JsonFormatter({ time: 'asctime', datefmt: '%Y-%m-%dT%H:%M:%S' });
    f.converter = gmtime;
    assert.equal(JSON.parse(f.format(r)).time, '2023-11-14T22:13:20');
    assert.throws(() => new JsonFormatter({ time: 'nope' as 'iso' }), ConfigError);
  });

  test('JsonFormatter() – a Python format string selects fields and keeps Python names (python-json-logger style)', () => {
    const f = new JsonFormatter('%(asctime)s %(levelname)s %(name)s %(message)s', '%Y');
    f.converter = gmtime;
    const r = makeLogRecord({ name: 'a', levelno: 30, levelname: 'WARNING', msg: 'x', created: 1700000000, msecs: 0 });
    assert.deepEqual(JSON.parse(f.format(r)), { asctime: '2023', levelname: 'WARNING', name: 'a', message: 'x' });
  });

  test('JsonFormatter.format() – extra and context fields merged; they never replace the standard keys', async () => {
    const { log, lines } = logTo(new JsonFormatter({ staticFields: { service: 'api' } }));
    await withContext({ requestId: 'r-1', msg: 'ctx-cannot-win' }, async () => {
      await new Promise((r) => setImmediate(r));
      log.info('one', kw({ extra: { port: 8080, user: { id: 7 } } }));
    });
    const [o] = lines();
    assert.deepEqual(o, { service: 'api', time: o!.time, level: 'INFO', logger: 'json.t', msg: 'one', port: 8080, user: { id: 7 }, requestId: 'r-1' });
  });

  test('JsonFormatter.format() – a static field never duplicates a selected field\'s key', () => {
    const line = new JsonFormatter({ staticFields: { level: 'static', svc: 'a' } }).format(rec());
    assert.equal(line.match(/"level":/g)?.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(line)), ['svc', 'time', 'level', 'logger', 'msg']);
    assert.equal(JSON.parse(line).level, 'INFO');
  });

  test('JsonFormatter.format() – extra: false drops non-standard attributes', () => {
    const r = rec();
    r.custom = 1;
    assert.equal(JSON.parse(new JsonFormatter({ extra: false }).format(r)).custom, undefined);
    assert.equal(JSON.parse(new JsonFormatter().format(r)).custom, 1);
  });

  test('JsonFormatter.format() – errors carry type, message, stack, code, own fields and the cause chain', () => {
    const inner = Object.assign(new TypeError('bad input'), { code: 'E_INPUT', status: 400 });
    const outer = new Error('request failed', { cause: inner });
    const { log, lines } = logTo(new JsonFormatter());
    log.error('boom', kw({ exc_info: outer }));
    const err = lines()[0]!.err as Record<string, any>;
    assert.equal(err.type, 'Error');
    assert.equal(err.message, 'request failed');
    assert.match(err.stack, /^Error: request failed\n\s+at /);
    assert.equal(err.cause.type, 'TypeError');
    assert.equal(err.cause.code, 'E_INPUT');
    assert.equal(err.cause.status, 400);
    assert.match(err.cause.stack, /TypeError: bad input/);
  });

  test('JsonFormatter.format() – AggregateError members, self-causing errors and thrown non-Errors', () => {
    const e = new Error('loop');
    (e as { cause?: unknown }).cause = e;
    const agg = new AggregateError([new Error('a'), 'b'], 'many');
    const f = new JsonFormatter();
    const withExc = (x: unknown) => {
      const r = rec();
      r.exc_info = x;
      return JSON.parse(f.format(r)).err;
    };
    assert.equal(withExc(e).cause, '[Circular]');
    const a = withExc(agg);
    assert.equal(a.type, 'AggregateError');
    assert.deepEqual([a.errors[0].message, a.errors[1]], ['a', 'b']);
    assert.deepEqual(withExc({ reason: 'x' }), { reason: 'x' });
    assert.equal(withExc(true), undefined, 'exc_info=true without an exception adds nothing');
    const r = makeLogRecord({ msg: 'm', exc_text: 'Traceback from afar' });
    assert.equal(JSON.parse(f.format(r)).err, 'Traceback from afar');
  });

  test('JsonFormatter.format() – Errors nested in extra are serialised, not {}', () => {
    const r = rec();
    r.details = { failures: [new RangeError('r1')] };
    const o = JSON.parse(new JsonFormatter().format(r));
    assert.equal(o.details.failures[0].type, 'RangeError');
    assert.equal(o.details.failures[0].message, 'r1');
  });

  test('JsonFormatter.format() – circular references, BigInt, Map, Set, throwing getters and toJSON', () => {
    const a: Record<string, unknown> = { n: 1n, big: 2n ** 70n, m: new Map<unknown, unknown>([['k', 1], [2, 'two']]), s: new Set([1, 2]) };
    a.self = a;
    a.list = [a, { back: a }];
    const shared = { v: 1 };
    const getter = {
      get bad(): unknown {
        throw new Error('nope');
      },
    };
    const badJson = { toJSON() { throw new Error('no json'); } };
    const r = rec();
    Object.assign(r, { a, pair: [shared, shared], getter, badJson });
    const line = new JsonFormatter().format(r);
    assert.ok(!line.includes('\n'));
    const o = JSON.parse(line);
    assert.equal(o.a.n, '1');
    assert.equal(o.a.big, (2n ** 70n).toString());
    assert.deepEqual(o.a.m, { k: 1, '2': 'two' });
    assert.deepEqual(o.a.s, [1, 2]);
    assert.equal(o.a.self, '[Circular]');
    assert.deepEqual(o.a.list, ['[Circular]', { back: '[Circular]' }]);
    assert.deepEqual(o.pair, [{ v: 1 }, { v: 1 }], 'a repeated (non-circular) object is not a cycle');
    assert.equal(o.getter.bad, '[Thrown: Error: nope]');
    assert.equal(o.badJson, '[Thrown: Error: no json]');
    assert.equal(o.msg, 'hello world');
  });

  test('JsonFormatter.format() – BigInt alone takes the fast path; maxDepth cuts deep objects on the fallback', () => {
    const r = rec();
    r.id = 12345678901234567890n;
    assert.equal(JSON.parse(new JsonFormatter().format(r)).id, '12345678901234567890');
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    deep.loop = deep;
    r.deep = deep;
    const o = JSON.parse(new JsonFormatter({ maxDepth: 3 }).format(r));
    assert.equal(o.deep.d.d.d, '[Object]');
    assert.equal(typeof o.deep.d.d, 'object');
  });

  test('JsonFormatter.format() – the fast path reads each value once (no copy before serialising)', () => {
    let reads = 0;
    const r = rec();
    r.payload = { get v() { reads++; return 1; } };
    new JsonFormatter().format(r);
    assert.equal(reads, 1);
  });

  test('JsonFormatter.format() – stack_info, defaults for missing fields, processLogRecord and serializeError hooks', () => {
    class Redacting extends JsonFormatter {
      override serializeError(err: unknown): unknown {
        return { redacted: (err as Error).name };
      }
      override processLogRecord(out: Record<string, unknown>): Record<string, unknown> {
        delete out.logger;
        out.v = 2;
        return out;
      }
    }
    const f = new Redacting({ fields: ['levelname', 'message', 'tenant'], defaults: { tenant: 'none' } });
    const r = rec();
    r.exc_info = new Error('secret');
    r.stack_info = 'Stack (most recent call last):\n  here';
    assert.deepEqual(JSON.parse(f.format(r)), { level: 'INFO', msg: 'hello world', tenant: 'none', err: { redacted: 'Error' }, stack: 'Stack (most recent call last):\n  here', v: 2 });
  });

  test('JsonFormatter – one object per line through a FileHandler', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lf-json-'));
    try {
      const fh = new FileHandler(join(dir, 'app.jsonl'));
      fh.setFormatter(new JsonFormatter());
      const log = getLogger('json.file');
      log.handlers = [fh];
      log.propagate = false;
      log.warning('multi\nline "quoted"');
      log.warning('second %d', 2);
      await fh.close();
      const lines = (await readFile(join(dir, 'app.jsonl'), 'utf8')).split('\n');
      assert.equal(lines.length, 3);
      assert.equal(lines[2], '');
      assert.deepEqual(lines.slice(0, 2).map((l) => JSON.parse(l).msg), ['multi\nline "quoted"', 'second 2']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('JsonFormatter – property: any message and extra give one line that JSON.parse reads back', () => {
    const f = new JsonFormatter();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.dictionary(fc.string().filter((k) => !(k in rec())), fc.jsonValue()), (msg, extra) => {
        const r = rec(msg, []);
        Object.assign(r, extra);
        const line = f.format(r);
        assert.ok(!line.includes('\n') && !line.includes('\r'));
        const o = JSON.parse(line);
        assert.equal(o.msg, msg);
        for (const [k, v] of Object.entries(extra)) if (!['time', 'level', 'logger', 'msg', '__proto__'].includes(k)) assert.deepEqual(o[k], JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 200 },
    );
  });

  test('JsonFormatter – CPython json.loads reads every line, message and level match Python %-formatting', () => {
    const cases: [string, unknown[]][] = [
      ['plain', []],
      ['unicode ✓ %s \u2028 %r', ['日本語', 'q']],
      ['lone surrogate \ud800 and nul \u0000', []],
      ['%05.1f|%-4d|%x', [3.14159, 7, 255]],
    ];
    const f = new JsonFormatter({ fields: ['levelname', 'message'] });
    const lines = cases.map(([m, a]) => f.format(rec(m, a, 40)));
    const py = runPython<[string, string][]>(
      `import json,sys
cases, lines = json.load(sys.stdin)
out = []
for (m, a), line in zip(cases, lines):
    o = json.loads(line)
    assert '\\n' not in line
    out.append([o['msg'], m % tuple(a) if a else m])
print(json.dumps(out))`,
      [cases, lines],
    );
    for (const [got, want] of py) assert.equal(got, want);
  });

  test('JsonFormatter – is a Formatter, so handlers and formatTime overrides work', () => {
    const f = new JsonFormatter({ time: 'asctime' });
    assert.ok(f instanceof Formatter);
    f.formatTime = () => 'T';
    assert.equal(JSON.parse(f.format(rec())).time, 'T');
  });

  test('JsonFormatter – usable from dictConfig, with \'()\' and options, or with class and a Python format', () => {
    const lines: string[] = [];
    const stream = { write: (s: string) => void lines.push(s) };
    dictConfig({
      version: 1,
      formatters: {
        opts: { '()': JsonFormatter, fields: ['levelname', 'message'], staticFields: { svc: 'api' } },
        py: { class: JsonFormatter, format: '%(levelname)s %(name)s %(message)s' },
      },
      handlers: {
        a: { class: 'logging.StreamHandler', stream, formatter: 'opts' },
        b: { class: 'logging.StreamHandler', stream, formatter: 'py' },
      },
      loggers: { 'json.dc': { handlers: ['a', 'b'], level: 'INFO', propagate: false } },
    } as never);
    getLogger('json.dc').info('hi %d', 1);
    assert.deepEqual(lines, ['{"svc":"api","level":"INFO","msg":"hi 1"}\n', '{"levelname":"INFO","name":"json.dc","message":"hi 1"}\n']);
  });

  test('JsonFormatter – examples/json-production.ts prints JSON lines with static fields, extra, BigInt and the error cause', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'examples/json-production.ts'], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NODE_ENV: 'production' }, timeout: 60_000 });
    assert.equal(res.status, 0, res.stderr);
    const [a, b, ...rest] = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rest.length, 0);
    assert.deepEqual([a.service, a.level, a.logger, a.msg, a.amountCents, a.currency], ['checkout', 'INFO', 'checkout.payments', 'payment accepted for order A-1001', 4200, 'EUR']);
    assert.deepEqual([b.level, b.orderId, b.err.message, b.err.cause.type], ['ERROR', '10000000000000001', 'gateway sent an unreadable reply', 'SyntaxError']);
  });

  test('format() – messages built from unsafe pieces are still escaped (quote, newline, %c, objects, overridden getMessage)', () => {
    const f = new JsonFormatter({ fields: ['message'] });
    const cases: [unknown, unknown[], string][] = [
      ['user %s', ['a"b'], 'user a"b'],
      ['line %s', ['x\ny'], 'line x\ny'],
      ['char %c!', [10], 'char \n!'],
      ['char %-3c!', [34], 'char "  !'],
      ['obj %s', [{ toString: () => 'q"\\' }], 'obj q"\\'],
      ['tab\there %d', [1], 'tab\there 1'],
      ['plain %d %s %s', [7, true, null], 'plain 7 true null'],
    ];
    for (const [msg, args, want] of cases) {
      const line = f.format(new LogRecord('a', 20, 'p', 1, msg, args, null));
      assert.deepEqual(JSON.parse(line), { msg: want }, line);
    }
    class Quoted extends LogRecord {
      override getMessage(): string {
        return 'said "' + super.getMessage() + '"';
      }
    }
    assert.deepEqual(JSON.parse(f.format(new Quoted('a', 20, 'p', 1, 'hi %d', [1], null))), { msg: 'said "hi 1"' });
  });

  test('format() – repeated level/name values are reused but a changed value is written', () => {
    const f = new JsonFormatter({ fields: ['levelname', 'name', 'message'] });
    const a = JSON.parse(f.format(new LogRecord('one', 20, 'p', 1, 'm', [], null)));
    const b = JSON.parse(f.format(new LogRecord('one', 20, 'p', 1, 'm', [], null)));
    const c = JSON.parse(f.format(new LogRecord('two"x', 40, 'p', 1, 'm', [], null)));
    assert.deepEqual([a, b, c], [
      { level: 'INFO', logger: 'one', msg: 'm' },
      { level: 'INFO', logger: 'one', msg: 'm' },
      { level: 'ERROR', logger: 'two"x', msg: 'm' },
    ]);
  });
});
