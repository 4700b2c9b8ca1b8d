import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { ConfigError, WARNING } from '../../src/index.js';
import { DatagramHandler } from '../../src/handlers/datagram-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { collectOn, rec, startReceiver, waitFor } from './_util.js';

isolateLogging();

test('DatagramHandler.emit() – one record per datagram, JSON and pickle, with the length prefix CPython sends', async () => {
  const { sink } = collectOn('udp1');
  const rx = await startReceiver({ udp: 0 });
  try {
    for (const format of ['json', 'pickle'] as const) {
      const h = new DatagramHandler('127.0.0.1', rx.addresses.udp!.port, { format });
      const frame = h.makePickle(rec('udp1', 'x'));
      assert.equal(frame.readUInt32BE(0), frame.length - 4, 'same bytes as a SocketHandler frame (CPython keeps the prefix)');
      h.handle(rec('udp1', 'over udp %s', [format], WARNING));
      await h.close();
    }
    await waitFor(() => sink.records.length === 2);
    assert.deepEqual(sink.messages.sort(), ['over udp json', 'over udp pickle']);
    assert.equal(sink.records[0]!.levelname, 'WARNING');
  } finally {
    await rx.close();
  }
});

test('LogRecordReceiver – UDP accepts a bare payload without prefix and drops malformed datagrams', async () => {
  const { sink } = collectOn('udp2');
  const rx = await startReceiver({ udp: 0, maxReports: 100 });
  const s = dgram.createSocket('udp4');
  try {
    const port = rx.addresses.udp!.port;
    const send = (b: Buffer): Promise<void> => new Promise((r) => s.send(b, port, '127.0.0.1', () => r()));
    const stderr = await captureStderr(async () => {
      await send(Buffer.from('{"name":"udp2","levelno":20,"levelname":"INFO","msg":"bare json"}'));
      await send(Buffer.from('garbage that is not a record'));
      await send(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]));
      await send(Buffer.from('{"name":"udp2","levelno":20,"msg":"after garbage"}'));
      await waitFor(() => sink.records.length === 2 && rx.stats.protocolErrors === 2);
    });
    assert.deepEqual(sink.messages, ['bare json', 'after garbage']);
    assert.equal((stderr.match(/datagram dropped/g) ?? []).length, 2);
  } finally {
    s.close();
    await rx.close();
  }
});

test('DatagramHandler.send() – a record larger than one datagram goes to handleError', async () => {
  const h = new DatagramHandler('127.0.0.1', 9);
  const stderr = await captureStderr(() => h.handle(rec('big', 'x'.repeat(70_000))));
  assert.match(stderr, /--- Logging error ---[\s\S]*more than one datagram holds \(65507\)/);
  await h.close();
});

test('DatagramHandler – a Unix path needs unix-dgram: ConfigError naming the install command', (t) => {
  let installed = true;
  try {
    createRequire(import.meta.url).resolve('unix-dgram');
  } catch {
    installed = false;
  }
  if (installed) {
    t.skip('unix-dgram is installed here; the missing-module error cannot be observed');
    return;
  }
  assert.throws(() => new DatagramHandler('/tmp/some.sock', null), (e: unknown) => e instanceof ConfigError && /npm install unix-dgram/.test((e as Error).message));
});

test('DatagramHandler constructor – bad options throw ConfigError', () => {
  assert.throws(() => new DatagramHandler('', 1), ConfigError);
  assert.throws(() => new DatagramHandler('h', -1), /port must be/);
  assert.throws(() => new DatagramHandler('h', 1, { format: 'x' as 'json' }), /format must be/);
});

test('LogRecordReceiver UDP – a burst of 1,000 records from CPython DatagramHandler while the receiver is busy: all stored with the default buffer; a small one drops, and udpDrops counts exactly the missing ones', { timeout: 120_000 }, async (t) => {
  const { spawnSync } = await import('node:child_process');
  const N = 1000;
  const burst = (port: number): void => {
    // spawnSync blocks this process's event loop: the receiver is "cold" for the whole burst
    const r = spawnSync('python3', ['-c', `
import logging, logging.handlers, sys
h = logging.handlers.DatagramHandler('127.0.0.1', int(sys.argv[1]))
lg = logging.getLogger('burst'); lg.propagate = False; lg.addHandler(h)
for i in range(${N}): lg.warning('burst record %d %s', i, 'x' * 200)
`, String(port)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  const results: Record<string, { stored: number; drops: number | null; buffer: number }> = {};
  for (const [label, udpReceiveBuffer] of [['default', undefined], ['64 KiB', 64 << 10]] as const) {
    const { sink, logger } = collectOn(`burst`);
    const rx = await startReceiver({ udp: 0, ...(udpReceiveBuffer ? { udpReceiveBuffer } : {}) });
    try {
      burst(rx.addresses.udp!.port);
      const drops = () => rx.udpDrops() ?? 0;
      await waitFor(() => sink.records.length + drops() >= N, 30_000, `${label}: all records accounted for`);
      results[label] = { stored: sink.records.length, drops: rx.udpDrops(), buffer: rx.stats.udpReceiveBuffer };
    } finally {
      await rx.close();
      logger.removeHandler(sink);
    }
  }
  t.diagnostic(`sent ${N} each: ${JSON.stringify(results)}`);
  const d = results['default']!;
  assert.ok(d.buffer >= 4 << 20, `granted ${d.buffer}`);
  assert.equal(d.stored, N, JSON.stringify(results));
  assert.equal(d.drops, 0);
  const s = results['64 KiB']!;
  assert.ok(s.stored < N, JSON.stringify(results));
  assert.equal(s.stored + s.drops!, N, 'every missing datagram is counted by the kernel');
});
