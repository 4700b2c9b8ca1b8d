import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ERROR, INFO, WARNING } from '../../src/index.js';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { DatagramHandler } from '../../src/handlers/datagram-handler.js';
import { isolateLogging } from '../helpers/capture.js';
import { collectOn, rec, startReceiver, waitFor } from './_util.js';

isolateLogging();
const fixtures = join(import.meta.dirname, '../fixtures/network');

/** Run python3 without blocking the event loop (the receiver lives in this process). */
function python(args: string[], onLine?: (line: string) => void): { done: Promise<{ code: number | null; out: string; err: string }>; kill: () => void } {
  const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    partial += s;
    let i: number;
    while ((i = partial.indexOf('\n')) >= 0) {
      onLine?.(partial.slice(0, i));
      partial = partial.slice(i + 1);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { done, kill: () => child.kill() };
}

test('LogRecordReceiver – records from CPython stock SocketHandler and DatagramHandler arrive with the right fields', async () => {
  const { sink } = collectOn('py');
  const rx = await startReceiver({ tcp: 0, udp: 0 });
  try {
    const run = python([join(fixtures, 'py-sender.py'), String(rx.addresses.tcp!.port), String(rx.addresses.udp!.port)]);
    const res = await run.done;
    assert.equal(res.code, 0, res.err);
    await waitFor(() => sink.records.length === 14, 15_000, `14 records (have ${sink.records.length})`);
    for (const via of ['tcp', 'udp']) {
      const rs = sink.records.filter((r) => r.name.startsWith(`py.${via}`));
      assert.deepEqual(
        rs.map((r) => [r.name, r.levelname, r.levelno, r.getMessage()]),
        [
          [`py.${via}`, 'DEBUG', 10, 'debug 1'],
          [`py.${via}`, 'INFO', 20, 'info ünïcode ✓ 😀'],
          [`py.${via}`, 'WARNING', 30, "warn {'k': [1, 2]}"],
          [`py.${via}`, 'Level 25', 25, 'custom level'],
          [`py.${via}.child`, 'ERROR', 40, 'child error'],
          [`py.${via}`, 'ERROR', 40, 'boom x'],
          [`py.${via}`, 'CRITICAL', 50, 'crit'],
        ],
        via,
      );
      const boom = rs[5]!;
      assert.match(String(boom.exc_text), /^Traceback \(most recent call last\):[\s\S]*ZeroDivisionError: division by zero$/);
      assert.equal(boom.args, null);
      assert.equal(boom.funcName, '<module>');
      assert.match(boom.pathname, /py-sender\.py$/);
      assert.equal(rs[6]!.user, 'bob');
      assert.equal(typeof rs[6]!.created, 'number');
      assert.ok(Math.abs((rs[6]!.created as number) - Date.now() / 1000) < 120);
      assert.equal(rs[6]!.processName, 'MainProcess');
    }
    assert.equal(rx.stats.protocolErrors, 0);
  } finally {
    await rx.close();
  }
});

test("SocketHandler (format: 'pickle') – a Python cookbook receiver unpickles our records", async () => {
  const lines: Record<string, unknown>[] = [];
  let ports: number[] = [];
  const run = python([join(fixtures, 'py-receiver.py'), '5'], (line) => {
    if (line.startsWith('PORTS ')) ports = line.slice(6).split(' ').map(Number);
    else lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  try {
    await waitFor(() => ports.length === 2, 15_000, 'python receiver to start');
    const h = new SocketHandler('127.0.0.1', ports[0]!, { format: 'pickle' });
    h.handle(rec('js.app', 'hello %s ünïcode 😀 %d', ['from node', 42], WARNING));
    h.handle(rec('js.app.db', 'failed', [], ERROR, new Error('kaboom')));
    const withExtra = rec('js.app', 'with extra', [], INFO);
    withExtra.user = 'alice';
    h.handle(withExtra);
    h.handle(rec('js.app', '100%% sure', []));
    await h.close();
    const d = new DatagramHandler('127.0.0.1', ports[1]!, { format: 'pickle' });
    d.handle(rec('js.udp', 'via datagram %d', [7]));
    await d.close();
    const res = await run.done;
    assert.equal(res.code, 0, res.err);
    const byMsg = new Map(lines.map((l) => [l.message, l]));
    assert.deepEqual(byMsg.get('hello from node ünïcode 😀 42'), {
      ...byMsg.get('hello from node ünïcode 😀 42'),
      name: 'js.app',
      levelno: 30,
      levelname: 'WARNING',
      lineno: 12,
      funcName: 'send',
      formatted: 'WARNING:js.app:hello from node ünïcode 😀 42',
    });
    const failed = byMsg.get('failed')!;
    assert.equal(failed.name, 'js.app.db');
    assert.match(String(failed.exc_text), /^Error: kaboom\n\s+at /);
    assert.equal(byMsg.get('with extra')!.user, 'alice');
    assert.ok(byMsg.has('100%% sure'), 'msg without args is not %-formatted');
    assert.equal(byMsg.get('via datagram 7')!.name, 'js.udp');
    assert.equal(typeof byMsg.get('failed')!.created, 'number');
  } finally {
    run.kill();
  }
});
