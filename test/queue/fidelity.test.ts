// issue 15 items 7 and 9: the worker path behaves like the main thread.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getLogger, DEBUG, kw, FileHandler, Formatter, JsonFormatter, type LogRecord } from '../../src/index.js';
import { QueueHandler, WorkerQueueListener } from '../../src/handlers/index.js';
import { RingProducer } from '../../src/handlers/queue/ring-producer.js';
import { isolateLogging } from '../helpers/capture.js';
import { handlersModule, tempFile, lines } from './worker-helpers.js';

isolateLogging();

let seq = 0;
function logger(...handlers: { handle(r: LogRecord): unknown }[]) {
  const log = getLogger(`fidelity.${++seq}`);
  log.propagate = false;
  log.setLevel(DEBUG);
  for (const h of handlers) log.addHandler(h as never);
  return log;
}

class PaymentError extends Error {
  override name = 'PaymentError';
  code = 'E_PAY';
  retry = 2;
}

function theErrors() {
  const root = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED', port: 5432 });
  const mid = new TypeError('query failed', { cause: root });
  const top = new PaymentError('payment failed', { cause: mid });
  const agg = new AggregateError([new RangeError('first'), 'not an error'], 'several failed');
  const loop = new Error('loops');
  (loop as { cause?: unknown }).cause = loop;
  return { top, agg, loop, thrownString: 'a thrown string' };
}

/** The same calls, with exceptions, an error field and stack_info; each carries a sequence number. */
function calls(log: ReturnType<typeof logger>): void {
  const e = theErrors();
  log.error('seq 0 failed', kw({ exc_info: e.top }));
  log.error('seq 1 aggregate', kw({ exc_info: e.agg }));
  log.warning('seq 2 circular', kw({ exc_info: e.loop }));
  log.error('seq 3 not an Error', kw({ exc_info: e.thrownString }));
  log.info('seq 4 error as a field', kw({ extra: { err: e.top, user: 7 } }));
  log.info('seq 5 with stack', kw({ stack_info: true }));
  log.error('seq 6 %s and %d', 'args', 6, kw({ exc_info: e.top }));
  log.info('seq 7 plain %d', 7);
}

describe('errors stay structured across the queue (item 7)', () => {
  test('a worker-side JsonFormatter writes the same objects as the main thread: err (type, message, stack, code, cause chain, AggregateError errors, circular cause), error fields, stack', async () => {
    const mainPath = tempFile('main.jsonl');
    const workerPath = tempFile('worker.jsonl');
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'jsonFileHandler', args: [workerPath] });
    await listener.start();
    const fh = new FileHandler(mainPath);
    fh.setFormatter(new JsonFormatter());
    calls(logger(fh, new QueueHandler(listener.queue)));
    await listener.stop();
    await fh.close();
    const main = lines(mainPath).map((l) => JSON.parse(l) as Record<string, unknown>);
    const worker = lines(workerPath).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(main.length, 8);
    assert.equal(worker.length, 8);
    for (let i = 0; i < 8; i++) assert.deepEqual(worker[i], main[i], `record seq ${i}`);
    const err = main[0]!.err as Record<string, unknown>;
    assert.equal(err.type, 'PaymentError');
    assert.equal((err.cause as Record<string, unknown>).type, 'TypeError');
    assert.equal(((err.cause as Record<string, unknown>).cause as Record<string, unknown>).code, 'ECONNREFUSED');
    // and the text is byte for byte the same in the file
    assert.equal(readFileSync(workerPath, 'utf8'), readFileSync(mainPath, 'utf8'));
  });

  test('a worker-side Formatter writes the same exception and stack text as the main thread', async () => {
    const mainPath = tempFile('main.log');
    const workerPath = tempFile('worker.log');
    const fmt = '%(levelname)s %(name)s %(message)s';
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [workerPath, fmt] });
    await listener.start();
    const fh = new FileHandler(mainPath);
    fh.setFormatter(new Formatter(fmt));
    calls(logger(fh, new QueueHandler(listener.queue)));
    await listener.stop();
    await fh.close();
    const text = readFileSync(mainPath, 'utf8');
    for (let i = 0; i < 8; i++) assert.match(text, new RegExp(`seq ${i}`));
    assert.match(text, /direct cause/);
    assert.equal(readFileSync(workerPath, 'utf8'), text);
  });
});

describe('the fast paths honour every override point (item 9)', () => {
  const messages = (log: ReturnType<typeof logger>): void => {
    log.info('n=%d', 1); // numbers only: the path that used to skip format()
    log.info('s=%s', 'x');
    log.info('plain');
    log.error('boom %d', 2, kw({ exc_info: new Error('e') }));
  };

  async function through(make: (q: RingProducer) => QueueHandler, queue?: (l: WorkerQueueListener) => RingProducer): Promise<string[]> {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(message)s'] });
    await listener.start();
    const q = queue ? queue(listener) : listener.queue;
    messages(logger(make(q)));
    await listener.stop();
    return lines(file);
  }

  test('QueueHandler subclass overriding format(): every message has the prefix, numbers-only ones too', async () => {
    class Prefixed extends QueueHandler {
      override format(r: LogRecord): string {
        return `[app] ${super.format(r)}`;
      }
    }
    const got = await through((q) => new Prefixed(q));
    assert.deepEqual(got.filter((l) => !l.startsWith('    at ')), ['[app] n=1', '[app] s=x', '[app] plain', '[app] boom 2', 'Error: e']);
  });

  test('format() replaced on the instance is honoured too', async () => {
    const got = await through((q) => {
      const h = new QueueHandler(q);
      h.format = (r) => `<${r.getMessage()}>`;
      return h;
    });
    assert.deepEqual(got, ['<n=1>', '<s=x>', '<plain>', '<boom 2>']);
  });

  test('overridden prepare() and enqueue() see every record', async () => {
    const seen: string[] = [];
    class Custom extends QueueHandler {
      override prepare(r: LogRecord): unknown {
        const p = super.prepare(r) as LogRecord;
        p.msg = p.message = `P:${String(p.msg).split('\n')[0]}`;
        return p;
      }
      override enqueue(r: unknown): void {
        seen.push((r as LogRecord).msg as string);
        super.enqueue(r);
      }
    }
    const got = await through((q) => new Custom(q));
    assert.deepEqual(got, ['P:n=1', 'P:s=x', 'P:plain', 'P:boom 2']);
    assert.deepEqual(seen, got);
  });

  test("a RingProducer subclass overriding put_nowait() is called for every record", async () => {
    let calls = 0;
    class Counting extends RingProducer {
      override put_nowait(r: unknown): number {
        calls++;
        return super.put_nowait(r);
      }
    }
    const got = await through(
      (q) => new QueueHandler(q),
      (l) => {
        const d = l.createQueueDescriptor();
        return new Counting(d);
      },
    );
    assert.equal(calls, 4);
    assert.equal(got.filter((l) => !l.startsWith('    at ')).length, 5);
  });
});
