import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Formatter, BufferingFormatter, makeLogRecord, LogRecord, ConfigError, gmtime } from '../src/index.js';
import { runPython } from './helpers/python.js';

interface Case {
  fmt: string | null;
  style: '%' | '{' | '$';
  datefmt: string | null;
  defaults?: Record<string, unknown>;
  record: Record<string, unknown>;
  utc?: boolean;
}

const base = {
  name: 'app.http',
  levelno: 20,
  levelname: 'INFO',
  pathname: '/srv/app/handlers.py',
  filename: 'handlers.py',
  module: 'handlers',
  lineno: 42,
  funcName: 'handle',
  process: 1234,
  processName: 'MainProcess',
  thread: 5678,
  threadName: 'MainThread',
};

const records: Record<string, unknown>[] = [
  { ...base, msg: 'request handled %d', args: [7], created: 1700000000.123, msecs: 123, relativeCreated: 1534.5 },
  { ...base, name: 'root', levelno: 40, levelname: 'ERROR', msg: 'n=%d f=%.2f s=%s r=%r x=%x o=%o e=%e g=%g %%', args: [3, 2.5, 'x', 'y', 255, 8, 12345.678, 0.0001], created: 1710054000.5, msecs: 500, relativeCreated: 10.25 },
  { ...base, msg: '%(a)s-%(b)05.1f-%(c)-6s|', args: [{ a: 'A', b: 3.14159, c: 'cc' }], created: 1730000000.007, msecs: 7, relativeCreated: 0.5 },
  { ...base, levelno: 15, levelname: 'Level 15', msg: 'plain 100% literal', args: [], created: 1577836799.999, msecs: 999, relativeCreated: 99999.125 },
  { ...base, msg: 'width %5s|%-5s|%05d|%+d|% d|%.3s|%#x|%#o|%c', args: ['ab', 'cd', 42, 5, 6, 'abcdef', 255, 8, 65], created: 1709452800.042, msecs: 42, relativeCreated: 7 },
  { ...base, msg: 'unicode ✓ %s', args: ['日本語'], created: 1700000000.0, msecs: 0, relativeCreated: 1 },
];

const formats: Omit<Case, 'record'>[] = [
  { fmt: null, style: '%', datefmt: null },
  { fmt: '%(asctime)s %(levelname)s %(name)s %(message)s', style: '%', datefmt: null },
  { fmt: '%(asctime)s %(levelname)s %(name)s %(message)s', style: '%', datefmt: null, utc: true },
  { fmt: '%(levelname)-8s|%(name)10s|%(msecs)03d|%(message)s', style: '%', datefmt: null },
  { fmt: '%(created)f %(relativeCreated).1f %(levelno)d %(levelno)05d %(levelno)x %(levelname).3s', style: '%', datefmt: null },
  { fmt: '%(pathname)s %(filename)s %(module)s %(lineno)d %(funcName)s %(process)d %(processName)s %(thread)d %(threadName)s', style: '%', datefmt: null },
  { fmt: '[%(asctime)s] %(message)s', style: '%', datefmt: '%Y-%m-%dT%H:%M:%S%z' },
  { fmt: '[%(asctime)s] %(message)s', style: '%', datefmt: '%d/%b/%Y:%H:%M:%S %a %A %B %j %p %I %y' },
  { fmt: '%(asctime)s|%(message)r|%(msecs)d', style: '%', datefmt: '%H:%M' },
  { fmt: '%(ip)s %(user)s %(message)s', style: '%', datefmt: null, defaults: { ip: '-', user: 'anon' } },
  { fmt: '{asctime} {levelname:<8} {name:>10} {message}', style: '{', datefmt: null },
  { fmt: '{created:.3f} {msecs:03.0f} {levelno:#x} {levelno:08b} {relativeCreated:,.2f} {name!r} {levelname:^11}|', style: '{', datefmt: null },
  { fmt: '{asctime}:{message}', style: '{', datefmt: '%Y' },
  { fmt: '{ip} {message}', style: '{', datefmt: null, defaults: { ip: '0.0.0.0' } },
  { fmt: '${asctime} ${levelname} $name: $message $$', style: '$', datefmt: null },
  { fmt: '$levelname-$name', style: '$', datefmt: null },
];

const cases: Case[] = [];
for (const f of formats) for (const r of records) cases.push({ ...f, record: r });

const PY = String.raw`
import json, sys, logging, time
cases = json.load(sys.stdin)
out = []
for c in cases:
    rec = dict(c['record'])
    rec['args'] = tuple(rec['args']) if isinstance(rec['args'], list) else rec['args']
    r = logging.makeLogRecord(rec)
    f = logging.Formatter(c['fmt'], c['datefmt'], c['style'], defaults=c.get('defaults'))
    if c.get('utc'): f.converter = time.gmtime
    if isinstance(r.args, tuple) and len(r.args) == 1 and isinstance(r.args[0], dict): r.args = r.args[0]
    out.append(f.format(r))
print(json.dumps(out))
`;

function jsRecord(rec: Record<string, unknown>): LogRecord {
  return makeLogRecord({ ...rec, args: rec.args });
}

