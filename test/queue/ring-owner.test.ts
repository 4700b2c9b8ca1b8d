// issue 15 item 10: one producer per ring.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { getLogger, DEBUG, LogRecord, INFO } from '../../src/index.js';
import { QueueHandler, WorkerQueueListener } from '../../src/handlers/index.js';
import { allocateRing } from '../../src/handlers/queue/ring-buffer.js';
import { RingProducer } from '../../src/handlers/queue/ring-producer.js';
import { RingConsumer, END } from '../../src/handlers/queue/ring-consumer.js';
import { CTL_SLOTS } from '../../src/handlers/queue/indexes.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { handlersModule, tempFile, lines, tsWorker } from './worker-helpers.js';

isolateLogging();
const attachWorker = join(import.meta.dirname, '..', 'fixtures', 'queue', 'attach-worker.ts');

async function attachIn(d: unknown, log = 0): Promise<string> {
  const w = tsWorker(attachWorker, { d, log });
  const exited = once(w, 'exit'); // before the message: 'exit' can follow it in the same turn
  const [msg] = (await once(w, 'message')) as [string];
  await exited;
  return msg;
}

describe('one producer per ring', () => {
  test('WorkerQueueListener.attach() twice in one thread returns one producer: 10 records sent through both, 10 received in order, none dropped', async () => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(message)s'] });
    const d = listener.createQueueDescriptor();
    const a = WorkerQueueListener.attach(d);
    const b = WorkerQueueListener.attach(d);
    assert.equal(a, b);
    assert.equal(WorkerQueueListener.attach(listener.queue.descriptor), listener.queue);
    const log = getLogger('owner.twice');
    log.propagate = false;
    log.setLevel(DEBUG);
    log.addHandler(new QueueHandler(a));
    log.addHandler(new QueueHandler(b));
    await listener.start();
    for (let i = 0; i < 5; i++) log.info('%d', i); // each record goes through both handlers
    await listener.stop();
    assert.deepEqual(lines(file), ['0', '0', '1', '1', '2', '2', '3', '3', '4', '4']);
    assert.equal(a.dropped, 0);
  });

  test('a second thread attaching a ring another thread writes is refused (ERR_LOGFLUME_QUEUE_OWNED); once that thread has exited, a new thread may take the ring', async () => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(message)s'] });
    await listener.start();
    // the main thread's own ring is written by the main thread
    assert.equal(await attachIn(listener.queue.descriptor), 'ERR_LOGFLUME_QUEUE_OWNED');
    const d = listener.createQueueDescriptor();
    WorkerQueueListener.attach(d).detach(); // the main thread takes and gives back
    assert.equal(await attachIn(d, 3), 'attached');
    assert.equal(await attachIn(d, 2), 'attached'); // the first thread ended: its ring was given back
    await listener.stop();
    assert.deepEqual(lines(file), ['t 0', 't 1', 't 2', 't 0', 't 1']);
  });

  test('two RingProducers made directly on one ring in one thread: each finds the other’s writes (reported once per producer) and no record is lost or overwritten', async () => {
    const d = { kind: 'logflume.ring' as const, control: new SharedArrayBuffer(CTL_SLOTS * 4), ring: allocateRing(4096), maxRecords: 0, overflow: 'drop-new' as const, blockTimeout: 0 };
    const p1 = new RingProducer(d);
    const p2 = new RingProducer(d);
    const c = new RingConsumer(0, d.ring);
    const got: string[] = [];
    const err = await captureStderr(() => {
      for (let i = 0; i < 10; i++) {
        const r = new LogRecord(`two.${i % 3}`, INFO, '/p/x.ts', 1, `m${i}`, null, null, 'fn');
        assert.equal((i % 2 === 0 ? p1 : p2).putPrepared(r, `m${i}`), 0);
      }
      for (;;) {
        const r = c.read();
        if (r === null || r === END) break;
        got.push(`${r.name} ${r.message}`);
      }
    });
    assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `two.${i % 3} m${i}`));
    assert.equal(err.match(/second RingProducer/g)?.length, 2, err); // once per producer that found the other's writes
  });
});
