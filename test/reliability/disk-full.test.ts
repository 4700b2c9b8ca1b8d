// Issue 15, item 6: a full disk never leaves a torn line, and every record a
// failed write costs is counted (per record, also in buffered mode). Real
// sources of the failure: a 1 MiB tmpfs that fills up and then gets room back
// (needs mount; root in CI), and RLIMIT_FSIZE (`ulimit -f`, EFBIG), which needs
// no privilege. Each runs in a child process and the file is checked line by line.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collected, formatTable, record, reportCount, result } from './scenario.js';
import { bundleArgs } from '../helpers/bundle.js';

after(() => {
  console.log('\nreliability summary – disk full\n' + formatTable(collected));
});

const fixture = join(import.meta.dirname, 'fixtures/disk-full-child.ts');
const LINE = /^p0 (\d+) x{90}$/;

interface Checked {
  delivered: number;
  torn: string[];
  seqs: Set<number>;
  duplicated: number;
}

/** Every line must be one whole record; a torn or glued line is listed. */
function check(path: string): Checked {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = text.split('\n');
  const torn: string[] = [];
  if (lines.at(-1) !== '') torn.push(`unterminated last line: ${JSON.stringify(lines.at(-1)!.slice(0, 60))}`);
  lines.pop();
  const seqs = new Set<number>();
  let duplicated = 0;
  for (const l of lines) {
    const m = LINE.exec(l);
    if (m === null) torn.push(JSON.stringify(l.slice(0, 80)));
    else if (seqs.has(Number(m[1]))) duplicated++;
    else seqs.add(Number(m[1]));
  }
  return { delivered: seqs.size, torn, seqs, duplicated };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  stats: { sent: number; dropped: number };
}

/** Run the child; when it prints "full", call `onFull` and then let it go on. */
function run(cmd: string, args: string[], onFull: (() => void) | null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const before = stdout;
      stdout += d;
      if (onFull && !before.includes('full ') && stdout.includes('full ')) {
        onFull();
        child.stdin.write('go\n');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`disk-full child timed out\n${stderr}`));
    }, 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '{}';
      let stats = { sent: -1, dropped: -1 };
      try {
        stats = JSON.parse(last) as typeof stats;
      } catch {
        /* asserted below */
      }
      resolve({ code, stdout, stderr, stats });
    });
  });
}

describe('disk full – no torn line, every lost record counted', { concurrency: 1 }, () => {
  let mnt = '';
  let mountError: string | null = null;
  before(() => {
    mnt = mkdtempSync(join(tmpdir(), 'lf-full-'));
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { encoding: 'utf8' });
    if (r.status !== 0) mountError = `mount -t tmpfs not permitted here (${(r.stderr || String(r.error)).trim()}); the RLIMIT_FSIZE tests below cover the same code`;
  });
  after(() => {
    if (!mountError) spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  for (const mode of ['sync', 'buffered'] as const) {
    test(`FileHandler (${mode}) on a full 1 MiB tmpfs, then room again: whole lines only, delivered + counted = sent, every record after the room returns arrives`, async (t) => {
      if (mountError) return t.skip(mountError);
      const file = join(mnt, `${mode}.log`);
      const filler = join(mnt, 'filler');
      for (const f of readdirSync(mnt)) rmSync(join(mnt, f), { force: true }); // the filesystem is all ours: empty it
      writeFileSync(filler, Buffer.alloc(700 * 1024, 0x2e)); // ~300 KiB left: ~3000 of the 5000 records of phase 1 fit
      const N1 = 5000;
      const N2 = 2000;
      const r = await run(process.execPath, [...bundleArgs(fixture), file, mode, String(N1), String(N2), '1'], () => rmSync(filler, { force: true }));
      assert.equal(r.code, 0, r.stderr);
      const c = check(file);
      record(result(`disk full (tmpfs 1 MiB), FileHandler ${mode}`, r.stats.sent, c.delivered, r.stats.dropped, { duplicated: c.duplicated + c.torn.length, note: `${reportCount(r.stderr)} report(s); ${r.stats.dropped} counted per record; ${c.torn.length} torn lines` }));
      assert.deepEqual(c.torn, [], 'no torn or glued line');
      assert.equal(c.duplicated, 0);
      assert.equal(r.stats.sent, N1 + N2);
      assert.ok(r.stats.dropped > 0, 'the disk did fill up');
      assert.equal(c.delivered + r.stats.dropped, r.stats.sent, 'every record is in the file or counted in droppedCount');
      for (let s = N1; s < N1 + N2; s++) assert.ok(c.seqs.has(s), `record ${s}, logged after space returned, is in the file`);
      assert.match(r.stderr, /ENOSPC/);
      assert.ok(reportCount(r.stderr) >= 1);
    });
  }

  for (const mode of ['sync', 'buffered'] as const) {
    test(`FileHandler (${mode}) under RLIMIT_FSIZE (ulimit -f 256, EFBIG): whole lines only, every lost record counted`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lf-fsize-'));
      try {
        const file = join(dir, 'a.log');
        const N = 5000; // ~480 KiB of records for a 256 KiB limit
        const r = await run('bash', ['-c', `ulimit -f 256 && exec "$0" "$@"`, process.execPath, ...bundleArgs(fixture), file, mode, String(N), '0', '0'], null);
        assert.equal(r.code, 0, r.stderr);
        const c = check(file);
        record(result(`file size limit (RLIMIT_FSIZE 256 KiB), FileHandler ${mode}`, r.stats.sent, c.delivered, r.stats.dropped, { duplicated: c.duplicated + c.torn.length, note: `${r.stats.dropped} counted per record; ${c.torn.length} torn lines` }));
        assert.deepEqual(c.torn, []);
        assert.equal(r.stats.sent, N);
        assert.ok(r.stats.dropped > 0);
        assert.equal(c.delivered + r.stats.dropped, N);
        assert.match(r.stderr, /EFBIG/);
        assert.match(r.stderr, new RegExp(`${r.stats.dropped} record\\(s\\) were not written by FileHandler`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
