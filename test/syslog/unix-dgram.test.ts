import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { getLogger, INFO } from '../../src/index.js';
import { SysLogHandler } from '../../src/handlers/sys-log-handler.js';
import type { UnixDgramSocket } from '../../src/handlers/unix-dgram-sender.js';
import { requireUnixDgram } from '../helpers/unix-dgram.js';
import { isolateLogging } from '../helpers/capture.js';
import { bundleArgs } from '../helpers/bundle.js';

isolateLogging();
const { mod, skip: noUnixDgram } = requireUnixDgram('SysLogHandler over a Unix datagram socket');
const sockPath = () => join(mkdtempSync(join(tmpdir(), 'logflume-uxd-')), 'log.sock');

/** A receiver bound with unix-dgram that starts reading only when told to. */
function receiver(path: string): { got: string[]; start(): void; close(): void } {
  const s = mod!.createSocket('unix_dgram') as UnixDgramSocket & { bind(p: string): void; on(ev: 'message', fn: (b: Buffer) => void): void };
  const got: string[] = [];
  let reading = false;
  const backlog: Buffer[] = [];
  s.on('message', (b: Buffer) => {
    if (reading) got.push(b.toString());
    else backlog.push(b);
  });
  s.bind(path);
  return {
    got,
    start() {
      reading = true;
      for (const b of backlog.splice(0)) got.push(b.toString());
    },
    close: () => s.close(),
  };
}

describe('SysLogHandler over a Unix datagram socket (unix-dgram)', { skip: noUnixDgram }, () => {
  test('SysLogHandler.send() – a burst beyond max_dgram_qlen waits for the reader: all arrive, in order, none dropped', async () => {
    const path = sockPath();
    const r = receiver(path);
    const h = new SysLogHandler({ address: path, ident: 'burst: ' });
    const log = getLogger('ux.burst');
    log.setLevel(INFO);
    log.propagate = false;
    log.addHandler(h);
    // the reader is slow to start: the kernel queue (net.unix.max_dgram_qlen, often 10) fills up
    for (let i = 0; i < 200; i++) log.info('record %d', i);
    setTimeout(() => r.start(), 50);
    await h.flush();
    const deadline = Date.now() + 5000;
    while (r.got.length < 200 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    await h.close();
    r.close();
    assert.equal(h.droppedCount, 0);
    assert.equal(r.got.length, 200);
    r.got.forEach((m, i) => assert.equal(m, `<14>burst: record ${i}\0`));
  });

  test('SysLogHandler – a program that logs and ends exits by itself, and its records were sent', async () => {
    const path = sockPath();
    const r = receiver(path);
    r.start();
    const child = spawn(process.execPath, [...bundleArgs(join(import.meta.dirname, 'fixtures/unix-dgram-exit.ts')), path, '5'], { stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(-1);
      }, 20_000);
      child.once('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    const deadline = Date.now() + 2000;
    while (r.got.length < 5 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    r.close();
    assert.equal(code, 0, 'the child did not exit on its own');
    assert.deepEqual(r.got, [0, 1, 2, 3, 4].map((i) => `<14>exit: record ${i}\0`));
  });
});
