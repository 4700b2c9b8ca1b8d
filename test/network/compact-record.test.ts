import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import fc from 'fast-check';
import { LogRecord, INFO, WARNING, ERROR } from '../../src/index.js';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { DatagramHandler } from '../../src/handlers/datagram-handler.js';
import { decodePayload, detectFormat, encodePayload, recordToDict } from '../../src/handlers/wire/record-dict.js';
import { recordFromDict } from '../../src/handlers/wire/record-rebuild.js';
import { COMPACT_FIXED, COMPACT_MAGIC, CompactDecoder, encodeCompactFrame, resetCompactCache } from '../../src/handlers/wire/compact-record.js';
import { toKey, verify } from '../../src/handlers/wire/hmac.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { collectOn, rec, startReceiver, waitFor } from './_util.js';

isolateLogging();

const key = toKey('s3cret');
const compactH = new SocketHandler('127.0.0.1', 1); // never connects: only makePickle is used
const compactSigned = new SocketHandler('127.0.0.1', 1, { hmacKey: key });
const jsonH = new SocketHandler('127.0.0.1', 1, { format: 'json' });

/** What a LogRecordReceiver rebuilds from a frame (the fast path for compact, the dict path otherwise). */
function receive(frame: Buffer, k: Buffer | null = null): LogRecord {
  const body = frame.subarray(4);
  const payload = k ? verify(k, body) : body;
  return payload[0] === COMPACT_MAGIC ? new CompactDecoder().decode(payload) : recordFromDict(decodePayload(payload));
}

/** A compact payload with the given header fields and sections (for hostile inputs). */
function compactPayload(o: { version?: number; flags?: number; meta?: string; extra?: string; msg?: Buffer | string; metaLen?: number; extraLen?: number }): Buffer {
  const meta = Buffer.from(o.meta ?? '["x","INFO",null,null,null,null,null,null,null]');
  const extra = Buffer.from(o.extra ?? '');
  const msg = typeof o.msg === 'string' || o.msg === undefined ? Buffer.from(o.msg ?? 'm') : o.msg;
  const h = Buffer.alloc(COMPACT_FIXED);
  h[0] = COMPACT_MAGIC;
  h[1] = o.version ?? 1;
  h[2] = o.flags ?? 0;
  h.writeDoubleBE(1700000000.5, 4);
  h.writeDoubleBE(500, 12);
  h.writeDoubleBE(12, 20);
  h.writeInt32BE(20, 28);
  h.writeUInt32BE(o.metaLen ?? meta.length, 44);
  h.writeUInt32BE(o.extraLen ?? extra.length, 48);
  return Buffer.concat([h, meta, extra, msg]);
}

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\ud800', '😀', 'é', 'a', '\u2028') }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, 2 ** 53 + 2),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date(),
  fc.constant(new Map<unknown, unknown>([[1, 2n], ['k', 'v']])),
  fc.jsonValue(),
);

test('CompactDecoder.decode() – the compact frame rebuilds the same record as the JSON object frame, for any record (property)', () => {
  let compact = 0;
  let runs = 0;
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\ud800', '"', '%', 'z') }),
      fc.string(),
      fc.dictionary(fc.string().filter((k) => k !== '__proto__' && k !== 'message' && k !== 'asctime'), value, { maxKeys: 4 }),
      fc.constantFrom<unknown>(20, 21, 2 ** 40, 1.5),
      fc.constantFrom<unknown>(7, null, -1, 2 ** 33, 'x'),
      fc.constantFrom<unknown>('fn', null, 3),
      fc.constantFrom<unknown>(null, 'stack\nline ü'),
      fc.boolean(),
      fc.boolean(),
      (msg, name, extra, levelno, lineno, funcName, stack, withExc, signed) => {
        const r = new LogRecord(name, INFO, '/a/b.ts', 3, msg, [], withExc ? new Error('x ✓') : null, 'fn', null);
        r.levelno = levelno as number;
        r.lineno = lineno as number;
        r.funcName = funcName as string;
        r.stack_info = stack as string;
        Object.assign(r, extra);
        const r2 = Object.assign(Object.create(LogRecord.prototype) as LogRecord, r);
        const k = signed ? key : null;
        const frame = (signed ? compactSigned : compactH).makePickle(r);
        const reference = signed ? new SocketHandler('127.0.0.1', 1, { format: 'json', hmacKey: key }).makePickle(r2) : jsonH.makePickle(r2);
        const outcome = (f: () => LogRecord): LogRecord | string => {
          try {
            return f();
          } catch (e) {
            return `throws ${(e as Error).message}`;
          }
        };
        runs++;
        if (frame[4 + (signed ? 32 : 0)] === COMPACT_MAGIC) compact++;
        assert.deepEqual(
          outcome(() => receive(frame, k)),
          outcome(() => receive(reference, k)),
        );
      },
    ),
    { numRuns: 300 },
  );
  assert.ok(compact >= runs / 20, `many records take the compact form (${compact}/${runs})`);
});

