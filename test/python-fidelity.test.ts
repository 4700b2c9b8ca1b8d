// Issue 18 (core items): remaining details compared with CPython 3.11 as the oracle — empty
// fmt/datefmt, msecs before the epoch, getMessage's args truthiness, Python's exception
// types for format errors, the newline before exception text after an empty line, and the
// class-level Formatter defaults.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Formatter, LogRecord, Logger, PlaceHolder, getLogger, makeLogRecord, gmtime, localtime, tzset } from '../src/index.js';
import { isolateLogging } from './helpers/capture.js';
import { PyFormatError } from '../src/internal/pyformat.js';
import { runPython } from './helpers/python.js';

isolateLogging();
const TZ = 'America/New_York';
const savedTZ = process.env.TZ;
before(() => {
  process.env.TZ = TZ;
  tzset();
});
after(() => {
  if (savedTZ === undefined) delete process.env.TZ;
  else process.env.TZ = savedTZ;
  tzset();
});

const py = <T>(script: string, input: unknown = null): T => runPython<T>(`import json, sys, time, logging\ninp = json.load(sys.stdin)\n${script}`, input, { TZ });

/** Python's outcome of a callable: its text, or [exception type, message]. */
const PY_OUTCOME = `
def outcome(f):
    try:
        return f()
    except Exception as e:
        return [type(e).__name__, str(e)]
`;
function outcome(f: () => string): string | [string, string] {
  try {
    return f();
  } catch (e) {
    if (e instanceof PyFormatError) return [e.pyType, e.message];
    throw e;
  }
}