describe('Formatter', () => {
  test('format() – matches CPython for every style, field spec, datefmt and record', () => {
    const expected = runPython<string[]>(PY, cases);
    let compared = 0;
    cases.forEach((c, i) => {
      const f = new Formatter(c.fmt, c.datefmt, c.style, true, c.defaults ?? null);
      if (c.utc) f.converter = gmtime;
      const r = jsRecord(c.record);
      if (Array.isArray(r.args) && r.args.length === 1 && typeof r.args[0] === 'object') r.args = r.args[0];
      assert.equal(f.format(r), expected[i], `case ${i}: ${c.fmt} / ${String(c.record.msg)}`);
      compared++;
    });
    assert.equal(compared, formats.length * records.length);
  });

  test('constructor – invalid formats raise at construction with the problem named', () => {
    const py = runPython<(string | null)[]>(
      String.raw`
import json, sys, logging
out = []
for fmt, style in json.load(sys.stdin):
    try:
        logging.Formatter(fmt, style=style); out.append(None)
    except ValueError as e:
        out.append(str(e))
print(json.dumps(out))
`,
      [['%(asctime)', '%'], ['no fields', '%'], ['{0}', '{'], ['{name!x}', '{'], ['$', '$'], ['{asctime', '{']],
    );
    const ours = [['%(asctime)', '%'], ['no fields', '%'], ['{0}', '{'], ['{name!x}', '{'], ['$', '$'], ['{asctime', '{']].map(([fmt, style]) => {
      try {
        new Formatter(fmt, null, style as '%');
        return null;
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return (e as Error).message;
      }
    });
    assert.deepEqual(ours, py);
  });

  test('format() – a field missing from the record is reported as Python words it', () => {
    const f = new Formatter('%(nope)s');
    assert.throws(() => f.format(makeLogRecord({ msg: 'x' })), /Formatting field not found in record: 'nope'/);
  });

  test('validate: false – skips validation', () => {
    assert.doesNotThrow(() => new Formatter('no fields', null, '%', false));
  });

  test('formatTime() – default_msec_format null drops the milliseconds', () => {
    const f = new Formatter('%(asctime)s', null);
    f.converter = gmtime;
    f.default_msec_format = null;
    const r = makeLogRecord({ created: 0, msecs: 5 });
    assert.equal(f.format(r), '1970-01-01 00:00:00');
    f.default_msec_format = '%s.%03d';
    assert.equal(f.formatTime(r), '1970-01-01 00:00:00.005');
  });

  test('format() – exc_text is cached on the record and stack_info appended', () => {
    let calls = 0;
    class F extends Formatter {
      override formatException(ei: unknown): string {
        calls++;
        return 'EXC:' + (ei as Error).message;
      }
    }
    const f = new F('%(message)s');
    const r = makeLogRecord({ msg: 'm', exc_info: new Error('e'), stack_info: 'STACK' });
    assert.equal(f.format(r), 'm\nEXC:e\nSTACK');
    assert.equal(f.format(r), 'm\nEXC:e\nSTACK');
    assert.equal(calls, 1);
  });

  test('BufferingFormatter – header, lines, footer', () => {
    class B extends BufferingFormatter {
      override formatHeader(rs: readonly LogRecord[]): string {
        return `<${rs.length}>`;
      }
      override formatFooter(): string {
        return '</>';
      }
    }
    const b = new B(new Formatter('%(message)s;'));
    assert.equal(b.format([makeLogRecord({ msg: 'a' }), makeLogRecord({ msg: 'b' })]), '<2>a;b;</>');
    assert.equal(b.format([]), '');
  });
});

describe('Formatter escape option (log injection)', () => {
  test("escape: 'control' – CR/LF/ESC in the message and in extra fields cannot forge lines; exception text keeps its lines", () => {
    const f = new Formatter({ fmt: '%(levelname)s %(user)s %(message)s', escape: 'control' });
    const err = new Error('boom');
    const r = makeLogRecord({ msg: 'login ok\nINFO admin logged in\r\x1b[31mred\x1b[0m\u2028x', levelname: 'INFO', user: 'eve\nCRITICAL', exc_info: err });
    const out = f.format(r);
    const [first, ...rest] = out.split('\n');
    assert.equal(first, 'INFO eve\\nCRITICAL login ok\\nINFO admin logged in\\r\\x1b[31mred\\x1b[0m\\u2028x');
    assert.equal(rest[0], 'Error: boom'); // the stack is still multi-line
    assert.equal(r.message, 'login ok\nINFO admin logged in\r\x1b[31mred\x1b[0m\u2028x'); // the record itself is unchanged
    assert.equal(r.user, 'eve\nCRITICAL');
  });

  test("escape – default 'none' keeps Python's behaviour (a newline in the message is a newline); tabs are never escaped", () => {
    const r = makeLogRecord({ msg: 'a\nb\tc' });
    assert.equal(new Formatter('%(message)s').format(r), 'a\nb\tc');
    assert.equal(new Formatter({ fmt: '%(message)s', escape: 'control' }).format(r), 'a\\nb\tc');
    assert.throws(() => new Formatter({ escape: 'html' as never }), ConfigError);
  });

  test('escape with defaults – escaped fields and defaults both reach the line', () => {
    const f = new Formatter({ fmt: '%(ip)s %(message)s', escape: 'control', defaults: { ip: '-' } });
    assert.equal(f.format(makeLogRecord({ msg: 'x\ny' })), '- x\\ny');
    assert.equal(f.format(makeLogRecord({ msg: 'z', ip: '10.0.0.1\n' })), '10.0.0.1\\n z');
  });

  test('formatTime() – the per-millisecond text is rebuilt when converter, formats or msecs change', () => {
    const f = new Formatter('%(asctime)s');
    f.converter = gmtime;
    const r = makeLogRecord({ created: 3600.25, msecs: 250 });
    assert.equal(f.format(r), '1970-01-01 01:00:00,250');
    f.default_time_format = '%H:%M';
    assert.equal(f.format(r), '01:00,250');
    f.converter = (secs: number) => gmtime(secs + 60);
    assert.equal(f.format(r), '01:01,250');
    assert.equal(f.format(makeLogRecord({ created: 3600.25, msecs: 251 })), '01:01,251');
    assert.equal(f.formatTime(r, '%S'), '00');
  });
});
