import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../src/index.js';
import { SysLogHandler } from '../../src/handlers/sys-log-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { ResettingPeer, octetCounted, checkOrder } from './resetting-peer.js';

isolateLogging();

const N = 20_000;
const PAD = 'p'.repeat(1000);

test('SysLogHandler.send() – a peer that reads part of a burst and resets, 3 rounds: records arrive in logged order, none twice, the last one too', { timeout: 120_000 }, async (t) => {
  const peer = await ResettingPeer.start(octetCounted, 3, 1500);
  const h = new SysLogHandler({ address: ['127.0.0.1', peer.port], socktype: 'stream', format: 'rfc5424', reconnectDelay: 20, maxBacklog: N });
  const lg = new Logger('replay', 1);
  lg.propagate = false;
  lg.addHandler(h);
  const seqOf = (f: Buffer): number => Number(/ seq=(\d+) /.exec(f.toString('latin1'))![1]);
  await captureStderr(async () => {
    for (let i = 0; i < N; i++) lg.info('seq=%d %s', i, PAD);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (peer.frames.length === 0 || seqOf(peer.frames[peer.frames.length - 1]!.data) !== N - 1)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await h.close();
  });
  await peer.close();
  const seqs = peer.frames.map((f) => seqOf(f.data));
  const received = checkOrder(seqs, N - 1);
  const conns = new Set(peer.frames.map((f) => f.conn));
  assert.ok(peer.connections >= 4, `${peer.connections} connections`);
  assert.ok(conns.size >= 4, 'records arrived on every connection');
  t.diagnostic(`sent ${N}, received ${received} in order over ${peer.connections} connections; ${N - received} were in kernel buffers when the peer reset (TCP gives a syslog sender no way to know)`);
});
