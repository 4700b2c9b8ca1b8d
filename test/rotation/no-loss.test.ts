// No loss at rollover: N records across many rollovers (size, time, gzip) are found
// exactly once across the files, in order.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger, Formatter, INFO } from '../../src/index.js';
import { RotatingFileHandler, TimedRotatingFileHandler, GzipRotator, type BaseRotatingHandler } from '../../src/handlers/index.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'logflume-noloss-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function logThrough(h: BaseRotatingHandler, n: number, each?: (i: number) => void): void {
  h.setFormatter(new Formatter('%(levelname)s %(message)s'));
  const log = getLogger(`noloss.${Math.random()}`);
  log.setLevel(INFO);
  log.propagate = false;
  log.addHandler(h);
  for (let i = 0; i < n; i++) {
    each?.(i);
    log.info('record %d %s', i, 'p'.repeat((i * 7919) % 97));
  }
}

function read(dir: string, f: string): string[] {
  const buf = readFileSync(join(dir, f));
  return (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split('\n').filter(Boolean);
}

function assertSequence(lines: string[], n: number): void {
  const seq = lines.map((l) => Number(/^INFO record (\d+) p*$/.exec(l)?.[1] ?? NaN));
  assert.equal(seq.length, n, 'record count');
  for (let i = 0; i < n; i++) if (seq[i] !== i) assert.fail(`position ${i} holds record ${seq[i]}`);
}

describe('rotation without loss', () => {
  it('RotatingFileHandler.doRollover() – 20000 records over ~330 size rollovers, each exactly once, in order', async () => {
    const d = mkdtempSync(join(root, 'size-'));
    const h = new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 4000, backupCount: 400 });
    const N = 20000;
    logThrough(h, N);
    await h.close();
    const files = readdirSync(d);
    assert.ok(files.length > 300, `${files.length} files`);
    const backups = files.filter((f) => f !== 'app.log').map((f) => Number(f.slice('app.log.'.length))).sort((a, b) => b - a);
    assert.deepEqual(backups, Array.from({ length: backups.length }, (_, k) => backups.length - k));
    for (const f of files) assert.ok(readFileSync(join(d, f)).length < 4000, `${f} is below maxBytes`);
    assertSequence([...backups.map((k) => `app.log.${k}`), 'app.log'].flatMap((f) => read(d, f)), N);
  });

  it('RotatingFileHandler + GzipRotator – 20000 records over ~120 compressed rollovers, each exactly once, in order', async () => {
    const d = mkdtempSync(join(root, 'gz-'));
    const h = new GzipRotator({ maxPending: 8 }).install(new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 10000, backupCount: 400 }));
    const N = 20000;
    logThrough(h, N);
    await h.close();
    const files = readdirSync(d);
    assert.ok(!files.some((f) => f.endsWith('.pending')));
    const backups = files.filter((f) => f !== 'app.log').map((f) => Number(/^app\.log\.(\d+)\.gz$/.exec(f)![1])).sort((a, b) => b - a);
    assert.ok(backups.length > 100);
    assertSequence([...backups.map((k) => `app.log.${k}.gz`), 'app.log'].flatMap((f) => read(d, f)), N);
  });

  it('TimedRotatingFileHandler.doRollover() – 20000 records over ~1500 time rollovers (driven clock), each exactly once, in order', async () => {
    const d = mkdtempSync(join(root, 'time-'));
    class Clocked extends TimedRotatingFileHandler {
      now: number | undefined;
      protected override _time(): number {
        return this.now ?? 1700000000;
      }
    }
    const h = new Clocked(join(d, 'app.log'), { when: 'S', interval: 2, utc: true, delay: true });
    h.now = 1700000000;
    h.rolloverAt = h.computeRollover(h.now);
    const N = 20000;
    logThrough(h, N, (i) => {
      if (i % 14 === 0) h.now! += (i % 5) + (i % 3 === 0 ? 0 : 1);
    });
    await h.close();
    const files = readdirSync(d);
    assert.ok(files.length > 700, `${files.length} files`);
    const rotated = files.filter((f) => f !== 'app.log').sort(); // %Y-%m-%d_%H-%M-%S sorts chronologically
    assertSequence([...rotated, 'app.log'].flatMap((f) => read(d, f)), N);
  });
});
