// Faults under the rotating and watched handlers: a full disk, a directory removed
// underneath, a permission error at rollover. Each is reported through handleError,
// nothing throws into the caller, later records are attempted and succeed once the
// fault is gone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, mkdirSync, symlinkSync, unlinkSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLogRecord, Formatter } from '../../src/index.js';
import { RotatingFileHandler, WatchedFileHandler, TimedRotatingFileHandler } from '../../src/handlers/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';

isolateLogging();
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'logflume-faults-'));
});
after(() => rmSync(root, { recursive: true, force: true }));
const rec = (msg: string) => makeLogRecord({ msg, args: [] });
const fmt = new Formatter('%(message)s');
const reports = (s: string) => s.split('--- Logging error ---').length - 1;

describe('rotation faults', () => {
  it('WatchedFileHandler.emit() – a full disk (/dev/full) is reported per record; after the path is a real file again, records land', async () => {
    if (!existsSync('/dev/full')) return;
    const d = mkdtempSync(join(root, 'full-'));
    const f = join(d, 'app.log');
    symlinkSync('/dev/full', f);
    const h = new WatchedFileHandler(f);
    h.setFormatter(fmt);
    const err = await captureStderr(() => {
      h.handle(rec('lost 1'));
      h.handle(rec('lost 2'));
    });
    assert.equal(reports(err), 1); // one fault, one report (settings.errorReportInterval); the repeat is counted
    assert.equal(h.suppressedErrors, 1);
    assert.match(err, /ENOSPC/);
    assert.match(err, /Message: 'lost 1'/);
    unlinkSync(f); // the "disk" has room again: the path is now a regular file
    const err2 = await captureStderr(() => h.handle(rec('kept')));
    assert.equal(err2, '');
    await h.close();
    assert.equal(readFileSync(f, 'utf8'), 'kept\n');
  });

  it('RotatingFileHandler.emit() – writing to a full disk (/dev/full) is reported, never rotated, never thrown', async () => {
    if (!existsSync('/dev/full')) return;
    const d = mkdtempSync(join(root, 'full2-'));
    symlinkSync('/dev/full', join(d, 'app.log'));
    const h = new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 10, backupCount: 2 });
    h.setFormatter(fmt);
    const err = await captureStderr(() => {
      for (let i = 0; i < 3; i++) h.handle(rec('0123456789'));
    });
    assert.equal(reports(err), 1);
    assert.equal(h.suppressedErrors, 2);
    assert.match(err, /ENOSPC/);
    await h.close();
  });

  it('WatchedFileHandler.reopenIfNeeded() – directory removed underneath: reported, retried, resumes when it is back', async () => {
    const d = join(root, 'gone-w');
    mkdirSync(d);
    const f = join(d, 'app.log');
    const h = new WatchedFileHandler(f);
    h.setFormatter(fmt);
    h.handle(rec('before'));
    rmSync(d, { recursive: true });
    const err = await captureStderr(() => {
      h.handle(rec('during 1'));
      h.handle(rec('during 2'));
    });
    assert.equal(reports(err), 1);
    assert.equal(h.suppressedErrors, 1);
    assert.match(err, /ENOENT/);
    mkdirSync(d);
    const err2 = await captureStderr(() => h.handle(rec('after')));
    assert.equal(err2, '');
    await h.close();
    assert.equal(readFileSync(f, 'utf8'), 'after\n');
  });

  it('RotatingFileHandler.doRollover() – directory removed underneath: the rollover failure is reported, logging resumes', async () => {
    const d = join(root, 'gone-r');
    mkdirSync(d);
    const f = join(d, 'app.log');
    const h = new RotatingFileHandler(f, { maxBytes: 20, backupCount: 2 });
    h.setFormatter(fmt);
    h.handle(rec('a'.repeat(12)));
    rmSync(d, { recursive: true });
    const err = await captureStderr(() => h.handle(rec('b'.repeat(12))));
    assert.ok(reports(err) >= 1);
    assert.match(err, /ENOENT/);
    mkdirSync(d);
    const err2 = await captureStderr(() => {
      h.handle(rec('c'.repeat(12)));
      h.handle(rec('d'.repeat(12)));
    });
    assert.equal(err2, '');
    await h.close();
    assert.equal(readFileSync(f, 'utf8'), 'd'.repeat(12) + '\n');
    assert.equal(readFileSync(f + '.1', 'utf8'), 'c'.repeat(12) + '\n');
  });

  it('TimedRotatingFileHandler.doRollover() – directory removed underneath: reported, then rotates normally once it is back', async () => {
    const d = join(root, 'gone-t');
    mkdirSync(d);
    const f = join(d, 'app.log');
    const h = new TimedRotatingFileHandler(f, { when: 'S', utc: true, backupCount: 1 });
    h.setFormatter(fmt);
    rmSync(d, { recursive: true });
    h.rolloverAt = 0;
    const err = await captureStderr(() => h.handle(rec('x')));
    assert.ok(reports(err) >= 1);
    mkdirSync(d);
    h.handle(rec('y'));
    h.rolloverAt = 0;
    h.handle(rec('z'));
    await h.close();
    assert.equal(readFileSync(f, 'utf8'), 'z\n');
  });

  it('RotatingFileHandler.doRollover() – permission error at rollover (unprivileged child): reported, records kept, rolls once writable', () => {
    const d = mkdtempSync(join(root, 'perm-'));
    // Root ignores permission bits. Drop every capability for the child with
    // setpriv (util-linux) so it stays uid 0 — and can still read this checkout
    // wherever it lives — but is subject to the directory's mode like anyone else.
    const asRoot = process.getuid?.() === 0;
    const args = ['--import', 'tsx', join(import.meta.dirname, 'fixtures/permission-child.ts'), d];
    const r = asRoot
      ? spawnSync('setpriv', ['--bounding-set=-all', '--', process.execPath, ...args], { encoding: 'utf8', cwd: process.cwd() })
      : spawnSync(process.execPath, args, { encoding: 'utf8', cwd: process.cwd() });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(reports(r.stderr), 1, r.stderr); // two failed rollovers, one fault: reported once
    assert.match(r.stderr, /1 more report\(s\) of a fault were suppressed \(EACCES/);
    assert.match(r.stderr, /EACCES|EPERM/);
    const files = JSON.parse(r.stdout) as Record<string, string>;
    const a = 'a'.repeat(20) + '\n';
    const b = 'b'.repeat(20) + '\n';
    const c = 'c'.repeat(20) + '\n';
    assert.deepEqual(files, { 'app.log': 'd'.repeat(20) + '\n', 'app.log.1': a + b + c });
  });
});
