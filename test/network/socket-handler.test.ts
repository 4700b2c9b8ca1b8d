import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR, WARNING, ConfigError } from '../../src/index.js';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { decodePayload } from '../../src/handlers/wire/record-dict.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { collectOn, rec, startReceiver, waitFor } from './_util.js';
import { bundleArgs } from '../helpers/bundle.js';

isolateLogging();

test('SocketHandler.emit() – JSON and pickle frames reach the receiver with their fields', async () => {
  const { sink } = collectOn('net1');
  const rx = await startReceiver({ tcp: 0 });
  try {
    for (const format of ['json', 'pickle'] as const) {
      const h = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port, { format });
      h.handle(rec('net1.a', 'hello %s – %d é😀', [format, 42], WARNING));
      h.handle(rec('net1.b', 'failed', [], ERROR, new Error('boom')));
      await h.close();
      assert.equal(h.sentCount, 2);
    }
    await waitFor(() => sink.records.length === 4);
    const [a, b, c] = sink.records;
    assert.equal(a!.getMessage(), 'hello json – 42 é😀');
    assert.equal(a!.args, null);
    assert.equal(a!.levelname, 'WARNING');
    assert.equal(a!.funcName, 'send');
    assert.equal(a!.lineno, 12);
    assert.match(String(b!.exc_text), /^Error: boom/);
    assert.equal(b!.exc_info, null);
    assert.equal(c!.getMessage(), 'hello pickle – 42 é😀');
    assert.equal(typeof c!.created, 'number');
  } finally {
    await rx.close();
  }
});

test('SocketHandler – Unix domain socket when port is null', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logflume-unix-'));
  const path = join(dir, 'rx.sock');
  const { sink } = collectOn('net2');
  const rx = await startReceiver({ unix: path });
  try {
    const h = new SocketHandler(path, null);
    assert.equal(h.address, path);
    h.handle(rec('net2', 'over unix'));
    await h.close();
    await waitFor(() => sink.records.length === 1);
    assert.equal(sink.messages[0], 'over unix');
  } finally {
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SocketHandler.createSocket() – exponential back-off: retryStart, ×retryFactor, capped at retryMax', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r())); // nothing listens there now
  const periods: number[] = [];
  class Probe extends SocketHandler {
    override makeSocket(timeout?: number): net.Socket {
      periods.push(this.retryPeriod); // the period that was waited before this attempt
      return super.makeSocket(timeout);
    }
  }
  const h = new Probe('127.0.0.1', port, { retryStart: 0.05, retryFactor: 2, retryMax: 0.15 });
  assert.deepEqual([h.retryStart, h.retryFactor, h.retryMax], [0.05, 2, 0.15]);
  const d = new SocketHandler('127.0.0.1', 9);
  assert.deepEqual([d.retryStart, d.retryFactor, d.retryMax], [1, 2, 30], "Python's defaults");
  await d.close();
  const stderr = await captureStderr(async () => {
    h.handle(rec('x', 'queued while down'));
    // Each failed attempt sets the next period; the handler retries on its own while records wait.
    await waitFor(() => periods.length >= 5, 10_000, 'five attempts');
    assert.equal(h.queuedCount, 1, 'the record waits in the backlog');
  });
  assert.deepEqual(periods.slice(0, 5), [0, 0.05, 0.1, 0.15, 0.15]);
  assert.equal(stderr, '', 'no report while the backlog holds the record');
  await h.close();
  assert.equal(h.droppedCount, 1, 'close() counts what could not be sent');
});

