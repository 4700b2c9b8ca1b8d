// Issue #16 item 4: a logflume receiver that must refuse a connection the kernel
// had already queued (at maxConnections) answers with one line and reads
// nothing. SocketHandler must notice that line and send what it wrote on that
// connection again on the next one: every record once, in order, none lost.
// The first connection goes to a peer that behaves as the receiver's refusal
// does (REFUSED_LINE, then the close, nothing read); later ones to the real receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { REFUSED_LINE } from '../../src/handlers/log-record-receiver.js';
import { diagnostics } from '../../src/internal/report.js';
import { collectOn, rec, startReceiver, waitFor } from './_util.js';

test('SocketHandler – a refusal line from the receiver puts the frames sent on that connection back in the queue: all 200 arrive once, in order', async () => {
  const rx = await startReceiver({ tcp: 0 });
  const target = rx.addresses.tcp!.port;
  const { sink } = collectOn('refl');
  let refusals = 0;
  // in front of the receiver: the first connection is refused as the receiver refuses one, the rest are piped through
  const front = net.createServer((sock) => {
    if (refusals++ === 0) {
      sock.on('data', () => {}); // nothing is read
      sock.on('error', () => {});
      // the sender's first frames have reached the kernel before the refusal, as with a queued connection
      sock.once('data', () => sock.end(REFUSED_LINE));
      return;
    }
    const up = net.connect(target, '127.0.0.1');
    sock.pipe(up).pipe(sock);
    sock.on('error', () => up.destroy());
    up.on('error', () => sock.destroy());
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const port = (front.address() as net.AddressInfo).port;
  const reports: string[] = [];
  const orig = diagnostics.write;
  diagnostics.write = (t: string) => void reports.push(t);
  const h = new SocketHandler('127.0.0.1', port, { retryStart: 0.05, retryMax: 0.2 });
  try {
    for (let i = 0; i < 100; i++) h.handle(rec('refl', 'r %d', [i]));
    await waitFor(() => refusals >= 2, 15_000, 'the reconnect after the refusal');
    for (let i = 100; i < 200; i++) h.handle(rec('refl', 'r %d', [i]));
    await waitFor(() => sink.records.length >= 200, 15_000, `200 records (have ${sink.records.length})`);
    await h.flush();
    assert.deepEqual(sink.messages, Array.from({ length: 200 }, (_, i) => `r ${i}`));
    assert.equal(h.sentCount, 200);
    assert.equal(h.droppedCount, 0);
    assert.match(reports.join(''), /the receiver refused the connection \(maxConnections reached\); \d+ frame\(s\) sent on it go out again/);
  } finally {
    diagnostics.write = orig;
    await h.close();
    front.close();
    await rx.close();
  }
});
