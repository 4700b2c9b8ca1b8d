import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Logger, type LogRecord } from '../../src/index.js';
import { SysLogHandler, loadUnixDgram, type SysLogHandlerOptions } from '../../src/handlers/sys-log-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { SyslogNg, SYSLOG_NG, type SyslogNgEntry } from './syslog-ng.js';

isolateLogging();

/** A handler with a MSGID, so every RFC 5424 field has a value to check. */
class MsgIdHandler extends SysLogHandler {
  override getMsgId(_r: LogRecord): string {
    return 'MID7';
  }
}

const SAMPLES: [string, string][] = [
  ['utf8', 'héllo ✓ 日本語 🎉 "quoted" [brackets]'],
  ['multiline', 'first line\nsecond line\n\tindented third'],
  ['k1.5', 'x'.repeat(1536)],
  ['k70', 'y'.repeat(70 * 1024)],
];

function logger(name: string, h: SysLogHandler): Logger {
  const lg = new Logger(name, 1);
  lg.propagate = false;
  lg.addHandler(h);
  return lg;
}

/** Log every sample at WARNING (then one INFO neighbour), close, and wait for syslog-ng to write them. */
async function roundTrip(ng: SyslogNg, appName: string, opts: SysLogHandlerOptions, samples = SAMPLES): Promise<{ es: SyslogNgEntry[]; h: SysLogHandler; err: string }> {
  const h = new MsgIdHandler({ facility: 'local4', hostname: 'host-ng', appName, procid: 4242, structuredData: { 'ex@32473': { k: 'v"q' } }, ...opts });
  const lg = logger(appName, h);
  const err = await captureStderr(async () => {
    for (const [tag, text] of samples) lg.warning('%s %s', tag, text);
    lg.info('after the big ones');
    await h.close();
  });
  const es = await ng.waitFor((all) => all.filter((e) => e.program === appName), samples.length + 1);
  return { es, h, err };
}

function checkFields(es: SyslogNgEntry[], appName: string, rfc5424: boolean, samples = SAMPLES): void {
  assert.equal(es.length, samples.length + 1, `${appName}: ${es.length} messages: ${JSON.stringify(es.map((e) => e.msg.slice(0, 40)))}`);
  samples.forEach(([tag, text], i) => {
    const e = es[i]!;
    assert.equal(e.pri, 20 * 8 + 4, `${appName}/${tag} PRI`);
    assert.equal(e.facility, 20);
    assert.equal(e.severity, 4);
    assert.equal(e.host, 'host-ng');
    assert.equal(e.program, appName);
    assert.equal(e.pid, '4242');
    if (rfc5424) {
      assert.equal(e.msgid, 'MID7');
      // syslog-ng adds its own [meta sequenceId="N"] to messages from local (Unix) sources
      assert.equal(e.sdata.replace(/\[meta sequenceId="\d+"\]$/, ''), '[ex@32473 k="v\\"q"]');
    }
    const full = `${tag} ${text}`;
    if (tag === 'k70') {
      // cut to the 8 KiB default, marked, and the neighbour after it still arrives
      const m = /^(y*)\[truncated from (\d+) bytes\]$/.exec(e.msg.slice(4));
      assert.ok(m, `${appName}/k70 ends with the mark: …${e.msg.slice(-60)}`);
      assert.ok(Number(m[2]) > 70 * 1024);
      assert.ok(m[1]!.length > 7000 && m[1]!.length < 8096, `kept ${m[1]!.length} bytes`);
    } else assert.equal(e.msg, full, `${appName}/${tag} MSG`);
  });
  assert.equal(es[samples.length]!.msg, 'after the big ones');
  assert.equal(es[samples.length]!.severity, 6);
}

