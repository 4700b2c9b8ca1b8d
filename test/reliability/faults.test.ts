// Issue 10, scenario 2: destination faults. Logging carries on (no throw into the
// caller), every record is delivered or reported dropped, delivery resumes when
// the fault clears — and how many reports one burst produces is measured (a
// burst of N failing records gives N reports today: see docs/reliability.md).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { mkdtempSync, rmSync, mkdirSync, symlinkSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { getLogger, Formatter, INFO, type Logger, type Handler } from '../../src/index.js';
import { WatchedFileHandler, SocketHandler, HTTPHandler, SMTPHandler, LogRecordReceiver } from '../../src/handlers/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { SeqChecker, collected, formatTable, record, result, reportCount } from './scenario.js';
import { SeqSink } from './scenarios.exit.js';

isolateLogging();
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logflume-rel-faults-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log('\nreliability summary – destination faults\n' + formatTable(collected));
});
const fmt = new Formatter('%(message)s');
let loggers = 0;
function logger(h: Handler): Logger {
  const l = getLogger(`rel.fault${++loggers}`);
  l.setLevel(INFO);
  l.propagate = false;
  h.setFormatter(fmt);
  l.addHandler(h);
  return l;
}
const burst = (log: Logger, from: number, n: number): void => {
  for (let i = from; i < from + n; i++) log.info('p0 %d', i);
};
const waitFor = async (cond: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const B = 200;

describe('destination faults', () => {
  test('WatchedFileHandler.emit() – disk full (/dev/full): the burst reported once, every failed record counted, none thrown; resumes when there is room', async (t) => {
    if (!existsSync('/dev/full')) return t.skip('no /dev/full');
    const f = join(dir, 'full.log');
    symlinkSync('/dev/full', f);
    const h = new WatchedFileHandler(f);
    const log = logger(h);
    const err = await captureStderr(() => burst(log, 0, B));
    assert.match(err, /ENOSPC/);
    unlinkSync(f); // room again: the path is a regular file now
    const err2 = await captureStderr(() => burst(log, B, B));
    assert.equal(err2, '');
    await h.close();
    const c = new SeqChecker(1, { next: [B], delivered: 0, duplicated: 0, gaps: 0 });
    c.file(f);
    const reports = reportCount(err);
    const row = record(result('fault disk full (/dev/full)', 2 * B, c.delivered, reports + h.suppressedErrors, { duplicated: c.duplicated + c.gaps, note: `${reports} report(s) for a burst of ${B}, ${h.suppressedErrors} repeats counted` }));
    assert.equal(row.lost, 0);
    assert.equal(reports, 1, 'one fault, one report (settings.errorReportInterval)');
    assert.equal(h.suppressedErrors, B - 1);
  });

  test('WatchedFileHandler.emit() – file deleted mid-stream: reopened, nothing lost; directory removed: reported once per burst, resumes when it is back', async () => {
    const d = join(dir, 'logs');
    mkdirSync(d);
    const f = join(d, 'app.log');
    const h = new WatchedFileHandler(f);
    const log = logger(h);
    const c = new SeqChecker(1);
    burst(log, 0, B);
    c.file(f);
    unlinkSync(f); // logrotate without copytruncate, or an operator
    burst(log, B, B);
    c.file(f);
    unlinkSync(f);
    rmSync(d, { recursive: true });
    const err = await captureStderr(() => burst(log, 2 * B, B));
    mkdirSync(d);
    const err2 = await captureStderr(() => burst(log, 3 * B, B));
    assert.equal(err2, '');
    await h.close();
    c.next[0] = 3 * B; // the burst while the directory was gone was reported, not written
    c.file(f);
    const reports = reportCount(err);
    assert.match(err, /ENOENT/);
    const row = record(result('fault file deleted + dir removed', 4 * B, c.delivered, reports + h.suppressedErrors, { duplicated: c.duplicated + c.gaps, note: `${reports} report(s) for a burst of ${B}, ${h.suppressedErrors} repeats counted` }));
    assert.equal(reports, 1);
    assert.equal(row.lost, 0);
  });

  test('SocketHandler – receiver restarted (graceful close, then a new one on the same port): every record arrives once, in order', async () => {
    const name = `relrx.fault.${process.pid}`;
    const sink = new SeqSink();
    const rxLog = getLogger(name);
    rxLog.addHandler(sink);
    rxLog.propagate = false;
    let rx = new LogRecordReceiver({ tcp: 0, host: '127.0.0.1' });
    await rx.start();
    const port = rx.addresses.tcp!.port;
    const h = new SocketHandler('127.0.0.1', port, { retryStart: 0.05, retryMax: 0.2 });
    const log = getLogger(`${name}`); // the receiver re-dispatches to the same name: send from a child logger
    void log;
    const send = getLogger(`rel.fault.sock`);
    send.setLevel(INFO);
    send.propagate = false;
    h.setFormatter(fmt);
    send.addHandler(h);
    // records carry the sender's logger name; rename them to the sink's logger on the way out
    h.addFilter({ filter: (r) => ((r.name = name), true) });
    burst(send, 0, B);
    await waitFor(() => sink.checker.delivered === B);
    await rx.close();
    burst(send, B, B); // receiver down: kept in the bounded backlog
    await waitFor(() => h.sock === null); // the handler has seen the connection go
    rx = new LogRecordReceiver({ tcp: port, host: '127.0.0.1' });
    await rx.start();
    burst(send, 2 * B, B);
    await waitFor(() => sink.checker.delivered + sink.checker.gaps >= 3 * B);
    await h.close();
    await rx.close();
    const c = sink.checker;
    const row = record(result('fault receiver restarted', 3 * B, c.delivered, h.droppedCount, { duplicated: c.duplicated + c.gaps }));
    assert.equal(row.lost, 0, JSON.stringify(row));
    assert.equal(h.droppedCount, 0);
  });

  async function flakyServer(failFirst: number): Promise<{ port: number; got: SeqChecker; requests: () => number; close: () => Promise<void> }> {
    const got = new SeqChecker(1);
    let n = 0;
    const srv = http.createServer((req, res) => {
      let body = '';
      req.on('data', (b) => (body += String(b)));
      req.on('end', () => {
        if (++n <= failFirst) {
          res.writeHead(500).end('down');
          return;
        }
        // the record's attributes (Python's mapLogRecord): msg 'p0 %d' and its args
        const items: { msg: string; args: unknown }[] =
          req.headers['content-type'] === 'application/json'
            ? (JSON.parse(body) as { msg: string; args: unknown }[])
            : [{ msg: new URLSearchParams(body).get('msg') ?? '', args: new URLSearchParams(body).get('args') }];
        for (const it of items) got.line(it.msg.replace('%d', /\d+/.exec(String(it.args))?.[0] ?? '?'));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return {
      port: (srv.address() as net.AddressInfo).port,
      got,
      requests: () => n,
      close: () => new Promise((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
    };
  }

  test('HTTPHandler (JSON batches, retries) – endpoint answers 500, then recovers: every record delivered, nothing reported', async () => {
    const s = await flakyServer(2);
    const h = new HTTPHandler({ host: `127.0.0.1:${s.port}`, url: '/log', json: true, batchSize: 50, batchInterval: 20, retries: 3, retryDelay: 50, maxBacklog: 10_000 });
    const log = logger(h);
    const err = await captureStderr(async () => {
      burst(log, 0, 10 * B);
      await h.flush();
    });
    await h.close();
    await s.close();
    const row = record(result('fault HTTP 500 then recovers (json, retries)', 10 * B, s.got.delivered, h.failedCount + h.droppedCount, { duplicated: s.got.duplicated + s.got.gaps }));
    assert.equal(row.lost, 0, JSON.stringify(row));
    assert.equal(s.got.delivered, 10 * B);
    assert.equal(reportCount(err), 0, err);
  });

  test('HTTPHandler (form posts, Python: no retries) – 500s for a burst: reported once, each failed record counted, later records delivered', async () => {
    const s = await flakyServer(B / 4);
    const h = new HTTPHandler({ host: `127.0.0.1:${s.port}`, url: '/log', method: 'POST', maxBacklog: 10_000 });
    const log = logger(h);
    const err = await captureStderr(async () => {
      burst(log, 0, B);
      await h.flush();
    });
    await h.close();
    await s.close();
    const reports = reportCount(err);
    const row = record(result('fault HTTP 500 then recovers (form)', B, s.got.delivered, h.failedCount, { duplicated: s.got.duplicated, note: `${reports} reports for ${B / 4} failures` }));
    assert.equal(row.lost, 0, JSON.stringify(row));
    assert.equal(h.failedCount, B / 4);
    assert.equal(reports, 1, 'one fault (HTTP 500), one report');
    assert.equal(h.suppressedErrors, B / 4 - 1);
  });

  test('SMTPHandler – server unreachable, then up: failures reported and counted, later mails delivered', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const h = new SMTPHandler({ mailhost: ['127.0.0.1', port], fromaddr: 'app@example.org', toaddrs: 'ops@example.org', subject: 'alert', timeout: 2 });
    const log = logger(h);
    const n = 20;
    const err = await captureStderr(async () => {
      burst(log, 0, n);
      await h.flush();
    });
    const got = new SeqChecker(1, { next: [n], delivered: 0, duplicated: 0, gaps: 0 });
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _s, cb) {
        let body = '';
        stream.on('data', (b: Buffer) => (body += String(b)));
        stream.on('end', () => {
          const m = /p0 \d+/.exec(body);
          if (m) got.line(m[0]);
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const err2 = await captureStderr(async () => {
      burst(log, n, n);
      await h.flush();
    });
    await h.close();
    await new Promise<void>((r) => server.close(() => r()));
    const reports = reportCount(err);
    const row = record(result('fault SMTP unreachable then up', 2 * n, got.delivered, reports + h.suppressedErrors + h.droppedCount, { duplicated: got.duplicated + got.gaps, note: `${reports} report(s) for ${n} failed mails, ${h.suppressedErrors} repeats counted` }));
    assert.equal(row.lost, 0, JSON.stringify(row) + err2);
    assert.equal(reports, 1);
    assert.equal(h.suppressedErrors, n - 1);
    assert.equal(reportCount(err2), 0, err2);
  });
});
