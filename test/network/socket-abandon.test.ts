/**
 * SocketHandler at shutdown()'s deadline against a peer that accepts and never reads:
 * abandon() hands back what was not delivered, as records in logged order, and the
 * process exits instead of waiting out closeTimeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runChild } from '../reliability/scenario.js';

const CHILD = fileURLToPath(new URL('../fixtures/abandon-child.ts', import.meta.url));

test('SocketHandler – shutdown() past its deadline on a peer that never reads: abandon() returns the unsent records in order and the process exits', { timeout: 60_000 }, async () => {
  // the child's own close bounds are 60 s or none: without abandon() it is still alive when runChild's 40 s bound fails the test
  const run = await runChild(CHILD, ['socket'], { timeoutMs: 40_000 });
  assert.equal(run.code, 0, run.stderr);
  const r = run.stats as Record<string, number | boolean>;
  assert.equal(r.complete, false);
  assert.ok((r.records as number) > 0, run.stdout);
  assert.equal(r.allRecords, true);
  assert.equal(r.consecutive, true, 'the records come back in logged order');
  assert.equal(r.last, 3999, 'the newest record is among them');
  assert.equal(r.abandoned, r.records);
  assert.equal(r.queued, 0);
  // every record is accounted for: taken by the OS, or handed back
  assert.equal((r.sent as number) + (r.abandoned as number) + (r.dropped as number), r.N, run.stdout);
  assert.equal(r.dropped, 0);
  assert.match(run.stderr, /record\(s\) not delivered \(\d+ in flight, possibly received\): "rec \d+ x/);
});
