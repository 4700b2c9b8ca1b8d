// Issue 10, scenario 5: hostile input. Property-based (fast-check) fuzzing of the
// log-call API, format strings and dictConfig input, and log injection through
// messages and untrusted fields. The receiver's frame decoder is fuzzed in
// test/network/hostile.test.ts (random bytes from many peers) and wire.test.ts.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  getLogger, StreamHandler, Formatter, JsonFormatter, ColorFormatter, ConfigError, Handler, makeLogRecord, kw, DEBUG, type LogRecord,
} from '../../src/index.js';
import { dictConfig } from '../../src/config/index.js';
import { snapshotLoggingState } from '../../src/testing/logging-state.js';
import { isolateLogging, StringIO, captureStderr } from '../helpers/capture.js';
import { collected, formatTable, record, reportCount, result } from './scenario.js';

isolateLogging();
after(() => console.log('\nreliability summary – hostile input\n' + formatTable(collected)));

/** Counts every record that reaches it (the record made it through the logger, whatever its content). */
class Count extends Handler {
  n = 0;
  override emit(_r: LogRecord): void {
    this.n++;
  }
}

const anyValue = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(Symbol('s'), () => 1, new Error('e'), Object.create(null), NaN, -0, 10n ** 30n),
);

describe('hostile input – never a crash', () => {
  test('Logger.log() – any msg, args and extra: the call never throws; every call is either output or reported', async () => {
    const s = new StringIO();
    const out = new StreamHandler(s);
    out.setFormatter(new Formatter('%(levelname)s %(name)s %(message)s'));
    const count = new Count();
    const log = getLogger('rel.fuzz');
    log.setLevel(DEBUG);
    log.propagate = false;
    log.addHandler(out);
    log.addHandler(count);
    let calls = 0;
    const stderr = await captureStderr(() =>
      fc.assert(
        fc.property(anyValue, fc.array(anyValue, { maxLength: 4 }), fc.dictionary(fc.string(), anyValue, { maxKeys: 3 }), fc.boolean(), (msg, args, extra, useExtra) => {
          const before = count.n;
          calls++;
          // never throws: an extra that would overwrite a record attribute ("message", "asctime", …)
          // is Python's KeyError, reported through handleError here, and the record still goes out
          if (useExtra) log.info(msg, ...args, kw({ extra }));
          else log.info(msg, ...args);
          assert.equal(count.n, before + 1);
        }),
        { numRuns: 400 },
      ),
    );
    const reports = reportCount(stderr);
    record(result('hostile log calls (any msg/args/extra)', calls, count.n, 0, { note: `${reports} formatting reports` }));
    assert.equal(count.n, calls);
  });

  test('Formatter() – any format string: an error at construction, or output (or a report) at emit, never a crash', async () => {
    let built = 0;
    let refused = 0;
    let emitted = 0;
    const stderr = await captureStderr(() =>
      fc.assert(
        fc.property(
          fc.oneof(fc.string(), fc.stringMatching(/^(%\([a-z_]{0,10}\)?[-#0 +]?\d{0,3}(\.\d{0,2})?[a-zA-Z%]?|[{}$%a-z ]){0,6}$/)),
          fc.constantFrom('%', '{', '$'),
          (fmt, style) => {
            let f: Formatter;
            try {
              f = new Formatter(fmt, null, style as '%');
            } catch (e) {
              assert.ok(e instanceof Error, 'throws an Error');
              refused++;
              return;
            }
            built++;
            const s = new StringIO();
            const h = new StreamHandler(s);
            h.setFormatter(f);
            h.handle(makeLogRecord({ msg: 'hello %s', args: ['x'], name: 'n' }));
            emitted++;
          },
        ),
        { numRuns: 1500 },
      ),
    );
    assert.ok(built > 0 && refused > 0, `built ${built}, refused ${refused}`);
    record(result('hostile format strings', built + refused, emitted, refused, { note: `${reportCount(stderr)} emit-time reports` }));
  });

  test('dictConfig() – any config-shaped input: applied, or a ConfigError naming the offending key, never another error', () => {
    // mostly well-formed, sometimes anything: so that both outcomes are exercised
    const mostly = <T,>(valid: fc.Arbitrary<T>, weight = 12): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: valid, weight }, { arbitrary: anyValue, weight: 1 });
    const level = mostly(fc.constantFrom('DEBUG', 'INFO', 'WARNING', 'ERROR', 10, 20, 'XX'));
    const handler = fc.record(
      {
        class: mostly(fc.constantFrom('logging.StreamHandler', 'logging.NullHandler', 'logging.StreamHandler', 'nope.Nope')),
        level,
        formatter: mostly(fc.constantFrom('f', 'f', 'missing')),
        stream: mostly(fc.constantFrom('ext://sys.stderr', 'ext://sys.stderr', 'ext://nope')),
        filters: mostly(fc.constant(['x'])),
      },
      { requiredKeys: ['class'] },
    );
    const config = fc.record(
      {
        version: mostly(fc.constant(1), 30),
        incremental: mostly(fc.constant(false)),
        disable_existing_loggers: mostly(fc.boolean()),
        formatters: mostly(fc.dictionary(fc.constantFrom('f', 'g'), fc.record({ format: fc.oneof(fc.constant('%(message)s'), fc.string()), style: fc.constantFrom('%', '%', '{', '$', '?'), datefmt: fc.string() }, { requiredKeys: [] }))),
        filters: mostly(fc.dictionary(fc.constantFrom('x', 'y'), fc.record({ name: fc.string() }))),
        handlers: mostly(fc.dictionary(fc.constantFrom('h', 'k'), handler)),
        loggers: mostly(fc.dictionary(fc.string(), fc.record({ level, handlers: mostly(fc.constant(['h'])), propagate: mostly(fc.boolean()) }, { requiredKeys: [] }))),
        root: mostly(fc.record({ level, handlers: mostly(fc.constant(['h', 'k'])) }, { requiredKeys: [] })),
      },
      { requiredKeys: ['version'] },
    );
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: config, weight: 9 }, { arbitrary: anyValue, weight: 1 }), (cfg) => {
        const restore = snapshotLoggingState();
        try {
          dictConfig(cfg as never);
          applied++;
        } catch (e) {
          assert.ok(e instanceof ConfigError, `not a ConfigError: ${(e as Error)?.stack ?? String(e)}`);
          refused++;
        } finally {
          restore();
        }
      }),
      {
        numRuns: 600,
        // valid configs are rare in this space (a few per 600 runs): always include some, so the
        // "applied" branch is exercised whatever the seed
        examples: [
          [{ version: 1 }],
          [{ version: 1, formatters: { f: { format: '%(message)s' } }, handlers: { h: { class: 'logging.StreamHandler', formatter: 'f', stream: 'ext://sys.stderr' } }, root: { level: 'INFO', handlers: ['h'] } }],
          [{ version: 1, handlers: { k: { class: 'logging.NullHandler', level: 20 } }, loggers: { 'a.b': { level: 'DEBUG', handlers: ['k'], propagate: false } } }],
        ],
      },
    );
    assert.ok(applied > 0 && refused > 0, `applied ${applied}, refused ${refused}`);
    record(result('hostile dictConfig input', applied + refused, applied, refused, { note: 'refused = ConfigError' }));
  });
});

