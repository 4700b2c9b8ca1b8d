/**
 * SysLogHandler (stream) at shutdown()'s deadline against a peer that accepts and never
 * reads: abandon() hands back the records written but unconfirmed, in logged order, and
 * the process exits instead of holding on to the stuck connection.
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
import { SysLogHandler } from ${src('handlers/sys-log-handler.ts')};
let conns = 0;
const peer = net.createServer((s) => { conns++; s.pause(); });
await new Promise((r) => peer.listen(0, '127.0.0.1', r));
peer.unref();
const h = new SysLogHandler({ address: ['127.0.0.1', peer.address().port], socktype: 'stream', maxBacklog: 100_000 });
const log = getLogger('abandon'); log.propagate = false; log.setLevel('INFO'); log.addHandler(h);
log.info('first');
while (conns === 0) await new Promise((r) => setImmediate(r));
const N = 3000, pad = 'x'.repeat(7000);
for (let i = 0; i < N; i++) log.info('rec %d %s', i, pad);
const res = await shutdown({ timeout: 300 });
const u = res.undelivered.find((x) => x.handler === h);
const seq = u ? u.records.map((r) => Number(/^rec (\\d+) /.exec(r.getMessage())?.[1])) : [];
process.stdout.write(JSON.stringify({
  complete: res.complete, records: seq.length, allRecords: u ? u.records.every((r) => r instanceof LogRecord && r.name === 'abandon') : false,
  consecutive: seq.every((v, i) => i === 0 || v === seq[i - 1] + 1), last: seq.at(-1), inFlight: u?.inFlight,
  abandoned: h.abandonedCount, dropped: h.droppedCount, N,
}));
`;

test('SysLogHandler (stream) – shutdown() past its deadline on a peer that never reads: abandon() returns the unconfirmed records in order and the process exits', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lf-syslog-abandon-'));
  try {
    const file = join(dir, 'child.mts');
    writeFileSync(file, CHILD);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    // without abandon() the stuck connection keeps the child alive and this test's own timeout fails it
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, err);
    const r = JSON.parse(out) as Record<string, number | boolean>;
    assert.equal(r.complete, false);
    assert.ok((r.records as number) > 0, out);
    assert.equal(r.allRecords, true);
    assert.equal(r.consecutive, true, 'the records come back in logged order');
    assert.equal(r.last, 2999, 'the newest record is among them');
    assert.equal(r.abandoned, r.records);
    assert.equal(r.inFlight, r.records, 'all were written to the socket, none confirmed');
    assert.equal(r.dropped, 0);
    assert.match(err, /record\(s\) not delivered \(\d+ in flight, possibly received\): "rec \d+ x/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
