import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { getLogger, DEBUG } from '../../src/index.js';
import { QueueHandler, WorkerQueueListener, type WorkerQueueListenerOptions } from '../../src/handlers/index.js';
import { isolateLogging } from '../helpers/capture.js';
import { handlersModule, tempFile, lines } from './worker-helpers.js';

isolateLogging();

let seq = 0;
async function setup(slowMs: number, opts: WorkerQueueListenerOptions) {
  const file = tempFile();
  const listener = new WorkerQueueListener({ module: handlersModule, export: 'blockedFileHandler', args: [file, slowMs, '%(name)s %(message)s'] }, opts);
  await listener.start();
  const log = getLogger(`ovf.${++seq}`);
  log.propagate = false;
  log.setLevel(DEBUG);
  const qh = new QueueHandler(listener.queue);
  log.addHandler(qh);
  return { file, listener, log, qh };
}

/** Message numbers delivered for `log`, and the "N records dropped" warnings. */
function parse(file: string, name: string): { delivered: number[]; warned: number } {
  const got = lines(file);
  const delivered = got.filter((l) => l.startsWith(name + ' ')).map((l) => Number(l.split(' ')[2]));
  const warned = got.filter((l) => l.startsWith('logflume.queue ')).reduce((n, l) => n + Number(/(\d+) records dropped/.exec(l)![1]), 0);
  return { delivered, warned };
}

// one at a time: the drop tests assume their burst ends before the worker wakes, and sibling workers starting
// beside it make that less likely on a loaded machine
describe('WorkerQueueListener overflow policies', () => {
  test("WorkerQueueListener – 'block' (the default): the caller waits for room and nothing is lost", async () => {
    const { file, listener, log, qh } = await setup(20, { maxRecords: 4, blockTimeout: 30_000 });
    assert.equal(listener.queue.overflow, 'block');
    const t0 = performance.now();
    for (let i = 0; i < 30; i++) log.info('m %d', i);
    const waited = performance.now() - t0;
    await listener.stop();
    const { delivered, warned } = parse(file, log.name);
    assert.deepEqual(delivered, Array.from({ length: 30 }, (_, i) => i));
    assert.equal(qh.dropped, 0);
    assert.equal(warned, 0);
    // 30 records through a 4-slot ring behind a 20 ms handler: the caller must have waited for ~25 of them
    assert.ok(waited >= 200, `the caller blocked (${waited.toFixed(0)} ms)`);
  });

  test("WorkerQueueListener – 'block' with a timeout: after blockTimeout the record is dropped, counted and reported", async () => {
    const { file, listener, log, qh } = await setup(400, { maxRecords: 2, blockTimeout: 40 });
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) log.info('m %d', i);
    const waited = performance.now() - t0;
    await listener.stop();
    const { delivered, warned } = parse(file, log.name);
    assert.ok(qh.dropped >= 1, `dropped ${qh.dropped}`);
    assert.equal(delivered.length + qh.dropped, 8);
    assert.equal(warned, qh.dropped, 'one "N records dropped" warning per batch of drops, adding up');
    assert.equal(listener.dropped, qh.dropped);
    assert.ok(waited >= qh.dropped * 40 * 0.9, `each drop waited blockTimeout first (${waited.toFixed(0)} ms for ${qh.dropped})`);
    assert.deepEqual(delivered, [...delivered].sort((a, b) => a - b));
  });

  test("WorkerQueueListener – 'drop-new': the caller never waits; the newest records are dropped and reported", async () => {
    const { file, listener, log, qh } = await setup(300, { maxRecords: 3, overflow: 'drop-new' });
    for (let i = 0; i < 10; i++) log.info('m %d', i);
    await listener.stop();
    const { delivered, warned } = parse(file, log.name);
    assert.ok(qh.dropped >= 5, `dropped ${qh.dropped}`);
    assert.equal(delivered.length + qh.dropped, 10);
    assert.deepEqual(delivered, Array.from({ length: delivered.length }, (_, i) => i), 'the oldest records are the ones kept');
    assert.equal(warned, qh.dropped);
  });

  test("WorkerQueueListener – 'drop-oldest': the newest records are kept; the dropped ones are counted and reported", async () => {
    const { file, listener, log, qh } = await setup(300, { maxRecords: 3, overflow: 'drop-oldest' });
    for (let i = 0; i < 10; i++) log.info('m %d', i);
    await listener.stop();
    const { delivered, warned } = parse(file, log.name);
    assert.ok(qh.dropped >= 5, `dropped ${qh.dropped}`);
    assert.equal(delivered.length + qh.dropped, 10);
    assert.deepEqual(delivered.slice(-3), [7, 8, 9], 'the newest records survive');
    assert.deepEqual(delivered, [...delivered].sort((a, b) => a - b));
    assert.equal(warned, qh.dropped);
  });

  test("WorkerQueueListener – maxBytes bounds the ring by size ('drop-new' on 4 KiB of 1 KiB records)", async () => {
    const { file, listener, log, qh } = await setup(300, { maxBytes: 4096, overflow: 'drop-new' });
    const pad = 'x'.repeat(1000);
    for (let i = 0; i < 12; i++) log.info('m %d %s', i, pad);
    await listener.stop();
    const { delivered, warned } = parse(file, log.name);
    assert.ok(qh.dropped >= 6, `dropped ${qh.dropped}`);
    assert.equal(delivered.length + qh.dropped, 12);
    assert.equal(warned, qh.dropped);
  });
});
