import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixture = join(import.meta.dirname, 'fixtures', 'exit-child.ts');
const N = 2000;

function count(file: string, expected: number): void {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  assert.equal(lines.length, expected, `expected ${expected} lines, got ${lines.length}`);
  lines.forEach((l, i) => assert.equal(l, `record ${i}`));
}

describe('exit – nothing accepted is lost', () => {
  for (const buffered of ['0', '1']) {
    for (const how of ['natural', 'exit', 'throw', 'rejection']) {
      test(`FileHandler(buffered=${buffered}) – ${how}`, () => {
        const file = join(mkdtempSync(join(tmpdir(), 'logflume-exit-')), 'out.log');
        const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, file, how, buffered, String(N)], { encoding: 'utf8' });
        if (how === 'natural') assert.equal(r.status, 0, r.stderr);
        else assert.notEqual(r.status, 0);
        count(file, N);
      });
    }
    test(`FileHandler(buffered=${buffered}) – the last act of the event loop`, () => {
      const file = join(mkdtempSync(join(tmpdir(), 'logflume-exit-')), 'out.log');
      const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, file, 'last-act', buffered, String(N)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      count(file, N + 1);
    });
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      test(`FileHandler(buffered=${buffered}) – ${sig} with flushOnSignals()`, async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'logflume-exit-')), 'out.log');
        const child = spawn(process.execPath, ['--import', 'tsx', fixture, file, sig.toLowerCase(), buffered, String(N)], { stdio: ['ignore', 'pipe', 'pipe'] });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        child.kill(sig);
        const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
        assert.equal(signal, sig, `exit code ${code}`);
        count(file, N);
      });
    }
  }
});
