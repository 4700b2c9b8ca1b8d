// Issue #14: a log call's arguments are never a reason to lose its record.
// Every call below is one of the most common in Node code; each must deliver
// its record through StreamHandler, FileHandler, JsonFormatter and the worker
// queue, with Python's result kept wherever Python succeeds.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getLogger,
  StreamHandler,
  FileHandler,
  Formatter,
  JsonFormatter,
  kw,
  settings,
  makeLogRecord,
  checkLevel,
  basicConfig,
  type Logger,
  type Handler,
} from '../src/index.js';
import { dictConfig } from '../src/config/index.js';
import { QueueHandler, WorkerQueueListener } from '../src/handlers/index.js';
import { isolateLogging, StringIO, captureStderr } from './helpers/capture.js';
import { runPython } from './helpers/python.js';

isolateLogging();

const TEXT = '%(levelname)s %(message)s [%(userId)s]';
const fixture = join(import.meta.dirname, 'fixtures', 'log-call-handlers.ts');

function boom(): Error {
  const e = new Error('card declined', { cause: new Error('gateway timeout') }) as Error & { code?: string };
  e.code = 'E_DECLINED';
  return e;
}

/** The calls of issue #14, in order; `n` is the sequence number each message carries. */
function theCalls(log: Logger): void {
  log.exception('failed 1', boom());
  log.error('payment failed 2', boom());
  log.info('user logged in 3', { userId: 42 });
  log.info('count 4', 42);
  log.debug('%j 5', { a: [1, 'x'] });
  log.info('%d items 6', '3');
  log.info({ userId: 7 }, 'pino order %s', '7');
  log.error(boom(), 'error first 8');
}

const EXPECTED_TEXT = [
  'ERROR failed 1 [-]',
  'ERROR payment failed 2 [-]',
  'INFO user logged in 3 [42]',
  'INFO count 4 42 [-]',
  'DEBUG {"a":[1,"x"]} 5 [-]',
  'INFO 3 items 6 [-]',
  'INFO pino order 7 [7]',
  'ERROR error first 8 [-]',
];

function textLines(out: string): string[] {
  // message lines only: exception text follows its record on lines of its own
  return out.split('\n').filter((l) => /^(DEBUG|INFO|WARNING|ERROR|CRITICAL) /.test(l));
}

function checkJson(lines: string[]): void {
  const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(recs.length, 8);
  assert.deepEqual(
    recs.map((r) => r.msg),
    ['failed 1', 'payment failed 2', 'user logged in 3', 'count 4 42', '{"a":[1,"x"]} 5', '3 items 6', 'pino order 7', 'error first 8'],
  );
  for (const i of [0, 1, 7]) {
    const err = recs[i]!.err as Record<string, unknown>;
    assert.equal(err.type, 'Error', `record ${i + 1} has a structured error`);
    assert.equal(err.message, 'card declined');
    assert.equal(err.code, 'E_DECLINED');
    assert.match(String(err.stack), /card declined/);
    assert.equal((err.cause as Record<string, unknown>).message, 'gateway timeout');
  }
  assert.equal(recs[2]!.userId, 42);
  assert.equal(recs[6]!.userId, 7);
}

/** A logger with one StreamHandler on a StringIO, formatted by `fmt`. */
function textLogger(name: string, fmt: Formatter): { s: StringIO; h: StreamHandler<StringIO>; log: Logger } {
  const s = new StringIO();
  const h = new StreamHandler(s);
  h.setFormatter(fmt);
  return { s, h, log: logger(name, h) };
}

function logger(name: string, handler: Handler): Logger {
  const log = getLogger(name);
  log.propagate = false;
  log.setLevel('debug');
  log.addHandler(handler);
  return log;
}

