// The SPSC layout of the shared ring: counters across their wrap-around, drop-oldest
// racing a consumer on another thread, meta ids sent once, extras detection, and the
// worker's sleep/doorbell protocol (no lost wake-up).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { LogRecord, INFO, WARNING, getLogger, DEBUG, Filter } from '../../src/index.js';
import { QueueHandler, WorkerQueueListener } from '../../src/handlers/index.js';
import { allocateRing, ringPending, type QueueDescriptor, type RingOverflow } from '../../src/handlers/queue/ring-buffer.js';
import { RingProducer } from '../../src/handlers/queue/ring-producer.js';
import { RingConsumer, END } from '../../src/handlers/queue/ring-consumer.js';
import { CTL_SLOTS, READ, WRITE, WRITTEN, TAKEN, RING_SLOTS } from '../../src/handlers/queue/indexes.js';
import { isolateLogging } from '../helpers/capture.js';
import { tsWorker, handlersModule, tempFile, lines, waitFor } from './worker-helpers.js';

isolateLogging();

function descriptor(overflow: RingOverflow, maxBytes = 4096, maxRecords = 0): QueueDescriptor {
  return { kind: 'logflume.ring', control: new SharedArrayBuffer(CTL_SLOTS * 4), ring: allocateRing(maxBytes, maxRecords), maxRecords, overflow, blockTimeout: 0 };
}

const rec = (name: string, msg: string, level = INFO): LogRecord => new LogRecord(name, level, '/p/x.ts', 7, msg, null, null, 'fn');

function take(c: RingConsumer): LogRecord | null {
  const r = c.read();
  return r === null || r === END ? null : r;
}

