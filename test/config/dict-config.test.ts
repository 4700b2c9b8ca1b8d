import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolateLogging, StringIO, MemoryStream } from '../helpers/capture.js';
import { dictConfig, dictConfigAsync, buildHandlers, registerClass, unregisterClass, lookupClass, pyArgs } from '../../src/config/index.js';
import { getLogger, root, ConfigError, FileHandler, StreamHandler, Formatter, Handler, Filter, type LogRecord } from '../../src/index.js';

isolateLogging();

const here = path.dirname(fileURLToPath(import.meta.url));
// The handlers barrel is imported statically: if it breaks, this file fails (it never skips).
import '../../src/handlers/index.js';

function base(streams: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    version: 1 as const,
    streams,
    formatters: { f: { format: '%(name)s:%(levelname)s:%(message)s' } },
    handlers: { out: { class: 'logging.StreamHandler', formatter: 'f', stream: 'cfg://streams.out' } },
    root: { level: 'DEBUG', handlers: ['out'] },
    ...extra,
  };
}

function thrown(fn: () => unknown): ConfigError & { path?: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e as ConfigError & { path?: string };
  }
  assert.fail('expected dictConfig to throw');
}

test('dictConfig() – error names the key path, with Python wording and the cause', () => {
  const out = new StringIO();
  const e = thrown(() => dictConfig({ ...base({ out }), handlers: { out: { class: 'logging.FileHandler', filename: 42 } } }));
  assert.equal(e.message, "Unable to configure handler 'out': handlers.out.filename: expected a file path, got 42");
  assert.equal(e.path, 'handlers.out.filename');
  assert.ok(e.cause instanceof ConfigError);
  assert.equal((e.cause as Error).message, 'handlers.out.filename: expected a file path, got 42');
});

test('dictConfig() – maxBytes that is not an integer is rejected (RotatingFileHandler)', () => {
  const e = thrown(() =>
    dictConfig({ version: 1, handlers: { file: { class: 'logging.handlers.RotatingFileHandler', filename: path.join(tmpdir(), 'never.log'), maxBytes: 'ten' } } }),
  );
  assert.equal(e.message, `Unable to configure handler 'file': handlers.file.maxBytes: expected an integer, got "ten"`);
});

test('dictConfig() – each kind of invalid config names what is wrong', () => {
  const out = new StringIO();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ version: 2 }, /^version: Unsupported version: 2/],
    [{ handlers: { out: { class: 'logging.NoSuchHandler' } } }, /handlers\.out\.class: Cannot resolve 'logging\.NoSuchHandler'/],
    [{ handlers: { out: { class: 'logging.StreamHandler', formatter: 'missing' } } }, /handlers\.out\.formatter: Unable to set formatter 'missing'/],
    [{ handlers: { out: { class: 'logging.StreamHandler', level: 'LOUD' } } }, /handlers\.out\.level: .*LOUD/],
    [{ handlers: { out: { class: 'logging.StreamHandler', strem: 1 } } }, /handlers\.out\.strem: unexpected keyword argument 'strem' for logging\.StreamHandler/],
    [{ handlers: { out: { level: 'INFO' } } }, /handlers\.out: missing 'class'/],
    [{ root: { handlers: ['nope'] } }, /^Unable to configure root logger: root\.handlers\[0\]: Unable to add handler 'nope'/],
    [{ loggers: { 'a.b': { level: 'INFO', handler: ['out'] } } }, /^Unable to configure logger 'a\.b': loggers\["a\.b"\]\.handler: unknown logger key 'handler'/],
    [{ loggers: { 'a.b': { propagate: 'maybe' } } }, /loggers\["a\.b"\]\.propagate: expected true or false, got "maybe"/],
    [{ formatters: { f: { format: '%(message)s', style: '%%' } } }, /formatters\.f\.style: Style must be one of/],
    [{ formatters: { f: { fmt: '%(message)s' } } }, /formatters\.f\.fmt: unknown formatter key 'fmt'/],
    [{ filters: { x: { nam: 'a' } } }, /filters\.x\.nam: unknown filter key/],
    [{ handlers: { out: { class: 'logging.StreamHandler', filters: ['ghost'] } } }, /handlers\.out\.filters\[0\]: Unable to add filter 'ghost'/],
    [{ handlers: { out: 'cfg://nowhere.x' } }, /Unable to convert 'cfg:\/\/nowhere\.x'/],
    [{ a: 'cfg://b', b: 'cfg://a', handlers: { out: { class: 'logging.StreamHandler', '.': { x: 'cfg://a' } } } }, /reference cycle: cfg:\/\/a -> cfg:\/\/b -> cfg:\/\/a/],
    [{ handlers: { out: { class: './nowhere.js:Handler' } } }, /module "\.\/nowhere\.js" is not loaded .*dictConfigAsync/],
  ];
  assert.match(thrown(() => dictConfig({} as never)).message, /^version: dictionary doesn't specify a version/);
  for (const [partial, re] of cases) {
    const e = thrown(() => dictConfig({ ...base({ out }), ...partial } as never));
    assert.match(e.message, re);
  }
});

