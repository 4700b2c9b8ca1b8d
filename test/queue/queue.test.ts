import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { Handler, LogRecord, Formatter, getLogger, INFO, WARNING, ERROR, DEBUG, makeLogRecord, kw } from '../../src/index.js';
import { Queue, Full, Empty, QueueHandler, QueueListener } from '../../src/handlers/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { runPython } from '../helpers/python.js';

isolateLogging();

/** Keeps what it handles. */
class ListHandler extends Handler {
  records: LogRecord[] = [];
  override emit(r: LogRecord): void {
    this.records.push(r);
  }
  get messages(): string[] {
    return this.records.map((r) => r.getMessage());
  }
}

const rec = (msg: string, level = INFO, args: unknown = null): LogRecord => new LogRecord('q', level, 'x.ts', 1, msg, args, null);

describe('Queue', () => {
  test('Queue.put() – FIFO with qsize/empty/full', () => {
    const q = new Queue<number>(2);
    assert.equal(q.empty(), true);
    q.put(1);
    q.put_nowait(2);
    assert.equal(q.full(), true);
    assert.equal(q.qsize(), 2);
    assert.equal(q.get(), 1);
    assert.equal(q.get_nowait(), 2);
    assert.equal(q.empty(), true);
  });

  test("Queue.put_nowait() – a full queue raises Full under 'raise' (Python's queue.Full)", () => {
    const q = new Queue(1);
    q.put_nowait('a');
    assert.throws(() => q.put_nowait('b'), Full);
    assert.equal(q.qsize(), 1);
  });

  test('Queue.get() – an empty queue raises Empty at once, block or not', () => {
    const q = new Queue();
    assert.throws(() => q.get(true), Empty);
    assert.throws(() => q.get_nowait(), Empty);
  });

  test('Queue.getAsync() – waits for a put, and times out with Empty', async () => {
    const q = new Queue<string>();
    const p = q.getAsync();
    setTimeout(() => q.put('later'), 5);
    assert.equal(await p, 'later');
    await assert.rejects(q.getAsync(10), Empty);
  });

  test('Queue.task_done() – join resolves when every item is done; too many calls throw', async () => {
    const q = new Queue<number>();
    q.put(1);
    q.put(2);
    let joined = false;
    const j = q.join().then(() => (joined = true));
    q.get();
    q.task_done();
    await tick();
    assert.equal(joined, false);
    q.get();
    q.task_done();
    await j;
    assert.equal(joined, true);
    assert.throws(() => q.task_done(), /too many times/);
  });

  test("Queue.put() – 'drop-new' keeps the queue and counts the drop", () => {
    const q = new Queue<number>(2, { overflow: 'drop-new' });
    assert.equal(q.put_nowait(1), 0);
    q.put_nowait(2);
    assert.equal(q.put_nowait(3), 1);
    assert.equal(q.dropped, 1);
    assert.deepEqual([q.get(), q.get()], [1, 2]);
  });

  test("Queue.put() – 'drop-oldest' evicts the head and counts it", () => {
    const q = new Queue<number>(2, { overflow: 'drop-oldest' });
    q.put_nowait(1);
    q.put_nowait(2);
    assert.equal(q.put_nowait(3), 1);
    assert.equal(q.dropped, 1);
    assert.deepEqual([q.get(), q.get()], [2, 3]);
    assert.equal(q.unfinished_tasks, 2);
  });

  test('Queue – stays FIFO across compaction (many puts and gets)', () => {
    const q = new Queue<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      q.put(i);
      if (i % 3 === 0) out.push(q.get());
    }
    while (!q.empty()) out.push(q.get());
    assert.deepEqual(out, Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe('QueueHandler', () => {
  test('QueueHandler.prepare() – same attributes as CPython 3.11 (msg merged, exception text folded in, args/exc_* cleared)', () => {
    const cases = [
      { fmt: null, msg: 'hello %s and %d', args: ['world', 42] },
      { fmt: '%(levelname)s:%(name)s:%(message)s', msg: 'plain %% kept', args: [] },
      { fmt: '%(name)s|%(message)s', msg: 'n=%(n)d', args: [{ n: 7 }] },
    ];
    const py = runPython<Array<Record<string, unknown>>>(
      `
import json, sys, logging, logging.handlers, queue
out = []
for c in json.load(sys.stdin):
    h = logging.handlers.QueueHandler(queue.Queue())
    if c['fmt']: h.setFormatter(logging.Formatter(c['fmt']))
    args = c['args']
    args = tuple(args) if not (len(args) == 1 and isinstance(args[0], dict)) else (args[0],)
    r = logging.LogRecord('app', logging.INFO, 'x.py', 1, c['msg'], args, None)
    p = h.prepare(r)
    out.append({k: getattr(p, k) for k in ('msg', 'message', 'args', 'exc_info', 'exc_text', 'stack_info', 'name', 'levelno')} | {'orig_msg': r.msg, 'same': p is r})
print(json.dumps(out))
`,
      cases,
    );
    cases.forEach((c, i) => {
      const h = new QueueHandler(new Queue());
      if (c.fmt) h.setFormatter(new Formatter(c.fmt));
      const r = new LogRecord('app', INFO, 'x.ts', 1, c.msg, c.args, null);
      const p = h.prepare(r) as LogRecord;
      const got = { msg: p.msg, message: p.message, args: p.args, exc_info: p.exc_info, exc_text: p.exc_text, stack_info: p.stack_info, name: p.name, levelno: p.levelno, orig_msg: r.msg, same: p === r };
      assert.deepEqual(got, py[i]);
      assert.ok(p instanceof LogRecord);
    });
  });

  test('QueueHandler.prepare() – an exception becomes text in msg and exc_info is cleared', () => {
    const h = new QueueHandler(new Queue());
    const r = new LogRecord('app', ERROR, 'x.ts', 1, 'failed', null, new Error('boom'));
    const p = h.prepare(r) as LogRecord;
    assert.match(String(p.msg), /^failed\nError: boom\n/);
    assert.equal(p.exc_info, null);
    assert.equal(p.exc_text, null);
    assert.ok(r.exc_info instanceof Error, 'the original keeps its exception for other handlers');
    assert.equal(typeof structuredClone({ ...p }), 'object', 'the prepared record can cross a thread');
  });

  test('QueueHandler.emit() – a full Python-style queue goes to handleError, never to the caller', async () => {
    const q = new Queue(1);
    const log = getLogger('qh.full');
    log.propagate = false;
    log.addHandler(new QueueHandler(q));
    const err = await captureStderr(() => {
      log.warning('one');
      log.warning('two');
    });
    assert.match(err, /--- Logging error ---/);
    assert.match(err, /queue is full/);
    assert.equal(q.qsize(), 1);
  });

  test('QueueHandler.dropped – counts drops reported by the queue', () => {
    const h = new QueueHandler(new Queue(1, { overflow: 'drop-new' }));
    for (let i = 0; i < 5; i++) h.handle(rec('m' + i));
    assert.equal(h.dropped, 4);
  });

  test('QueueHandler.enqueue()/prepare() – overridable hooks (send a dict instead of a record)', () => {
    const q = new Queue<unknown>();
    class DictQueueHandler extends QueueHandler {
      override prepare(r: LogRecord): unknown {
        return { level: r.levelname, text: this.format(r) };
      }
    }
    new DictQueueHandler(q).handle(rec('x=%d', WARNING, [3]));
    assert.deepEqual(q.get(), { level: 'WARNING', text: 'x=3' });
  });
});

describe('QueueListener', () => {
  test('QueueListener.stop() – resolves after every queued record reached every handler, in order', async () => {
    const q = new Queue();
    const a = new ListHandler();
    const b = new ListHandler();
    const listener = new QueueListener(q, a, b);
    listener.start();
    const qh = new QueueHandler(q);
    for (let i = 0; i < 1000; i++) qh.handle(rec('r %d', INFO, [i]));
    await listener.stop();
    assert.equal(a.records.length, 1000);
    assert.deepEqual(a.messages, Array.from({ length: 1000 }, (_, i) => `r ${i}`));
    assert.deepEqual(b.messages, a.messages);
    assert.equal(listener.running, false);
    assert.equal(q.unfinished_tasks, 0);
  });

  test('QueueListener.handle() – runs off the logging call stack (asynchronously)', async () => {
    const q = new Queue();
    const h = new ListHandler();
    const listener = new QueueListener(q, h);
    listener.start();
    new QueueHandler(q).handle(rec('later'));
    assert.equal(h.records.length, 0);
    await listener.stop();
    assert.equal(h.records.length, 1);
  });

  test('QueueListener – respectHandlerLevel offers records only to handlers whose level they reach', async () => {
    const q = new Queue();
    const info = new ListHandler();
    const err = new ListHandler();
    err.setLevel(ERROR);
    const l1 = new QueueListener(q, info, err, { respectHandlerLevel: true });
    l1.start();
    const qh = new QueueHandler(q);
    qh.handle(rec('i', INFO));
    qh.handle(rec('e', ERROR));
    await l1.stop();
    assert.deepEqual(info.messages, ['i', 'e']);
    assert.deepEqual(err.messages, ['e']);
    // default (false), as Python: the handler's level is not consulted by the listener
    const all = new ListHandler();
    all.setLevel(ERROR);
    const l2 = new QueueListener(q, all);
    l2.start();
    qh.handle(rec('i', INFO));
    await l2.stop();
    assert.equal(all.records.length, 1);
  });

  test('QueueListener – one listener serves several QueueHandlers on several loggers', async () => {
    const q = new Queue();
    const h = new ListHandler();
    const listener = new QueueListener(q, h);
    listener.start();
    for (const name of ['svc.a', 'svc.b']) {
      const l = getLogger(name);
      l.propagate = false;
      l.setLevel(DEBUG);
      l.addHandler(new QueueHandler(q));
    }
    getLogger('svc.a').info('from a');
    getLogger('svc.b').error('from b');
    await listener.stop();
    assert.deepEqual(h.records.map((r) => `${r.name}:${r.getMessage()}`), ['svc.a:from a', 'svc.b:from b']);
  });

  test('QueueListener.dequeue()/prepare()/enqueueSentinel() – overridable for a custom queue', async () => {
    // a queue of JSON strings with its own sentinel
    const items: string[] = [];
    const q = {
      get(): unknown {
        if (items.length === 0) throw new Empty();
        return items.shift();
      },
      put_nowait(x: unknown): void {
        items.push(x as string);
      },
    };
    class JsonListener extends QueueListener {
      override dequeue(block: boolean): unknown {
        const v = super.dequeue(block);
        return v === 'STOP' ? null : v;
      }
      override prepare(v: unknown): LogRecord {
        return makeLogRecord(JSON.parse(v as string));
      }
      override enqueueSentinel(): void {
        this.queue.put_nowait('STOP');
      }
    }
    const h = new ListHandler();
    const l = new JsonListener(q, h);
    l.start();
    q.put_nowait(JSON.stringify({ name: 'j', levelno: INFO, msg: 'hi %s', args: ['there'] }));
    await l.stop();
    assert.deepEqual(h.messages, ['hi there']);
  });

  test('QueueListener – drops by the queue reach the handlers as one "N records dropped" warning', async () => {
    const q = new Queue(3, { overflow: 'drop-new' });
    const h = new ListHandler();
    const qh = new QueueHandler(q);
    for (let i = 0; i < 10; i++) qh.handle(rec('m%d', INFO, [i]));
    assert.equal(qh.dropped, 7);
    const listener = new QueueListener(q, h);
    listener.start();
    await listener.stop();
    const warn = h.records.find((r) => r.name === 'logflume.queue');
    assert.ok(warn, 'a warning record was delivered');
    assert.equal(warn.levelno, WARNING);
    assert.equal(warn.getMessage(), '7 records dropped');
    assert.deepEqual(h.messages.filter((m) => m.startsWith('m')), ['m0', 'm1', 'm2']);
  });

  test("QueueListener – a 'block' Queue makes room by running the listener inline (no loss)", async () => {
    const q = new Queue(2, { overflow: 'block' });
    const h = new ListHandler();
    const listener = new QueueListener(q, h);
    listener.start();
    const qh = new QueueHandler(q);
    for (let i = 0; i < 10; i++) qh.handle(rec('b%d', INFO, [i]));
    assert.ok(h.records.length >= 8, 'the caller handled records inline');
    assert.equal(qh.dropped, 0);
    await listener.stop();
    assert.deepEqual(h.messages, Array.from({ length: 10 }, (_, i) => `b${i}`));
  });

  test('QueueListener.stop() – rejects with a timeout error when a handler never lets the loop finish', async () => {
    const q = new Queue();
    let slow = true;
    const cell = new Int32Array(new SharedArrayBuffer(4));
    class Slow extends Handler {
      override emit(): void {
        if (slow) Atomics.wait(cell, 0, 0, 30); // blocks the thread (and the loop) 30 ms, without burning a core
      }
    }
    const listener = new QueueListener(q, new Slow(), { batchSize: 1 });
    listener.start();
    const qh = new QueueHandler(q);
    for (let i = 0; i < 100; i++) qh.handle(rec('s'));
    await assert.rejects(listener.stop(50), { code: 'ERR_LOGFLUME_STOP_TIMEOUT' });
    slow = false; // the 98 records left drain at once instead of blocking the rest of the file for 3 s
  });

  test('QueueListener – a logger call with kw(exc_info) arrives with the traceback text', async () => {
    const q = new Queue();
    const h = new ListHandler();
    const listener = new QueueListener(q, h);
    listener.start();
    const log = getLogger('qh.exc');
    log.propagate = false;
    log.addHandler(new QueueHandler(q));
    log.error('bad thing', kw({ exc_info: new TypeError('nope') }));
    await listener.stop();
    assert.match(h.messages[0]!, /^bad thing\nTypeError: nope/);
  });
});
