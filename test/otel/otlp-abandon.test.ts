/**
 * OTLPHandler at shutdown()'s deadline against a collector that takes the request and never
 * answers: abandon() aborts it, hands back every record not confirmed (the batch in flight
 * first, then the queue, in logged order), and the process exits instead of waiting out
 * closeTimeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runChild } from '../reliability/scenario.js';

const CHILD = fileURLToPath(new URL('../fixtures/abandon-child.ts', import.meta.url));

test('OTLPHandler – shutdown() past its deadline on a collector that never answers: abandon() returns the unconfirmed records in order and the process exits', { timeout: 60_000 }, async () => {
  // the child's own close bounds are 60 s or none: without abandon() it is still alive when runChild's 40 s bound fails the test
  const run = await runChild(CHILD, ['otlp'], { timeoutMs: 40_000 });
  assert.equal(run.code, 0, run.stderr);
  const r = run.stats as { complete: boolean; messages: string[]; allRecords: boolean; inFlight: number; dropped: number; sent: number; requests: number };
  assert.equal(r.complete, false);
  assert.deepEqual(r.messages, Array.from({ length: 10 }, (_, i) => `rec ${i}`));
  assert.equal(r.allRecords, true);
  assert.equal(r.inFlight, 4, 'the first batch was on the wire');
  assert.equal(r.sent, 0);
  assert.equal(r.dropped, 10, 'every abandoned record is counted');
  assert.match(run.stderr, /10 record\(s\) not delivered \(4 in flight, possibly received\): "rec 0"/);
});