test('SocketHandler – receiver restarted mid-stream: with the default backlog nothing is lost and order is kept', async () => {
  const { sink } = collectOn('net3');
  let rx = await startReceiver({ tcp: 0 });
  const port = rx.addresses.tcp!.port;
  const h = new SocketHandler('127.0.0.1', port, { retryStart: 0.05, retryMax: 0.2 });
  const N = 3000;
  let sent = 0;
  const logSome = (k: number): void => {
    for (let j = 0; j < k && sent < N; j++) h.handle(rec('net3', 'seq %d', [sent++]));
  };
  // A steady stream paced by the receiver (at most LEAD records ahead of it), not by the clock.
  const LEAD = 200;
  while (sink.records.length <= 500) {
    logSome(20);
    await waitFor(() => sink.records.length >= sent - LEAD, 15_000, 'the receiver keeps up');
  }
  logSome(20); // in flight as the receiver goes
  await rx.close(); // graceful: the sender sees FIN and keeps later records in its backlog
  const receivedBeforeRestart = sink.records.length;
  const sentAtClose = sent;
  for (let k = 0; k < 10; k++) {
    logSome(20); // logged while nothing listens
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(sent, sentAtClose + 200);
  rx = await startReceiver({ tcp: port });
  try {
    while (sent < N) {
      logSome(20);
      await waitFor(() => sink.records.length >= sent - LEAD - 200, 20_000, 'the receiver keeps up after the restart');
    }
    await h.flush();
    await waitFor(() => sink.records.length >= N, 20_000, `all ${N} records (have ${sink.records.length})`);
    const seqs = sink.records.map((r) => Number(String(r.msg).slice(4)));
    assert.deepEqual(seqs, Array.from({ length: N }, (_, i) => i));
    assert.ok(receivedBeforeRestart < N, 'the restart happened mid-stream');
    assert.equal(h.droppedCount, 0);
  } finally {
    await h.close();
    await rx.close();
  }
});

test('SocketHandler – backlog: false drops records while the receiver is down and counts them', async () => {
  const { sink } = collectOn('net4');
  let rx = await startReceiver({ tcp: 0 });
  const port = rx.addresses.tcp!.port;
  const h = new SocketHandler('127.0.0.1', port, { backlog: false, retryStart: 0.05, retryMax: 0.1 });
  let stderr: string;
  try {
    for (let i = 0; i < 100; i++) h.handle(rec('net4', 'before %d', [i]));
    await h.flush();
    await waitFor(() => sink.records.length === 100);
    await rx.close();
    await waitFor(() => h.sock === null, 15_000, 'the handler has seen the receiver go');
    // No connect attempt in flight and the back-off period over: the next record starts a new attempt.
    const idle = (): boolean => h.sock === null && (h.retryTime === null || Date.now() / 1000 >= h.retryTime);
    stderr = await captureStderr(async () => {
      for (let i = 0; i < 200; i++) {
        // batches of 20; before the first and the sixth, a fresh attempt (which fails: two attempts, one outage)
        if (i === 0 || i === 100) await waitFor(idle, 15_000, 'the back-off period to end');
        h.handle(rec('net4', 'during %d', [i]));
        if (i % 20 === 19) await waitFor(() => h.sock === null, 15_000, 'the connect attempt to fail');
      }
    });
    rx = await startReceiver({ tcp: port });
    await waitFor(idle, 15_000, 'the back-off period to end'); // else the first records would be dropped by it
    for (let i = 0; i < 100; i++) {
      h.handle(rec('net4', 'after %d', [i]));
      await new Promise((r) => setImmediate(r));
    }
    await h.flush();
    await waitFor(() => sink.messages.includes('after 99'), 15_000, 'records after the restart');
    const during = sink.messages.filter((m) => m.startsWith('during')).length;
    assert.ok(h.droppedCount > 0, 'some records were dropped');
    assert.equal(during + h.droppedCount, 200, `every record sent during the outage is either delivered or counted (${during} + ${h.droppedCount})`);
    assert.match(stderr, /dropping records \(the receiver is unreachable\); droppedCount counts them/);
    assert.equal(stderr.match(/dropping records/g)!.length, 1, 'reported once per outage, not per record');
  } finally {
    await h.close();
    await rx.close();
  }
});

test('SocketHandler – a full backlog drops the newest records and counts them', async () => {
  const h = new SocketHandler('127.0.0.1', 9, { backlog: { records: 10, bytes: 1 << 20 }, retryStart: 5 });
  const stderr = await captureStderr(() => {
    for (let i = 0; i < 25; i++) h.handle(rec('x', 'r %d', [i]));
  });
  assert.equal(h.queuedCount, 10);
  assert.equal(h.droppedCount, 15);
  assert.match(stderr, /the send backlog is full/);
  await captureStderr(() => h.close());
  assert.equal(h.queuedCount, 0);
});

test('SocketHandler.close() – sends everything queued before the connection existed', async () => {
  const { sink } = collectOn('net5');
  const rx = await startReceiver({ tcp: 0 });
  try {
    const h = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port);
    for (let i = 0; i < 5000; i++) h.handle(rec('net5', 'burst %d', [i]));
    await h.close();
    assert.equal(h.droppedCount, 0);
    await waitFor(() => sink.records.length === 5000);
    assert.equal(sink.messages[4999], 'burst 4999');
  } finally {
    await rx.close();
  }
});

