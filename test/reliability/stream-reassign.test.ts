// Issue 15, item 11: StreamHandler.stream is public, as in Python; whether it
// is a Node stream is decided at each call, so a reassigned stream is written
// the right way and flush()/shutdown() never hang. Also item 1 in-process: a
// destroyed stream is reported once and every skipped record is counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamHandler, shutdown, getLogger, Formatter, INFO, type WritableLike } from '../../src/index.js';
import { MemoryStream, StringIO, captureStderr, isolateLogging } from '../helpers/capture.js';

isolateLogging();

/** Settles with 'resolved', or 'pending' once a generous bound passes (a hang, not a timing assertion). */
async function settles(p: Promise<unknown>): Promise<'resolved' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), 10_000)));
  try {
    return await Promise.race([p.then(() => 'resolved' as const), bound]);
  } finally {
    clearTimeout(timer);
  }
}

function logger(h: StreamHandler<WritableLike>): ReturnType<typeof getLogger> {
  const log = getLogger('reassign');
  log.setLevel(INFO);
  log.propagate = false;
  h.setFormatter(new Formatter('%(message)s'));
  log.addHandler(h);
  return log;
}

test('h.stream = { write() {} } after construction on stderr: records go to it, flush() resolves, shutdown() returns', async () => {
  const h = new StreamHandler();
  const log = logger(h);
  const sink = new StringIO();
  h.stream = sink;
  log.info('p0 %d', 0);
  log.info('p0 %d', 1);
  assert.equal(sink.value, 'p0 0\np0 1\n');
  assert.equal(await settles(h.flush()), 'resolved');
  assert.equal(await settles(shutdown([h])), 'resolved');
});

test('a plain object with flush(): Python calls it after every record and on flush()', async () => {
  const h = new StreamHandler(process.stderr as unknown as WritableLike);
  const log = logger(h);
  let flushes = 0;
  h.stream = { write() {}, flush: () => void flushes++ };
  log.info('x');
  assert.equal(flushes, 1);
  assert.equal(await settles(h.flush()), 'resolved');
  assert.equal(flushes, 2);
});

test('plain object first, then a Node stream assigned: written through the Writable, flush() waits for it', async () => {
  const h = new StreamHandler<WritableLike>(new StringIO());
  const log = logger(h);
  const ms = new MemoryStream();
  h.stream = ms;
  for (let i = 0; i < 100; i++) log.info('p0 %d', i);
  assert.equal(await settles(h.flush()), 'resolved');
  assert.equal(ms.lines.length, 100);
  assert.equal(ms.lines[99], 'p0 99');
});

test('a destroyed Node stream: one report, then every record counted in droppedCount, close() reports the count', async () => {
  const ms = new MemoryStream();
  const h = new StreamHandler<WritableLike>(ms);
  const log = logger(h);
  log.info('p0 %d', 0);
  ms.destroy();
  const err = await captureStderr(async () => {
    for (let i = 1; i <= 50; i++) log.info('p0 %d', i);
    assert.equal(await settles(h.flush()), 'resolved');
    await h.close();
  });
  assert.equal(err.split('--- Logging error ---').length - 1, 1, err);
  assert.match(err, /destroyed or ended/);
  assert.equal(h.droppedCount, 50);
  assert.match(err, /50 record\(s\) were not written by StreamHandler/);
  assert.deepEqual(ms.lines, ['p0 0']);
});
