// Issue 10, scenarios 2 and 5 against a real rsyslogd (test/helpers/rsyslog.ts):
// the daemon restarted while records are being logged, and log injection through
// CR/LF in messages on each transport/framing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Logger, INFO } from '../../src/index.js';
import { SysLogHandler } from '../../src/handlers/index.js';
import { Rsyslog, RSYSLOGD, type RsyslogEntry } from '../helpers/rsyslog.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { ClientSockets } from '../helpers/client-sockets.js';
import { SeqChecker, collected, formatTable, record, reportCount, result } from './scenario.js';

isolateLogging();
const tagged = (tag: string) => (es: RsyslogEntry[]) => es.filter((e) => e.tag === tag || e.tag.startsWith(tag + '['));
function logger(name: string, h: SysLogHandler): Logger {
  const lg = new Logger(name, INFO);
  lg.propagate = false;
  lg.addHandler(h);
  return lg;
}

describe('SysLogHandler – faults and injection against a real rsyslogd', { skip: RSYSLOGD ? false : 'rsyslogd not installed (apt-get install rsyslog)', timeout: 120_000 }, () => {
  let rs: Rsyslog;
  before(async () => {
    rs = await Rsyslog.start();
  });
  after(async () => {
    await rs?.stop();
    console.log('\nreliability summary – syslog\n' + formatTable(collected));
  });

  test('SysLogHandler (TCP, octet-counting) – rsyslogd restarted mid-stream: records logged while it is down wait in the backlog; none lost', async () => {
    const sockets = new ClientSockets();
    const h = new SysLogHandler({ address: ['127.0.0.1', rs.tcpPort], socktype: 'stream', format: 'rfc5424', framing: 'octet-counting', ident: '', appName: 'relsys', reconnectDelay: 100, maxBacklog: 5000 });
    const lg = logger('relsys', h);
    const B = 300;
    const mine = tagged('relsys');
    for (let i = 0; i < B; i++) lg.info('p0 %d', i);
    await h.flush();
    await rs.waitFor((e) => mine(e).length >= B, 15_000);
    const stderr = await captureStderr(async () => {
      await rs.stopDaemon();
      await sockets.closedTo(rs.tcpPort); // the handler sees the connection close
      sockets.stop();
      for (let i = B; i < 2 * B; i++) lg.info('p0 %d', i); // daemon down: backlog
      await rs.restart();
      for (let i = 2 * B; i < 3 * B; i++) lg.info('p0 %d', i);
      await h.flush();
      await rs.waitFor((e) => mine(e).length >= 3 * B - h.droppedCount, 20_000);
    });
    const c = new SeqChecker(1);
    for (const e of mine(rs.entries())) c.line(e.msg.trim());
    const row = record(result('fault syslog daemon restarted (tcp)', 3 * B, c.delivered, h.droppedCount, { duplicated: c.duplicated + c.gaps - Math.min(c.gaps, h.droppedCount), note: `${reportCount(stderr)} reports` }));
    await h.close();
    assert.equal(row.lost, 0, JSON.stringify(row) + stderr);
  });

  test('SysLogHandler – CR/LF in a message: one entry over UDP and octet-counted TCP; LF framing splits it (forged entry) — no escaping option today', async () => {
    const evil = 'user=bob\n<11>1 2026-01-01T00:00:00Z host forged - - - admin logged in';
    const cases = [
      { tag: 'injudp', opts: { address: ['127.0.0.1', rs.udpPort] as [string, number] }, forged: false },
      { tag: 'injoct', opts: { address: ['127.0.0.1', rs.tcpPort] as [string, number], socktype: 'stream' as const, format: 'rfc5424' as const, framing: 'octet-counting' as const }, forged: false },
      { tag: 'injlf', opts: { address: ['127.0.0.1', rs.tcpPort] as [string, number], socktype: 'stream' as const, format: 'rfc5424' as const, framing: 'lf' as const }, forged: true },
    ];
    for (const c of cases) {
      const h = new SysLogHandler({ ...c.opts, ident: `${c.tag}: `, appName: c.tag });
      const lg = logger(c.tag, h);
      lg.warning(evil);
      lg.warning('marker');
      await h.flush();
      await rs.waitFor((e) => e.some((x) => x.msg.includes('marker') && (x.tag.startsWith(c.tag))), 15_000);
      await h.close();
    }
    const all = rs.entries();
    const entries = (tag: string) => all.filter((e) => e.tag.startsWith(tag) && e.msg.includes('user=bob')).length;
    assert.equal(entries('injudp'), 1);
    assert.equal(entries('injoct'), 1);
    // with LF framing the daemon sees two messages: the second one is the attacker's
    const forged = all.filter((e) => e.raw.includes('admin logged in') && !e.raw.includes('user=bob'));
    assert.equal(forged.length, 1, JSON.stringify(all.filter((e) => e.raw.includes('admin')), null, 1));
  });
});
