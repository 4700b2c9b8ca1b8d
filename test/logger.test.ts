import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  getLogger, root, Logger, StreamHandler, Formatter, NullHandler, Filter, kw, disable, setCallerInfo,
  DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET, settings, PlaceHolder, setLoggerClass, getLoggerClass, LogRecord, Handler,
} from '../src/index.js';
import { isolateLogging, StringIO, captureStderr } from './helpers/capture.js';

isolateLogging();

function capture(logger: Logger, fmt = '%(name)s:%(levelname)s:%(message)s'): StringIO {
  const s = new StringIO();
  const h = new StreamHandler(s);
  h.setFormatter(new Formatter(fmt));
  logger.addHandler(h);
  return s;
}

describe('Logger', () => {
  test('getLogger() – same name gives the same logger; no name gives root', () => {
    assert.equal(getLogger('a.b'), getLogger('a.b'));
    assert.equal(getLogger(), root);
    assert.equal(getLogger('root'), root);
    assert.equal(root.name, 'root');
    assert.equal(root.level, WARNING);
  });

  test('getLogger() – a child created before its parent is re-parented (PlaceHolder)', () => {
    const c = getLogger('t1.x.y');
    assert.equal(c.parent, root);
    assert.ok(Logger.manager.loggerDict.get('t1.x') instanceof PlaceHolder);
    const p = getLogger('t1');
    assert.equal(c.parent, p);
    const mid = getLogger('t1.x');
    assert.equal(c.parent, mid);
    assert.equal(mid.parent, p);
  });

  test('getChild() – dotted child name; from root the bare name', () => {
    assert.equal(getLogger('gc').getChild('a.b'), getLogger('gc.a.b'));
    assert.equal(root.getChild('zz'), getLogger('zz'));
    assert.deepEqual([...getLogger('gc').getChildren()].map((l) => l.name), []);
    getLogger('gc.k');
    assert.deepEqual([...getLogger('gc').getChildren()].map((l) => l.name).sort(), ['gc.k']);
  });

  test('getEffectiveLevel()/isEnabledFor() – inherit and the cache clears on any setLevel', () => {
    const p = getLogger('lv');
    const c = getLogger('lv.c');
    root.setLevel(WARNING);
    assert.equal(c.getEffectiveLevel(), WARNING);
    assert.equal(c.isEnabledFor(INFO), false);
    p.setLevel('DEBUG');
    assert.equal(c.isEnabledFor(INFO), true);
    assert.equal(c.getEffectiveLevel(), DEBUG);
    p.setLevel(NOTSET);
    assert.equal(c.isEnabledFor(INFO), false);
  });

  test('setLevel() – unknown level name is a clear error', () => {
    assert.throws(() => getLogger('x').setLevel('LOUD'), /Unknown level: 'LOUD'/);
    assert.throws(() => getLogger('x').setLevel(1.5), /Level not an integer/);
  });

  test('disable() – drops calls at or below the level everywhere', () => {
    const l = getLogger('dis');
    l.setLevel(DEBUG);
    const s = capture(l);
    disable(INFO);
    l.info('no');
    l.warning('yes');
    disable(NOTSET);
    l.info('again');
    assert.equal(s.value, 'dis:WARNING:yes\ndis:INFO:again\n');
  });

  test('propagate – records reach ancestors until propagate is false', () => {
    const a = getLogger('pr');
    const b = getLogger('pr.b');
    const c = getLogger('pr.b.c');
    a.setLevel(DEBUG);
    const sa = capture(a);
    const sb = capture(b);
    c.info('one');
    b.propagate = false;
    c.info('two');
    assert.equal(sa.value, 'pr.b.c:INFO:one\n');
    assert.equal(sb.value, 'pr.b.c:INFO:one\npr.b.c:INFO:two\n');
  });

  test('callHandlers() – handler level is respected; disabled logger drops', () => {
    const l = getLogger('hl');
    l.setLevel(DEBUG);
    const s = new StringIO();
    const h = new StreamHandler(s);
    h.setLevel(ERROR);
    l.addHandler(h);
    l.warning('w');
    l.error('e');
    l.disabled = true;
    l.critical('c');
    assert.equal(s.value, 'e\n');
  });

  test('callHandlers() – lastResort prints WARNING+ when no handler exists', async () => {
    const l = getLogger('lr');
    l.propagate = false;
    const out: string[] = [];
    const prev = settings.lastResort;
    settings.lastResort = { level: WARNING, handle: (r: never) => out.push((r as unknown as LogRecord).getMessage()) };
    l.warning('seen %d', 1);
    l.info('not seen');
    settings.lastResort = prev;
    assert.deepEqual(out, ['seen 1']);
  });

  test('addHandler()/removeHandler()/hasHandlers()', () => {
    const l = getLogger('hh');
    l.propagate = false;
    assert.equal(l.hasHandlers(), false);
    const h = new NullHandler();
    l.addHandler(h);
    l.addHandler(h);
    assert.equal(l.handlers.length, 1);
    assert.equal(l.hasHandlers(), true);
    l.removeHandler(h);
    assert.equal(l.hasHandlers(), false);
  });

  test('log() – level as a name or a number; an unknown level is reported, not thrown, and the record is kept at WARNING', async () => {
    const l = getLogger('lg');
    l.setLevel(DEBUG);
    const s = capture(l);
    l.log('ERROR', 'by name');
    l.log('error', 'by lower-case name');
    l.log(15, 'custom %s', 'lvl');
    const err = await captureStderr(() => l.log('NOPE', 'x'));
    assert.equal(s.value, 'lg:ERROR:by name\nlg:ERROR:by lower-case name\nlg:Level 15:custom lvl\nlg:WARNING:x\n');
    assert.match(err, /--- Logging error ---/);
    assert.match(err, /Unknown level: 'NOPE'.*logged at WARNING/);
  });

  test('every method – debug/info/warning/warn/error/exception/critical/fatal', () => {
    const l = getLogger('m');
    l.setLevel(DEBUG);
    const s = capture(l, '%(levelname)s %(message)s');
    l.debug('d');
    l.info('i');
    l.warning('w');
    l.warn('w2');
    l.error('e');
    l.critical('c');
    l.fatal('f');
    assert.equal(s.value, 'DEBUG d\nINFO i\nWARNING w\nWARNING w2\nERROR e\nCRITICAL c\nCRITICAL f\n');
  });

  test('exception() – exc_info is the Error argument; its stack follows the line', () => {
    const l = getLogger('ex');
    const s = capture(l, '%(levelname)s %(message)s');
    const err = new Error('boom');
    l.exception('failed: %s', err);
    const lines = s.value.split('\n');
    assert.equal(lines[0], 'ERROR failed: Error: boom');
    assert.equal(lines[1], 'Error: boom');
    assert.match(lines[2]!, /^\s+at /);
  });

  test('exception() – with no error anywhere prints NoneType: None as Python does', () => {
    const l = getLogger('ex2');
    const s = capture(l, '%(message)s');
    l.exception('nothing');
    assert.equal(s.value, 'nothing\nNoneType: None\n');
  });

  test('kw({ exc_info }) – cause chain printed oldest first', () => {
    const l = getLogger('ex3');
    const s = capture(l, '%(message)s');
    const inner = new TypeError('inner');
    const outer = new Error('outer', { cause: inner });
    l.error('x', kw({ exc_info: outer }));
    assert.match(s.value, /^x\nTypeError: inner\n[\s\S]*The above exception was the direct cause of the following exception:\n\nError: outer\n/);
  });

  test('kw({ extra }) – merged into the record; clashing keys are reported and skipped', async () => {
    const l = getLogger('extra');
    const s = capture(l, '%(user)s %(message)s');
    l.warning('hello', kw({ extra: { user: 'ann' } }));
    const err = await captureStderr(() => l.warning('again', kw({ extra: { user: 'bob', name: 'evil', message: 'm' } })));
    assert.equal(s.value, 'ann hello\nbob again\n');
    assert.match(err, /Attempt to overwrite 'name' in LogRecord/);
    assert.match(err, /Attempt to overwrite 'message' in LogRecord/);
  });

  test('caller info – pathname/lineno/funcName are the caller of the log method', () => {
    const l = getLogger('caller');
    const s = capture(l, '%(filename)s:%(lineno)d:%(funcName)s:%(module)s');
    function myFunction(): void {
      l.warning('x');
    }
    myFunction();
    const [file, line, fn, mod] = s.value.trim().split(':');
    assert.equal(file, 'logger.test.ts');
    assert.equal(mod, 'logger.test');
    assert.equal(fn, 'myFunction');
    assert.ok(Number(line) > 0);
  });

  test('caller info – stacklevel 2 reports the caller of the caller', () => {
    const l = getLogger('caller2');
    const s = capture(l, '%(funcName)s');
    function helper(): void {
      l.warning('x', kw({ stacklevel: 2 }));
    }
    function outerFn(): void {
      helper();
    }
    outerFn();
    assert.equal(s.value, 'outerFn\n');
  });

  test('caller info – not captured when no format needs it (mode never)', () => {
    setCallerInfo('never');
    const l = getLogger('caller3');
    const s = capture(l, '%(funcName)s %(lineno)d');
    (function f() {
      l.warning('x');
    })();
    assert.equal(s.value, '(unknown function) 0\n');
  });

  test('stack_info – Python header and frames, most recent last', () => {
    const l = getLogger('si');
    const s = capture(l, '%(message)s');
    function deep(): void {
      l.warning('x', kw({ stack_info: true }));
    }
    deep();
    const lines = s.value.trim().split('\n');
    assert.equal(lines[0], 'x');
    assert.equal(lines[1], 'Stack (most recent call last):');
    assert.match(lines[lines.length - 1]!, /in deep$/);
  });

  test('filters – Filter prefix semantics on a logger', () => {
    const l = getLogger('fa');
    l.setLevel(DEBUG);
    const s = capture(l);
    const h = l.handlers[0] as Handler;
    h.addFilter(new Filter('fa.b'));
    getLogger('fa.b').info('1');
    getLogger('fa.b.c').info('2');
    getLogger('fa.bb').info('3');
    l.info('4');
    assert.equal(s.value, 'fa.b:INFO:1\nfa.b.c:INFO:2\n');
  });

  test('filters – plain functions; a returned record replaces the original (3.12)', () => {
    const l = getLogger('ff');
    const s = capture(l, '%(message)s');
    l.addFilter((r: LogRecord) => r.levelno >= ERROR);
    l.addFilter((r: LogRecord) => {
      const copy = Object.assign(Object.create(Object.getPrototypeOf(r)), r) as LogRecord;
      copy.msg = 'redacted';
      copy.args = [];
      return copy;
    });
    l.warning('dropped');
    l.error('secret %s', 'x');
    assert.equal(s.value, 'redacted\n');
  });

  test('setLoggerClass() – new loggers use the subclass', () => {
    class MyLogger extends Logger {}
    setLoggerClass(MyLogger);
    assert.equal(getLoggerClass(), MyLogger);
    assert.ok(getLogger('custom.cls') instanceof MyLogger);
    assert.throws(() => setLoggerClass(class X {} as never), /not derived/);
  });

  test('levels – CRITICAL passes at the root default', () => {
    const s = capture(root, '%(message)s');
    getLogger('lvx').critical('c');
    getLogger('lvx').info('i');
    assert.equal(s.value, 'c\n');
    assert.equal(CRITICAL, 50);
  });
});
