// Issue 15, item 3: records logged inside the application's own 'exit'
// listeners reach their destination, whether the listener was registered before
// logflume was loaded or after its handlers exist (Python runs atexit hooks
// before logging.shutdown). Each ordering runs in a child process and every
// record is counted by sequence number.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqChecker, collected, formatTable, record, result, runChild } from './scenario.js';

after(() => {
  console.log('\nreliability summary – records logged in exit listeners\n' + formatTable(collected));
});

const fixture = join(import.meta.dirname, 'fixtures/exit-listener-child.ts');
const N = 100;

describe("records logged in the application's 'exit' listeners", { concurrency: 2 }, () => {
  for (const kind of ['file-buffered', 'memory', 'worker'] as const) {
    for (const order of ['before', 'after', 'both'] as const) {
      for (const how of ['natural', 'exit'] as const) {
        test(`${kind} – listener registered ${order === 'both' ? 'before and after' : order} logflume – ${how}: every record arrives, in order`, async () => {
          const dir = mkdtempSync(join(tmpdir(), 'lf-exitl-'));
          try {
            const file = join(dir, 'out.log');
            const run = await runChild(fixture, [kind, order, how, file, String(N)], { bundle: kind !== 'worker' }); // the worker loads worker-handlers.ts: tsx
            assert.equal(run.code, 0, run.stderr);
            const sent = Number(run.stats.sent);
            const c = new SeqChecker(1);
            c.file(file);
            const row = record(result(`exit listener (${order}), ${kind}, ${how}`, sent, c.delivered, 0, { duplicated: c.duplicated + c.gaps }));
            assert.equal(sent, N + (order === 'both' ? 2 : 1));
            assert.equal(row.lost, 0, `${JSON.stringify(row)}\n${run.stderr}`);
            assert.equal(c.delivered, sent);
            assert.equal(c.next[0], sent, 'the last record is the one logged by the last exit listener');
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    }
  }
});
