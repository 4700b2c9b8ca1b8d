import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleArgs } from './helpers/bundle.js';

const fixture = join(import.meta.dirname, 'fixtures', 'exit-child.ts');
const N = 2000;

function count(file: string, expected: number): void {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  assert.equal(lines.length, expected, `expected ${expected} lines, got ${lines.length}`);
  lines.forEach((l, i) => assert.equal(l, `record ${i}`));
}

/** Run the fixture (bundled: it loads no TypeScript at run time) to its end (async, so the file's children run side by side). */
function runChild(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...bundleArgs(fixture), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

// Each test is its own child process and temp file: several run at once.
describe('exit – nothing accepted is lost', { concurrency: 3 }, () => {
  for (const buffered of ['0', '1']) {
    for (const how of ['natural', 'exit', 'throw', 'rejection']) {
      test(`FileHandler(buffered=${buffered}) – ${how}`, async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'logflume-exit-')), 'out.log');
        const r = await runChild([file, how, buffered, String(N)]);
        if (how === 'natural') assert.equal(r.status, 0, r.stderr);
        else assert.notEqual(r.status, 0);
        count(file, N);
      });
    }
    test(`FileHandler(buffered=${buffered}) – the last act of the event loop`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'logflume-exit-')), 'out.log');
      const r = await runChild([file, 'last-act', buffered, String(N)]);
      assert.equal(r.status, 0, r.stderr);
      count(file, N + 1);
    });
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      test(`FileHandler(buffered=${buffered}) – ${sig} with flushOnSignals()`, async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'logflume-exit-')), 'out.log');
        const child = spawn(process.execPath, [...bundleArgs(fixture), file, sig.toLowerCase(), buffered, String(N)], { stdio: ['ignore', 'pipe', 'pipe'] });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        child.kill(sig);
        const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
        assert.equal(signal, sig, `exit code ${code}`);
        count(file, N);
      });
    }
  }
});
