// TimedRotatingFileHandler behaviour on a real directory (the CPython comparison grid is in
// timed-python-grid.test.ts).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync, utimesSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLogRecord, Formatter, ConfigError } from '../../src/index.js';
import { TimedRotatingFileHandler } from '../../src/handlers/index.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();
let root: string;
const savedTZ = process.env.TZ;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'logflume-trfh-'));
  process.env.TZ = 'UTC';
});
after(() => {
  rmSync(root, { recursive: true, force: true });
  if (savedTZ === undefined) delete process.env.TZ;
  else process.env.TZ = savedTZ;
});
const freshDir = () => mkdtempSync(join(root, 'd-'));
const rec = (msg: string) => makeLogRecord({ msg, args: [] });

class Clocked extends TimedRotatingFileHandler {
  now: number | undefined;
  protected override _time(): number {
    return this.now ?? Math.floor(Date.now() / 1000);
  }
}
function clocked(file: string, opts: ConstructorParameters<typeof TimedRotatingFileHandler>[1]): Clocked {
  const h = new Clocked(file, opts as never);
  h.setFormatter(new Formatter('%(message)s'));
  return h;
}

describe('TimedRotatingFileHandler', () => {
  it('TimedRotatingFileHandler() – when is case-insensitive and sets interval, suffix and extMatch as Python', () => {
    const d = freshDir();
    const expect: [string, number, string][] = [
      ['s', 1, '%Y-%m-%d_%H-%M-%S'],
      ['m', 60, '%Y-%m-%d_%H-%M'],
      ['h', 3600, '%Y-%m-%d_%H'],
      ['d', 86400, '%Y-%m-%d'],
      ['Midnight', 86400, '%Y-%m-%d'],
      ['w6', 604800, '%Y-%m-%d'],
    ];
    for (const [when, unit, suffix] of expect) {
      const h = new TimedRotatingFileHandler(join(d, 'a.log'), when, 2, 0, null, true);
      assert.equal(h.when, when.toUpperCase());
      assert.equal(h.interval, unit * 2);
      assert.equal(h.suffix, suffix);
    }
    for (const bad of ['X', 'W7', 'W', 'W10', '']) assert.throws(() => new TimedRotatingFileHandler(join(d, 'a.log'), { when: bad, delay: true }), (e: unknown) => e instanceof ConfigError && /when/.test((e as Error).message));
    assert.throws(() => new TimedRotatingFileHandler(join(d, 'a.log'), { when: 'midnight', atTime: '25:00', delay: true }), /atTime/);
    assert.deepEqual(new TimedRotatingFileHandler(join(d, 'a.log'), { when: 'midnight', atTime: '13:45', delay: true }).atTime, { hour: 13, minute: 45, second: 0 });
  });

  it('TimedRotatingFileHandler() – the first rollover counts from the existing file\'s mtime', () => {
    const d = freshDir();
    const f = join(d, 'app.log');
    writeFileSync(f, 'old\n');
    const mtime = 1700000000;
    utimesSync(f, mtime, mtime);
    const h = new TimedRotatingFileHandler(f, { when: 'H', interval: 2 });
    assert.equal(h.rolloverAt, mtime + 7200);
    const m = new TimedRotatingFileHandler(f, { when: 'midnight', utc: true });
    assert.equal(m.rolloverAt, 1700006400); // 2023-11-15 00:00 UTC
    void h.close();
    void m.close();
  });

  it('TimedRotatingFileHandler.doRollover() – names the file for the start of the interval and schedules the next one', () => {
    const d = freshDir();
    const f = join(d, 'app.log');
    const h = clocked(f, { when: 'M', utc: true, delay: true });
    h.now = 1700000000; // 2023-11-14 22:13:20 UTC
    h.rolloverAt = h.computeRollover(h.now);
    h.handle(rec('first'));
    h.now = h.rolloverAt + 5;
    h.handle(rec('second'));
    assert.equal(h.rolloverAt, 1700000000 + 60 + 5 + 60);
    void h.close();
    assert.deepEqual(readdirSync(d).sort(), ['app.log', 'app.log.2023-11-14_22-13']);
    assert.equal(readFileSync(join(d, 'app.log.2023-11-14_22-13'), 'utf8'), 'first\n');
    assert.equal(readFileSync(f, 'utf8'), 'second\n');
  });

  it('TimedRotatingFileHandler.doRollover() – retention deletes only the oldest of its own files, never a neighbour', () => {
    const d = freshDir();
    const f = join(d, 'app.log');
    for (const n of ['app.log.bak', 'app.log.1', 'app.log.2000-01-01', 'other.log.2000-01-01_00-00-00', 'app.log.2000-01-01_00-00-00']) writeFileSync(join(d, n), n);
    const h = clocked(f, { when: 'S', utc: true, backupCount: 2, delay: true });
    h.now = 1700000000;
    h.rolloverAt = h.now;
    for (let i = 0; i < 5; i++) {
      h.handle(rec('r' + i));
      h.now += 1;
    }
    void h.close();
    const names = readdirSync(d).sort();
    // the pre-existing app.log.2000-01-01_00-00-00 was ours and oldest; app.log.2000-01-01 has a day suffix, not a seconds one
    assert.deepEqual(names, ['app.log', 'app.log.1', 'app.log.2000-01-01', 'app.log.2023-11-14_22-13-22', 'app.log.2023-11-14_22-13-23', 'app.log.bak', 'other.log.2000-01-01_00-00-00']);
    assert.equal(readFileSync(join(d, 'app.log.2023-11-14_22-13-23'), 'utf8'), 'r3\n');
    assert.equal(readFileSync(f, 'utf8'), 'r4\n');
  });

  it('TimedRotatingFileHandler.shouldRollover() – a non-regular file is never rotated; the check moves one interval on', () => {
    const d = freshDir();
    symlinkSync('/dev/null', join(d, 'null.log'));
    const h = clocked(join(d, 'null.log'), { when: 'S', backupCount: 1 });
    h.now = h.rolloverAt + 10;
    h.handle(rec('x'));
    assert.equal(h.rolloverAt, h.now + 1);
    void h.close();
    assert.deepEqual(readdirSync(d), ['null.log']);
  });

  it('TimedRotatingFileHandler.shouldRollover() – real clock: when="S" rolls over as seconds pass', async () => {
    const d = freshDir();
    const h = new TimedRotatingFileHandler(join(d, 'app.log'), { when: 's', backupCount: 0 });
    h.setFormatter(new Formatter('%(message)s'));
    const end = Date.now() + 2300;
    let i = 0;
    while (Date.now() < end) {
      h.handle(rec(String(i++)));
      await new Promise((r) => setTimeout(r, 20));
    }
    await h.close();
    const files = readdirSync(d).sort();
    assert.ok(files.length >= 3, files.join(','));
    const rotated = files.filter((x) => x !== 'app.log');
    const all = [...rotated, 'app.log'].flatMap((x) => readFileSync(join(d, x), 'utf8').split('\n').filter(Boolean)).map(Number);
    assert.deepEqual(all, Array.from({ length: i }, (_, k) => k));
  });
});
