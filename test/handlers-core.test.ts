import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough } from 'node:stream';
import {
  getLogger, StreamHandler, FileHandler, NullHandler, Handler, Formatter, makeLogRecord, settings, LogRecord, ConfigError, shutdown, type WritableLike,
} from '../src/index.js';
import { isolateLogging, MemoryStream, StringIO, captureStderr } from './helpers/capture.js';

isolateLogging();
const tmp = () => mkdtempSync(join(tmpdir(), 'logflume-'));

describe('StreamHandler', () => {
  test('emit() – writes format + terminator to a Node Writable', async () => {
    const s = new MemoryStream();
    const h = new StreamHandler(s);
    h.setFormatter(new Formatter('%(levelname)s:%(message)s'));
    h.handle(makeLogRecord({ msg: 'a %s', args: ['b'], levelname: 'INFO', levelno: 20 }));
    h.terminator = '\r\n';
    h.handle(makeLogRecord({ msg: 'c', levelname: 'INFO', levelno: 20 }));
    await h.flush();
    assert.equal(s.text, 'INFO:a b\nINFO:c\r\n');
  });

  test('emit() – any object with write() works (StringIO), flush() is called when present', () => {
    let flushed = 0;
    const s = { value: '', write(t: string) { this.value += t; }, flush() { flushed++; } };
    const h = new StreamHandler(s);
    h.handle(makeLogRecord({ msg: 'x' }));
    assert.equal(s.value, 'x\n');
    assert.equal(flushed, 1);
  });

  test('setStream() – returns the old stream, or null for the same one', () => {
    const a = new StringIO();
    const b = new StringIO();
    const h = new StreamHandler(a);
    assert.equal(h.setStream(a), null);
    assert.equal(h.setStream(b), a);
    h.handle(makeLogRecord({ msg: 'to b' }));
    assert.equal(b.value, 'to b\n');
    assert.equal(a.value, '');
  });

  test('default stream – process.stderr', () => {
    assert.equal(new StreamHandler().stream, process.stderr);
  });

  test('destroyed stream – reported through handleError, next record still tried', async () => {
    const s = new PassThrough();
    const h = new StreamHandler<WritableLike>(s);
    s.destroy();
    const err = await captureStderr(() => {
      h.handle(makeLogRecord({ msg: 'lost' }));
    });
    assert.match(err, /--- Logging error ---/);
    assert.match(err, /destroyed/);
    const s2 = new MemoryStream();
    h.setStream(s2);
    h.handle(makeLogRecord({ msg: 'next' }));
    await h.flush();
    assert.equal(s2.text, 'next\n');
  });

  test('handleError() – silent when settings.raiseExceptions is false', async () => {
    settings.raiseExceptions = false;
    const h = new StreamHandler({ write() { throw new Error('nope'); } });
    const err = await captureStderr(() => h.handle(makeLogRecord({ msg: 'x' })));
    assert.equal(err, '');
  });

  test('handleError() – Python-style report with the message and arguments', async () => {
    const h = new StreamHandler(new StringIO());
    const err = await captureStderr(() => h.handle(makeLogRecord({ msg: 'too few %s %s', args: ['one'] })));
    assert.match(err, /^--- Logging error ---\n/);
    assert.match(err, /not enough arguments for format string/);
    assert.match(err, /Message: 'too few %s %s'\nArguments: \[ 'one' \]/);
  });
});

