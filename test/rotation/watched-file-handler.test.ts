// WatchedFileHandler: reopen on move/removal, and against the real logrotate binary
// (create and copytruncate) while records are written continuously.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLogRecord, Formatter } from '../../src/index.js';
import { WatchedFileHandler } from '../../src/handlers/index.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'logflume-wfh-'));
});
after(() => rmSync(root, { recursive: true, force: true }));
const rec = (msg: string) => makeLogRecord({ msg, args: [] });
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

function findLogrotate(): string | null {
  for (const p of ['/usr/sbin/logrotate', '/sbin/logrotate', '/usr/bin/logrotate']) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v logrotate'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}
const LOGROTATE = findLogrotate();
const noLogrotate = LOGROTATE === null ? 'logrotate binary not found (Debian package "logrotate"; .ci/run installs it)' : false;

function watched(file: string): WatchedFileHandler {
  const h = new WatchedFileHandler(file);
  h.setFormatter(new Formatter('%(message)s'));
  return h;
}

/**
 * Write records continuously (a batch per event-loop turn) while `logrotate -f` runs
 * `rounds` times; returns how many records were written.
 */
async function writeWhileRotating(h: WatchedFileHandler, dir: string, directives: string, rounds: number): Promise<number> {
  const conf = join(dir, 'logrotate.conf');
  writeFileSync(conf, `${h.baseFilename} {\n  rotate 100\n  missingok\n  nocompress\n${directives}\n}\n`, { mode: 0o644 });
  let i = 0;
  let running = true;
  const writer = (async () => {
    while (running) {
      for (let k = 0; k < 25; k++) h.handle(rec(String(i++)));
      await new Promise((r) => setImmediate(r));
    }
  })();
  // Between rotations the writer makes progress: wait for 200 more records, not for a time.
  const progress = async () => {
    const target = i + 200;
    while (i < target) await new Promise((r2) => setImmediate(r2));
  };
  for (let r = 0; r < rounds; r++) {
    await progress();
    const child = spawn(LOGROTATE!, ['-f', '-s', join(dir, 'state'), conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(code, 0, `logrotate failed: ${stderr}`);
  }
  await progress();
  running = false;
  await writer;
  await h.close();
  return i;
}

/**
 * Every file logrotate and the handler left (app.log, app.log.N, and the rare
 * app.log-YYYYMMDDHH.backup logrotate makes when our reopen won the race against its
 * `create`), ordered by the first record each holds, concatenated.
 */
function collect(dir: string): string[] {
  const parts = readdirSync(dir)
    .filter((f) => f.startsWith('app.log'))
    .map((f) => lines(join(dir, f)))
    .filter((ls) => ls.length > 0)
    .sort((a, b) => Number(a[0]) - Number(b[0]));
  return parts.flat();
}

describe('WatchedFileHandler', () => {
  it('WatchedFileHandler.reopenIfNeeded() – follows a rename (new inode) and a removal', () => {
    const d = mkdtempSync(join(root, 'mv-'));
    const f = join(d, 'app.log');
    const h = watched(f);
    h.handle(rec('1'));
    const ino1 = h.ino;
    renameSync(f, f + '.old');
    h.handle(rec('2'));
    assert.notEqual(h.ino, ino1);
    unlinkSync(f);
    h.handle(rec('3'));
    void h.close();
    assert.deepEqual(lines(f + '.old'), ['1']);
    assert.deepEqual(lines(f), ['3']);
    assert.equal(h.ino, statSync(f).ino);
  });

  it('WatchedFileHandler.emit() – does not reopen while the file stays the same', () => {
    const d = mkdtempSync(join(root, 'same-'));
    const h = watched(join(d, 'app.log'));
    const fd = h.stream!.fd;
    for (let i = 0; i < 5; i++) h.handle(rec(String(i)));
    assert.equal(h.stream!.fd, fd);
    void h.close();
  });

  it('WatchedFileHandler – real logrotate (create mode) while writing: every record in exactly one file, in order', { skip: noLogrotate }, async () => {
    const d = mkdtempSync(join(root, 'lr-create-'));
    const h = watched(join(d, 'app.log'));
    const n = await writeWhileRotating(h, d, '  create 0644', 5);
    const files = readdirSync(d).filter((f) => /^app\.log(\.\d+)?$/.test(f));
    assert.equal(files.length, 6, files.join(','));
    const got = collect(d).map(Number);
    assert.equal(got.length, n);
    assert.deepEqual(got, Array.from({ length: n }, (_, k) => k));
    for (let k = 1; k <= 5; k++) assert.ok(lines(join(d, `app.log.${k}`)).length > 0, `app.log.${k} got records`);
  });

  it('WatchedFileHandler – real logrotate copytruncate: no duplicates, order kept, loss limited to one gap per rotation', { skip: noLogrotate }, async () => {
    const d = mkdtempSync(join(root, 'lr-copy-'));
    const h = watched(join(d, 'app.log'));
    const n = await writeWhileRotating(h, d, '  copytruncate', 5);
    const got = collect(d).map(Number);
    assert.equal(new Set(got).size, got.length, 'no record twice');
    for (let k = 1; k < got.length; k++) assert.ok(got[k]! > got[k - 1]!, `in order at ${k}`);
    let gaps = 0;
    // copytruncate's loss window is between logrotate's copy and its truncate; the last
    // rotation can fall after the last write, so a missing tail is that rotation's gap
    if (got[0] !== 0) gaps++;
    for (let k = 1; k < got.length; k++) if (got[k]! !== got[k - 1]! + 1) gaps++;
    if (got.at(-1) !== n - 1) gaps++;
    assert.ok(gaps <= 5, `${gaps} gaps for 5 rotations`);
    // append mode: after the truncate, writes land at the new end (no hole of NUL bytes)
    assert.ok(!readFileSync(join(d, 'app.log')).includes(0));
  });
});
