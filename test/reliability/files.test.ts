// Issue 10, scenario 6: files and permissions — the mode of a new log file,
// symlinks planted at backup names in a shared directory, a missing directory.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, lstatSync, writeFileSync, readFileSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHandler, Formatter, ConfigError, makeLogRecord } from '../../src/index.js';
import { RotatingFileHandler } from '../../src/handlers/index.js';
import { isolateLogging } from '../helpers/capture.js';
import { collected, formatTable, record, result } from './scenario.js';

isolateLogging();
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logflume-rel-files-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log('\nreliability summary – files and permissions\n' + formatTable(collected));
});
const rec = (i: number) => makeLogRecord({ msg: 'p0 %d', args: [i] });

/** Mode of a file created by a child process running with umask 0 (so only logflume's mode applies). */
function modeUnderUmask0(file: string, fileMode?: number): number {
  const code = `
    process.umask(0);
    const { FileHandler } = await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});
    const h = new FileHandler(${JSON.stringify(file)}${fileMode === undefined ? '' : `, { fileMode: ${fileMode} }`});
    await h.close();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return statSync(file).mode & 0o777;
}

describe('files and permissions', () => {
  test('FileHandler() – a new log file is not world-writable by default, even with umask 0 (0o644)', () => {
    const mode = modeUnderUmask0(join(dir, 'default.log'));
    assert.equal(mode & 0o002, 0, `mode ${mode.toString(8)}`);
    assert.equal(mode, 0o644);
  });

  test('FileHandler() – fileMode sets the mode of a new file (0o600 for secrets)', () => {
    assert.equal(modeUnderUmask0(join(dir, 'private.log'), 0o600), 0o600);
  });

  test('RotatingFileHandler.doRollover() – a symlink planted at a backup name is replaced, never followed: the target is untouched', async () => {
    const shared = mkdtempSync(join(dir, 'shared-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n', { mode: 0o600 });
    const base = join(shared, 'app.log');
    // an attacker with write access to the shared directory plants every backup name
    for (let i = 1; i <= 3; i++) symlinkSync(victim, `${base}.${i}`);
    const h = new RotatingFileHandler(base, { maxBytes: 64, backupCount: 3 });
    h.setFormatter(new Formatter('%(message)s'));
    const n = 100;
    for (let i = 0; i < n; i++) h.handle(rec(i));
    await h.close();
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(statSync(victim).mode & 0o777, 0o600);
    for (let i = 1; i <= 3; i++) assert.ok(!lstatSync(`${base}.${i}`).isSymbolicLink(), `${base}.${i} is still a symlink`);
    // retention still holds and the newest records are there, consecutive, in order
    const seqs = [`${base}.3`, `${base}.2`, `${base}.1`, base].flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => Number(l.slice(3))));
    assert.equal(seqs.at(-1), n - 1);
    seqs.forEach((v, i) => assert.equal(v, seqs[0]! + i));
    record(result('symlink planted at backup names', n, seqs.length, n - seqs.length, { note: 'target untouched; dropped = aged out by retention' }));
  });

  test('FileHandler() – a missing directory is a ConfigError naming the path; mkdir: true creates it', async () => {
    const missing = join(dir, 'no', 'such', 'dir', 'app.log');
    assert.throws(() => new FileHandler(missing), (e: unknown) => e instanceof ConfigError && e.message.includes(missing) && /ENOENT/.test(e.message));
    const h = new FileHandler(missing, { mkdir: true });
    h.setFormatter(new Formatter('%(message)s'));
    h.handle(rec(0));
    await h.close();
    assert.equal(readFileSync(missing, 'utf8'), 'p0 0\n');
  });
});
