/**
 * OTLPHandler at shutdown()'s deadline against a collector that takes the request and never
 * answers: abandon() aborts it, hands back every record not confirmed (the batch in flight
 * first, then the queue, in logged order), and the process exits instead of waiting out
 * closeTimeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = (p: string): string => JSON.stringify(fileURLToPath(new URL(`../../src/${p}`, import.meta.url)));

const CHILD = `
import * as http from 'node:http';
import { getLogger, shutdown, LogRecord } from ${src('index.ts')};
import { OTLPHandler } from ${src('otel/otlp-handler.ts')};
let requests = 0;
const collector = http.createServer((req) => { requests++; req.resume(); /* never answers */ });
await new Promise((r) => collector.listen(0, '127.0.0.1', r));
collector.unref();
const h = new OTLPHandler({ endpoint: 'http://127.0.0.1:' + collector.address().port + '/v1/logs', maxExportBatchSize: 4, scheduledDelayMillis: 1, timeout: 60_000, closeTimeout: 60_000, maxRetries: 0 });
const log = getLogger('abandon'); log.propagate = false; log.setLevel('INFO'); log.addHandler(h);
for (let i = 0; i < 10; i++) log.info('rec %d', i);
while (requests === 0) await new Promise((r) => setImmediate(r));
const res = await shutdown({ timeout: 300 });
const u = res.undelivered.find((x) => x.handler === h);
process.stdout.write(JSON.stringify({
  complete: res.complete, messages: u ? u.records.map((r) => r.getMessage()) : null, allRecords: u ? u.records.every((r) => r instanceof LogRecord) : false,
  inFlight: u?.inFlight, dropped: h.dropped, sent: h.sent, requests,
}));
`;

test('OTLPHandler – shutdown() past its deadline on a collector that never answers: abandon() returns the unconfirmed records in order and the process exits', { timeout: 50_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lf-otlp-abandon-'));
  try {
    const file = join(dir, 'child.mts');
    writeFileSync(file, CHILD);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    // without abandon() the child waits out closeTimeout (60 s) and this test's own timeout fails it
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, err);
    const r = JSON.parse(out) as { complete: boolean; messages: string[]; allRecords: boolean; inFlight: number; dropped: number; sent: number; requests: number };
    assert.equal(r.complete, false);
    assert.deepEqual(r.messages, Array.from({ length: 10 }, (_, i) => `rec ${i}`));
    assert.equal(r.allRecords, true);
    assert.equal(r.inFlight, 4, 'the first batch was on the wire');
    assert.equal(r.sent, 0);
    assert.equal(r.dropped, 10, 'every abandoned record is counted');
    assert.match(err, /10 record\(s\) not delivered \(4 in flight, possibly received\): "rec 0"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