test('SocketHandler – HMAC: signed frames accepted, unsigned or wrongly signed ones refused', async () => {
  const { sink } = collectOn('net6');
  const rx = await startReceiver({ tcp: 0, hmacKey: 'shared-secret' });
  const port = rx.addresses.tcp!.port;
  try {
    const good = new SocketHandler('127.0.0.1', port, { hmacKey: 'shared-secret', format: 'pickle' });
    good.handle(rec('net6', 'signed'));
    await good.close();
    await waitFor(() => sink.records.length === 1);
    const stderr = await captureStderr(async () => {
      for (const key of [null, 'wrong-key']) {
        const bad = new SocketHandler('127.0.0.1', port, { hmacKey: key });
        bad.handle(rec('net6', 'forged'));
        await bad.close();
      }
      await waitFor(() => rx.stats.protocolErrors === 2);
    });
    assert.match(stderr, /hmac: bad signature; connection closed/);
    assert.deepEqual(sink.messages, ['signed']);
  } finally {
    await rx.close();
  }
});

test('SocketHandler constructor – bad options throw ConfigError naming the option', async () => {
  assert.throws(() => new SocketHandler('', 1), ConfigError);
  assert.throws(() => new SocketHandler('h', 70000), /port must be/);
  assert.throws(() => new SocketHandler('h', 1, { format: 'xml' as 'json' }), /format must be/);
  assert.throws(() => new SocketHandler('h', 1, { hmacKey: '' }), ConfigError);
  assert.throws(() => new SocketHandler('h', 1, { backlog: { records: 0 } }), /backlog/);
});

test('SocketHandler.makePickle() – overridable serialiser; encodeRecord() is its alias', async () => {
  class Upper extends SocketHandler {
    override makePickle(record: ReturnType<typeof rec>): Buffer {
      record.msg = String(record.msg).toUpperCase();
      return super.makePickle(record);
    }
  }
  const { sink } = collectOn('net7');
  const rx = await startReceiver({ tcp: 0 });
  try {
    const h = new Upper('127.0.0.1', rx.addresses.tcp!.port);
    const frame = h.encodeRecord(rec('net7', 'abc'));
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    assert.equal(decodePayload(frame.subarray(4)).msg, 'ABC');
    h.handle(rec('net7', 'shout'));
    await h.close();
    await waitFor(() => sink.records.length === 1);
    assert.equal(sink.messages[0], 'SHOUT');
  } finally {
    await rx.close();
  }
});

