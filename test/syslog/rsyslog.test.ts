import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../src/index.js';
import { SysLogHandler, loadUnixDgram } from '../../src/handlers/sys-log-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { ClientSockets } from '../helpers/client-sockets.js';
import { runPython } from '../helpers/python.js';
import { Rsyslog, RSYSLOGD, type RsyslogEntry } from '../helpers/rsyslog.js';

isolateLogging();

function logger(name: string, h: SysLogHandler): Logger {
  const lg = new Logger(name, 1);
  lg.propagate = false;
  lg.addHandler(h);
  return lg;
}

const tagged = (tag: string) => (es: RsyslogEntry[]) => es.filter((e) => e.tag === tag || e.tag.startsWith(tag + '['));

describe('SysLogHandler against a real rsyslogd', { skip: RSYSLOGD ? false : 'rsyslogd not installed (apt-get install rsyslog)', timeout: 120_000 }, () => {
  let rs: Rsyslog;
  before(async () => {
    rs = await Rsyslog.start();
  });
  after(async () => {
    await rs?.stop();
  });

  test('SysLogHandler.emit() – UDP: facility, severity, tag and text as rsyslog parses them', async () => {
    const h = new SysLogHandler(['127.0.0.1', rs.udpPort], 'local3');
    h.ident = 'udpapp: ';
    const lg = logger('udp', h);
    lg.warning('hello %s', 'udp');
    lg.error('second ✓');
    lg.debug('third');
    await h.close();
    const es = tagged('udpapp:')(await rs.waitFor((e) => tagged('udpapp:')(e).length >= 3));
    assert.deepEqual(
      es.map((e) => [e.facility, e.severity, e.msg.trim(), e.input]),
      [
        [19, 4, 'hello udp', 'imudp'],
        [19, 3, 'second ✓', 'imudp'],
        [19, 7, 'third', 'imudp'],
      ],
    );
  });

  test('SysLogHandler.emit() – TCP: Python bytes (NUL-delimited) and RFC 5424 with octet counting', async () => {
    const a = new SysLogHandler({ address: ['127.0.0.1', rs.tcpPort], socktype: 'stream', facility: 'daemon', ident: 'tcpapp: ' });
    const la = logger('tcpa', a);
    lg3(la);
    const b = new SysLogHandler({
      address: ['127.0.0.1', rs.tcpPort],
      socktype: 'stream',
      facility: 'local5',
      format: 'rfc5424',
      framing: 'octet-counting',
      appName: 'tcp5424',
      structuredData: { 'x@32473': { k: 'v' } },
    });
    logger('tcpb', b).critical('multi\nline');
    await a.close();
    await b.close();
    const es = await rs.waitFor((e) => tagged('tcpapp:')(e).length >= 3 && tagged('tcp5424')(e).length >= 1);
    assert.deepEqual(
      tagged('tcpapp:')(es).map((e) => [e.facility, e.severity, e.msg.trim()]),
      [
        [3, 6, 'one'],
        [3, 4, 'two'],
        [3, 3, 'three'],
      ],
    );
    const r = tagged('tcp5424')(es)[0]!;
    assert.equal(r.facility, 21);
    assert.equal(r.severity, 2);
    assert.equal(r.input, 'imtcp');
    assert.match(r.raw, /^<170>1 \S+ \S+ tcp5424 \d+ - \[x@32473 k="v"\] multi/);
  });

  test('SysLogHandler.emit() – Unix stream socket (imptcp path=): stream fallback as Python', async () => {
    const h = new SysLogHandler({ address: rs.streamSocket, facility: 'user', ident: 'unixapp: ' });
    const lg = logger('unix', h);
    lg.info('over unix stream');
    lg.error('again');
    await h.close();
    assert.equal(h.socktype, 'stream');
    const es = tagged('unixapp:')(await rs.waitFor((e) => tagged('unixapp:')(e).length >= 2));
    assert.deepEqual(
      es.map((e) => [e.facility, e.severity, e.msg.trim(), e.input]),
      [
        [1, 6, 'over unix stream', 'imptcp'],
        [1, 3, 'again', 'imptcp'],
      ],
    );
  });

  test('SysLogHandler.emit() – Unix datagram socket (imuxsock): python3 and ours both arrive (or ours names unix-dgram when it is not installed)', async () => {
    runPython(
      `import json,sys,logging,logging.handlers as H
h=H.SysLogHandler(json.load(sys.stdin), facility=H.SysLogHandler.LOG_LOCAL1); h.ident='pyapp: '
l=logging.getLogger('py'); l.addHandler(h); l.error('from python'); h.close(); print('null')`,
      rs.dgramSocket,
    );
    const es = tagged('pyapp:')(await rs.waitFor((e) => tagged('pyapp:')(e).length >= 1));
    assert.deepEqual([es[0]!.facility, es[0]!.severity, es[0]!.msg.trim(), es[0]!.input], [17, 3, 'from python', 'imuxsock']);
    if (loadUnixDgram()) {
      // the optional native module is installed: ours must reach rsyslog over the same datagram socket
      const h = new SysLogHandler({ address: rs.dgramSocket, facility: 'local2', ident: 'uxapp: ' });
      const lg = logger('ux', h);
      lg.error('over unix datagram');
      lg.warning('second');
      await h.flush();
      assert.equal(h.socktype, 'dgram'); // datagram tried first, as Python
      await h.close();
      const ours = tagged('uxapp:')(await rs.waitFor((e) => tagged('uxapp:')(e).length >= 2));
      assert.deepEqual(
        ours.map((e) => [e.facility, e.severity, e.msg.trim(), e.input]),
        [
          [18, 3, 'over unix datagram', 'imuxsock'],
          [18, 4, 'second', 'imuxsock'],
        ],
      );
      return;
    }
    const h = new SysLogHandler({ address: rs.dgramSocket });
    const err = await captureStderr(async () => {
      logger('ux', h).error('not deliverable without unix-dgram');
      await h.flush();
    });
    assert.match(err, /npm install unix-dgram/);
    await captureStderr(() => h.close());
  });

  test('SysLogHandler.send() – TCP reconnects after rsyslogd restarts; records sent after it is back all arrive', async () => {
    const sockets = new ClientSockets();
    const h = new SysLogHandler({ address: ['127.0.0.1', rs.tcpPort], socktype: 'stream', ident: 'reco: ', reconnectDelay: 100 });
    const lg = logger('reco', h);
    lg.error('before');
    await h.flush();
    await rs.waitFor((e) => tagged('reco:')(e).length >= 1);
    const stderr = await captureStderr(async () => {
      await rs.stopDaemon();
      await sockets.closedTo(rs.tcpPort); // the client has seen the old connection close
      sockets.stop();
      await rs.restart();
      for (let i = 0; i < 20; i++) lg.error('after %d', i);
      await h.flush();
      await rs.waitFor((e) => tagged('reco:')(e).length >= 21, 15_000);
    });
    const msgs = tagged('reco:')(rs.entries()).map((e) => e.msg.trim());
    assert.deepEqual(msgs, ['before', ...Array.from({ length: 20 }, (_, i) => `after ${i}`)]);
    assert.equal(h.droppedCount, 0, stderr);
    await h.close();
  });
});

