import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { getLogger, StreamHandler, Formatter, LoggerAdapter, withContext, getContext, updateContext, bindContext, kw, JsonFormatter, type LogRecord } from '../src/index.js';
import { MemoryStream, isolateLogging } from './helpers/capture.js';
import { runPython } from './helpers/python.js';

isolateLogging();

function setup(fmt: Formatter, name = 'ctx.t') {
  const stream = new MemoryStream();
  const h = new StreamHandler(stream);
  h.setFormatter(fmt);
  const log = getLogger(name);
  log.handlers = [h];
  log.propagate = false;
  log.setLevel('DEBUG');
  return { log, stream };
}

describe('withContext', () => {
  test('withContext() – fields reach records after await, timers and promise chains, and %(requestId)s', async () => {
    const { log, stream } = setup(new Formatter('%(requestId)s %(message)s', null, '%', true, { requestId: '-' }));
    log.info('before');
    const result = await withContext({ requestId: 'r1' }, async () => {
      log.info('sync');
      await sleep(1);
      log.info('after await');
      await new Promise<void>((resolve) => setTimeout(() => (log.info('in timer'), resolve()), 1));
      await Promise.resolve().then(() => log.info('in then'));
      return 42;
    });
    log.info('after');
    assert.equal(result, 42);
    assert.deepEqual(stream.lines, ['- before', 'r1 sync', 'r1 after await', 'r1 in timer', 'r1 in then', '- after']);
  });

  test('withContext() – concurrent requests never see each other’s fields', async () => {
    const seen: [string, unknown][] = [];
    const { log } = setup(new Formatter());
    log.handlers[0] = { level: 0, handle: (r: LogRecord) => void seen.push([r.getMessage(), r.requestId]) } as never;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        withContext({ requestId: `req-${i}` }, async () => {
          for (let step = 0; step < 3; step++) {
            await sleep((i * 7 + step * 3) % 5);
            log.info(`req-${i}`);
          }
        }),
      ),
    );
    assert.equal(seen.length, 150);
    for (const [msg, id] of seen) assert.equal(id, msg);
  });

  test('withContext() – nesting inherits and overrides, and the outer scope is restored', () => {
    withContext({ a: 1, b: 1 }, () => {
      withContext({ b: 2, c: 3 }, () => assert.deepEqual(getContext(), { a: 1, b: 2, c: 3 }));
      assert.deepEqual(getContext(), { a: 1, b: 1 });
    });
    assert.deepEqual(getContext(), {});
  });

  test('withContext() – a thrown error propagates and leaves no context behind', () => {
    assert.throws(() => withContext({ x: 1 }, () => { throw new Error('inner'); }), /inner/);
    assert.deepEqual(getContext(), {});
  });

  test('getContext() – returns a copy; updateContext() changes the current scope only', async () => {
    assert.equal(updateContext({ user: 'u' }), false, 'no scope, no change');
    const { log, stream } = setup(new JsonFormatter({ fields: ['message'] }));
    await withContext({ requestId: 'r' }, async () => {
      const copy = getContext();
      copy.requestId = 'mutated';
      assert.equal(getContext().requestId, 'r');
      await withContext({}, async () => {
        assert.equal(updateContext({ inner: true }), true);
      });
      assert.equal(updateContext({ user: 'u7' }), true);
      await sleep(1);
      log.info('x');
    });
    assert.deepEqual(JSON.parse(stream.lines[0]!), { msg: 'x', requestId: 'r', user: 'u7' });
  });

  test('bindContext() – a listener registered inside a request logs with that request’s fields', async () => {
    const { log, stream } = setup(new Formatter('%(requestId)s:%(message)s', null, '%', true, { requestId: '-' }));
    const bus = new EventEmitter();
    withContext({ requestId: 'bound' }, () => {
      bus.on('done', bindContext((what: string) => log.info(what)));
      bus.on('plain', (what: string) => log.info(what));
    });
    withContext({ requestId: 'other' }, () => {
      bus.emit('done', 'bound-listener');
      bus.emit('plain', 'plain-listener');
    });
    assert.deepEqual(stream.lines, ['bound:bound-listener', 'other:plain-listener']);
    const f = () => 1;
    assert.equal(bindContext(f), f, 'outside a context the function is returned as is');
  });

  test('withContext() – extra given at the call and record attributes win over context fields', () => {
    const { log, stream } = setup(new Formatter('%(name)s %(requestId)s %(levelname)s %(message)s'));
    withContext({ requestId: 'ctx', name: 'spoofed', levelname: 'SPOOF' }, () => {
      log.warning('m', kw({ extra: { requestId: 'call' } }));
    });
    assert.deepEqual(stream.lines, ['ctx.t call WARNING m']);
  });

  test('withContext() – matches the CPython contextvars + Filter recipe', async () => {
    const py = runPython<string[]>(
      `import logging, io, json, contextvars, asyncio, sys
rid = contextvars.ContextVar('rid', default='-')
class F(logging.Filter):
    def filter(self, r):
        r.requestId = rid.get(); return True
s = io.StringIO(); h = logging.StreamHandler(s); h.addFilter(F())
h.setFormatter(logging.Formatter('%(requestId)s %(levelname)s %(message)s'))
log = logging.getLogger('p'); log.addHandler(h); log.setLevel(logging.DEBUG)
async def req(i):
    rid.set('r%d' % i)
    await asyncio.sleep(0.001 * (3 - i)); log.info('work %d', i)
async def main():
    log.info('start')
    await asyncio.gather(*(asyncio.create_task(req(i)) for i in range(3)))
    log.info('end')
asyncio.run(main())
print(json.dumps(sorted(s.getvalue().splitlines())))`,
      null,
    );
    const { log, stream } = setup(new Formatter('%(requestId)s %(levelname)s %(message)s', null, '%', true, { requestId: '-' }));
    log.info('start');
    await Promise.all([0, 1, 2].map((i) => withContext({ requestId: `r${i}` }, async () => {
      await sleep(3 - i);
      log.info('work %d', i);
    })));
    log.info('end');
    assert.deepEqual([...stream.lines].sort(), py);
  });

  test('withContext – importing the core installs no context provider (cost when unused is one null check)', () => {
    const script = `
      const rt = await import('./src/internal/runtime.ts');
      const lf = await import('./src/index.ts');
      const before = rt.contextProvider === null;
      lf.withContext({ a: 1 }, () => {});
      console.log(JSON.stringify([before, typeof rt.contextProvider]));`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout.trim()), [true, 'function']);
  });

  test('withContext – examples/context.ts: every line of a request carries its id (real HTTP on 127.0.0.1)', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'examples/context.ts'], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname, timeout: 60_000 });
    assert.equal(res.status, 0, res.stderr);
    const lines = res.stdout.trim().split('\n');
    assert.equal(lines.length, 7);
    assert.match(lines[0]!, /^INFO {4}\[-\] app\.http: listening on \d+$/);
    for (const [id, n] of [['req-A', '1'], ['req-B', '2']]) {
      const mine = lines.filter((l) => l.includes(`[${id}]`));
      assert.deepEqual(mine.map((l) => l.replace(/^\S+\s+\[[^\]]+\] /, '')), [`app.http: GET /${n}`, `app.db: SELECT user ${n}`, 'app.http: done']);
    }
  });
});