describe('SysLogHandler against a real syslog-ng', { skip: SYSLOG_NG ? false : 'syslog-ng not unpacked (see .ci/run)', timeout: 120_000 }, () => {
  let ng: SyslogNg;
  before(async () => {
    ng = await SyslogNg.start();
  });
  after(async () => {
    await ng?.stop();
  });

  test('SysLogHandler → syslog-ng syslog() UDP: RFC 5424 fields for non-ASCII, multi-line, 1.5 KiB and 70 KiB (truncated, marked)', async () => {
    const { es, h, err } = await roundTrip(ng, 'ng-udp5424', { address: ['127.0.0.1', ng.ports.udp5424], format: 'rfc5424' });
    checkFields(es, 'ng-udp5424', true);
    assert.equal(h.truncatedCount, 1);
    assert.match(err, /a \d+-byte message was cut to maxMessageSize \(8096\)/);
  });

  test('SysLogHandler → syslog-ng syslog() TCP: RFC 5424 with the default framing (octet counting), every field, no neighbour lost', async () => {
    const { es, h } = await roundTrip(ng, 'ng-tcp5424', { address: ['127.0.0.1', ng.ports.tcp5424], socktype: 'stream', format: 'rfc5424' });
    assert.equal(h.framing, 'octet-counting');
    checkFields(es, 'ng-tcp5424', true);
    assert.equal(h.droppedCount, 0);
  });

  test('SysLogHandler → syslog-ng syslog() TLS (RFC 5425): RFC 5424 with octet counting by default', async () => {
    const { es, h } = await roundTrip(ng, 'ng-tls5424', { address: ['127.0.0.1', ng.ports.tls5424], tls: { ca: ng.cert }, format: 'rfc5424' });
    assert.equal(h.framing, 'octet-counting');
    checkFields(es, 'ng-tls5424', true);
  });

  test('SysLogHandler → syslog-ng syslog() TCP: RFC 3164 in octet-counted frames', async () => {
    const { es } = await roundTrip(ng, 'ng-tcp3164oc', { address: ['127.0.0.1', ng.ports.tcp5424], socktype: 'stream', format: 'rfc3164' });
    checkFields(es, 'ng-tcp3164oc', false);
  });

  test('SysLogHandler → syslog-ng network() UDP: RFC 3164 header fields and text', async () => {
    const { es } = await roundTrip(ng, 'ng-udp3164', { address: ['127.0.0.1', ng.ports.udp3164], format: 'rfc3164' });
    checkFields(es, 'ng-udp3164', false);
  });

  test("SysLogHandler → syslog-ng network() TCP with framing 'lf': single-line messages arrive whole (LF framing cannot carry a newline)", async () => {
    const single = SAMPLES.filter(([t]) => t !== 'multiline');
    const { es } = await roundTrip(ng, 'ng-tcp3164lf', { address: ['127.0.0.1', ng.ports.tcp3164], socktype: 'stream', format: 'rfc3164', framing: 'lf' }, single);
    checkFields(es, 'ng-tcp3164lf', false, single);
  });

  test('SysLogHandler → syslog-ng unix-stream(): RFC 5424 defaults to LF framing there, single-line messages whole', async () => {
    const single = SAMPLES.filter(([t]) => t !== 'multiline');
    const { es, h } = await roundTrip(ng, 'ng-unixstream', { address: ng.unixStream, socktype: 'stream', format: 'rfc5424' }, single);
    assert.equal(h.framing, 'lf');
    checkFields(es, 'ng-unixstream', true, single);
  });

  test('SysLogHandler → syslog-ng unix-dgram() (what /dev/log is): RFC 5424 fields, multi-line included', { skip: loadUnixDgram() ? false : 'unix-dgram not installed' }, async () => {
    const { es } = await roundTrip(ng, 'ng-unixdgram', { address: ng.unixDgram, format: 'rfc5424' });
    checkFields(es, 'ng-unixdgram', true);
  });

  test("SysLogHandler → syslog-ng: Python's default format over UDP (PRI and text as Python sends them)", async () => {
    const h = new SysLogHandler(['127.0.0.1', ng.ports.udp3164], 'local4');
    h.ident = 'ng-python: ';
    const lg = logger('ng-python', h);
    lg.error('plain %s', 'python bytes ✓');
    await h.close();
    const es = await ng.waitFor((all) => all.filter((e) => e.program === 'ng-python'), 1);
    assert.equal(es.length, 1);
    assert.equal(es[0]!.pri, 20 * 8 + 3);
    assert.equal(es[0]!.msg, 'plain python bytes ✓');
  });
});
