import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { valueJson, jsonReplacer } from '../src/json-formatter.serialize.js';

// valueJson writes plain data itself (no replacer, issue 22); what it writes must be
// what JSON.stringify(value, jsonReplacer) writes, for any value that does not throw there.
describe('valueJson() – plain data written without the replacer', () => {
  test('same text as JSON.stringify with jsonReplacer for any value (property)', () => {
    const arb = fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withTypedArray: true, withObjectString: true, maxDepth: 12 });
    fc.assert(
      fc.property(fc.oneof(fc.object({ maxDepth: 12 }), fc.array(arb), arb), (v) => {
        if (typeof v !== 'object' || v === null) return;
        let want: string | undefined;
        try {
          want = JSON.stringify(v, jsonReplacer);
        } catch {
          return; // the pruning fallback, tested in json-formatter.test.ts
        }
        assert.equal(valueJson(v, 10), want);
      }),
      { numRuns: 2000 },
    );
  });

  test('the cases the replacer exists for, nested in plain data, still go through it', () => {
    const err = new Error('boom');
    const cases: unknown[] = [
      { a: { err } },
      { m: new Map<unknown, unknown>([['k', 1], [2, { x: 1n }]]), s: new Set([1, 'two']) },
      { n: 12345678901234567890n, list: [1n, undefined, () => 1, Symbol('s'), null, -0, NaN, Infinity, 1.5e300] },
      { d: new Date(0), nested: { toJSON: () => ({ replaced: true }) } },
      { req: { method: 'GET', url: '/x', headers: { authorization: 'secret', host: 'h' }, socket: {} } },
      { res: { statusCode: 200, getHeaders: () => ({ 'set-cookie': 'secret' }), getHeader: () => undefined } },
      { s: 'quote " backslash \\ control \u0001 line \u2028 lone \ud800 pair \ud83d\ude00' },
      Object.assign(Object.create(null) as object, { z: 1, a: [{}, []] }),
      { deep: JSON.parse('['.repeat(30) + '1' + ']'.repeat(30)) as unknown },
      { 2: 'b', 1: 'a', x: 'c' },
    ];
    for (const v of cases) assert.equal(valueJson(v, 10), JSON.stringify(v, jsonReplacer), JSON.stringify(v, jsonReplacer));
  });

  test('each value is read once, also below the top level', () => {
    let reads = 0;
    const v = { outer: { inner: [{ get x() { reads++; return 'y'; } }] } };
    assert.equal(valueJson(v, 10), '{"outer":{"inner":[{"x":"y"}]}}');
    assert.equal(reads, 1);
  });
});