describe('FileHandler', () => {
  test('emit() – appends lines; baseFilename is absolute; mode a keeps old content', async () => {
    const d = tmp();
    const f = join(d, 'app.log');
    writeFileSync(f, 'old\n');
    const h = new FileHandler(f);
    assert.equal(h.baseFilename, f);
    h.handle(makeLogRecord({ msg: 'new' }));
    // written synchronously: visible before any flush
    assert.equal(readFileSync(f, 'utf8'), 'old\nnew\n');
    await h.close();
  });

  test("mode 'w' – truncates; filename as a file: URL", async () => {
    const d = tmp();
    const f = join(d, 'w.log');
    writeFileSync(f, 'old\n');
    const h = new FileHandler(pathToFileURL(f), 'w');
    h.handle(makeLogRecord({ msg: 'only' }));
    await h.close();
    assert.equal(readFileSync(f, 'utf8'), 'only\n');
  });

  test('delay – no file until the first record', async () => {
    const d = tmp();
    const f = join(d, 'd.log');
    const h = new FileHandler(f, 'a', null, true);
    assert.equal(existsSync(f), false);
    h.handle(makeLogRecord({ msg: 'x' }));
    assert.equal(readFileSync(f, 'utf8'), 'x\n');
    await h.close();
  });

  test("close() – mode 'a' reopens on the next record, as Python", async () => {
    const d = tmp();
    const f = join(d, 'r.log');
    const h = new FileHandler(f);
    await h.close();
    h.handle(makeLogRecord({ msg: 'after close' }));
    assert.equal(readFileSync(f, 'utf8'), 'after close\n');
    await h.close();
  });

  test('encoding/errors – latin-1 with backslashreplace, strict reports', async () => {
    const d = tmp();
    const f = join(d, 'e.log');
    const h = new FileHandler(f, { encoding: 'latin-1', errors: 'backslashreplace' });
    h.handle(makeLogRecord({ msg: 'café ✓' }));
    await h.close();
    assert.deepEqual(readFileSync(f), Buffer.from('caf\xe9 \\u2713\n', 'latin1'));
    const h2 = new FileHandler(join(d, 's.log'), { encoding: 'ascii' });
    const err = await captureStderr(() => h2.handle(makeLogRecord({ msg: 'é' })));
    assert.match(err, /can't encode character/);
    await h2.close();
  });

  test('missing directory – clear error at construction; mkdir creates it', async () => {
    const d = tmp();
    assert.throws(() => new FileHandler(join(d, 'no', 'such', 'x.log')), (e: unknown) => e instanceof ConfigError && /cannot open log file/.test((e as Error).message));
    const h = new FileHandler(join(d, 'made', 'x.log'), { mkdir: true });
    h.handle(makeLogRecord({ msg: 'ok' }));
    await h.close();
    assert.equal(readFileSync(join(d, 'made', 'x.log'), 'utf8'), 'ok\n');
  });

  test('fileMode – new files are not world-writable by default', async () => {
    const d = tmp();
    const h = new FileHandler(join(d, 'm.log'));
    await h.close();
    assert.equal(statSync(join(d, 'm.log')).mode & 0o002, 0);
    const h2 = new FileHandler(join(d, 'p.log'), { fileMode: 0o600 });
    await h2.close();
    assert.equal(statSync(join(d, 'p.log')).mode & 0o777, 0o600);
  });

  test('buffered – batches per loop turn, flush() and close() write everything', async () => {
    const d = tmp();
    const f = join(d, 'b.log');
    const h = new FileHandler(f, { buffered: true });
    for (let i = 0; i < 100; i++) h.handle(makeLogRecord({ msg: `line ${i}` }));
    assert.equal(readFileSync(f, 'utf8'), '');
    await h.flush();
    assert.equal(readFileSync(f, 'utf8').split('\n').length, 101);
    h.handle(makeLogRecord({ msg: 'tail' }));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.match(readFileSync(f, 'utf8'), /tail\n$/);
    await h.close();
  });

  test('write failure (/dev/full) – reported once per burst (repeats counted), and the handler keeps trying', async () => {
    if (!existsSync('/dev/full')) return;
    const h = new FileHandler('/dev/full');
    const err = await captureStderr(() => {
      h.handle(makeLogRecord({ msg: 'a' }));
      h.handle(makeLogRecord({ msg: 'b' }));
      h.handle(makeLogRecord({ msg: 'c' }));
    });
    assert.equal((err.match(/--- Logging error ---/g) ?? []).length, 1);
    assert.match(err, /ENOSPC/);
    assert.match(err, /Message: 'a'/);
    assert.equal(h.suppressedErrors, 2);
    const atClose = await captureStderr(() => h.close());
    assert.match(atClose, /^--- Logging: 2 more report\(s\) of a fault were suppressed \(ENOSPC:/);
  });

  test('handleError() – settings.errorReportInterval = 0 reports every failure, as Python', async () => {
    if (!existsSync('/dev/full')) return;
    settings.errorReportInterval = 0;
    const h = new FileHandler('/dev/full');
    const err = await captureStderr(() => {
      h.handle(makeLogRecord({ msg: 'a' }));
      h.handle(makeLogRecord({ msg: 'b' }));
    });
    assert.equal((err.match(/--- Logging error ---/g) ?? []).length, 2);
    assert.equal(h.suppressedErrors, 0);
    await h.close();
  });

  test('handleError() – a different fault is reported at once; the same fault again after the interval, with the suppressed count', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_700_000_000_000 }); // the interval passes on this clock, not by sleeping
    settings.errorReportInterval = 200;
    let fail: Error = Object.assign(new Error('disk gone'), { code: 'EIO' });
    const h = new StreamHandler({ write() { throw fail; } });
    const first = await captureStderr(() => {
      h.handle(makeLogRecord({ msg: '1' }));
      h.handle(makeLogRecord({ msg: '2' }));
      fail = new TypeError('something else');
      h.handle(makeLogRecord({ msg: '3' }));
    });
    assert.equal((first.match(/--- Logging error ---/g) ?? []).length, 2);
    assert.match(first, /EIO|disk gone/);
    assert.match(first, /something else/);
    t.mock.timers.tick(250);
    fail = Object.assign(new Error('disk gone'), { code: 'EIO' });
    const later = await captureStderr(() => h.handle(makeLogRecord({ msg: '4' })));
    assert.match(later, /\(1 more report\(s\) of this fault were suppressed in the previous/);
  });

  test('directory removed under the handler – the open fd keeps working; reported nowhere', async () => {
    const d = tmp();
    const h = new FileHandler(join(d, 'gone.log'));
    rmSync(d, { recursive: true });
    const err = await captureStderr(async () => {
      h.handle(makeLogRecord({ msg: 'into the unlinked inode' }));
      await h.close();
    });
    assert.equal(err, '', 'nothing is reported');
  });
});