describe('shared ring – SPSC layout', () => {
  test('RingProducer/RingConsumer – byte positions and record counters keep working across their 2^31 / 2^32 wrap-around', () => {
    for (const overflow of ['drop-new', 'drop-oldest', 'block'] as const) {
      const d = descriptor(overflow, 4096, 20);
      const st = new Int32Array(d.ring, 0, RING_SLOTS);
      // as if ~2 GiB and ~2^32 records had already gone through
      const pos = 0x7fffffff - 1500 + 1 - 4; // 8-aligned below 2^31, not on a ring boundary
      const start = pos - (pos & 7);
      st[READ] = st[WRITE] = start;
      st[WRITTEN] = st[TAKEN] = -5;
      const p = new RingProducer(d);
      const c = new RingConsumer(0, d.ring);
      let next = 0;
      const got: string[] = [];
      for (let round = 0; round < 300; round++) {
        for (let k = 0; k < 3; k++) {
          const m = `r${next++} ` + 'y'.repeat(next % 60);
          assert.equal(p.putPrepared(rec('wrap', m), m), 0, overflow);
        }
        assert.equal(p.qsize(), 3);
        assert.equal(ringPending(d.ring), 3);
        for (let k = 0; k < 3; k++) got.push(take(c)!.msg as string);
        assert.equal(c.pending, 0);
        assert.equal(c.empty, true);
      }
      assert.equal(got.length, 900);
      got.forEach((m, i) => assert.ok(m.startsWith(`r${i} `), `${overflow}: ${m} at ${i}`));
      assert.ok(st[WRITE]! < start, 'WRITE wrapped past 2^31');
      assert.ok(st[WRITTEN]! > 0, 'WRITTEN wrapped past 2^32');
      assert.equal(p.dropped, 0);
    }
  });

  test("RingProducer – 'drop-oldest' against a consumer on another thread: no torn or duplicated record, in order, read + dropped = written", async () => {
    const d = descriptor('drop-oldest', 8192);
    const c = new RingConsumer(0, d.ring);
    const count = 40_000;
    const w = tsWorker(join(import.meta.dirname, 'fixtures', 'ring-racer.ts'), { descriptor: d, count, names: 5 });
    const done = once(w, 'message') as Promise<[{ dropped: number; ringDropped: number }]>;
    let finished = false;
    void done.then(() => (finished = true));
    let last = -1;
    let read = 0;
    const check = (r: LogRecord): void => {
      const i = r.lineno;
      assert.ok(i > last, `in order: ${i} after ${last}`);
      last = i;
      assert.equal(r.msg, `m ${i}`);
      assert.equal(r.getMessage(), `m ${i}`);
      assert.equal(r.created, i + 0.25);
      assert.equal(r.i, i);
      assert.equal(r.pad, 'x'.repeat(i % 97));
      assert.equal(r.name, `racer.n${i % 5}`);
      assert.equal(r.funcName, `fn${i % 3}`);
      read++;
    };
    while (!finished) {
      for (let k = 0; k < 64; k++) {
        const r = take(c);
        if (r === null) break;
        check(r);
      }
      await new Promise((res) => setImmediate(res));
    }
    const [{ dropped, ringDropped }] = await done;
    for (let r = take(c); r !== null; r = take(c)) check(r);
    assert.ok(dropped > 0, 'the producer outran the consumer and dropped some');
    assert.equal(ringDropped, dropped);
    assert.equal(read + dropped, count);
    assert.equal(last, count - 1, 'the newest record is kept');
    assert.equal(c.pending, 0);
  });

  test('RingProducer – meta bytes travel once per id; more than 1024 logger/level combinations and a re-attached producer still decode exactly', () => {
    const d = descriptor('drop-new', 1 << 20);
    const c = new RingConsumer(0, d.ring);
    let p = new RingProducer(d);
    const sent: [string, string][] = [];
    for (let round = 0; round < 3; round++) {
      if (round === 2) p = new RingProducer(d); // a new producer on the same ring (e.g. a thread re-attaching)
      for (let i = 0; i < 700; i++) {
        const lvl = i % 2 === 0 ? INFO : WARNING;
        const r = rec(`meta.l${i % 350}`, `${round}/${i}`, lvl);
        assert.equal(p.putPrepared(r, r.msg as string), 0);
        sent.push([r.name, r.levelname]);
      }
      for (let k = 0; k < 700; k++) {
        const r = take(c)!;
        const [name, levelname] = sent.shift()!;
        assert.deepEqual([r.name, r.levelname, r.funcName, r.pathname], [name, levelname, 'fn', '/p/x.ts']);
      }
    }
    assert.equal(take(c), null);
  });

  test('RingProducer.putPrepared() – attributes added by extra, a filter or after construction travel; message/asctime from format() do not count as extras', () => {
    const d = descriptor('drop-new', 1 << 16);
    const p = new RingProducer(d);
    const c = new RingConsumer(0, d.ring);
    const plain = rec('x.plain', 'a');
    plain.message = 'a';
    plain.asctime = '2024-01-01 00:00:00,000';
    p.putPrepared(plain, 'a');
    const got = take(c)!;
    assert.deepEqual(Object.keys(got).filter((k) => !Object.keys(rec('', '')).includes(k)), ['message']);
    const numeric = rec('x.num', 'b');
    numeric['1'] = 'one'; // integer-like keys enumerate first
    p.putPrepared(numeric, 'b');
    assert.equal(take(c)!['1'], 'one');
    const late = rec('x.late', 'c');
    late.message = 'c';
    late.user = { id: 3 };
    p.putPrepared(late, 'c');
    assert.deepEqual(take(c)!.user, { id: 3 });
    const gone = rec('x.del', 'd');
    delete (gone as Record<string, unknown>).taskName;
    gone.taskName = null;
    gone.req = 'r1';
    p.putPrepared(gone, 'd');
    assert.equal(take(c)!.req, 'r1');
  });

  test('WorkerQueueListener – a record logged while the worker sleeps always wakes it (no lost wake-up), and a filter-added attribute reaches it', async () => {
    const file = tempFile();
    const listener = new WorkerQueueListener({ module: handlersModule, export: 'fileHandler', args: [file, '%(message)s %(tag)s'] });
    await listener.start();
    const log = getLogger('spsc.wake');
    log.propagate = false;
    log.setLevel(DEBUG);
    const qh = new QueueHandler(listener.queue);
    const f = new Filter();
    f.filter = (r: LogRecord) => {
      r.tag = `t${r.args ? (r.args as number[])[0] : ''}`;
      return true;
    };
    qh.addFilter(f);
    log.addHandler(qh);
    try {
      for (let i = 0; i < 150; i++) {
        log.info('w %d', i);
        // no flush(), no stop(): only the doorbell can wake the worker
        await waitFor(() => lines(file).length === i + 1, 10_000, `record ${i} written`);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5)); // let the worker fall asleep
      }
      assert.deepEqual(lines(file), Array.from({ length: 150 }, (_, i) => `w ${i} t${i}`));
    } finally {
      await listener.stop();
    }
  });
});
