import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { getLogger, StreamHandler, Formatter, kw, DEBUG, settings, checkLevel } from '../src/index.js';
import { isolateLogging, StringIO, captureStderr } from './helpers/capture.js';

isolateLogging();

function setup(name: string) {
  const s = new StringIO();
  const h = new StreamHandler(s);
  h.setFormatter(new Formatter('%(levelname)s %(message)s'));
  const l = getLogger(name);
  l.setLevel(DEBUG);
  l.propagate = false;
  l.addHandler(h);
  return { s, l };
}

describe('bad input never throws into the caller', () => {
  test('circular objects, BigInt, Symbol, null/undefined messages', async () => {
    const { s, l } = setup('bad1');
    const circ: Record<string, unknown> = { a: 1 };
    circ.self = circ;
    await captureStderr(() => {
      l.info('circ %s', circ);
      l.info('big %d %s', 10n ** 20n, 5n);
      l.info('sym %s', Symbol('s'));
      l.info(null);
      l.info(undefined);
      l.info(circ);
      l.info(Symbol('msg'));
    });
    const lines = s.value.trim().split('\n');
    assert.equal(lines.length, 7);
    assert.equal(lines[0], 'INFO circ <ref *1> { a: 1, self: [Circular *1] }');
    assert.equal(lines[1], 'INFO big 100000000000000000000 5');
    assert.equal(lines[2], 'INFO sym Symbol(s)');
    assert.equal(lines[3], 'INFO null');
    assert.equal(lines[4], 'INFO undefined');
  });

  test('objects whose toString throws – reported, still delivered (issue #14); the next record goes through', async () => {
    const { s, l } = setup('bad2');
    const evil = { toString() { throw new Error('toString exploded'); } };
    const err = await captureStderr(() => {
      l.info('evil %s', evil);
      l.info(evil);
      l.info('next');
    });
    assert.match(err, /toString exploded/);
    assert.match(err, /MessageFormatError: .* at .*bad-input\.test\.ts:\d+/);
    assert.equal(s.value, 'INFO evil { toString: [Function: toString] }\nINFO { toString: [Function: toString] }\nINFO next\n');
  });

  test('wrong argument counts and types – reported with Python wording, every record delivered (issue #14)', async () => {
    const { s, l } = setup('bad3');
    const err = await captureStderr(() => {
      l.info('%s %s', 'one');
      l.info('%s', 'one', 'two');
      l.info('%d', 'x');
      l.info('ok %d', 1);
    });
    assert.match(err, /not enough arguments for format string/);
    assert.match(err, /%d format: a real number is required, not str/);
    // a leftover argument is appended as util.format does: no fault
    assert.doesNotMatch(err, /not all arguments converted during string formatting/);
    assert.equal((err.match(/--- Logging error ---/g) ?? []).length, 2);
    assert.equal(s.value, 'INFO one %s\nINFO one two\nINFO x\nINFO ok 1\n');
  });

  test('bad kw values – extra not an object, weird stacklevel', async () => {
    const { s, l } = setup('bad4');
    await captureStderr(() => {
      l.info('a', kw({ extra: 5 as never }));
      l.info('b', kw({ stacklevel: 1000 }));
      l.info('c', kw({ stacklevel: -3 }));
      l.info('d', kw({ exc_info: 'a string' }));
    });
    assert.match(s.value, /^INFO a\nINFO b\nINFO c\nINFO d\n/);
  });

  test('a throwing custom handler does not stop its siblings', async () => {
    const { s, l } = setup('bad5');
    l.handlers.unshift({ level: 0, handle() { throw new Error('handler down'); } } as never);
    const err = await captureStderr(() => l.warning('still here'));
    assert.match(err, /handler down/);
    assert.equal(s.value, 'WARNING still here\n');
  });

  test('property – any values as msg/args never throw', async () => {
    const { l } = setup('bad6');
    await captureStderr(() => {
      fc.assert(
        fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true }), fc.array(fc.anything({ withBigInt: true })), (msg, args) => {
          l.info(msg, ...args);
          l.info(typeof msg === 'string' ? msg.slice(0, 20) + ' %s %d %r %(k)s' : '%s %d %r %(k)s', ...args);
          return true;
        }),
        { numRuns: 300 },
      );
    });
  });

  // Issue #15 item 2: hostile shapes anywhere in a call, through every log method;
  // nothing escapes and every call still delivers exactly one record.
  test('property – revoked proxies, throwing traps, getters and toString never escape any log method; one record per call', async () => {
    // counts records that were formatted and written: a record lost anywhere is a missing count
    let written = 0;
    class Counting extends StreamHandler<StringIO> {
      override emit(record: Parameters<StreamHandler['emit']>[0]): void {
        super.emit(record);
        written++;
      }
    }
    const h = new Counting(new StringIO());
    h.setFormatter(new Formatter('%(levelname)s|%(message)s'));
    const l = getLogger('bad7');
    l.setLevel(DEBUG);
    l.propagate = false;
    l.addHandler(h);
    const revoked = (): unknown => {
      const r = Proxy.revocable({}, {});
      r.revoke();
      return r.proxy;
    };
    const trapper = (): unknown =>
      new Proxy({}, {
        get() { throw new Error('get trap'); },
        getPrototypeOf() { throw new Error('proto trap'); },
        ownKeys() { throw new Error('keys trap'); },
        has() { throw new Error('has trap'); },
        getOwnPropertyDescriptor() { throw new Error('gopd trap'); },
      });
    const evilError = (): unknown => {
      const e = new Error('evil');
      for (const k of ['code', 'cause', 'stack', 'message', 'name']) Object.defineProperty(e, k, { get() { throw new Error(`${k} getter`); } });
      return e;
    };
    const throwingToString = (): unknown => ({ toString() { throw evilError(); } });
    const getterObject = (): unknown => Object.defineProperty({}, 'x', { enumerable: true, get() { throw new Error('x getter'); } });
    // fast-check clones generated values, which a revoked Proxy does not survive: generate
    // the kind of value and build the hostile object inside the property
    const makers: Record<string, () => unknown> = { revoked, trapper, evilError, throwingToString, getterObject };
    const hostile = fc.oneof(
      fc.constantFrom(...Object.keys(makers)).map((k) => ({ make: k })),
      fc.anything({ withBigInt: true, withNullPrototype: true }).map((v) => ({ value: v })),
      fc.constantFrom('%s', '%d', '%(k)s', '%j', '%O', '%', 'x').map((v) => ({ value: v })),
    );
    const levelBelowDebug = (v: unknown): boolean => {
      if (typeof v !== 'string') return false;
      try {
        return checkLevel(v) < DEBUG;
      } catch {
        return false;
      }
    };
    const build = (h: { make?: string; value?: unknown }): unknown => (h.make !== undefined ? makers[h.make]!() : h.value);
    const methods = ['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal'] as const;
    let calls = 0;
    const prev = settings.errorReportInterval;
    settings.errorReportInterval = 60_000;
    try {
      await captureStderr(() => {
        fc.assert(
          fc.property(fc.constantFrom(...methods), hostile, fc.array(hostile, { maxLength: 4 }), (m, hm, ha) => {
            const msg = build(hm);
            const args = ha.map(build);
            const before = written;
            (l[m] as (msg: unknown, ...a: unknown[]) => void)(msg, ...args);
            // the level argument hostile too (a number is a real level, maybe below DEBUG)
            // a string that names a level below DEBUG ('0', 'notset') is that level: not delivered by design
            l.log((typeof msg === 'number' || levelBelowDebug(msg) ? 'info' : msg) as never, 'via log()', ...args);
            calls += 2;
            return written === before + 2;
          }),
          { numRuns: 400 },
        );
      });
    } finally {
      settings.errorReportInterval = prev;
    }
    assert.equal(written, calls, 'every call delivered one record');
  });

  // issue 14 review: hostile values inside kw() – the options object, extra, through a
  // logger and a child() adapter – cost their own fields, never the record
  test('hostile kw() options and extra never lose the record, through a logger and a child() adapter', async () => {
    const s = new StringIO();
    const h = new StreamHandler(s);
    h.setFormatter(new Formatter('%(message)s'));
    const l = getLogger('bad8');
    l.setLevel(DEBUG);
    l.propagate = false;
    l.addHandler(h);
    const revoked = (): never => {
      const r = Proxy.revocable({}, {});
      r.revoke();
      return r.proxy as never;
    };
    const trapper = (): never => new Proxy({}, { get() { throw new Error('get trap'); }, ownKeys() { throw new Error('keys trap'); } }) as never;
    const getter = (): never => Object.defineProperty({}, 'x', { enumerable: true, get() { throw new Error('x getter'); } }) as never;
    const child = l.child({ reqId: 'r' });
    await captureStderr(() => {
      for (const target of [l, child]) {
        target.info('a', kw({ extra: revoked() }));
        target.info('b', kw({ extra: trapper() }));
        target.info('c', kw({ extra: getter() }));
        target.info('d', kw(revoked()));
        target.info('e', kw(trapper()));
      }
    });
    assert.equal(s.value, 'a\nb\nc\nd\ne\n'.repeat(2));
  });
});
