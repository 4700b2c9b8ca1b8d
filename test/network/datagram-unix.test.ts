import { test } from 'node:test';
import { requireUnixDgram } from '../helpers/unix-dgram.js';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger, INFO } from '../../src/index.js';
import { DatagramHandler } from '../../src/handlers/datagram-handler.js';
import { decodePayload } from '../../src/handlers/wire/record-dict.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();

interface UnixDgramSocket {
  bind(path: string): void;
  on(ev: 'message', fn: (buf: Buffer) => void): void;
  close(): void;
}

test('DatagramHandler – a Unix datagram path: one length-prefixed record per datagram (Python framing), read back by a real unix_dgram socket', async (t) => {
  const { mod: loaded, skip } = requireUnixDgram('DatagramHandler over a Unix datagram path');
  if (!loaded) {
    t.skip(skip || 'unix-dgram missing');
    return;
  }
  const mod = loaded as unknown as { createSocket(type: 'unix_dgram'): UnixDgramSocket };
  const path = join(mkdtempSync(join(tmpdir(), 'logflume-udg-')), 'sink.sock');
  const server = mod.createSocket('unix_dgram');
  const got: Record<string, unknown>[] = [];
  server.on('message', (buf: Buffer) => {
    assert.equal(buf.readUInt32BE(0), buf.length - 4, 'a 4-byte big-endian length prefix, as Python');
    got.push(decodePayload(buf.subarray(4)));
  });
  server.bind(path);
  const h = new DatagramHandler(path, null);
  const log = getLogger('udg');
  log.setLevel(INFO);
  log.propagate = false;
  log.addHandler(h);
  for (let i = 0; i < 20; i++) log.info('datagram %d of %s', i, 'twenty');
  await h.flush();
  const deadline = Date.now() + 5000;
  while (got.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await h.close();
  server.close();
  assert.equal(got.length, 20);
  got.forEach((d, i) => {
    assert.equal(d.name, 'udg');
    assert.equal(d.msg, `datagram ${i} of twenty`);
    assert.equal(d.levelname, 'INFO');
    assert.equal(d.args, null);
  });
});