test('SocketHandler.makePickle() – compact by default: extras, unicode, exc_text and stack_info round-trip; unusual records fall back to JSON', () => {
  const r = rec('app.ü', 'héllo %s 😀 "q"\\', ['wörld'], WARNING, new Error('boom'));
  r.stack_info = 'Stack (most recent call last):\n  x';
  Object.assign(r, { user: 'ann', n: 3, big: 2n ** 70n, nested: { a: [1, 'two', null] }, asctime: 'then' });
  r.message = 'stale';
  const frame = compactH.makePickle(r);
  assert.equal(frame[4], COMPACT_MAGIC);
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  assert.equal(detectFormat(frame.subarray(4)), 'compact');
  const got = receive(frame);
  assert.deepEqual(got, receive(jsonH.makePickle(r)));
  assert.equal(got.getMessage(), 'héllo wörld 😀 "q"\\');
  assert.match(String(got.exc_text), /^Error: boom/);
  assert.equal(got.stack_info, 'Stack (most recent call last):\n  x');
  assert.equal(got.user, 'ann');
  assert.equal(got.big, '1180591620717411303424');
  assert.deepEqual(got.nested, { a: [1, 'two', null] });
  assert.equal(got.asctime, 'then');
  assert.equal(got.exc_info, null);
  assert.ok(frame.length < jsonH.makePickle(r).length);

  for (const odd of [
    (x: LogRecord) => (x.msg = 'lone \ud800 surrogate'),
    (x: LogRecord) => (x.levelno = 2 ** 40),
    (x: LogRecord) => (x.created = Number.NaN),
    (x: LogRecord) => delete (x as Record<string, unknown>).taskName,
    (x: LogRecord) => (x.threadName = 7 as unknown as string),
  ]) {
    const x = rec('odd', 'm');
    const y = rec('odd', 'm');
    odd(x);
    odd(y);
    y.created = x.created;
    y.msecs = x.msecs;
    y.relativeCreated = x.relativeCreated;
    const f = compactH.makePickle(x);
    assert.equal(f[4], 0x7b, 'sent as a JSON object');
    // a non-finite `created` is replaced by the receiver's clock: compare the rest
    const strip = (r: LogRecord): Record<string, unknown> => {
      const o: Record<string, unknown> = { ...r };
      if (!Number.isFinite(x.created)) {
        delete o.created;
        delete o.msecs;
      }
      return o;
    };
    assert.deepEqual(strip(receive(f)), strip(receive(jsonH.makePickle(y))));
  }
});

test('encodePayload() / decodePayload() – the compact format works on dicts too, and the sender meta cache follows changes', () => {
  resetCompactCache();
  const a = rec('cache', 'one');
  const d = recordToDict(a);
  const p = encodePayload(d, 'compact');
  assert.equal(p[0], COMPACT_MAGIC);
  assert.deepEqual(decodePayload(p), decodePayload(encodePayload(d, 'json')));
  const b = rec('cache', 'two');
  b.funcName = 'other';
  const got = receive(compactH.makePickle(b));
  assert.equal(got.funcName, 'other');
  assert.equal(receive(compactH.makePickle(a)).funcName, 'send');
  assert.throws(() => decodePayload(p, { formats: ['json', 'pickle'] }), /compact is not accepted/);
});