describe('issue 18 core details vs CPython 3.11', () => {
  it("Formatter('') and an empty datefmt – fall back to the defaults, as Python's `fmt or default` / `if datefmt:`", () => {
    const created = 1700000000.25;
    const expected = py<string[]>(`
r = logging.makeLogRecord({'msg': 'hello %s', 'args': ('w',), 'created': ${created}, 'msecs': 250.0})
out = [logging.Formatter('').format(r), logging.Formatter('', style='{').format(r), logging.Formatter('', style='$').format(r),
       logging.Formatter(None, '').formatTime(r), logging.Formatter().formatTime(r, ''), logging.Formatter('%(asctime)s|%(message)s', '').format(r),
       logging.Formatter('%(asctime)s', '%H').formatTime(r, ''), logging.Formatter('').format(r) == logging.Formatter().format(r)]
print(json.dumps(out))`);
    const r = makeLogRecord({ msg: 'hello %s', args: ['w'], created, msecs: 250 });
    const got = [
      new Formatter('').format(r),
      new Formatter('', null, '{').format(r),
      new Formatter('', null, '$').format(r),
      new Formatter(null, '').formatTime(r),
      new Formatter().formatTime(r, ''),
      new Formatter('%(asctime)s|%(message)s', '').format(r),
      new Formatter('%(asctime)s', '%H').formatTime(r, ''),
      new Formatter('').format(r) === new Formatter().format(r),
    ];
    assert.deepEqual(got, expected);
    assert.equal(new Formatter('')._fmt, '%(message)s');
  });

  it('Formatter.formatTime() – a record from before the epoch has negative msecs: 23:59:58,-250 as Python', () => {
    const times = [-1.25, -0.005, -0.05, -86400.5, -1e-3, -3600.75]; // Python's float msecs can be 1 ms low (-3600.999 → -998); that difference is documented
    const expected = py<[number, string, string][]>(`
out = []
for t in inp:
    logging.time.time = lambda t=t: t
    r = logging.LogRecord('n', 20, 'p', 1, 'm', (), None)
    out.append([r.msecs, logging.Formatter('%(asctime)s %(msecs)03d').format(r), logging.Formatter().formatTime(r)])
print(json.dumps(out))`, times);
    const saved = Date.now;
    try {
      times.forEach((t, i) => {
        Date.now = () => Math.round(t * 1000);
        const r = new LogRecord('n', 20, 'p', 1, 'm', [], null);
        assert.deepEqual([r.msecs, new Formatter('%(asctime)s %(msecs)03d').format(r), new Formatter().formatTime(r)], expected[i], `t=${t}`);
      });
    } finally {
      Date.now = saved;
    }
    assert.equal(expected[0]![2], '1969-12-31 18:59:58,-250'); // TZ=America/New_York
  });

  it('LogRecord.getMessage() – interpolates only when args is truthy in Python’s sense (0, "", false leave the message)', () => {
    const argsList: unknown[] = [0, '', false, null, [], {}, 5, 'x', [0], [7, 8]];
    const expected = py<unknown[]>(`${PY_OUTCOME}
out = []
for a in inp:
    a = tuple(a) if isinstance(a, list) else a
    for msg in ('%s', 'plain %% text', '%(a)s'):
        out.append(outcome(lambda: logging.makeLogRecord({'msg': msg, 'args': a}).getMessage()))
print(json.dumps(out))`, argsList);
    const got: unknown[] = [];
    for (const a of argsList) for (const msg of ['%s', 'plain %% text', '%(a)s']) got.push(outcome(() => makeLogRecord({ msg, args: a }).getMessage()));
    assert.deepEqual(got, expected);
  });

  it("Formatter.format() – format errors carry Python's exception type (IndexError, AttributeError, OverflowError) and text", () => {
    const cases: [string, '%' | '{' | '$', string][] = [
      ['{0}', '{', 'm'],
      ['{} {message}', '{', 'm'],
      ['{name.nope}', '{', 'm'],
      ['{name[9]}', '{', 'm'],
      ['%(message)s', '%', '%d'],
      ['%(message)s', '%', '%c'],
      ['{message}', '{', '%x'],
    ];
    const argsFor: Record<string, unknown> = { '%d': Infinity, '%c': 0x110000, '%x': Infinity, m: null };
    const expected = py<unknown[]>(`${PY_OUTCOME}
out = []
for fmt, style, msg in inp:
    args = {'%d': (float('inf'),), '%c': (0x110000,), '%x': (float('inf'),), 'm': None}[msg]
    r = logging.makeLogRecord({'name': 'app', 'msg': msg, 'args': args})
    out.append(outcome(lambda: logging.Formatter(fmt, style=style).format(r)))
out.append(outcome(lambda: logging.Formatter('x', style='x').format(r)))
print(json.dumps(out))`, cases);
    const got: unknown[] = cases.map(([fmt, style, msg]) => {
      const a = argsFor[msg];
      const r = makeLogRecord({ name: 'app', msg, args: a === null ? null : [a] });
      // getMessage itself (Python's record.getMessage() inside format)
      if (msg !== 'm') return outcome(() => r.getMessage());
      return outcome(() => new Formatter(fmt, null, style).format(r));
    });
    assert.deepEqual(got, expected.slice(0, -1));
    const [type, text] = expected.at(-1) as [string, string];
    assert.equal(type, 'ValueError');
    assert.throws(() => new Formatter('x', null, 'x' as never), (e: Error) => e.message.includes(text));
  });

  it('Formatter.format() – an empty message followed by exception or stack text still gets the newline', () => {
    const recs = [
      { msg: '', exc_text: 'Traceback: boom' },
      { msg: '', stack_info: 'Stack (most recent call last):' },
      { msg: '', exc_text: 'E', stack_info: 'S' },
      { msg: 'line\n', exc_text: 'E' },
      { msg: 'x', exc_text: 'E' },
    ];
    const expected = py<string[]>(`print(json.dumps([logging.Formatter('%(message)s').format(logging.makeLogRecord(d)) for d in inp]))`, recs);
    assert.deepEqual(recs.map((d) => new Formatter('%(message)s').format(makeLogRecord(d))), expected);
    assert.equal(expected[0], '\nTraceback: boom');
  });

  it('Formatter class-level defaults – Formatter.prototype.converter = gmtime, subclass statics/prototypes change every formatter without its own', () => {
    const created = 1700000000.5;
    const expected = py<string[]>(`
r = logging.makeLogRecord({'msg': 'm', 'created': ${created}, 'msecs': 500.0})
out = []
F = logging.Formatter
own = F('%(asctime)s')
own.converter = time.localtime
F.converter = time.gmtime
out += [F('%(asctime)s').format(r), own.format(r)]
F.converter = time.localtime
class Sub(F):
    default_time_format = '%H:%M'
    default_msec_format = '%s.%03d'
class SubSub(Sub):
    pass
class Utc(F):
    converter = time.gmtime
out += [Sub('%(asctime)s').format(r), SubSub('%(asctime)s').format(r), Utc('%(asctime)s').format(r), F('%(asctime)s').format(r)]
F.default_msec_format = None
out.append(F('%(asctime)s').format(r))
F.default_msec_format = '%s,%03d'
print(json.dumps(out))`);
    const r = makeLogRecord({ msg: 'm', created, msecs: 500 });
    const P = Formatter.prototype;
    const got: string[] = [];
    const own = new Formatter('%(asctime)s');
    own.converter = localtime;
    try {
      P.converter = gmtime;
      got.push(new Formatter('%(asctime)s').format(r), own.format(r));
      P.converter = localtime;
      class Sub extends Formatter {
        static default_time_format = '%H:%M';
      }
      Sub.prototype.default_msec_format = '%s.%03d';
      class SubSub extends Sub {}
      class Utc extends Formatter {
        static converter = gmtime;
      }
      got.push(new Sub('%(asctime)s').format(r), new SubSub('%(asctime)s').format(r), new Utc('%(asctime)s').format(r), new Formatter('%(asctime)s').format(r));
      P.default_msec_format = null;
      got.push(new Formatter('%(asctime)s').format(r));
    } finally {
      P.converter = localtime;
      P.default_msec_format = '%s,%03d';
    }
    assert.deepEqual(got, expected);
  });

  it('Manager.getLogger() – names with consecutive dots build the same placeholders and parents as CPython', () => {
    const names = ['t..b', 't', 't.', 'u...v', 'u.', 'u..', '.w', '..w.x', 'y.', 'y..z', 'y'];
    const children: [string, string][] = [['c', '.d'], ['c.', 'e'], ['g', '..h']];
    const expected = py<unknown[]>(`
before = set(logging.Logger.manager.loggerDict)
for n in inp['names']:
    logging.getLogger(n)
for parent, suffix in inp['children']:
    logging.getLogger(parent).getChild(suffix)
d = logging.Logger.manager.loggerDict
out = []
for k, v in d.items():
    if k in before: continue
    if isinstance(v, logging.PlaceHolder): out.append([k, 'PlaceHolder', sorted(l.name for l in v.loggerMap)])
    else: out.append([k, 'Logger', v.parent.name])
print(json.dumps(sorted(out)))`, { names, children });
    const dict = Logger.manager.loggerDict;
    const before = new Set(dict.keys());
    for (const n of names) getLogger(n);
    for (const [parent, suffix] of children) getLogger(parent).getChild(suffix);
    const got: unknown[] = [];
    for (const [k, v] of dict) {
      if (before.has(k)) continue;
      if (v instanceof PlaceHolder) got.push([k, 'PlaceHolder', [...v.loggerMap].map((l) => l.name).sort()]);
      else got.push([k, 'Logger', v.parent!.name]);
    }
    assert.deepEqual(got.sort((a, b) => ((a as string[])[0]! < (b as string[])[0]! ? -1 : 1)), expected);
  });

  it('Manager.disable – validated on assignment as Python’s property setter: names become numbers, invalid values are an error', () => {
    const values: unknown[] = ['INFO', 'WARN', 'CRITICAL', 10, 0, 55, 'bogus', 1.5, null, [10]];
    const expected = py<unknown[]>(`
out = []
m = logging.Logger.manager
for v in inp:
    v = tuple(v) if isinstance(v, list) else v
    try:
        m.disable = v
        out.append(m.disable)
    except Exception as e:
        out.append([type(e).__name__, str(e)])
print(json.dumps(out))`, values);
    const m = Logger.manager;
    try {
      values.forEach((v, i) => {
        const want = expected[i];
        if (typeof want === 'number') {
          m.disable = v as number;
          assert.equal(m.disable, want, String(v));
        } else {
          const [type, text] = want as [string, string];
          assert.throws(() => (m.disable = v as number), (e: Error) => e.name === 'LevelError' && (type !== 'ValueError' || e.message.includes(text)), `${String(v)}: Python raises ${type}: ${text}`);
        }
      });
      // the new value takes effect on loggers that already cached their level
      m.disable = 0;
      const l = getLogger('fidelity.disable');
      l.setLevel('DEBUG');
      assert.equal(l.isEnabledFor(20), true);
      m.disable = 'INFO';
      assert.equal(l.isEnabledFor(20), false);
    } finally {
      m.disable = 0;
    }
  });
});