describe('NullHandler / Handler base', () => {
  test('NullHandler – swallows everything', () => {
    const l = getLogger('nh');
    l.addHandler(new NullHandler());
    l.propagate = false;
    assert.doesNotThrow(() => l.error('nothing'));
  });

  test('Handler.emit() – unimplemented emit is reported, not thrown', async () => {
    const h = new Handler();
    const err = await captureStderr(() => h.handle(makeLogRecord({ msg: 'x' })));
    assert.match(err, /emit must be implemented/);
  });

  test('Handler.handle() – a throwing filter is reported; returns false', async () => {
    const h = new NullHandler();
    class H extends Handler {
      out: string[] = [];
      override emit(r: LogRecord) { this.out.push(r.getMessage()); }
    }
    const hh = new H();
    hh.addFilter(() => { throw new Error('bad filter'); });
    const err = await captureStderr(() => assert.equal(hh.handle(makeLogRecord({ msg: 'x' })), false));
    assert.match(err, /bad filter/);
    void h;
  });

  test('name – named handlers; toString in Python style', () => {
    const h = new StreamHandler(process.stdout);
    h.name = 'console';
    assert.equal(h.get_name(), 'console');
    h.setLevel('INFO');
    assert.equal(String(h), '<StreamHandler <stdout> (INFO)>');
  });

  test('shutdown() – flushes and closes every handler', async () => {
    const d = tmp();
    const h = new FileHandler(join(d, 's.log'), { buffered: true });
    h.handle(makeLogRecord({ msg: 'pending' }));
    await shutdown([h]);
    assert.equal(readFileSync(join(d, 's.log'), 'utf8'), 'pending\n');
  });
});
