/**
 * SocketHandler at shutdown()'s deadline against a peer that accepts and never reads:
 * abandon() hands back what was not delivered, as records in logged order, and the
 * process exits instead of waiting out closeTimeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = (p: string): string => JSON.stringify(fileURLToPath(new URL(`../../src/${p}`, import.meta.url)));

// The child: a TCP peer that accepts and pauses (its kernel buffers fill, then nothing moves),
// a SocketHandler with a 60 s closeTimeout, 4000 records of 2 KB, then shutdown({ timeout: 300 }).
const CHILD = `
import * as net from 'node:net';
import { getLogger, shutdown, LogRecord } from ${src('index.ts')};
import { SocketHandler } from ${src('handlers/socket-handler.ts')};
const peer = net.createServer((s) => s.pause());
await new Promise((r) => peer.listen(0, '127.0.0.1', r));
peer.unref();
const h = new SocketHandler('127.0.0.1', peer.address().port, { closeTimeout: 60_000, backlog: { records: 100_000, bytes: 64 << 20 } });
const log = getLogger('abandon'); log.propagate = false; log.setLevel('INFO'); log.addHandler(h);
const N = 4000, pad = 'x'.repeat(2000);
for (let i = 0; i < N; i++) log.info('rec %d %s', i, pad);
// let the socket take what the kernel will hold
await new Promise((r) => { const t = setInterval(() => { if (h.sentCount > 0 && h.queuedCount > 0) { clearInterval(t); r(); } }, 5); });
const res = await shutdown({ timeout: 300 });
const u = res.undelivered.find((x) => x.handler === h);
const seq = u ? u.records.map((r) => Number(/^rec (\\d+) /.exec(r.getMessage())?.[1])) : [];
process.stdout.write(JSON.stringify({
  complete: res.complete, records: seq.length, allRecords: u ? u.records.every((r) => r instanceof LogRecord && r.name === 'abandon' && r.levelname === 'INFO') : false,
  consecutive: seq.every((v, i) => i === 0 || v === seq[i - 1] + 1), last: seq.at(-1), inFlight: u?.inFlight,
  sent: h.sentCount, abandoned: h.abandonedCount, dropped: h.droppedCount, queued: h.queuedCount, N,
}));
`;

test('SocketHandler – shutdown() past its deadline on a peer that never reads: abandon() returns the unsent records in order and the process exits', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lf-abandon-'));
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
    const r = JSON.parse(out) as Record<string, number | boolean>;
    assert.equal(r.complete, false);
    assert.ok((r.records as number) > 0, out);
    assert.equal(r.allRecords, true);
    assert.equal(r.consecutive, true, 'the records come back in logged order');
    assert.equal(r.last, 3999, 'the newest record is among them');
    assert.equal(r.abandoned, r.records);
    assert.equal(r.queued, 0);
    // every record is accounted for: taken by the OS, or handed back
    assert.equal((r.sent as number) + (r.abandoned as number) + (r.dropped as number), r.N, out);
    assert.equal(r.dropped, 0);
    assert.match(err, /record\(s\) not delivered \(\d+ in flight, possibly received\): "rec \d+ x/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
