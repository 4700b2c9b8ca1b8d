import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { OtlpReceiver, bodies } from './otlp-receiver.js';
import { bundleArgs, tsxArgs } from '../helpers/bundle.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'otel', 'exit-child.ts');

async function runChild(endpoint: string, how: string, n: number, mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // the worker mode loads src/otel/index.ts in the worker: tsx; the main-thread mode runs bundled
  const node = mode === 'main' ? bundleArgs(fixture) : tsxArgs(fixture);
  const child = spawn(process.execPath, [...node, endpoint, how, String(n), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

type Lr = { body: { stringValue: string }; traceId?: string; spanId?: string; flags?: number; attributes?: { key: string; value: { intValue?: string } }[] };
function logRecords(rx: OtlpReceiver): Lr[] {
  const out: Lr[] = [];
  for (const d of rx.decoded()) for (const rl of d.resourceLogs as any[]) for (const sl of rl.scopeLogs) out.push(...(sl.logRecords as Lr[]));
  return out;
}

// each test has its own collector and children: they run side by side
describe('OTLPHandler in the worker, trace ids through the queue, exit', { concurrency: true }, () => {
  for (const how of ['natural', 'exit', 'throw']) {
    test(`OTLPHandler in WorkerQueueListener – ${how}: every record logged before the end reaches the collector once, in order, with the main thread's span ids`, async () => {
      const rx = new OtlpReceiver();
      const url = await rx.listen();
      try {
        const n = 450;
        const r = await runChild(url, how, n, 'worker');
        if (how === 'natural') assert.equal(r.code, 0, r.stderr);
        else assert.notEqual(r.code, 0);
        const [traceId, spanId] = r.stdout.trim().split(' ');
        const lrs = logRecords(rx);
        assert.deepEqual(bodies(rx.decoded()), Array.from({ length: n }, (_, i) => `record ${i}`));
        for (const lr of lrs) {
          assert.equal(lr.traceId, traceId);
          assert.equal(lr.spanId, spanId);
          assert.equal(lr.flags, 1);
        }
        assert.equal(lrs[7]!.attributes!.find((a) => a.key === 'seq')!.value.intValue, '7', 'extra fields cross the thread as attributes');
        assert.doesNotMatch(r.stderr, /not sent|not delivered/);
      } finally {
        await rx.close();
      }
    });
  }

  test('OTLPHandler on the main thread – natural exit sends the backlog first; process.exit() reports how many records stay unsent', async () => {
    const rx = new OtlpReceiver();
    const url = await rx.listen();
    try {
      const ok = await runChild(url, 'natural', 120, 'main');
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(bodies(rx.decoded()).length, 120);
      const cut = await runChild(url, 'exit', 120, 'main');
      assert.equal(cut.code, 3);
      assert.match(cut.stderr, /OTLPHandler: 120 record\(s\) not sent to .* before the process exited/);
      assert.equal(bodies(rx.decoded()).length, 120, 'nothing more arrived');
    } finally {
      await rx.close();
    }
  });
});
