import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord, INFO, WARNING, makeLogRecord } from '../../src/index.js';
import { encodeRecordFrame, recordToDict, sanitizeRecordDict } from '../../src/handlers/wire/record-dict.js';
import { encodeRecordJsonFrame, jsonQuote, recordJson, resetRecordJsonCache } from '../../src/handlers/wire/json-record.js';
import { recordFromDict } from '../../src/handlers/wire/record-rebuild.js';
import { jsonLoads } from '../../src/handlers/wire/json.js';
import { toKey } from '../../src/handlers/wire/hmac.js';

const fmt = (r: LogRecord): void => {
  r.exc_text = 'Traceback (most recent call last):\n  boom "quoted"\t\u0001';
};
/** The reference: what makePickle produced before the fast encoder (dict, then JSON.stringify). */
const reference = (r: LogRecord, key: Buffer | null): Buffer => encodeRecordFrame(recordToDict(r, fmt), 'json', key);

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\ud800', '\udc00', '😀', 'é', 'a', '\u2028') }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, 2 ** 53 + 2, 1e21, 5e-7),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date(),
  fc.constant(new Uint8Array([0, 255, 34])),
  fc.constant(new Map<unknown, unknown>([[1, 2n], ['k', 'v']])),
  fc.constant(() => 1),
  fc.jsonValue(),
  fc.array(fc.oneof(fc.string(), fc.bigInt(), fc.double())),
);

test('encodeRecordJsonFrame() – byte-identical to JSON.stringify of recordToDict for any record (property)', () => {
  const key = toKey('s3cret');
  fc.assert(
    fc.property(
      fc.string(),
      fc.string(),
      fc.array(fc.oneof(fc.string(), fc.integer(), fc.double()), { maxLength: 3 }),
      fc.dictionary(fc.string().filter((k) => k !== '__proto__'), value, { maxKeys: 5 }),
      fc.array(fc.constantFrom('msg', 'args', 'exc_info', 'name', 'created', 'lineno')),
      fc.boolean(),
      fc.boolean(),
      (name, msg, args, extra, removed, withExc, withMessage) => {
        const r = new LogRecord(name, WARNING, '/a/b.ts', 3, msg.replace(/%/g, '%%') + ' %s'.repeat(args.length), args, withExc ? new Error('x') : null, 'fn');
        Object.assign(r, extra);
        if (withMessage) r.message = 'stale';
        for (const k of removed) delete r[k];
        const r2 = Object.assign(Object.create(LogRecord.prototype) as LogRecord, r);
        if (!Object.hasOwn(r, 'msg')) {
          r.msg = 'm';
          r2.msg = 'm';
        }
        const k = withExc ? key : null;
        const outcome = (f: () => Buffer): Buffer | string => {
          try {
            return f();
          } catch (e) {
            return `throws ${(e as Error).message}`;
          }
        };
        assert.deepEqual(
          outcome(() => encodeRecordJsonFrame(r, fmt, k)),
          outcome(() => reference(r2, k)),
        );
      },
    ),
    { numRuns: 400 },
  );
});

test('recordJson() – the per-position caches never leak a value into a record with other keys', () => {
  resetRecordJsonCache();
  const a = new LogRecord('same', INFO, '/p', 1, 'one', [], null);
  const b = new LogRecord('same', INFO, '/p', 1, 'two', [], null);
  b.extraField = 'same';
  const c = makeLogRecord({ zz: 'same', name: 'same', levelno: 20 });
  for (const r of [a, b, c, a, c, b]) assert.equal(recordJson(r, r.getMessage()), JSON.stringify(recordToDict(r)));
  assert.equal(jsonQuote('plain'), '"plain"');
  assert.equal(jsonQuote('a"b\\c\n\ud800'), JSON.stringify('a"b\\c\n\ud800'));
});

test('recordFromDict() – same record as makeLogRecord(sanitizeRecordDict(d)) for any received dict (property)', () => {
  const dictArb = fc.record(
    {
      name: fc.oneof(fc.string(), fc.integer()),
      levelno: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.double(), fc.string()),
      levelname: fc.oneof(fc.string(), fc.constant(null)),
      msg: fc.string(),
      args: fc.constant(null),
      exc_info: fc.string(),
      exc_text: fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.array(fc.integer())),
      stack_info: fc.oneof(fc.string(), fc.constant(null), fc.boolean()),
      created: fc.oneof(fc.double({ min: 0, max: 2e9 }), fc.string(), fc.constant(null)),
      msecs: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.string()),
      relativeCreated: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
      lineno: fc.oneof(fc.integer(), fc.string()),
      getMessage: fc.string(),
      constructor: fc.string(),
      toString: fc.string(),
      hasOwnProperty: fc.string(),
      custom: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(dictArb, (d) => {
      let expected: LogRecord | Error;
      let actual: LogRecord | Error;
      try {
        expected = makeLogRecord(sanitizeRecordDict({ ...d }));
      } catch (e) {
        expected = e as Error;
      }
      try {
        actual = recordFromDict({ ...d });
      } catch (e) {
        actual = e as Error;
      }
      if (expected instanceof Error) {
        assert.ok(actual instanceof Error, 'refused too');
        assert.equal(actual.message, expected.message);
        return;
      }
      assert.ok(actual instanceof LogRecord);
      const norm = (r: LogRecord): Record<string, unknown> => {
        const o: Record<string, unknown> = { ...r };
        // Both fill a missing `created` from the clock (and msecs/relativeCreated from it): compare types only.
        for (const k of ['created', 'msecs', 'relativeCreated'] as const) if (!(typeof d[k] === 'number' && Number.isFinite(d[k]))) o[k] = typeof o[k];
        return o;
      };
      assert.deepEqual(Object.keys(actual), Object.keys(expected), 'same attribute order');
      assert.deepEqual(norm(actual), norm(expected));
    }),
    { numRuns: 400 },
  );
});

test('jsonLoads() – the fast paths (opener count, ASCII) decode as before and refuse the same payloads', () => {
  const ok = Buffer.from(JSON.stringify({ name: 'a', levelno: 20, nested: { a: [1, { b: 2 }] }, s: 'é😀' }));
  assert.deepEqual(jsonLoads(ok, 32), JSON.parse(ok.toString('utf8')));
  const deep = Buffer.from('{"a":' + '['.repeat(40) + ']'.repeat(40) + '}');
  assert.throws(() => jsonLoads(deep, 32), /nesting deeper than 32/);
  assert.deepEqual(jsonLoads(deep, 64), JSON.parse(deep.toString()));
  // Brackets inside strings do not count toward depth.
  const brackets = Buffer.from(JSON.stringify({ name: '{'.repeat(100), levelno: 1 }));
  assert.deepEqual(jsonLoads(brackets, 32), { name: '{'.repeat(100), levelno: 1 });
  assert.throws(() => jsonLoads(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 32), /invalid UTF-8/);
  assert.deepEqual(jsonLoads(Buffer.from('\ufeff{"a":1}'), 32), { a: 1 }, 'a UTF-8 BOM is skipped, as TextDecoder does');
  assert.throws(() => jsonLoads(Buffer.from('{"a":1'), 32), /json:/);
  assert.deepEqual(jsonLoads(new Uint8Array(Buffer.from('{"u":[1]}')), 32), { u: [1] }, 'a plain Uint8Array works too');
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const b = Buffer.from(JSON.stringify({ v }));
      assert.deepEqual(jsonLoads(b, 1000), JSON.parse(b.toString('utf8')));
    }),
  );
});