describe('SysLogHandler against rsyslogd with its default limits (maxMessageSize 8k)', { skip: RSYSLOGD ? false : 'rsyslogd not installed (apt-get install rsyslog)', timeout: 120_000 }, () => {
  let rs: Rsyslog;
  before(async () => {
    rs = await Rsyslog.start({ maxMessageSize: null });
  });
  after(async () => {
    await rs?.stop();
  });

  for (const transport of ['tcp', 'udp'] as const) {
    test(`SysLogHandler.emit() – ${transport.toUpperCase()}: RFC 5424 with the default framing and size: a 70 KiB record arrives cut and marked, its neighbours whole`, async () => {
      const app = `dflt${transport}`;
      const h = new SysLogHandler({
        address: ['127.0.0.1', transport === 'tcp' ? rs.tcpPort : rs.udpPort],
        socktype: transport === 'tcp' ? 'stream' : 'dgram',
        format: 'rfc5424',
        appName: app,
        facility: 'local6',
      });
      const lg = logger(app, h);
      const err = await captureStderr(async () => {
        lg.info('first');
        lg.warning('big %s', 'b'.repeat(70 * 1024));
        lg.error('after the big one');
        lg.info('last');
        await h.close();
      });
      assert.match(err, /message was cut to maxMessageSize \(8096\)/);
      const es = tagged(app)(await rs.waitFor((e) => tagged(app)(e).length >= 4));
      assert.equal(es.length, 4, JSON.stringify(es.map((e) => e.msg.slice(0, 30))));
      assert.deepEqual([es[0]!.msg.trim(), es[2]!.msg.trim(), es[3]!.msg.trim()], ['first', 'after the big one', 'last']);
      assert.deepEqual(es.map((e) => [e.facility, e.severity]), [[22, 6], [22, 4], [22, 3], [22, 6]]);
      assert.match(es[1]!.msg.trim(), /^big b+\[truncated from \d+ bytes\]$/);
      assert.equal(h.truncatedCount, 1);
    });
  }
});

function lg3(lg: Logger): void {
  lg.info('one');
  lg.warning('two');
  lg.error('three');
}
