import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { getLogger, INFO, DEBUG, ERROR, kw, ConfigError, settings } from '../../src/index.js';
import { QueueHandler, WorkerQueueListener } from '../../src/handlers/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { handlersModule, tempFile, lines, tsWorker, waitFor } from './worker-helpers.js';
import { join } from 'node:path';

isolateLogging();

let loggerSeq = 0;
function queueLogger(listener: WorkerQueueListener, level = DEBUG) {
  const log = getLogger(`wq.${++loggerSeq}`);
  log.propagate = false;
  log.setLevel(level);
  const qh = new QueueHandler(listener.queue);
  log.addHandler(qh);
  return { log, qh };
}

describe('WorkerQueueListener', () => {
  test('WorkerQueueListener.stop() – every record reaches the worker-built FileHandler, in order, with its attributes', async () => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(levelname)s|%(name)s|%(process)d|%(thread)d|%(message)s'] });
    const { log } = queueLogger(listener);
    // records logged before the worker is ready wait in the ring
    for (let i = 0; i < 500; i++) log.info('rec %d %s', i, 'ünïcødé ✓');
    await listener.start();
    log.warning('multi\nline %s', 'message');
    log.error('with exception', kw({ exc_info: new RangeError('out of range') }));
    await listener.stop();
    const got = lines(file);
    for (let i = 0; i < 500; i++) assert.equal(got[i], `INFO|${log.name}|${process.pid}|0|rec ${i} ünïcødé ✓`);
    assert.equal(got[500], `WARNING|${log.name}|${process.pid}|0|multi`);
    assert.equal(got[501], 'line message');
    assert.equal(got[502], `ERROR|${log.name}|${process.pid}|0|with exception`);
    assert.equal(got[503], 'RangeError: out of range');
    assert.equal(listener.dropped, 0);
  });

  test('WorkerQueueListener – a Handler class export with args; extra fields cross the thread', async () => {
    const file = tempFile('out.jsonl');
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'JsonLinesHandler', args: [file] });
    await listener.start();
    const { log } = queueLogger(listener);
    log.info('hello %s', 'x', kw({ extra: { user: { id: 7, roles: ['a'] } } }));
    log.debug('plain');
    await listener.stop();
    const got = lines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(got, [
      { name: log.name, levelno: INFO, msg: 'hello x', extra: { id: 7, roles: ['a'] } },
      { name: log.name, levelno: DEBUG, msg: 'plain', extra: null },
    ]);
  });

  test('WorkerQueueListener – respectHandlerLevel applies the worker handlers\' levels', async () => {
    const file = tempFile();
    const respected = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'JsonLinesHandler', args: [respected, ERROR] }, { respectHandlerLevel: true });
    const both = new WorkerQueueListener(
      [
        { module: handlersModule, export: 'JsonLinesHandler', args: [file, ERROR] },
      ],
      { respectHandlerLevel: false },
    );
    await Promise.all([listener.start(), both.start()]);
    const a = queueLogger(listener).log;
    const b = queueLogger(both).log;
    a.info('dropped by level');
    a.error('kept');
    b.info('passes: levels not consulted by the listener, and Handler.handle does not check level either');
    await Promise.all([listener.stop(), both.stop()]);
    assert.equal(lines(file).length, 1);
    assert.deepEqual(lines(respected).map((l) => (JSON.parse(l) as { msg: string }).msg), ['kept']);
  });

  test('WorkerQueueListener.flush() – resolves once queued records are written, without stopping', async () => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(message)s', true] });
    await listener.start();
    const { log } = queueLogger(listener);
    for (let i = 0; i < 2000; i++) log.info('f%d', i);
    await listener.flush();
    assert.equal(lines(file).length, 2000);
    log.info('after flush');
    await listener.stop();
    assert.equal(lines(file).at(-1), 'after flush');
  });

  test('WorkerQueueListener – application worker threads feed the same listener through createQueueDescriptor()', async () => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(name)s %(thread)d %(message)s'] });
    await listener.start();
    const workers = [1, 2, 3].map((n) => tsWorker(join(import.meta.dirname, '..', 'fixtures', 'queue', 'app-worker.ts'), { logQueue: listener.createQueueDescriptor(), n, count: 300 }));
    const { log } = queueLogger(listener);
    for (let i = 0; i < 300; i++) log.info('main record %d', i);
    await Promise.all(workers.map((w) => once(w, 'exit')));
    await listener.stop();
    const got = lines(file);
    assert.equal(got.length, 1200);
    for (const n of [1, 2, 3]) {
      const mine = got.filter((l) => l.startsWith(`app.worker${n} `));
      assert.equal(mine.length, 300);
      mine.forEach((l, i) => assert.match(l, new RegExp(`^app\\.worker${n} [1-9]\\d* w${n} record ${i}$`), 'in order, with the worker\'s threadId'));
    }
    assert.deepEqual(got.filter((l) => l.startsWith(log.name)).map((l) => l.split(' ').at(-1)), Array.from({ length: 300 }, (_, i) => String(i)));
  });

  test('WorkerQueueListener.start() – a spec whose export is missing rejects with a ConfigError naming it', async () => {
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'noSuchExport' });
    const err = await captureStderr(async () => {
      await assert.rejects(listener.start(), (e: Error) => /noSuchExport/.test(e.message));
    });
    assert.match(err, /noSuchExport/);
    const bad = new WorkerQueueListener({ module: handlersModule, export: 'notAHandler' });
    await captureStderr(() => assert.rejects(bad.start(), /did not build a Handler/));
    assert.ok(ConfigError);
  });

  test('WorkerQueueListener – dictConfig-shaped specs are built in the worker by logflume/config buildHandlers', async () => {
    const cfg = (await import('../../src/config/index.js')) as { buildHandlers?: unknown };
    assert.equal(typeof cfg.buildHandlers, 'function', 'logflume/config exports buildHandlers');
    const file = tempFile();
    const listener = new WorkerQueueListener({
      formatters: { brief: { format: '%(levelname)s:%(message)s' } },
      handlers: { file: { class: 'logging.FileHandler', filename: file, formatter: 'brief', level: 'INFO' } },
    }, { respectHandlerLevel: true });
    await listener.start();
    const { log } = queueLogger(listener);
    log.debug('filtered by the handler level');
    log.info('from dict %d', 1);
    await listener.stop();
    assert.deepEqual(lines(file), ['INFO:from dict 1']);
  });

  test('WorkerQueueListener – if the worker dies, the main thread reports it with the undelivered count and later records are dropped, not thrown', async () => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'dyingHandler', args: [file] });
    await listener.start();
    const { log, qh } = queueLogger(listener);
    const err = await captureStderr(async () => {
      log.info('before');
      log.info('die');
      await waitFor(() => listener.worker === null, 15000, 'worker exit');
    });
    assert.match(err, /worker exited with code 7; \d+ record\(s\) were not delivered/);
    assert.deepEqual(lines(file), ['INFO ' + log.name + ' before']);
    assert.doesNotThrow(() => log.info('after death'));
    assert.equal(qh.dropped, 1);
    await listener.stop();
  });

  test('WorkerQueueListener – rejects an unknown overflow policy', () => {
    assert.throws(() => new WorkerQueueListener({ module: handlersModule }, { overflow: 'explode' as never }), /overflow must be/);
    void settings;
  });
});