test('CompactDecoder.decode() – hostile compact payloads are ProtocolErrors and never reach the prototype', () => {
  const dec = new CompactDecoder(4);
  const bad: [Buffer, RegExp][] = [
    [compactPayload({}).subarray(0, 40), /shorter than its header/],
    [compactPayload({ version: 2 }), /unsupported version 2/],
    [compactPayload({ flags: 0x80 }), /unknown flags/],
    [compactPayload({ metaLen: 0xffffffff }), /exceed the payload/],
    [compactPayload({ extraLen: 1000 }), /exceed the payload/],
    [compactPayload({ meta: '{"a":1}' }), /not an array of 9/],
    [compactPayload({ meta: '[1,2]' }), /not an array of 9/],
    [compactPayload({ meta: '[null,"INFO",null,null,null,null,null,null,null]' }), /name is not a string/],
    [compactPayload({ meta: '["x",{},null,null,null,null,null,null,null]' }), /not a string or null/],
    [compactPayload({ meta: '["x"' }), /json:/],
    [compactPayload({ extra: '[1]' }), /extra is not an object/],
    [compactPayload({ extra: '{"a":[[[[[[1]]]]]]}' }), /nesting deeper than 4/],
    [compactPayload({ extra: '{"levelno":1.5}' }), /levelno is not an integer/],
    [compactPayload({ extra: '{"name":3}' }), /name is not a string/],
    [compactPayload({ msg: Buffer.from([0x61, 0xff, 0xfe]) }), /invalid UTF-8/],
    [compactPayload({ meta: '["x","INFO",null,null,null,null,null,null,null]', msg: Buffer.from([0xc3]) }), /invalid UTF-8/],
  ];
  for (const [p, re] of bad) assert.throws(() => dec.decode(p), (e: Error) => e.name === 'ProtocolError' && re.test(e.message), re.source);

  const r = dec.decode(compactPayload({ flags: 7, extra: '{"__proto__":{"polluted":1},"constructor":1,"getMessage":"x","exc_info":"e","exc_text":5,"created":"s","lineno":"3","user":"u"}', msg: 'ok \ufffd' }));
  assert.equal(Object.getPrototypeOf(r), LogRecord.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(r.getMessage(), 'ok \ufffd');
  assert.equal(r.exc_info, null);
  assert.equal(r.exc_text, '5');
  assert.equal(typeof r.created, 'number');
  assert.equal(r.lineno, 0);
  assert.equal(r.thread, null);
  assert.equal(r.process, null);
  assert.equal(r.user, 'u');
  // same meta bytes, other values: the cache serves the parsed meta, values still come from each payload
  const again = dec.decode(compactPayload({ meta: '["x","INFO",null,null,null,null,null,null,null]', msg: 'second' }));
  assert.equal(again.getMessage(), 'second');
  assert.equal(again.levelname, 'INFO');
  // metas of equal length that differ in one byte (word or tail), alternating, and an uncached large one
  const m = (name: string): string => `["${name}","INFO",null,null,null,null,null,null,null]`;
  for (const name of ['abcdefgh', 'abcdefgx', 'abcdefgh', 'xbcdefgh', 'abcdefgh', 'n'.repeat(5000), 'n'.repeat(4999) + 'o', 'n'.repeat(5000)]) {
    assert.equal(dec.decode(compactPayload({ meta: m(name) })).name, name);
  }
  const noLevelName = dec.decode(compactPayload({ meta: '["x",null,null,null,null,null,null,null,null]' }));
  assert.equal(noLevelName.levelname, 'Level 20');
});

test('LogRecordReceiver – default SocketHandler frames (compact, plain and signed) arrive equal to JSON ones; a bad compact frame closes only its connection', async () => {
  const { sink } = collectOn('cmp');
  const rx = await startReceiver({ tcp: 0, maxDepth: 8 });
  const signedRx = await startReceiver({ tcp: 0, hmacKey: key });
  const jsonOnly = await startReceiver({ tcp: 0, formats: ['json', 'pickle'] });
  try {
    const mk = (): LogRecord => {
      const r = rec('cmp.a', 'ü %d 😀', [1], ERROR, new Error('bad'));
      r.created = 1700000000.123;
      r.msecs = 123;
      r.relativeCreated = 5;
      r.extraThing = { deep: ['x'] };
      return r;
    };
    const records = [mk(), mk(), mk()];
    const err = new Error('bad');
    for (const r of records) r.exc_info = err; // one traceback for all three
    let i = 0;
    for (const [port, opts] of [
      [rx.addresses.tcp!.port, {}],
      [rx.addresses.tcp!.port, { format: 'json' as const }],
      [signedRx.addresses.tcp!.port, { hmacKey: key }],
    ] as const) {
      const h = new SocketHandler('127.0.0.1', port, opts);
      h.handle(records[i++]!);
      await h.close();
    }
    await waitFor(() => sink.records.length === 3);
    const [c, j, s] = sink.records;
    assert.deepEqual(c, j);
    assert.deepEqual(s, j);
    assert.equal(signedRx.stats.records, 1);

    const stderr = await captureStderr(async () => {
      // unsigned compact to the signing receiver, compact to a json-only receiver, a bad compact frame: each closes its connection
      for (const [port, payload] of [
        [signedRx.addresses.tcp!.port, compactPayload({})],
        [jsonOnly.addresses.tcp!.port, compactPayload({})],
        [rx.addresses.tcp!.port, compactPayload({ version: 9 })],
      ] as const) {
        await new Promise<void>((resolve) => {
          const sock = net.connect(port, '127.0.0.1', () => {
            const head = Buffer.alloc(4);
            head.writeUInt32BE(payload.length);
            sock.write(Buffer.concat([head, payload]));
          });
          sock.on('error', () => {});
          sock.on('close', () => resolve());
        });
      }
    });
    assert.match(stderr, /hmac: bad signature/);
    assert.match(stderr, /payload format compact is not accepted here/);
    assert.match(stderr, /compact: unsupported version 9/);
    const h = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port);
    h.handle(rec('cmp.after', 'still served'));
    await h.close();
    await waitFor(() => sink.messages.includes('still served'));
  } finally {
    await Promise.all([rx.close(), signedRx.close(), jsonOnly.close()]);
  }
});