describe('log calls – Node habits deliver their record (issue #14)', () => {
  test('StreamHandler – every call delivers, with the stack and cause chain; no error report', async () => {
    const { s, log } = textLogger('lc.stream', new Formatter(TEXT, null, '%', true, { userId: '-' }));
    const err = await captureStderr(() => theCalls(log));
    assert.equal(err, '', 'none of these calls is a fault');
    assert.deepEqual(textLines(s.value), EXPECTED_TEXT);
    // the exception text: cause first (Python's order), then the error
    assert.match(s.value, /ERROR failed 1 \[-\]\nError: gateway timeout[\s\S]*direct cause[\s\S]*Error: card declined/);
    assert.match(s.value, /ERROR error first 8 \[-\]\nError: gateway timeout/);
  });

  test('FileHandler + JsonFormatter – messages, structured err (type, message, stack, cause, code), fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logflume-lc-'));
    const h = new FileHandler(join(dir, 'out.jsonl'));
    h.setFormatter(new JsonFormatter());
    const log = logger('lc.json', h);
    const err = await captureStderr(() => theCalls(log));
    assert.equal(err, '');
    await h.close();
    checkJson(readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n'));
  });

  test('QueueHandler → WorkerQueueListener – the same records arrive in the worker (text and JSON)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logflume-lc-'));
    const jsonPath = join(dir, 'out.jsonl');
    const textPath = join(dir, 'out.log');
    const lj = new WorkerQueueListener({ module: fixture, export: 'jsonFile', args: [jsonPath] });
    const lt = new WorkerQueueListener({ module: fixture, export: 'textFile', args: [textPath] });
    await Promise.all([lj.start(), lt.start()]);
    const log = logger('lc.queue', new QueueHandler(lj.queue));
    log.addHandler(new QueueHandler(lt.queue));
    const err = await captureStderr(() => theCalls(log));
    await Promise.all([lj.stop(), lt.stop()]);
    assert.equal(err, '');
    // Python's prepare() merges exception text into the message, so a record with an error
    // ends its first line before the fields; every message line is there, in order
    const got = textLines(readFileSync(textPath, 'utf8'));
    assert.equal(got.length, EXPECTED_TEXT.length);
    got.forEach((line, i) => assert.ok(line.startsWith(EXPECTED_TEXT[i]!.replace(/ \[-\]$/, '')), `${line} ~ ${EXPECTED_TEXT[i]}`));
    // the worker's JsonFormatter writes what the main thread's does: structured err included (issue #15 item 7)
    checkJson(readFileSync(jsonPath, 'utf8').trim().split('\n'));
  });

  test('Python forms are unchanged where Python succeeds', () => {
    const { s, log } = textLogger('lc.py', new Formatter('%(message)s'));
    log.info('%s and %s', 'a', 'b');
    log.info('%(user)s did %(what)s', { user: 'ann', what: 'it' });
    log.info('user %s', { userId: 42 }); // consumed by %s: Python renders the mapping
    log.info('100%% literal'); // no args: no formatting, as Python
    log.info('%d%%', 50);
    log.error('failed %s', boom()); // consumed: the message has the error text, no exc_info
    log.info('plain', kw({ extra: { userId: 1 } }));
    assert.equal(s.value, "a and b\nann did it\nuser { userId: 42 }\n100%% literal\n50%\nfailed Error: card declined\nplain\n");
  });

  test('leftovers – util.format appending; %% means % once arguments are given; objects and errors kept apart', () => {
    const { s, log } = textLogger('lc.left', new Formatter('%(message)s|%(a)s|%(name_)s', null, '%', true, { a: '-', name_: '-' }));
    log.info('count', 42, 'x', [1, 2], null);
    log.info('100%% done', 5);
    log.info('%s of %s', 1, 2, 3);
    log.info('fields', { a: 1 }, { name: 'bob' }); // `name` is a record attribute: kept as name_
    log.info('%(a)s mapping', { a: 'A' }, 'tail');
    assert.equal(s.value, 'count 42 x [ 1, 2 ] null|-|-\n100% done 5|-|-\n1 of 2 3|-|-\nfields|1|bob\nA mapping tail|-|-\n');
  });

  test('%j and %O – as util.format renders them; %o stays Python octal', () => {
    const { s, log } = textLogger('lc.node', new Formatter('%(message)s'));
    const circ: Record<string, unknown> = { a: 1 };
    circ.self = circ;
    log.info('j=%j O=%O o=%o', { k: [1] }, { k: { deep: true } }, 8);
    log.info('%j', circ);
    log.info('%j', 10n);
    assert.equal(s.value, 'j={"k":[1]} O={ k: { deep: true } } o=10\n[Circular]\n"10"\n');
  });

  test('a format that fails still delivers: fallback text keeps every argument; reported once per call site', async () => {
    const { s, h, log } = textLogger('lc.fail', new Formatter('%(message)s'));
    const err = await captureStderr(() => {
      for (let i = 0; i < 3; i++) log.info('%d apples', 'many'); // the same fault three times
      log.info('%s and %s', 'only one'); // a different bad call
      log.info('%x', 1.5);
    });
    assert.equal(s.value, 'many apples\nmany apples\nmany apples\nonly one and %s\n1.5\n');
    const reports = err.split('--- Logging error ---').slice(1);
    assert.equal(reports.length, 3, 'one report per distinct fault, repeats rate-limited');
    assert.match(reports[0]!, /MessageFormatError: the message could not be formatted \(TypeError: %d format: a real number is required, not str\) at .*log-call\.test\.ts:\d+; the record was delivered as "many apples"/);
    assert.match(reports[1]!, /not enough arguments for format string/);
    assert.match(reports[2]!, /%x format: an integer is required, not float/);
    assert.equal(h.suppressedErrors, 2);
  });

  test('rate limiting – a destination fault repeats as one fault whatever the call site', async () => {
    const h = new StreamHandler({
      write() {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    const log = logger('lc.disk', h);
    const err = await captureStderr(() => {
      log.info('a %d', 1);
      log.warning('b');
      log.error('c %s', 'x');
    });
    assert.equal(err.split('--- Logging error ---').length - 1, 1);
    assert.equal(h.suppressedErrors, 2);
  });

  test('LogRecord.getMessage() on a record keeps Python semantics and errors', () => {
    assert.throws(() => makeLogRecord({ msg: '%j', args: [1] }).getMessage(), /unsupported format character 'j' \(0x6a\) at index 1/);
    assert.throws(() => makeLogRecord({ msg: 'a', args: [1] }).getMessage(), /not all arguments converted during string formatting/);
    assert.throws(() => makeLogRecord({ msg: '%d', args: ['3'] }).getMessage(), /%d format: a real number is required, not str/);
    // while Formatter.format delivers it (the handler-side fallback)
    assert.equal(new Formatter('%(message)s').format(makeLogRecord({ msg: '%d items', args: ['3'] })), '3 items');
  });

  test('levels as Node developers write them – setLevel, isEnabledFor, log, handlers, dictConfig, basicConfig', () => {
    const root = getLogger();
    root.setLevel('info');
    assert.equal(root.level, 20);
    assert.equal(root.isEnabledFor('DEBUG'), false);
    assert.equal(root.isEnabledFor('warn'), true);
    assert.equal(checkLevel('Fatal'), 50);
    assert.throws(() => root.setLevel('loud'), /Unknown level: 'loud'/);
    const h = new StreamHandler(new StringIO(), 'error');
    assert.equal(h.level, 40);
    dictConfig({ version: 1, root: { level: 'debug' }, handlers: { h: { class: 'logging.StreamHandler', level: 'warning' } } });
    assert.equal(getLogger().level, 10);
    assert.throws(() => dictConfig({ version: 1, root: { level: 'verbose' } }), /root\.level: Unknown level: 'verbose'/);
    basicConfig({ level: 'warn', force: true });
    assert.equal(getLogger().level, 30);
    // record levelname stays Python's canonical name
    const { s, log } = textLogger('lc.lv', new Formatter('%(levelname)s'));
    log.log('warn', 'x');
    assert.equal(s.value, 'WARNING\n');
  });

  test('hostile arguments never escape the call and the record is still delivered', async () => {
    const { s, log } = textLogger('lc.hostile', new Formatter('%(message)s'));
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const trap = new Proxy({}, { get() { throw new Error('get trap'); }, getPrototypeOf() { throw new Error('proto trap'); }, ownKeys() { throw new Error('keys trap'); } });
    const evilErr = new Error('evil');
    Object.defineProperty(evilErr, 'code', { get() { throw new Error('code getter'); } });
    Object.defineProperty(evilErr, 'cause', { get() { throw new Error('cause getter'); } });
    const thrower = { toString() { throw evilErr; } };
    const prev = settings.errorReportInterval;
    settings.errorReportInterval = 0;
    try {
      await captureStderr(() => {
        log.warning('user %s', proxy);
        log.exception('x', proxy);
        log.warning('user %s', trap);
        log.exception('y', trap);
        log.info('t %s', thrower);
        log.info(proxy);
        log.info('tail', proxy, trap);
        log.error('evil', evilErr);
      });
    } finally {
      settings.errorReportInterval = prev;
    }
    assert.equal(s.value.split('\n').filter((l) => /^(user|x|y|t|tail|evil)/.test(l)).length >= 7, true, s.value);
  });
});

describe('log calls – verifier findings (issue #14 review)', () => {
  function quiet<T>(fn: () => T): T {
    const prev = settings.errorReportInterval;
    settings.errorReportInterval = 0;
    try {
      return fn();
    } finally {
      settings.errorReportInterval = prev;
    }
  }

  test('a mapping format given values but no mapping keeps its template and every value, and is reported (Python: format requires a mapping)', async () => {
    const { s, log } = textLogger('lc.v.map', new Formatter('%(message)s'));
    const err = await captureStderr(() =>
      quiet(() => {
        log.info('%(user)s did %(what)s', 'ann');
        log.info('%(user)s failed', 'bob', boom());
      }),
    );
    assert.match(s.value, /^%\(user\)s did %\(what\)s ann\n%\(user\)s failed bob\n[\s\S]*Error: card declined/);
    const reports = err.split('--- Logging error ---').slice(1);
    assert.equal(reports.length, 2, err);
    assert.match(reports[0]!, /format requires a mapping\) at .*log-call\.test\.ts:\d+/);
  });

  test('a * width or precision that is not an int, or one whose value is missing, is kept as an argument and reported', async () => {
    const { s, log } = textLogger('lc.v.star', new Formatter('%(message)s'));
    const err = await captureStderr(() =>
      quiet(() => {
        log.info('%*d', { a: 'A' }, 1); // Python: * wants int
        log.info('[%*d]', 7); // Python: not enough arguments
        log.info('[%.*f]', 2); // Python: not enough arguments
      }),
    );
    assert.equal(s.value, "1 { a: 'A' }\n[%*d] 7\n[%.*f] 2\n");
    assert.equal(err.split('--- Logging error ---').length - 1, 3, err);
  });

  test('exception() keeps exc_info when its last argument is a revoked Proxy', async () => {
    const { s, log } = textLogger('lc.v.proxy', new Formatter('%(message)s'));
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    await captureStderr(() => log.exception('lost', proxy));
    // Python's exception() always carries exc_info; with no Error at hand that is "NoneType: None"
    assert.equal(s.value, 'lost <Revoked Proxy>\nNoneType: None\n');
  });

  test('an Error from another realm (node:vm) is an Error: its stack in text, a structured err in JSON', async () => {
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('const e = new TypeError("cross realm"); e.code = "E_VM"; e.cause = new RangeError("inner"); e') as Error;
    const s = new StringIO();
    const j = new StringIO();
    const h = new StreamHandler(s);
    h.setFormatter(new Formatter('%(message)s'));
    const hj = new StreamHandler(j);
    hj.setFormatter(new JsonFormatter());
    const log = logger('lc.v.vm', h);
    log.addHandler(hj);
    log.error('vm failed', foreign);
    assert.match(s.value, /^vm failed\nRangeError: inner\n[\s\S]*direct cause[\s\S]*\nTypeError: cross realm\n/);
    assert.doesNotMatch(s.value, /Uncaught/);
    const rec = JSON.parse(j.value) as { err: Record<string, unknown> };
    assert.equal(rec.err.type, 'TypeError');
    assert.equal(rec.err.message, 'cross realm');
    assert.equal(rec.err.code, 'E_VM');
    assert.equal((rec.err.cause as Record<string, unknown>).message, 'inner');
  });

  test('an Error whose stack getter throws still prints its type and message', () => {
    const e = new Error('getter err');
    Object.defineProperty(e, 'stack', { get() { throw new Error('stack getter'); } });
    const s = new StringIO();
    const h = new StreamHandler(s);
    h.setFormatter(new Formatter('%(message)s'));
    logger('lc.v.getter', h).error('bad', e);
    assert.equal(s.value, 'bad\nError: getter err\n');
  });

  test("kw({ exc_info: false }) with a trailing Error: no exc_info, and the error is one line in the message, not its stack", () => {
    const s = new StringIO();
    const j = new StringIO();
    const h = new StreamHandler(s);
    h.setFormatter(new Formatter('%(message)s'));
    const hj = new StreamHandler(j);
    hj.setFormatter(new JsonFormatter());
    const log = logger('lc.v.noexc', h);
    log.addHandler(hj);
    log.error('declined', boom(), kw({ exc_info: false }));
    log.exception('two', new TypeError('first'), boom());
    const lines = s.value.split('\n');
    assert.equal(lines[0], 'declined Error: card declined');
    assert.equal(lines[1], 'two TypeError: first');
    assert.match(s.value.split('\n').slice(2).join('\n'), /Error: card declined/);
    const recs = j.value.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(recs[0]!.msg, 'declined Error: card declined');
    assert.equal(recs[0]!.err, undefined);
    assert.equal((recs[1]!.err as Record<string, unknown>).message, 'card declined');
  });

  test('rate limiting – one call site repeating a bad format is one fault, whatever values it appends or interpolates', async () => {
    const h = new StreamHandler(new StringIO());
    h.setFormatter(new Formatter('%(message)s'));
    const log = logger('lc.v.flood', h);
    const err = await captureStderr(() => {
      for (let i = 0; i < 20; i++) log.info('%d items', 'many', `req-${i}`);
      for (let i = 0; i < 20; i++) log.info(`user ${i}: %d items`, 'many');
    });
    assert.equal(err.split('--- Logging error ---').length - 1, 2, 'one report per call site');
    assert.equal(h.suppressedErrors, 38);
  });

  test('rate limiting – Node ERR_* codes are record faults: two call sites give two reports', async () => {
    class BufferFormatter extends Formatter {
      override format(record: { args: unknown }): string {
        return Buffer.from((record.args as unknown[])[0] as string).toString(); // ERR_INVALID_ARG_TYPE for undefined
      }
    }
    const h = new StreamHandler(new StringIO());
    h.setFormatter(new BufferFormatter());
    const log = logger('lc.v.errcode', h);
    const err = await captureStderr(() => {
      log.info('first %s', undefined);
      log.info('second %s', undefined);
    });
    assert.equal(err.split('--- Logging error ---').length - 1, 2, err);
  });
});

