import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tempFile, lines } from './worker-helpers.js';
import { bundleArgs, tsxArgs } from '../helpers/bundle.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'queue', 'exit-child.ts');

/** Run the fixture to its end; async, so the file's children run side by side (killed after 60 s). */
function run(how: string, n: number, kind: string): Promise<{ status: number | null; stderr: string; file: string }> {
  const file = tempFile();
  return new Promise((resolve) => {
    // the worker kinds load handlers.ts in the worker: tsx; the in-process queue runs bundled
    const node = kind === 'inproc' ? bundleArgs(fixture) : tsxArgs(fixture);
    const child = spawn(process.execPath, [...node, file, how, String(n), kind], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr, file });
    });
  });
}

function assertAll(file: string, n: number): void {
  const got = lines(file);
  assert.equal(got.length, n, `expected ${n} lines, got ${got.length}`);
  got.forEach((l, i) => assert.equal(l, `record ${i}`));
}

// Each test is its own child process and temp file: several run at once.
describe('queue exit – nothing accepted is lost', { concurrency: 3 }, () => {
  for (const how of ['natural', 'exit', 'throw', 'rejection']) {
    test(`WorkerQueueListener – ${how}: records logged before the worker was even ready are all in the file`, async () => {
      const r = await run(how, 3000, 'worker');
      if (how === 'natural') assert.equal(r.status, 0, r.stderr);
      else assert.notEqual(r.status, 0);
      assertAll(r.file, 3000);
      assert.doesNotMatch(r.stderr, /not delivered/);
    });
  }

  test('WorkerQueueListener – process.exit() waits for a slow worker handler (5 ms per record) to drain', async () => {
    const r = await run('exit', 100, 'worker-slow'); // 0.5 s of work in the worker after the main thread called exit
    assert.equal(r.status, 3, r.stderr);
    assertAll(r.file, 100);
  });

  test('WorkerQueueListener – the exit wait is bounded (exitTimeout) and reports how many records were not delivered', async () => {
    const r = await run('exit', 200, 'worker-bounded'); // 50 ms per record: 10 s of work, 300 ms allowed
    assert.equal(r.status, 3, r.stderr);
    const m = /exit wait ended with (\d+) record\(s\) not delivered/.exec(r.stderr);
    assert.ok(m, r.stderr);
    const got = lines(r.file).length;
    assert.ok(got < 200, `${got} lines`);
    assert.ok(Number(m[1]) > 0 && Number(m[1]) <= 200 - got, `reported ${m[1]}, written ${got}`);
  });

  for (const how of ['natural', 'exit', 'throw']) {
    test(`QueueListener (in process) – ${how}: the exit hook handles what is still queued`, async () => {
      const r = await run(how, 3000, 'inproc');
      if (how === 'natural') assert.equal(r.status, 0, r.stderr);
      else assert.notEqual(r.status, 0);
      assertAll(r.file, 3000);
    });
  }
});
