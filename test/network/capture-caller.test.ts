// Issue #15 item 8, the network half: a receiver whose formatters print caller
// fields gets them when the sender is configured with captureCaller: true.
// Its own file (own process): no Formatter with caller fields may exist here beforehand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLogger, DEBUG } from '../../src/index.js';
import { SocketHandler } from '../../src/handlers/index.js';
import { callerInfo } from '../../src/internal/caller.js';
import { collectOn, startReceiver, waitFor } from './_util.js';

test('SocketHandler({ captureCaller: true }) – the receiver sees the logging call site (funcName, lineno, filename)', async () => {
  assert.equal(callerInfo.usedByFormat, false, 'no caller-using formatter in this process yet');
  const { sink } = collectOn('cc');
  const rx = await startReceiver({ tcp: 0, logname: 'cc' }); // every record to logger cc, not back to the sender's logger
  try {
    const port = rx.addresses.tcp!.port;
    const h = new SocketHandler('127.0.0.1', port, { captureCaller: true });
    const log = getLogger('cc.sender');
    log.propagate = false;
    log.setLevel(DEBUG);
    log.addHandler(h);
    function chargeCard(): number {
      log.info('charged');
      return Number(new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1]) - 1;
    }
    const line = chargeCard();
    await h.close();
    await waitFor(() => sink.records.length === 1, 15_000, 'the record at the receiver');
    const r = sink.records[0]!;
    assert.equal(r.funcName, 'chargeCard');
    assert.equal(r.lineno, line);
    assert.equal(r.filename, 'capture-caller.test.ts');
  } finally {
    await rx.close();
  }
});
