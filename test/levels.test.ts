import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addLevelName, getLevelName, checkLevel, getLevelNamesMapping, NOTSET, DEBUG, INFO, WARNING, ERROR, CRITICAL, WARN, FATAL, LevelError } from '../src/index.js';
import { isolateLogging } from './helpers/capture.js';
import { runPython } from './helpers/python.js';

isolateLogging();

describe('levels', () => {
  test('constants – Python values', () => {
    assert.deepEqual([NOTSET, DEBUG, INFO, WARNING, ERROR, CRITICAL, WARN, FATAL], [0, 10, 20, 30, 40, 50, 30, 50]);
  });

  test('getLevelName() – both directions, as CPython', () => {
    const inputs: (number | string)[] = [0, 10, 20, 30, 40, 50, 15, 99, 'INFO', 'WARN', 'FATAL', 'NOPE', 'info'];
    const py = runPython<(number | string)[]>('import json,sys,logging; print(json.dumps([logging.getLevelName(x) for x in json.load(sys.stdin)]))', inputs);
    assert.deepEqual(inputs.map((x) => getLevelName(x)), py);
  });

  test('addLevelName() – registers both directions', () => {
    addLevelName(25, 'NOTICE');
    assert.equal(getLevelName(25), 'NOTICE');
    assert.equal(getLevelName('NOTICE'), 25);
    assert.equal(checkLevel('NOTICE'), 25);
    assert.equal(getLevelNamesMapping().NOTICE, 25);
  });

  test('checkLevel() – numbers and registered names; anything else is a LevelError', () => {
    assert.equal(checkLevel(20), 20);
    assert.equal(checkLevel('ERROR'), 40);
    // names as Node developers write them (issue #14)
    assert.equal(checkLevel('error'), 40);
    assert.equal(checkLevel(' Warn '), 30);
    assert.equal(checkLevel('fatal'), 50);
    assert.throws(() => checkLevel('errr'), LevelError);
    assert.throws(() => checkLevel('errr'), /Unknown level: 'errr'/);
    assert.throws(() => checkLevel(null), /Level not an integer or a valid string: null/);
    // issue #18 item 7: the value as %r renders it (util.inspect), Python's text around it
    assert.throws(() => checkLevel({ a: 1 }), /^LevelError: Level not an integer or a valid string: \{ a: 1 \}$/);
    assert.throws(() => checkLevel([10]), /Level not an integer or a valid string: \[ 10 \]$/);
    assert.throws(() => checkLevel(2.5), /Level not an integer or a valid string: 2\.5$/);
    fc.assert(fc.property(fc.integer(), (n) => checkLevel(n) === n));
  });

  test('level ordering – isEnabledFor is monotonic in the level (property)', async () => {
    const { getLogger } = await import('../src/index.js');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (set, a, b) => {
        const l = getLogger('prop.levels');
        l.setLevel(set);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return !l.isEnabledFor(lo) || l.isEnabledFor(hi);
      }),
    );
  });
});
