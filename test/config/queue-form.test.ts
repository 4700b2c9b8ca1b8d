/**
 * The Python 3.12 QueueHandler form of dictConfig (`queue`, `listener`,
 * `handlers`, `respect_handler_level`), in process and with the worker listener.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isolateLogging, StringIO } from '../helpers/capture.js';
import { dictConfig, dictConfigAsync } from '../../src/config/index.js';
import { getLogger, root, type Handler } from '../../src/index.js';

isolateLogging();

import * as handlersBarrel from '../../src/handlers/index.js';

// A broken handlers barrel fails this file at import, as it should.
const exported: Record<string, unknown> = handlersBarrel;

type QH = Handler & { queue: unknown; listener: { stop(): Promise<void>; respectHandlerLevel: boolean; handlers: Handler[] } };

test('dictConfig() – QueueHandler form builds the listener with the named handlers and starts it', async () => {
  const out = new StringIO();
  const low = new StringIO();
  dictConfig({
    version: 1,
    streams: { out, low },
    formatters: { f: { format: '%(levelname)s %(name)s %(message)s' } },
    handlers: {
      console: { class: 'logging.StreamHandler', stream: 'cfg://streams.out', formatter: 'f', level: 'WARNING' },
      all: { class: 'logging.StreamHandler', stream: 'cfg://streams.low', formatter: 'f' },
      q: { class: 'logging.handlers.QueueHandler', handlers: ['console', 'all'], respect_handler_level: true },
    },
    root: { level: 'DEBUG', handlers: ['q'] },
  });
  assert.equal(root.handlers.length, 1);
  const qh = root.handlers[0] as QH;
  assert.ok(qh.queue instanceof (exported.Queue as new () => unknown), 'a default Queue, as Python makes queue.Queue()');
  assert.ok(qh.listener instanceof (exported.QueueListener as new () => unknown));
  assert.equal(qh.listener.respectHandlerLevel, true);
  assert.deepEqual(qh.listener.handlers.map((h) => h.name), ['console', 'all']);
  getLogger('app').info('info line');
  getLogger('app').error('error line');
  await qh.listener.stop();
  assert.equal(out.value, 'ERROR app error line\n');
  assert.equal(low.value, 'INFO app info line\nERROR app error line\n');
});

test('dictConfigAsync() – reconfiguring stops the old queue listener after it drains', async () => {
  const out = new StringIO();
  const cfg = {
    version: 1 as const,
    streams: { out },
    handlers: {
      s: { class: 'logging.StreamHandler', stream: 'cfg://streams.out' },
      q: { class: 'logging.handlers.QueueHandler', queue: { '()': 'logging.handlers.Queue', maxsize: 1000 }, handlers: ['s'] },
    },
    root: { level: 'INFO', handlers: ['q'] },
  };
  await dictConfigAsync(cfg);
  const first = root.handlers[0] as QH;
  assert.equal((first.queue as { maxsize: number }).maxsize, 1000, "the '()' queue factory got Python's maxsize");
  for (let i = 0; i < 50; i++) root.info('m%d', i);
  await dictConfigAsync({ ...cfg, disable_existing_loggers: false });
  assert.notEqual(root.handlers[0], first);
  assert.equal(out.value.split('\n').filter(Boolean).length, 50, 'every record queued before the reconfigure was handled');
  await (root.handlers[0] as QH).listener.stop();
});

test('dictConfig() – QueueHandler form errors name the key', () => {
  assert.throws(
    () => dictConfig({ version: 1, handlers: { q: { class: 'logging.handlers.QueueHandler', handlers: ['ghost'] } } }),
    /Unable to configure handler 'q': handlers\.q\.handlers\[0\]: no handler named 'ghost'/,
  );
  assert.throws(
    () => dictConfig({ version: 1, handlers: { q: { class: 'logging.handlers.QueueHandler', handlers: ['q'] } } }),
    /reference cycle: q -> q/,
  );
});

test('dictConfigAsync() – a worker listener builds its handlers in the worker from their dicts', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-cfg-'));
  try {
    const file = path.join(dir, 'worker.log');
    await dictConfigAsync({
      version: 1,
      formatters: { f: { format: '%(levelname)s:%(name)s:%(message)s' } },
      handlers: {
        file: { class: 'logging.handlers.RotatingFileHandler', filename: file, maxBytes: 1_000_000, backupCount: 2, formatter: 'f' },
        q: { class: 'logging.handlers.QueueHandler', listener: 'logging.handlers.WorkerQueueListener', handlers: ['file'], queue: { maxBytes: 1 << 20 } },
      },
      root: { level: 'INFO', handlers: ['q'] },
    });
    const qh = root.handlers[0] as QH;
    assert.ok(qh.listener instanceof (exported.WorkerQueueListener as new () => unknown));
    for (let i = 0; i < 20; i++) getLogger('w').info('line %d', i);
    try {
      await qh.listener.stop();
    } finally {
      void (qh.listener as unknown as { worker: { terminate(): unknown } | null }).worker?.terminate(); // a failed stop must not keep the test process alive
    }
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 20);
    assert.equal(lines[19], 'INFO:w:line 19');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