test("DatagramHandler (format: 'compact') – a compact datagram reaches the receiver", async () => {
  const { sink } = collectOn('cmpdg');
  const rx = await startReceiver({ udp: 0 });
  try {
    const h = new DatagramHandler('127.0.0.1', rx.addresses.udp!.port, { format: 'compact' });
    assert.equal(h.makePickle(rec('cmpdg', 'x'))[4], COMPACT_MAGIC);
    h.handle(rec('cmpdg', 'over udp %s', ['ü']));
    await h.close();
    await waitFor(() => sink.records.length === 1);
    assert.equal(sink.messages[0], 'over udp ü');
  } finally {
    await rx.close();
  }
});

test('SocketHandler – a compact frame larger than maxFrameSize is refused from its header', async () => {
  const rx = await startReceiver({ tcp: 0, maxFrameSize: 256 });
  try {
    const frame = compactH.makePickle(rec('big', 'x'.repeat(1000)));
    assert.equal(frame[4], COMPACT_MAGIC);
    await captureStderr(async () => {
      await new Promise<void>((resolve) => {
        const sock = net.connect(rx.addresses.tcp!.port, '127.0.0.1', () => sock.write(frame));
        sock.on('error', () => {});
        sock.on('close', () => resolve());
      });
    });
    assert.equal(rx.stats.protocolErrors, 1);
    assert.equal(rx.stats.records, 0);
  } finally {
    await rx.close();
  }
});

test('encodeCompactFrame() – null for records without the standard attributes in order', () => {
  assert.equal(encodeCompactFrame({ name: 'x', levelno: 20 }, 'm', null), null);
  const d = recordToDict(rec('x', 'm'));
  assert.notEqual(encodeCompactFrame(d, 'm', null), null);
  assert.equal(encodeCompactFrame({ ...d, name: 5 }, 'm', null), null);
});

test('CompactDecoder.decode() – mutated and truncated compact payloads give a record or a ProtocolError, nothing else (property)', () => {
  const dec = new CompactDecoder();
  const r = rec('fuzz', 'héllo %s', ['x'], WARNING);
  r.extraField = { a: [1, 2] };
  const good = compactH.makePickle(r).subarray(4);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(good.length), (edits, cut) => {
      const p = Buffer.from(good.subarray(0, Math.max(cut, 1)));
      for (const [i, b] of edits) if (i < p.length) p[i] = b;
      p[0] = COMPACT_MAGIC;
      try {
        assert.ok(dec.decode(p) instanceof LogRecord);
      } catch (e) {
        assert.equal((e as Error).name, 'ProtocolError', String(e));
      }
    }),
    { numRuns: 1000 },
  );
});
