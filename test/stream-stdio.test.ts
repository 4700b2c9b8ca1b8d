// StreamHandler on process.stdout/stderr writes a pipe or a file with one
// write(2) per record (or per batch with buffered: true) instead of Node's
// stream machinery (issue #22). Nothing may change for the reader: order with
// other writers of the same stdout, every record at exit, a CRITICAL record
// written before the call returns. Checked in child processes, by sequence number.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleArgs } from './helpers/bundle.js';

const child = join(import.meta.dirname, 'fixtures', 'stdio-child.ts');

async function run(target: 'pipe' | 'file', mode: string, scenario: string, n: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'logflume-stdio-')), 'out.log');
  const fd = target === 'file' ? openSync(file, 'w') : null;
  const p = spawn(process.execPath, [...bundleArgs(child), mode, scenario, String(n)], { stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout?.on('data', (d: Buffer) => (out += d));
  p.stderr!.on('data', (d: Buffer) => (err += d));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => p.on('close', (c, s) => resolve([c, s])));
  if (fd !== null) {
    closeSync(fd);
    out = readFileSync(file, 'utf8');
  }
  assert.equal(err, '', `no error report expected:\n${err}`);
  return { code, signal, out };
}

function expectRecords(out: string, n: number, markers: boolean): void {
  const lines = out.split('\n').filter((l) => l !== '');
  const want: string[] = [];
  for (let i = 0; i < n; i++) {
    want.push(`INFO rec ${i}`);
    if (markers && i % 100 === 99) want.push(`marker ${i}`);
  }
  assert.equal(lines.length, want.length);
  assert.deepEqual(lines, want);
}

describe('StreamHandler on process.stdout', () => {
  for (const target of ['pipe', 'file'] as const) {
    test(`StreamHandler(process.stdout) – ${target}: every record, in order with another writer of stdout`, async () => {
      const r = await run(target, 'plain', 'order', 3000);
      assert.equal(r.code, 0);
      expectRecords(r.out, 3000, true);
    });

    test(`StreamHandler(process.stdout, { buffered: true }) – ${target}: process.exit() in the same turn loses nothing`, async () => {
      const r = await run(target, 'buffered', 'exit', 5000);
      assert.equal(r.code, 0);
      expectRecords(r.out, 5000, false);
    });

    test(`StreamHandler(process.stdout, { buffered: true }) – ${target}: a CRITICAL record is written before the call returns (SIGKILL right after)`, async () => {
      const r = await run(target, 'buffered', 'critical-kill', 2000);
      assert.equal(r.signal, 'SIGKILL');
      const lines = r.out.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 2001);
      assert.equal(lines[1999], 'INFO rec 1999');
      assert.equal(lines[2000], 'CRITICAL rec 2000');
    });
  }
});
