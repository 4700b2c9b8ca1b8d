import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// issue 15 item 5: dictConfig QueueHandler → WorkerQueueListener → StreamHandler on ext://process.stdout|stderr
const fixture = join(import.meta.dirname, '..', 'fixtures', 'queue', 'console-child.ts');
const N = 2000;

function run(how: string, stream: 'stdout' | 'stderr'): { status: number | null; out: string; err: string } {
  // The child's exit wait is 600 s: a worker that cannot finish its flush at exit would hit this timeout.
  const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, how, String(N), stream], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
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

describe('worker queue → console (dictConfig, ext://process.stdout)', () => {
  for (const stream of ['stdout', 'stderr'] as const) {
    test(`await shutdown() waits for the worker's StreamHandler on ${stream}: all ${N} lines precede the next main-thread write, and the child exits`, () => {
      const r = run('shutdown', stream);
      assert.equal(r.status, 0, r.err);
      assertEveryLine(stream === 'stdout' ? r.out : r.err, true);
    });
  }

  test('natural end without shutdown(): every worker-written stdout line is out before the process exits, and it exits', () => {
    const r = run('natural', 'stdout');
    assert.equal(r.status, 0, r.err);
    assertEveryLine(r.out, false);
    assert.equal(r.err, '');
  });

  test('process.exit(3): every worker-written stdout line is out, and the exit status is kept', () => {
    const r = run('exit', 'stdout');
    assert.equal(r.status, 3, r.err);
    assertEveryLine(r.out, false);
  });
});