test('dictConfig() – a failed config changes nothing and closes what it built', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-cfg-'));
  try {
    const out = new StringIO();
    dictConfig(base({ out }, { loggers: { app: { level: 'WARNING' } } }));
    const before = { handlers: root.handlers.slice(), level: getLogger('app').level };
    let built: FileHandler | null = null;
    class Spy extends FileHandler {
      constructor(f: string) {
        super(f);
        built = this;
      }
    }
    registerClass('test.Spy', Spy, pyArgs('filename!:path'));
    try {
      // 'a' sorts before 'b', so the file handler is built before the bad one fails.
      const e = thrown(() =>
        dictConfig({
          version: 1,
          handlers: { a: { class: 'test.Spy', filename: path.join(dir, 'a.log') }, b: { class: 'logging.StreamHandler', stream: 'ext://process.nothing' } },
          loggers: { app: { level: 'DEBUG', handlers: ['a'] } },
          root: { level: 'ERROR', handlers: ['b'] },
        }),
      );
      assert.match(e.message, /^Unable to configure handler 'b': handlers\.b\.stream: Cannot resolve 'process\.nothing'/);
    } finally {
      unregisterClass('test.Spy');
    }
    assert.deepEqual(root.handlers, before.handlers);
    assert.equal(getLogger('app').level, before.level);
    assert.equal(root.level, 10);
    assert.ok(built !== null && (built as FileHandler).stream === null, 'the half-built file handler was closed');
    getLogger('app').error('still here');
    assert.equal(out.value, 'app:ERROR:still here\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dictConfigAsync() – reconfiguring flushes and closes the old handlers without losing buffered records', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-cfg-'));
  try {
    const file = path.join(dir, 'old.log');
    dictConfig({
      version: 1,
      formatters: { f: { format: '%(message)s' } },
      handlers: { file: { class: 'logging.FileHandler', filename: file, buffered: true, formatter: 'f' } },
      root: { level: 'INFO', handlers: ['file'] },
    });
    const old = root.handlers[0] as FileHandler;
    for (let i = 0; i < 100; i++) getLogger('x').info('record %d', i);
    const out = new StringIO();
    await dictConfigAsync(base({ out }, { disable_existing_loggers: false }));
    assert.equal(old.stream, null, 'old handler closed');
    assert.ok(!root.handlers.includes(old));
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 100);
    assert.equal(lines[99], 'record 99');
    getLogger('x').info('new');
    assert.equal(out.value, 'x:INFO:new\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dictConfig() – handlers a user added to loggers the config does not name stay open', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-cfg-'));
  try {
    const mine = new FileHandler(path.join(dir, 'mine.log'));
    getLogger('lib').addHandler(mine);
    await dictConfigAsync({ ...base({ out: new StringIO() }), disable_existing_loggers: false });
    assert.notEqual(mine.stream, null);
    getLogger('lib').warning('kept');
    assert.equal(await readFile(path.join(dir, 'mine.log'), 'utf8'), 'kept\n');
    await mine.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dictConfig() – ext://process.stdout, ext://sys.stderr and Python class aliases resolve', () => {
  dictConfig({
    version: 1,
    handlers: {
      a: { class: 'logging.StreamHandler', stream: 'ext://process.stdout' },
      b: { class: 'StreamHandler', stream: 'ext://sys.stderr' },
      c: { class: 'logflume.NullHandler' },
      d: { class: StreamHandler, stream: 'ext://process.stderr' },
    },
    root: { handlers: ['a', 'b', 'c', 'd'] },
  });
  const [a, b, c, d] = root.handlers as StreamHandler[];
  assert.equal(a!.stream, process.stdout);
  assert.equal(b!.stream, process.stderr);
  assert.equal(c!.constructor.name, 'NullHandler');
  assert.equal(d!.stream, process.stderr);
  assert.equal(a!.name, 'a');
  assert.equal(lookupClass('logging.Formatter')?.ctor, Formatter);
});

test("dictConfig() – cfg:// paths with [key][0] indexing reach into other sections", () => {
  const out = new StringIO();
  const seen: unknown[] = [];
  dictConfig({
    ...base({ out }),
    mail: { to: ['ops@example.com', 'dev@example.com'], subject: 'alert' },
    filters: { f: { '()': (kw: Record<string, unknown>) => (seen.push(kw), () => true), first: 'cfg://mail[to][0]', all: 'cfg://mail.to', subj: 'cfg://mail[subject]' } },
    handlers: { out: { class: 'logging.StreamHandler', stream: 'cfg://streams.out', filters: ['f'] } },
  });
  assert.deepEqual(seen, [{ first: 'ops@example.com', all: ['ops@example.com', 'dev@example.com'], subj: 'alert' }]);
});

test("dictConfig() – '()' factories: classes get new C(kwargs), functions f(kwargs), '.' sets attributes", () => {
  const out = new StringIO();
  class Prefix {
    constructor(public kw: { prefix: string }) {}
    format(r: LogRecord): string {
      return this.kw.prefix + r.getMessage();
    }
  }
  dictConfig({
    ...base({ out }),
    formatters: { p: { '()': Prefix, prefix: '>> ', '.': { tag: 1 } } },
    filters: { noisy: { '()': () => (r: LogRecord) => !String(r.msg).includes('noise') } },
    handlers: { out: { class: 'logging.StreamHandler', stream: 'cfg://streams.out', formatter: 'p', filters: ['noisy', (r: LogRecord) => r.levelno >= 20] } },
  });
  const log = getLogger('f');
  log.debug('dropped by inline filter');
  log.info('noise');
  log.info('kept');
  assert.equal(out.value, '>> kept\n');
  assert.equal(((root.handlers[0] as Handler).formatter as unknown as { tag: number }).tag, 1);
});

test('registerClass() – a user class is one line, and subclasses of registered classes map like their base', () => {
  const out = new StringIO();
  class Upper extends StreamHandler {
    override format(r: LogRecord): string {
      return super.format(r).toUpperCase();
    }
  }
  class Tagged extends Handler {
    constructor(public opts: { tag: string; stream: StringIO }) {
      super();
    }
    override emit(r: LogRecord): void {
      this.opts.stream.write(`[${this.opts.tag}] ${r.getMessage()}\n`);
    }
  }
  registerClass(['myapp.Tagged'], Tagged);
  try {
    dictConfig({
      ...base({ out }),
      handlers: { up: { class: Upper, stream: 'cfg://streams.out' }, t: { class: 'myapp.Tagged', tag: 'T', stream: 'cfg://streams.out' } },
      root: { level: 'INFO', handlers: ['t', 'up'] },
    });
    getLogger('r').info('hello');
    assert.equal(out.value, '[T] hello\nHELLO\n');
  } finally {
    unregisterClass('myapp.Tagged');
  }
  assert.equal(lookupClass('myapp.Tagged'), undefined);
});

test('dictConfig() – incremental changes only levels and propagate, and needs existing handler names', () => {
  const out = new StringIO();
  dictConfig(base({ out }, { loggers: { a: { level: 'ERROR' } } }));
  const h = root.handlers[0] as Handler;
  const e = thrown(() => dictConfig({ version: 1, incremental: true, handlers: { ghost: { level: 'INFO' } }, loggers: { a: { level: 'DEBUG' } } }));
  assert.match(e.message, /No handler found with name 'ghost'/);
  assert.equal(getLogger('a').level, 40, 'nothing applied');
  dictConfig({ version: 1, incremental: true, handlers: { out: { level: 'WARNING' } }, loggers: { a: { level: 'DEBUG', propagate: false } }, root: { level: 'INFO' } });
  assert.equal(h.level, 30);
  assert.equal(getLogger('a').level, 10);
  assert.equal(getLogger('a').propagate, false);
  assert.equal(root.level, 20);
  assert.equal(root.handlers[0], h, 'handlers untouched');
});

test('dictConfigAsync() – imports user classes named as module:export relative to baseDir', async () => {
  const out = new StringIO();
  await dictConfigAsync(
    {
      ...base({ out }),
      formatters: { p: { '()': './fixtures/user-classes.js:factories.prefixFormatter', prefix: '~ ' } },
      filters: { w: { '()': './fixtures/user-classes.js:WordFilter', word: 'yes' } },
      handlers: { s: { class: './fixtures/user-classes.js:ShoutHandler', stream: 'cfg://streams.out', formatter: 'p', filters: ['w'] } },
      root: { level: 'INFO', handlers: ['s'] },
    },
    { baseDir: here },
  );
  getLogger('m').info('yes please');
  getLogger('m').info('no thanks');
  assert.equal(out.value, '~ YES PLEASE\n');
  await assert.rejects(dictConfigAsync({ version: 1, handlers: { x: { class: './fixtures/absent.js:X' } } }, { baseDir: here }), /Cannot import module "\.\/fixtures\/absent\.js"/);
});

test('buildHandlers() – builds named handlers with formatters and filters without touching loggers', async () => {
  const out = new MemoryStream();
  const before = root.handlers.slice();
  const hs = await buildHandlers({
    formatters: { f: { format: '%(levelname)s %(message)s' } },
    filters: { only: { name: 'svc' } },
    handlers: { a: { class: 'logging.StreamHandler', stream: out, formatter: 'f', filters: ['only'], level: 'INFO' } },
  });
  assert.deepEqual(Object.keys(hs), ['a']);
  assert.deepEqual(root.handlers, before);
  const a = hs.a!;
  assert.equal(a.name, 'a');
  assert.equal(a.level, 20);
  assert.ok(a.filters[0] instanceof Filter);
  getLogger('svc').addHandler(a);
  getLogger('svc').warning('w');
  getLogger('other').addHandler(a);
  getLogger('other').warning('filtered');
  assert.equal(out.text, 'WARNING w\n');
});

test('dictConfig() – disable_existing_loggers defaults to true and spares children of named loggers', () => {
  const out = new StringIO();
  const child = getLogger('svc.db');
  child.setLevel('ERROR');
  const other = getLogger('unrelated');
  dictConfig(base({ out }, { loggers: { svc: { level: 'INFO' } } }));
  assert.equal(other.disabled, true);
  assert.equal(child.disabled, false);
  assert.equal(child.level, 0, 'child of a named logger is reset to NOTSET');
  child.info('from child');
  other.error('from disabled');
  assert.equal(out.value, 'svc.db:INFO:from child\n');
});

test('dictConfig() – MemoryHandler target by name is built first; target cycles are reported', () => {
  const out = new StringIO();
  dictConfig({
    ...base({ out }),
    handlers: {
      a_mem: { class: 'logging.handlers.MemoryHandler', capacity: 2, target: 'z_out', flushLevel: 'ERROR' },
      z_out: { class: 'logging.StreamHandler', stream: 'cfg://streams.out', formatter: 'f' },
    },
    root: { level: 'DEBUG', handlers: ['a_mem'] },
  });
  const mem = root.handlers[0] as Handler & { target: unknown };
  assert.equal((mem.target as Handler).name, 'z_out');
  getLogger('m').info('one');
  assert.equal(out.value, '');
  getLogger('m').info('two');
  assert.equal(out.value, 'm:INFO:one\nm:INFO:two\n');
  const e = thrown(() =>
    dictConfig({
      version: 1,
      handlers: { a: { class: 'logging.handlers.MemoryHandler', capacity: 1, target: 'b' }, b: { class: 'logging.handlers.MemoryHandler', capacity: 1, target: 'a' } },
    }),
  );
  assert.match(e.message, /reference cycle: a -> b -> a/);
  const e2 = thrown(() => dictConfig({ version: 1, handlers: { a: { class: 'logging.handlers.MemoryHandler', capacity: 1, target: 'ghost' } } }));
  assert.match(e2.message, /handlers\.a\.target: Unable to set target handler 'ghost'/);
});

test('dictConfig() – ColorFormatter and JsonFormatter by name, including python-json-logger spellings', () => {
  const out = new StringIO();
  dictConfig({
    ...base({ out }),
    formatters: {
      json: { '()': 'pythonjsonlogger.jsonlogger.JsonFormatter', format: '%(levelname)s %(name)s %(message)s', rename_fields: { levelname: 'level' } },
      color: { '()': 'logflume.ColorFormatter', fmt: '%(levelname)s %(message)s', colors: false },
      colorByClass: { class: 'logflume.ColorFormatter', format: '%(message)s' },
    },
    handlers: {
      j: { class: 'logging.StreamHandler', stream: 'cfg://streams.out', formatter: 'json' },
      c: { class: 'logging.StreamHandler', stream: 'cfg://streams.out', formatter: 'color' },
    },
    root: { level: 'INFO', handlers: ['j', 'c'] },
  });
  getLogger('svc').warning('hi %s', 'there');
  const [json, plain] = out.value.split('\n');
  assert.deepEqual(JSON.parse(json!), { level: 'WARNING', name: 'svc', message: 'hi there' });
  assert.equal(plain, 'WARNING hi there');
  const e = thrown(() => dictConfig({ ...base({ out }), formatters: { j: { '()': 'logflume.JsonFormatter', colour: 1 } } }));
  assert.match(e.message, /formatters\.j\.colour: unexpected keyword argument 'colour'/);
});

test('dictConfig() – logflume-only handler options switch the call to the options form', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-cfg-'));
  try {
    dictConfig({
      version: 1,
      handlers: {
        rot: { class: 'logging.handlers.RotatingFileHandler', filename: path.join(dir, 'sub', 'r.log'), maxBytes: 100, backupCount: 2, mkdir: true },
        sys: { class: 'logging.handlers.SysLogHandler', address: ['127.0.0.1', 9], facility: 'local3', format: 'rfc5424', ident: 'app' },
      },
      root: { handlers: ['rot', 'sys'] },
    });
    const [rot, sys] = root.handlers as (Handler & Record<string, unknown>)[];
    assert.equal(rot!.maxBytes, 100);
    assert.equal(rot!.backupCount, 2);
    assert.equal(sys!.syslogFormat, 'rfc5424');
    assert.equal(sys!.facility, 19);
    assert.equal(sys!.ident, 'app');
    const e = thrown(() => dictConfig({ version: 1, handlers: { s: { class: 'logging.handlers.SysLogHandler', fromat: 'rfc5424' } } }));
    assert.match(e.message, /handlers\.s\.fromat: unexpected keyword argument 'fromat' for logging\.handlers\.SysLogHandler \(accepted: address, facility, socktype, format,/);
    await rot!.close();
    await sys!.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