describe('log injection (see docs/reliability.md)', () => {
  test('Formatter – CR/LF in a message forge extra lines in a text file by default (Python behaviour); escape: \'control\' is the opt-in', () => {
    const s = new StringIO();
    const h = new StreamHandler(s);
    h.setFormatter(new Formatter('%(levelname)s %(message)s'));
    h.handle(makeLogRecord({ msg: 'user=%s', args: ['bob\nCRITICAL admin logged in'], levelname: 'INFO' }));
    assert.equal(s.value, 'INFO user=bob\nCRITICAL admin logged in\n'); // two lines: the second is forged
  });

  test("Formatter({ escape: 'control' }) – any untrusted message, argument or extra field gives exactly one line without control characters", () => {
    const f = new Formatter({ fmt: '%(levelname)s %(user)s %(message)s', escape: 'control' });
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (text, arg, user) => {
        const line = f.format(makeLogRecord({ msg: text.replace(/%/g, '%%') + ' %s', args: [arg], levelname: 'INFO', user }));
        assert.equal(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/.test(line), false, JSON.stringify(line));
      }),
      { numRuns: 500 },
    );
  });

  test('JsonFormatter.format() – any message (CR, LF, U+2028, control characters) is exactly one line: injection cannot forge a record', () => {
    const f = new JsonFormatter();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.boolean(), (text, field, asArg) => {
        // untrusted text as the message itself, or as an argument of a fixed message
        const line = f.format(asArg ? makeLogRecord({ msg: 'user=%s', args: [field] }) : makeLogRecord({ msg: text, args: null }));
        assert.equal(line.includes('\n') || line.includes('\r'), false);
        assert.equal(/[\x00-\x1f]/.test(line), false);
        JSON.parse(line); // and it is valid JSON
      }),
      { numRuns: 500 },
    );
  });

  test('ColorFormatter – on a terminal, ANSI escapes from an untrusted field are escaped: only logflume\'s own colour codes reach the TTY', () => {
    const f = new ColorFormatter({ fmt: '%(levelname)s %(message)s', colors: true });
    const out = f.format(makeLogRecord({ msg: 'name=%s', args: ['\x1b[2J\x1b]0;pwned\x07'], levelname: 'INFO', levelno: 20 }));
    assert.equal(out.includes('\x1b[2J'), false);
    assert.ok(out.includes('name=\\x1b[2J\\x1b]0;pwned\\x07'), out);
    const codes = out.match(/\x1b\[[0-9;]*m/g) ?? [];
    assert.ok(codes.length >= 2, 'the level is still coloured');
    assert.equal(out.replace(/\x1b\[[0-9;]*m/g, '').includes('\x1b'), false, 'no other escape sequence');
  });
});