describe('Logger.child() and LoggerAdapter', () => {
  test('Logger.child() – bound fields on every call; nested child merges; call-site extra wins', () => {
    const { log, stream } = setup(new JsonFormatter({ fields: ['message'] }));
    const child = log.child({ requestId: 'r1', user: 'u' });
    child.info('a');
    child.child({ step: 2 }).warning('b', kw({ extra: { user: 'override' } }));
    assert.ok(child instanceof LoggerAdapter);
    assert.equal(child.name, 'ctx.t');
    assert.deepEqual(stream.lines.map((l) => JSON.parse(l)), [
      { msg: 'a', requestId: 'r1', user: 'u' },
      { msg: 'b', requestId: 'r1', user: 'override', step: 2 },
    ]);
  });

  test('LoggerAdapter – Python 3.11 behaviour: adapter extra replaces call extra unless mergeExtra', () => {
    const { log, stream } = setup(new Formatter('%(a)s %(message)s', null, '%', true, { a: '-' }));
    new LoggerAdapter(log, { a: 'adapter' }).info('one', kw({ extra: { a: 'call' } }));
    new LoggerAdapter(log, { a: 'adapter' }, true).info('two', kw({ extra: { a: 'call' } }));
    assert.deepEqual(stream.lines, ['adapter one', 'call two']);
  });

  test('Logger.child() – disabled levels cost no record', () => {
    const { log, stream } = setup(new Formatter());
    log.setLevel('WARNING');
    let built = 0;
    const child = log.child({ get lazy() { built++; return 1; } });
    child.debug('dropped');
    assert.equal(stream.lines.length, 0);
    assert.equal(built, 1, 'fields are copied once at child() time, not per call');
  });
});
