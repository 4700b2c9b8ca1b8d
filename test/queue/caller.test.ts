// issue 15 item 8: caller information is captured in the logging thread when the worker's formatters use it.
// Its own file (own process): no Formatter with caller fields may exist in this thread beforehand.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { getLogger, DEBUG } from '../../src/index.js';
import { QueueHandler, WorkerQueueListener } from '../../src/handlers/index.js';
import { callerInfo } from '../../src/internal/caller.js';
import { handlersModule, tempFile, lines } from './worker-helpers.js';

function logger(name: string, q: WorkerQueueListener) {
  const log = getLogger(name);
  log.propagate = false;
  log.setLevel(DEBUG);
  log.addHandler(new QueueHandler(q.queue));
  return log;
}

describe('caller information through the queue (item 8)', () => {
  test('a worker-built Formatter with %(filename)s:%(lineno)d %(funcName)s prints the logging call site (module spec: known once the worker is ready)', async () => {
    assert.equal(callerInfo.usedByFormat, false, 'no caller-using formatter in this thread yet');
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(filename)s:%(lineno)d %(funcName)s %(message)s'] });
    await listener.start();
    const log = logger('caller.module', listener);
    function placeOrder(): number {
      log.info('order placed');
      return new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1]! as unknown as number;
    }
    const line = Number(placeOrder()) - 1;
    await listener.stop();
    assert.deepEqual(lines(file), [`caller.test.ts:${line} placeOrder order placed`]);
  });

  test('a module spec: records logged after start() but before the worker is ready carry caller fields too; capture stops once the worker answers', async () => {
    callerInfo.usedByFormat = false;
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(funcName)s %(message)s'] });
    const log = logger('caller.early', listener);
    const ready = listener.start();
    function whileStarting(): void {
      log.info('early');
    }
    whileStarting(); // the worker has not built its handlers yet
    assert.equal(callerInfo.pending, 1);
    await ready;
    assert.equal(callerInfo.pending, 0);
    await listener.stop();
    assert.deepEqual(lines(file), ['whileStarting early']);

    // a worker whose formatters print no caller fields leaves capture off once it is ready
    callerInfo.usedByFormat = false;
    const plain = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [tempFile(), '%(message)s'] });
    await plain.start();
    assert.equal(callerInfo.pending, 0);
    assert.equal(callerInfo.usedByFormat, false);
    await plain.stop();
  });

  test('a dictConfig-shaped spec whose formatter names caller fields: records logged before the worker is ready carry them too', async () => {
    callerInfo.usedByFormat = false; // as in a fresh process: only this spec can switch it on
    const file = tempFile();
    const listener = new WorkerQueueListener({
      formatters: { f: { format: '%(module)s %(funcName)s %(message)s' } },
      handlers: { file: { class: 'logging.FileHandler', filename: file, formatter: 'f' } },
    });
    const log = logger('caller.dict', listener);
    function beforeReady(): void {
      log.info('early');
    }
    beforeReady();
    await listener.start();
    await listener.stop();
    assert.deepEqual(lines(file), ['caller.test beforeReady early']);
  });
});
