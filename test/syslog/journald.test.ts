import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Logger } from '../../src/index.js';
import { SysLogHandler, loadUnixDgram } from '../../src/handlers/sys-log-handler.js';
import { isolateLogging } from '../helpers/capture.js';
import { runPython } from '../helpers/python.js';

isolateLogging();

/**
 * A real systemd-journald in a journal namespace of its own
 * (`systemd-journald NAME`: sockets in /run/systemd/journal.NAME, files in
 * /var/log/journal/MACHINE-ID.NAME), read back with `journalctl --namespace`.
 * It runs here as a plain process, no systemd as PID 1 needed.
 */
const JOURNALD = ['/lib/systemd/systemd-journald', '/usr/lib/systemd/systemd-journald'].find((p) => existsSync(p)) ?? null;
const usable = JOURNALD && existsSync('/usr/bin/journalctl') && existsSync('/etc/machine-id') && loadUnixDgram();

interface JournalEntry {
  SYSLOG_IDENTIFIER?: string;
  MESSAGE?: string;
  PRIORITY?: string;
  SYSLOG_FACILITY?: string;
  SYSLOG_PID?: string;
}

describe('SysLogHandler against a real systemd-journald (/dev/log of a systemd machine)', { skip: usable ? false : 'systemd-journald, journalctl or unix-dgram missing', timeout: 60_000 }, () => {
  const ns = `logflume${process.pid}`;
  const devLog = `/run/systemd/journal.${ns}/dev-log`;
  let proc: ChildProcess;
  const entries = (): JournalEntry[] => {
    const r = spawnSync('journalctl', [`--namespace=${ns}`, '-o', 'json', '--no-pager'], { encoding: 'utf8' });
    return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JournalEntry);
  };
  const waitFor = async (ident: string | null, text: string, n: number): Promise<JournalEntry[]> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const got = entries().filter((e) => (ident === null || e.SYSLOG_IDENTIFIER === ident) && String(e.MESSAGE ?? '').includes(text));
      if (got.length >= n || Date.now() > deadline) return got;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    proc = spawn(JOURNALD!, [ns], { stdio: 'ignore' });
    const kill = () => proc.kill('SIGKILL');
    process.once('exit', kill);
    proc.once('exit', () => process.removeListener('exit', kill));
    const deadline = Date.now() + 15_000;
    while (!existsSync(devLog)) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`systemd-journald ${ns} did not start (exit ${proc.exitCode})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    if (proc && proc.exitCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    }
    const mid = readFileSync('/etc/machine-id', 'utf8').trim();
    rmSync(`/run/systemd/journal.${ns}`, { recursive: true, force: true });
    rmSync(`/var/log/journal/${mid}.${ns}`, { recursive: true, force: true });
    rmSync(`/run/log/journal/${mid}.${ns}`, { recursive: true, force: true });
  });

  test("SysLogHandler.emit() – Python's default format with an ident: journald takes the identifier, priority and facility (same as python3's handler)", async () => {
    runPython(
      `import json,sys,logging,logging.handlers as H
h=H.SysLogHandler(json.load(sys.stdin), facility='local3'); h.ident='pyjd: '
l=logging.getLogger('jd'); l.addHandler(h); l.error('from python ✓'); h.close(); print('null')`,
      devLog,
    );
    const h = new SysLogHandler({ address: devLog, facility: 'local3', ident: 'nodejd: ' });
    const lg = new Logger('jd', 1);
    lg.propagate = false;
    lg.addHandler(h);
    lg.error('from node ✓');
    lg.warning('line one\nline two');
    await h.close();
    const [py] = await waitFor('pyjd', 'from python', 1);
    const [ours] = await waitFor('nodejd', 'from node', 1);
    assert.ok(py && ours, JSON.stringify(entries().slice(-5)));
    assert.deepEqual([py.MESSAGE, py.PRIORITY, py.SYSLOG_FACILITY], ['from python ✓', '3', '19']);
    assert.deepEqual([ours.MESSAGE, ours.PRIORITY, ours.SYSLOG_FACILITY], ['from node ✓', '3', '19']);
    const [multi] = await waitFor('nodejd', 'line one', 1);
    assert.equal(multi!.MESSAGE, 'line one\nline two');
    assert.equal(multi!.PRIORITY, '4');
  });

  test('SysLogHandler.emit() – journald does not parse RFC 5424 (the header stays in MESSAGE) nor a 3164 hostname: which is why the docs say python format for /dev/log', async () => {
    const h5424 = new SysLogHandler({ address: devLog, format: 'rfc5424', appName: 'jd5424', hostname: 'hostx', procid: 7 });
    const h3164 = new SysLogHandler({ address: devLog, format: 'rfc3164', appName: 'jd3164', hostname: 'hostx', procid: 7 });
    for (const [h, text] of [[h5424, 'rfc5424 text'], [h3164, 'rfc3164 text']] as const) {
      const lg = new Logger(`jd.${text}`, 1);
      lg.propagate = false;
      lg.addHandler(h);
      lg.error(text);
      await h.close();
    }
    const [a] = await waitFor(null, 'rfc5424 text', 1);
    const [b] = await waitFor(null, 'rfc3164 text', 1);
    assert.match(String(a!.MESSAGE), /^1 \S+ hostx jd5424 7 - - rfc5424 text$/);
    assert.notEqual(a!.SYSLOG_IDENTIFIER, 'jd5424');
    assert.equal(a!.PRIORITY, '3');
    assert.equal(b!.MESSAGE, 'hostx jd3164[7]: rfc3164 text');
    assert.notEqual(b!.SYSLOG_IDENTIFIER, 'jd3164');
  });
});
