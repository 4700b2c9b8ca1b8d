import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runPython } from '../helpers/python.js';
import { LogRecord, INFO } from '../../src/index.js';
import { FrameDecoder, encodeFrame } from '../../src/handlers/wire/frame.js';
import { pickleDumps, pickleLoads } from '../../src/handlers/wire/pickle.js';
import { jsonLoads } from '../../src/handlers/wire/json.js';
import { ProtocolError } from '../../src/handlers/wire/errors.js';
import { decodePayload, recordToDict, sanitizeRecordDict, encodePayload } from '../../src/handlers/wire/record-dict.js';
import { sign, verify, toKey } from '../../src/handlers/wire/hmac.js';

const isProtocolError = (e: unknown): boolean => e instanceof ProtocolError;

/** Python pickles of the given literals (Python expressions) at protocols 1..5, base64. */
function pythonPickles(exprs: string[]): Record<string, string[]> {
  return runPython<Record<string, string[]>>(
    `import json,sys,pickle,base64
exprs=json.load(sys.stdin)
print(json.dumps({e:[base64.b64encode(pickle.dumps(eval(e),p)).decode() for p in range(0,6)] for e in exprs}))`,
    exprs,
  );
}

describe('pickle', () => {
  test('pickleDumps() – Python loads what we write (protocol 1)', () => {
    const values = [
      { a: 1, b: [1, 2.5, 'x'], c: null, d: true, e: false, f: { g: 'é ünïcode 😀' } },
      { big: 2 ** 40, neg: -5, negbig: -(2 ** 40), int32: 70000, bi: 12345678901234567890n, float: 0.1, empty: [], emptyd: {} },
    ];
    const out = runPython<unknown[]>(
      `import json,sys,pickle,base64
print(json.dumps([repr(pickle.loads(base64.b64decode(s))) for s in json.load(sys.stdin)]))`,
      values.map((v) => pickleDumps(v).toString('base64')),
    );
    assert.equal(out[0], "{'a': 1, 'b': [1, 2.5, 'x'], 'c': None, 'd': True, 'e': False, 'f': {'g': 'é ünïcode 😀'}}");
    assert.equal(out[1], "{'big': 1099511627776, 'neg': -5, 'negbig': -1099511627776, 'int32': 70000, 'bi': 12345678901234567890, 'float': 0.1, 'empty': [], 'emptyd': {}}");
  });

  test('pickleLoads() – reads what Python writes at protocols 0–5', () => {
    const exprs = [
      "{'name': 'a.b', 'levelno': 20, 'msg': 'héllo 😀', 'args': None, 'created': 1.5, 'ok': True, 'no': False}",
      "{'t': (1, 2), 't1': (1,), 't3': (1, 2, 3), 't0': (), 'l': [1, [2, [3]]], 'big': 2**70, 'neg': -2**40, 'f': -0.25}",
      "{'same': 'shared', 'again': 'shared', 'k': {'inner': 1, 2: 'int key'}}",
      "{'b': b'\\x00\\xff'}",
    ];
    const py = pythonPickles(exprs);
    for (const e of exprs) {
      for (let proto = 0; proto <= 5; proto++) {
        const v = pickleLoads(Buffer.from(py[e]![proto]!, 'base64')) as Record<string, unknown>;
        if (e === exprs[3]) assert.deepEqual([...(v.b as Uint8Array)], [0, 255]);
        if (e === exprs[0]) assert.deepEqual({ ...v }, { name: 'a.b', levelno: 20, msg: 'héllo 😀', args: null, created: 1.5, ok: true, no: false }, `protocol ${proto}`);
        if (e === exprs[1]) {
          assert.deepEqual([...(v.t as number[])], [1, 2]);
          assert.deepEqual([...(v.t0 as number[])], []);
          assert.deepEqual([...(v.t3 as number[])], [1, 2, 3]);
          assert.deepEqual(v.l, [1, [2, [3]]]);
          assert.equal(v.big, 2n ** 70n);
          assert.equal(v.neg, -(2 ** 40));
          assert.equal(v.f, -0.25);
        }
        if (e === exprs[2]) {
          assert.equal(v.again, 'shared');
          assert.equal((v.k as Record<string, unknown>)['2'], 'int key');
        }
      }
    }
  });

  test('pickleLoads() – refuses every call that is not a known value type (REDUCE of os.system, getattr, bytearray…), INST, OBJ, executing nothing', () => {
    const exprs = ["os.system.__call__", 'Exploit()', 'bytearray(b"x")'];
    const py = runPython<Record<string, string[]>>(
      `import json,sys,pickle,base64,os,logging
class Exploit:
    def __reduce__(self): return (os.system, ('touch /tmp/logflume-pwned',))
exprs=json.load(sys.stdin)
print(json.dumps({e:[base64.b64encode(pickle.dumps(eval(e),p)).decode() for p in range(0,6)] for e in exprs}))`,
      exprs,
    );
    for (const e of exprs) {
      for (let proto = 0; proto <= 5; proto++) {
        assert.throws(() => pickleLoads(Buffer.from(py[e]![proto]!, 'base64')), (err: unknown) => isProtocolError(err) && /forbidden|unknown opcode|refused call/.test((err as Error).message), `${e} protocol ${proto}`);
      }
    }
    // The classic hand-written REDUCE exploit.
    assert.throws(() => pickleLoads(Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1')), /unknown opcode 0x53|refused call/);
    assert.throws(() => pickleLoads(Buffer.from("cos\nsystem\n(X\x0a\x00\x00\x00echo pwnedtR.", 'latin1')), /refused call of os\.system/);
    assert.throws(() => pickleLoads(Buffer.from('(S\'x\'\ntR.', 'latin1')), /REDUCE|unknown|underflow/);
    // an INST/OBJ opcode names and calls a class in one step: still forbidden
    assert.throws(() => pickleLoads(Buffer.from("(ios\nsystem\nS'x'\nb.", 'latin1')), /forbidden opcode INST/);
  });

  test('pickleLoads() – refuses shared containers (no cycles, no "billion laughs")', () => {
    // ]q\x00h\x00a. : a list appended to itself
    assert.throws(() => pickleLoads(Buffer.from([0x5d, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2e])), /shared reference to a container/);
    // a string shared 100k times exceeds the expanded-size budget
    const parts = [Buffer.from([0x5d, 0x28]), Buffer.from([0x58, 0x00, 0x04, 0x00, 0x00]), Buffer.alloc(1024, 0x61), Buffer.from([0x71, 0x00])];
    for (let i = 0; i < 100_000; i++) parts.push(Buffer.from([0x68, 0x00]));
    parts.push(Buffer.from([0x65, 0x2e]));
    assert.throws(() => pickleLoads(Buffer.concat(parts), { maxExpandedBytes: 1 << 20 }), /size limit/);
  });

  test('pickleLoads() – random bytes only ever raise ProtocolError (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          pickleLoads(bytes);
        } catch (e) {
          if (!isProtocolError(e)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('pickleLoads() – mutated valid pickles only ever raise ProtocolError (property)', () => {
    const base = pickleDumps({ name: 'x', levelno: 20, msg: 'm', l: [1, 2, { a: [] }], f: 1.5, n: null });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(base.length), (muts, cut) => {
        const b = Buffer.from(base);
        for (const [i, v] of muts) b[i] = v;
        try {
          pickleLoads(b.subarray(0, cut));
        } catch (e) {
          if (!isProtocolError(e)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('pickleDumps()/pickleLoads() – round trip of plain values (property)', () => {
    const plain = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.string({ unit: 'grapheme' }),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('v'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => k !== '__proto__'), plain.v, { maxKeys: 6 }), (d) => {
        const back = pickleLoads(pickleDumps(d));
        assert.deepEqual(JSON.parse(JSON.stringify(back, (_k, v) => (Object.is(v, -0) ? 0 : v))), JSON.parse(JSON.stringify(d, (_k, v) => (Object.is(v, -0) ? 0 : v))));
      }),
      { numRuns: 500 },
    );
  });
});

describe('frames', () => {
  test('FrameDecoder.push() – any split of a frame stream yields the same payloads (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (payloads, cuts) => {
        const stream = Buffer.concat(payloads.map((p) => encodeFrame(p)));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const dec = new FrameDecoder(1000);
        const got: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          got.push(...dec.push(stream.subarray(prev, p)));
          prev = p;
        }
        assert.deepEqual(got.map((b) => Buffer.from(b).toString('hex')), payloads.map((p) => Buffer.from(p).toString('hex')));
        assert.equal(dec.inFrame, false);
      }),
      { numRuns: 1000 },
    );
  });

  test('FrameDecoder.push() – random bytes: only ProtocolError, buffer never above maxFrameSize + header (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const dec = new FrameDecoder(256);
        try {
          for (const c of chunks) {
            for (const f of dec.push(Buffer.from(c))) {
              assert.ok(f.length <= 256);
              try {
                decodePayload(f);
              } catch (e) {
                if (!isProtocolError(e)) throw e;
              }
            }
            assert.ok(dec.buffered <= 4 + 256 + 64);
          }
        } catch (e) {
          if (!isProtocolError(e)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('FrameDecoder.push() – a 4 GiB length prefix is refused from the header alone', () => {
    const dec = new FrameDecoder(1 << 20);
    assert.throws(() => dec.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])), /exceeds maxFrameSize/);
    assert.throws(() => new FrameDecoder(10).push(Buffer.alloc(4)), /zero length/);
  });

  test('verify() – HMAC tag checked; a changed byte or wrong key is refused', () => {
    const key = toKey('s3cret');
    const payload = Buffer.from('{"a":1}');
    const signed = Buffer.concat([sign(key, payload), payload]);
    assert.deepEqual(verify(key, signed), payload);
    const bad = Buffer.from(signed);
    bad[bad.length - 1] ^= 1;
    assert.throws(() => verify(key, bad), /bad signature/);
    assert.throws(() => verify(toKey('other'), signed), /bad signature/);
    assert.throws(() => verify(key, Buffer.alloc(5)), /shorter than its tag/);
  });
});

describe('payloads', () => {
  test('jsonLoads() – a deeply nested "JSON bomb" is refused before parsing', () => {
    const bomb = Buffer.from('['.repeat(500_000) + ']'.repeat(500_000));
    assert.throws(() => jsonLoads(bomb), /nesting deeper than 32/);
    const inString = '{"a":"' + '[\\"'.repeat(100) + '"}';
    assert.deepEqual(jsonLoads(Buffer.from(inString)), JSON.parse(inString), 'brackets inside strings do not count');
  });

  test('sanitizeRecordDict() – __proto__, constructor and method names are dropped; exc_info cleared', () => {
    const d = decodePayload(Buffer.from('{"__proto__":{"polluted":1},"constructor":1,"getMessage":"x","name":"a","levelno":20,"msg":"m","exc_info":[1,2]}'));
    const s = sanitizeRecordDict(d);
    assert.equal(Object.getPrototypeOf(s), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal('getMessage' in s && s.getMessage !== Object.prototype, false);
    assert.equal(s.exc_info, null);
    assert.throws(() => sanitizeRecordDict(decodePayload(Buffer.from('{"levelno":20}'))), /name is not a string/);
    assert.throws(() => sanitizeRecordDict(decodePayload(Buffer.from('{"name":"a","levelno":"x"}'))), /levelno/);
    assert.throws(() => decodePayload(Buffer.from('[1]')), ProtocolError);
    assert.throws(() => decodePayload(Buffer.from('{"a":1}'), { formats: ['pickle'] }), /not accepted/);
  });

  test('recordToDict() – msg merged, args and exc_info None, exc_text filled, message removed (as Python makePickle)', () => {
    const r = new LogRecord('a.b', INFO, '/p.ts', 7, 'n=%d', [5], new Error('boom'));
    r.message = 'stale';
    r.custom = { nested: [1, new Date(0)] };
    const d = recordToDict(r, (rec) => {
      rec.exc_text = 'Traceback text';
    });
    assert.equal(d.msg, 'n=5');
    assert.equal(d.args, null);
    assert.equal(d.exc_info, null);
    assert.equal(d.exc_text, 'Traceback text');
    assert.equal('message' in d, false);
    assert.equal(typeof ((d.custom as Record<string, unknown[]>).nested[1]), 'string');
    const json = decodePayload(encodePayload(d, 'json'));
    const pickle = decodePayload(encodePayload(d, 'pickle'));
    assert.equal(json.msg, 'n=5');
    assert.equal({ ...pickle }.lineno, 7);
  });
});
