import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { collectOn, startReceiver, waitFor } from './_util.js';
import { pickleLoads } from '../../src/handlers/wire/pickle.js';

isolateLogging();

function python(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => (out += String(b)));
    p.stderr.on('data', (b) => (err += String(b)));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 failed: ${err}`))));
  });
}

const SENDER = `
import logging, logging.handlers, sys, datetime, decimal
class App:
    def __init__(self): self.secret = 'x'
port = int(sys.argv[1])
h = logging.handlers.SocketHandler('127.0.0.1', port)
lg = logging.getLogger('foreign'); lg.propagate = False; lg.addHandler(h); lg.setLevel(1)
values = [datetime.datetime(2024, 1, 1), datetime.datetime(2024, 1, 1, 12, 30, 5, 123, tzinfo=datetime.timezone.utc),
          datetime.date(2024, 2, 3), datetime.timedelta(days=1, seconds=5), decimal.Decimal('1.50'), b'ab\\xff',
          {3}, frozenset(), (1, 'two'), App(), App]
i = 0
for v in values:
    lg.info('plain %d', i); i += 1
    lg.warning('with extra %d', i, extra={'v': v}); i += 1
h.close()
print(i)
`;

test("LogRecordReceiver – CPython's stock SocketHandler with datetime, Decimal, bytes, set, tuple and application objects in extra: every record stored, values as safe stand-ins", { timeout: 60_000 }, async () => {
  const { sink } = collectOn('foreign');
  const rx = await startReceiver({ tcp: 0 });
  try {
    let sent = 0;
    const err = await captureStderr(async () => {
      sent = Number((await python(SENDER, [String(rx.addresses.tcp!.port)])).trim());
      await waitFor(() => sink.records.length >= sent, 15_000, `${sent} records`);
    });
    assert.equal(sent, 22);
    assert.equal(sink.records.length, sent, err);
    assert.equal(rx.stats.protocolErrors, 0, err);
    const vs = sink.records.filter((r) => r.levelname === 'WARNING').map((r) => r.v);
    assert.deepEqual(vs.slice(0, 5), [
      'datetime.datetime(2024, 1, 1, 0, 0)',
      'datetime.datetime(2024, 1, 1, 12, 30, 5, 123, tzinfo=datetime.timezone.utc)',
      'datetime.date(2024, 2, 3)',
      'datetime.timedelta(days=1, seconds=5)',
      "Decimal('1.50')",
    ]);
    assert.deepEqual([...(vs[5] as Uint8Array)], [0x61, 0x62, 0xff]);
    assert.deepEqual(vs.slice(6, 8), ['{3}', 'frozenset()']);
    assert.deepEqual([...(vs[8] as unknown[])], [1, 'two']);
    assert.equal(vs[9], '<__main__.App object>'); // the class is named; its state (secret) is dropped
    assert.equal(vs[10], "<class '__main__.App'>");
    assert.deepEqual(sink.records.map((r) => r.getMessage()).filter((m) => m.startsWith('plain')).length, 11);
  } finally {
    await rx.close();
  }
});

test('LogRecordReceiver – a pickle whose REDUCE would run code (os.system via __reduce__) is still refused; nothing runs', { timeout: 60_000 }, async () => {
  const marker = `/tmp/logflume-standin-pwned-${process.pid}`;
  const frame = await python(
    `import pickle, os, struct, sys, base64
class Exploit:
    def __reduce__(self): return (os.system, ('touch ${marker}',))
d = {'name': 'x', 'levelno': 20, 'msg': 'm', 'v': Exploit()}
s = pickle.dumps(d, 1)
sys.stdout.write(base64.b64encode(struct.pack('>L', len(s)) + s).decode())`,
    [],
  );
  const buf = Buffer.from(frame, 'base64');
  assert.throws(() => pickleLoads(buf.subarray(4)), /refused call of posix\.system|refused call of os\.system/);
  const rx = await startReceiver({ tcp: 0 });
  try {
    const err = await captureStderr(async () => {
      const c = net.connect(rx.addresses.tcp!.port, '127.0.0.1');
      await new Promise<void>((r) => c.once('connect', () => r()));
      c.end(buf);
      await new Promise<void>((r) => c.once('close', () => r()));
      await waitFor(() => rx.stats.protocolErrors > 0, 10_000, 'the refusal');
    });
    assert.match(err, /refused call of (posix|os)\.system/);
    assert.equal(existsSync(marker), false);
  } finally {
    await rx.close();
  }
});
