// GzipRotator: compression in the background, names, overflow policy, failures.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeLogRecord, Formatter } from '../../src/index.js';
import { RotatingFileHandler, TimedRotatingFileHandler, GzipRotator } from '../../src/handlers/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { bundleArgs } from '../helpers/bundle.js';

isolateLogging();
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'logflume-gz-'));
});
after(() => rmSync(root, { recursive: true, force: true }));
const freshDir = () => mkdtempSync(join(root, 'd-'));
const rec = (msg: string) => makeLogRecord({ msg, args: [] });
const gunzipLines = (f: string) => gunzipSync(readFileSync(f)).toString('utf8').split('\n').filter(Boolean);

describe('GzipRotator', () => {
  it('GzipRotator.rotator – compresses in the background while logging continues; flush() waits', async () => {
    const d = freshDir();
    const h = new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 8 * 1024 * 1024, backupCount: 3 });
    h.setFormatter(new Formatter('%(message)s'));
    const gz = new GzipRotator();
    gz.install(h);
    const line = 'x'.repeat(1000);
    let i = 0;
    while (h.pendingRotations === 0) h.handle(rec(`${i++} ${line}`));
    const rolledAt = i;
    // the rollover returned before compression finished; log more while it runs
    let loopTurns = 0;
    const ticker = setInterval(() => loopTurns++, 1);
    while (h.pendingRotations > 0) {
      // at most 2 MiB more, so a slow (loaded) machine cannot reach the next 8 MiB rollover meanwhile
      if (i - rolledAt < 2048) h.handle(rec(`${i++} ${line}`));
      await new Promise((r) => setImmediate(r));
    }
    clearInterval(ticker);
    await h.flush();
    await h.close();
    assert.ok(loopTurns > 0, 'the event loop ran during compression');
    assert.deepEqual(readdirSync(d).sort(), ['app.log', 'app.log.1.gz']);
    const first = gunzipLines(join(d, 'app.log.1.gz'));
    assert.equal(first.length, rolledAt - 1);
    const rest = readFileSync(join(d, 'app.log'), 'utf8').split('\n').filter(Boolean);
    const seq = [...first, ...rest].map((l) => Number(l.split(' ')[0]));
    assert.deepEqual(seq, Array.from({ length: i }, (_, k) => k));
    assert.equal(gz.syncCompressions, 0);
  });

  it('GzipRotator.rotator – shifted .gz names while compressions are pending, oldest dropped, nothing left behind', async () => {
    const d = freshDir();
    const gz = new GzipRotator({ maxPending: 100 });
    const h = gz.install(new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 2000, backupCount: 4 }));
    h.setFormatter(new Formatter('%(message)s'));
    for (let i = 0; i < 400; i++) h.handle(rec(`${i} ${'y'.repeat(40)}`));
    await h.close();
    assert.deepEqual(readdirSync(d).sort(), ['app.log', 'app.log.1.gz', 'app.log.2.gz', 'app.log.3.gz', 'app.log.4.gz']);
    const lines = [4, 3, 2, 1].flatMap((k) => gunzipLines(join(d, `app.log.${k}.gz`))).concat(readFileSync(join(d, 'app.log'), 'utf8').split('\n').filter(Boolean));
    const seq = lines.map((l) => Number(l.split(' ')[0]));
    assert.equal(seq.at(-1), 399);
    assert.deepEqual(seq, Array.from({ length: seq.length }, (_, k) => 400 - seq.length + k));
  });

  it('GzipRotator.rotator – beyond maxPending it compresses synchronously and counts it', async () => {
    const d = freshDir();
    const gz = new GzipRotator({ maxPending: 0 });
    const h = gz.install(new TimedRotatingFileHandler(join(d, 'app.log'), { when: 'S', utc: true, backupCount: 0 }));
    h.setFormatter(new Formatter('%(message)s'));
    h.handle(rec('one'));
    h.rolloverAt = 0;
    h.handle(rec('two'));
    assert.equal(h.pendingRotations, 0);
    assert.equal(gz.syncCompressions, 1);
    const gzName = readdirSync(d).find((f) => f.endsWith('.gz'))!;
    assert.match(gzName, /^app\.log\.\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.gz$/);
    assert.deepEqual(gunzipLines(join(d, gzName)), ['one']);
    await h.close();
  });

  it('GzipRotator.rotator – a failing compression reaches handleError and logging carries on', async () => {
    const d = freshDir();
    const gz = new GzipRotator();
    const h = gz.install(new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 10, backupCount: 2 }));
    h.setFormatter(new Formatter('%(message)s'));
    h.handle(rec('aaaaaa'));
    const err = await captureStderr(async () => {
      h.handle(rec('bbbbbb'));
      assert.equal(h.pendingRotations, 1);
      rmSync(readdirSync(d).filter((f) => f.endsWith('.pending')).map((f) => join(d, f))[0]!); // pull the file away mid-flight
      await h.flush();
    });
    assert.match(err, /--- Logging error ---/);
    assert.match(err, /ENOENT/);
    h.handle(rec('cccccc'));
    await h.close();
    assert.equal(readFileSync(join(d, 'app.log'), 'utf8'), 'cccccc\n');
  });

  it('GzipRotator – process.exit() during a compression: the exit hook completes it synchronously', () => {
    const d = freshDir();
    const r = spawnSync(process.execPath, [...bundleArgs(join(import.meta.dirname, 'fixtures/gzip-exit-child.ts')), d], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const n = Number(r.stdout.trim());
    assert.deepEqual(readdirSync(d).sort(), ['app.log', 'app.log.1.gz']);
    const seq = [...gunzipLines(join(d, 'app.log.1.gz')), ...readFileSync(join(d, 'app.log'), 'utf8').split('\n').filter(Boolean)].map((l) => Number(l.split(' ')[0]));
    assert.deepEqual(seq, Array.from({ length: n }, (_, k) => k));
  });
});