describe('log calls – CPython 3.11 grid (issue #14 review)', () => {
  // every format × argument shape: where CPython's getMessage() succeeds, the log call's
  // message is exactly CPython's, with no report; where it raises, the record is still
  // delivered, and any report names this file as the call site
  const FORMATS = ['%s', '%d', '%s %s', '%(a)s', '%(a)s %(b)d', '%%', '%s%%', '%%s', '%*d', '%-*s|', '%.*f', '%5.2f', '%x', '%o', '%r', '%c', 'plain', '%(a)s %%', '%e', '%g', '%i', '%#x', '% d', '%+d', '%05d', '%.3s', '%(a)-5s|', '100%% %s', '%(b)*d', '%s %(a)s', '%', '%(a)', '%z', '%s %%%s', '%-5d|', '%#o', '%X', '%10.4s|', '%.0f', '%(b)05.1f'];
  const SHAPES: unknown[][] = [[], ['x'], [1], [1, 2], ['a', 'b'], [3.5], [{ a: 'A', b: 2 }], [{ a: 'A' }, 1], [5, 3], [5, 'x'], [{}], [-7], [65], ['abcdef'], [2, 3.14159], [{ b: 3 }], ['%s'], [0], [1, 2, 3]];
  const PY = `
import json, sys, logging
d = json.load(sys.stdin)
out = []
for f in d['formats']:
  for a in d['shapes']:
    r = logging.LogRecord('n', 20, 'p', 1, f, tuple(a), None)
    try: out.append([True, r.getMessage()])
    except Exception as e: out.append([False, type(e).__name__])
json.dump(out, sys.stdout)
`;
  test('Python forms give CPython\'s message; failing ones are delivered and reported at the call site', async () => {
    const py = runPython<[boolean, string][]>(PY, { formats: FORMATS, shapes: SHAPES });
    let out: string[] = [];
    const h = new StreamHandler({ write: (t: string) => out.push(t) });
    h.setFormatter(new Formatter('%(message)s'));
    h.terminator = '';
    const log = logger('lc.grid', h);
    const prev = settings.errorReportInterval;
    settings.errorReportInterval = 0;
    let checked = 0;
    try {
      let i = 0;
      for (const f of FORMATS) {
        for (const shape of SHAPES) {
          const [ok, want] = py[i++]!;
          // a JS object's %s/%r text is util.inspect, not Python's dict repr (docs/python-mapping.md)
          if (shape.some((a) => typeof a === 'object') && (!f.includes('%(') || want.includes("{'"))) continue;
          out = [];
          const rep = await captureStderr(() => log.info(f, ...structuredClone(shape)));
          const where = `${JSON.stringify(f)} % ${JSON.stringify(shape)}`;
          assert.equal(out.length, 1, `${where}: delivered`);
          if (ok) {
            assert.equal(out[0], want, where);
            assert.equal(rep, '', `${where}: no report where CPython succeeds`);
            checked++;
          } else if (rep !== '') assert.match(rep, /at .*log-call\.test\.ts:\d+/, `${where}: the report names the call site`);
        }
      }
    } finally {
      settings.errorReportInterval = prev;
    }
    assert.ok(checked > 150, `CPython successes compared: ${checked}`);
  });
});
