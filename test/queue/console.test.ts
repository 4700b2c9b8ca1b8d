import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

// issue 15 item 5: dictConfig QueueHandler → WorkerQueueListener → StreamHandler on ext://process.stdout|stderr
const fixture = join(import.meta.dirname, '..', 'fixtures', 'queue', 'console-child.ts');
const N = 2000;

async function run(how: string, stream: 'stdout' | 'stderr'): Promise<{ status: number | null; out: string; err: string }> {
  // Not bundled: the worker loads src through tsx. Async, so the file's children run side by side.
  // The child's exit wait is 600 s: a worker that cannot finish its flush at exit would hit this timeout.
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, how, String(N), stream], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const status = await new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  clearTimeout(timer);
  return { status, out, err };
}

function assertEveryLine(text: string, marker: boolean): void {
  const got = text.split('\n').filter((l) => l.length > 0);
  const lines = got.filter((l) => l.startsWith('line '));
  assert.equal(lines.length, N, `expected ${N} worker lines, got ${lines.length}`);
  lines.forEach((l, i) => assert.equal(l, `line ${i}`));
  if (marker) {
    // written by the main thread once shutdown() resolved: every worker line came before it
    assert.equal(got.length, N + 1);
    assert.equal(got[N], 'after-shutdown');
  }
}

describe('worker queue → console (dictConfig, ext://process.stdout)', { concurrency: true }, () => {
  for (const stream of ['stdout', 'stderr'] as const) {
    test(`await shutdown() waits for the worker's StreamHandler on ${stream}: all ${N} lines precede the next main-thread write, and the child exits`, async () => {
      const r = await run('shutdown', stream);
      assert.equal(r.status, 0, r.err);
      assertEveryLine(stream === 'stdout' ? r.out : r.err, true);
    });
  }

  test('natural end without shutdown(): every worker-written stdout line is out before the process exits, and it exits', async () => {
    const r = await run('natural', 'stdout');
    assert.equal(r.status, 0, r.err);
    assertEveryLine(r.out, false);
    assert.equal(r.err, '');
  });

  test('process.exit(3): every worker-written stdout line is out, and the exit status is kept', async () => {
    const r = await run('exit', 'stdout');
    assert.equal(r.status, 3, r.err);
    assertEveryLine(r.out, false);
  });
});