test('SocketHandler – a process that logs and ends without close() still delivers, and its idle socket does not keep it alive', async () => {
  const { sink } = collectOn('noclose');
  const rx = await startReceiver({ tcp: 0 });
  try {
    const { spawn } = await import('node:child_process');
    const fixture = join(import.meta.dirname, '../fixtures/network/no-close.ts');
    const child = spawn(process.execPath, [...bundleArgs(fixture), String(rx.addresses.tcp!.port), '3000'], { stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, 'exited on its own (a hung process would hit the test timeout)');
    await waitFor(() => sink.records.length === 3000, 15_000, 'all records');
    assert.equal(sink.messages[2999], 'nc 2999');
  } finally {
    await rx.close();
  }
});

test('SocketHandler.close() – a slow but live receiver gets the whole backlog: closeTimeout counts time without progress', async () => {
  // A receiver that reads in short bursts (about 1.5 MB/s) on a Unix socket (small kernel
  // buffers, so the sender sees steady progress): the backlog takes several times
  // closeTimeout to go through, yet data keeps moving, so nothing may be dropped.
  const { FrameDecoder } = await import('../../src/handlers/wire/frame.js');
  const dir = mkdtempSync(join(tmpdir(), 'logflume-slow-'));
  const path = join(dir, 'rx.sock');
  let frames = 0;
  let pauses = 0;
  const srv = net.createServer((sock) => {
    const dec = new FrameDecoder(1 << 20);
    sock.on('data', (chunk: Buffer) => {
      frames += dec.push(chunk).length;
      pauses++;
      sock.pause();
      setTimeout(() => sock.resume(), 40);
    });
  });
  await new Promise<void>((r) => srv.listen(path, r));
  const N = 3000;
  const pad = 'x'.repeat(1000);
  // closeTimeout well above the receiver's 40 ms pauses, so a loaded machine cannot fake a stall
  const h = new SocketHandler(path, null, { backlog: { records: N, bytes: 64 << 20 }, closeTimeout: 1000 });
  try {
    for (let i = 0; i < N; i++) h.handle(rec('slow', 'r %d %s', [i, pad]));
    await h.close();
    assert.equal(h.droppedCount, 0, 'nothing dropped');
    assert.equal(h.sentCount, N);
    await waitFor(() => frames === N, 30_000, 'every frame at the receiver');
    // the receiver paused 40 ms after every read: the transfer took more than closeTimeout (1000 ms) of them
    assert.ok(pauses * 40 > 1000, `close() outlived closeTimeout while the receiver made progress (${pauses} pauses of 40 ms)`);
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SocketHandler – frames emitted in one tick go out as one write; a broken connection replays the unsent batch in order', async () => {
  const { sink } = collectOn('net9');
  const rx = await startReceiver({ tcp: 0 });
  try {
    const h = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port);
    h.handle(rec('net9', 'connect'));
    await h.flush();
    const sock = h.sock!;
    const writes: number[] = [];
    const orig = sock.write.bind(sock) as (...a: unknown[]) => boolean;
    (sock as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
      writes.push((a[0] as Buffer).length);
      return orig(...a);
    };
    for (let i = 0; i < 100; i++) h.handle(rec('net9', 'b %d', [i]));
    assert.equal(writes.length, 0, 'nothing written synchronously');
    await h.flush();
    assert.equal(writes.length, 1, 'one write for the tick');
    assert.equal(h.sentCount, 101);
    // Break the connection while a batch is pending: those frames are replayed on the next connection.
    for (let i = 100; i < 150; i++) h.handle(rec('net9', 'b %d', [i]));
    sock.destroy();
    await h.close();
    assert.equal(h.droppedCount, 0);
    await waitFor(() => sink.records.length >= 151, 15_000, 'all records');
    assert.deepEqual(sink.messages.slice(1), Array.from({ length: 150 }, (_, i) => `b ${i}`));
  } finally {
    await rx.close();
  }
});

test('SocketHandler – a peer that reads part of a burst and resets, 3 rounds: frames arrive in logged order, none twice, the last one too; resets are reported', { timeout: 120_000 }, async (t) => {
  const { ResettingPeer, lengthPrefixed, checkOrder } = await import('../syslog/resetting-peer.js');
  const N = 20_000;
  const peer = await ResettingPeer.start(lengthPrefixed, 3, 1500);
  const h = new SocketHandler('127.0.0.1', peer.port, { format: 'json', retryStart: 0.02, retryMax: 0.05, backlog: { records: N, bytes: 64 << 20 } });
  const pad = 'p'.repeat(1000);
  const seqOf = (f: Buffer): number => Number(/seq=(\d+) /.exec(String(decodePayload(f).msg))![1]);
  const err = await captureStderr(async () => {
    for (let i = 0; i < N; i++) h.handle(rec('replay', `seq=${i} ${pad}`));
    await waitFor(() => peer.frames.length > 0 && seqOf(peer.frames[peer.frames.length - 1]!.data) === N - 1, 60_000, 'the last frame');
    await h.close();
  });
  await peer.close();
  const received = checkOrder(peer.frames.map((f) => seqOf(f.data)), N - 1);
  assert.ok(peer.connections >= 4);
  assert.match(err, /the receiver reset the connection \(ECONNRESET\) after \d+ frame\(s\) on it/);
  t.diagnostic(`sent ${N}, received ${received} in order over ${peer.connections} connections; the rest were in kernel buffers at a reset (reported)`);
});

test('SocketHandler – a record above maxFrameSize is cut to fit and marked; the receiver keeps the connection and every neighbour', async () => {
  const { sink } = collectOn('big');
  const rx = await startReceiver({ tcp: 0, maxFrameSize: 64 << 10 });
  try {
    const h = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port, { format: 'json', maxFrameSize: 64 << 10 });
    const err = await captureStderr(async () => {
      h.handle(rec('big.a', 'before'));
      h.handle(rec('big.b', 'huge %s', ['z'.repeat(200 << 10)]));
      h.handle(rec('big.c', 'after'));
      const small = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port, { format: 'json', maxFrameSize: 64 << 10 });
      const r = rec('big.d', 'extras too big');
      (r as unknown as Record<string, unknown>).blob = 'q'.repeat(100 << 10);
      small.handle(r);
      small.handle(rec('big.e', 'after the dropped one'));
      await small.close();
      assert.equal(small.droppedCount, 1);
      await h.close();
    });
    await waitFor(() => sink.records.length === 4);
    assert.deepEqual(sink.records.map((r) => r.name).sort(), ['big.a', 'big.b', 'big.c', 'big.e']);
    const big = sink.records.find((r) => r.name === 'big.b')!.getMessage();
    assert.match(big, /^huge z+\[truncated from \d+ bytes\]$/);
    assert.ok(Buffer.byteLength(big) < 64 << 10);
    assert.equal(h.truncatedCount, 1);
    assert.equal(h.droppedCount, 0);
    assert.match(err, /a \d+-byte record was cut to maxFrameSize \(65536\)/);
    assert.match(err, /was dropped: its attributes alone exceed maxFrameSize/);
    assert.equal(rx.stats.protocolErrors, 0);
  } finally {
    await rx.close();
  }
});
