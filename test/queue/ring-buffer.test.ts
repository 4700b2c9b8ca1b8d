import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord, INFO, makeLogRecord } from '../../src/index.js';
import { allocateRing, type QueueDescriptor, type RingOverflow } from '../../src/handlers/queue/ring-buffer.js';
import { RingProducer } from '../../src/handlers/queue/ring-producer.js';
import { RingConsumer, END } from '../../src/handlers/queue/ring-consumer.js';
import { CTL_SLOTS } from '../../src/handlers/queue/indexes.js';

function ring(overflow: RingOverflow, maxBytes = 4096, maxRecords = 0): { p: RingProducer; c: RingConsumer } {
  const d: QueueDescriptor = { kind: 'logflume.ring', control: new SharedArrayBuffer(CTL_SLOTS * 4), ring: allocateRing(maxBytes, maxRecords), maxRecords, overflow, blockTimeout: 0 };
  return { p: new RingProducer(d), c: new RingConsumer(0, d.ring) };
}

const rec = (msg: string, extra?: Record<string, unknown>): LogRecord => {
  const r = new LogRecord('ring.test', INFO, '/p/x.ts', 12, msg, null, null, 'fn');
  if (extra) Object.assign(r, extra);
  return r;
};

function readAll(c: RingConsumer): string[] {
  const out: string[] = [];
  for (;;) {
    const r = c.read();
    if (r === null || r === END) return out;
    out.push(r.msg as string);
  }
}

const msgArb = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ minLength: 500, maxLength: 1500 }));
const opsArb = fc.array(fc.oneof({ weight: 3, arbitrary: msgArb.map((put) => ({ put })) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((read) => ({ read })) }), { maxLength: 80 });

describe('RingProducer/RingConsumer', () => {
  test('RingProducer.putPrepared() – every attribute round-trips, extras and null numbers included', () => {
    const { p, c } = ring('drop-new', 1 << 16);
    const r = rec('héllo ✓ \u0000 %s', { user: { id: 1 }, tags: ['a', 'b'], n: 3.5 });
    r.thread = null;
    r.lineno = 0;
    r.created = 1700000000.123;
    p.putPrepared(r, 'merged message');
    const got = c.read() as LogRecord;
    assert.ok(got instanceof LogRecord);
    for (const k of ['name', 'levelno', 'levelname', 'pathname', 'filename', 'module', 'lineno', 'funcName', 'created', 'msecs', 'relativeCreated', 'thread', 'threadName', 'process', 'processName', 'taskName']) {
      assert.deepEqual(got[k], r[k], k);
    }
    assert.equal(got.msg, 'merged message');
    assert.equal(got.getMessage(), 'merged message');
    assert.equal(got.args, null);
    assert.deepEqual([got.user, got.tags, got.n], [{ id: 1 }, ['a', 'b'], 3.5]);
  });

  test('RingProducer.putPrepared() – unusual shapes (non-integer levelno, unserialisable extra) travel as JSON', () => {
    const { p, c } = ring('drop-new', 1 << 16);
    const r = rec('odd', { cyclic: {} as Record<string, unknown> });
    (r.cyclic as Record<string, unknown>).self = r.cyclic;
    r.levelno = 25.5;
    p.putPrepared(r, 'odd');
    const got = c.read() as LogRecord;
    assert.equal(got.levelno, 25.5);
    assert.equal(typeof got.cyclic, 'string');
    const back = makeLogRecord({ msg: 'x' });
    assert.ok(back);
  });

  test("RingProducer – 'drop-new': FIFO for what was accepted, drops counted, across wrap-arounds (property)", () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const { p, c } = ring('drop-new');
        const accepted: string[] = [];
        const read: string[] = [];
        let drops = 0;
        for (const op of ops) {
          if ('put' in op) {
            if (p.putPrepared(rec(op.put), op.put) === 0) accepted.push(op.put);
            else drops++;
          } else for (let i = 0; i < op.read; i++) {
            const r = c.read();
            if (r === null || r === END) break;
            read.push(r.msg as string);
          }
        }
        read.push(...readAll(c));
        assert.deepEqual(read, accepted);
        assert.equal(p.dropped, drops);
        assert.equal(c.pending, 0);
        assert.equal(c.empty, true);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  test("RingProducer – 'drop-oldest': what is read is an in-order subsequence that always ends with the newest record (property)", () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const { p, c } = ring('drop-oldest');
        const written: string[] = [];
        const read: string[] = [];
        for (const op of ops) {
          if ('put' in op) {
            p.putPrepared(rec(op.put), op.put);
            written.push(op.put);
          } else for (let i = 0; i < op.read; i++) {
            const r = c.read();
            if (r === null || r === END) break;
            read.push(r.msg as string);
          }
        }
        read.push(...readAll(c));
        let j = 0;
        for (const m of read) {
          while (j < written.length && written[j] !== m) j++;
          assert.ok(j < written.length, 'read order follows write order');
          j++;
        }
        assert.equal(read.length + p.dropped, written.length);
        if (written.length > 0) assert.equal(read.at(-1), written.at(-1));
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  test('RingProducer – maxRecords bounds the ring independently of bytes', () => {
    const { p, c } = ring('drop-new', 1 << 16, 3);
    const results = [0, 1, 2, 3, 4].map((i) => p.putPrepared(rec('m' + i), 'm' + i));
    assert.deepEqual(results, [0, 0, 0, 1, 1]);
    assert.equal(p.qsize(), 3);
    assert.deepEqual(readAll(c), ['m0', 'm1', 'm2']);
  });

  test('RingProducer – a record larger than half the ring is dropped and counted, never written partially', () => {
    const { p, c } = ring('drop-oldest', 4096);
    assert.equal(p.putPrepared(rec('big'), 'x'.repeat(3000)), 1);
    assert.equal(p.dropped, 1);
    assert.equal(c.read(), null);
  });

  test('RingProducer.putSentinel() – the consumer sees END after the records before it, and later puts are dropped', () => {
    const { p, c } = ring('drop-new');
    p.putPrepared(rec('a'), 'a');
    assert.equal(p.putSentinel(), true);
    assert.equal(p.putPrepared(rec('late'), 'late'), 1);
    assert.equal((c.read() as LogRecord).msg, 'a');
    assert.equal(c.read(), END);
    assert.equal(c.ended, true);
    assert.equal(c.read(), null);
  });
});
