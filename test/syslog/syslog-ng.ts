import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTestCert } from '../http/tls-cert.js';

/**
 * Where syslog-ng lives: Debian's `syslog-ng-core` conflicts with `rsyslog`,
 * so `.ci/run` unpacks it with `dpkg -x` into /opt/logflume-syslog-ng/root
 * (or SYSLOG_NG_ROOT); an installed /usr/sbin/syslog-ng works too.
 */
function findSyslogNg(): { bin: string; lib: string; modules: string } | null {
  for (const root of [process.env.SYSLOG_NG_ROOT, '/opt/logflume-syslog-ng/root', '/'].filter(Boolean) as string[]) {
    const bin = path.join(root, 'usr/sbin/syslog-ng');
    const modules = path.join(root, 'usr/lib/syslog-ng/3.38');
    if (existsSync(bin) && existsSync(modules)) return { bin, lib: path.join(root, 'usr/lib/syslog-ng'), modules };
  }
  return null;
}

export const SYSLOG_NG = findSyslogNg();

/** One message as syslog-ng parsed it (its macros), plus the source that received it. */
export interface SyslogNgEntry {
  pri: number;
  facility: number;
  severity: number;
  host: string;
  program: string;
  pid: string;
  msgid: string;
  sdata: string;
  msg: string;
  source: string;
}

async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'tcp') {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    return port;
  }
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return port;
}

/**
 * A real syslog-ng 3.38 in the foreground with its own config, persist file
 * and control socket in a temp dir, listening on loopback:
 * RFC 5424 (`syslog()` driver: UDP, TCP with octet counting, TLS with octet
 * counting), RFC 3164 (`network()`: UDP and LF-framed TCP), and a Unix stream
 * socket (`unix-stream()`, LF-framed) and a Unix datagram socket (`unix-dgram()`,
 * what /dev/log is), both with the RFC 5424 parser. Every message is
 * written as one JSON line of the parsed fields (format-json escapes newlines).
 */
export class SyslogNg {
  readonly dir: string;
  readonly ports: { udp5424: number; tcp5424: number; tls5424: number; udp3164: number; tcp3164: number };
  readonly unixStream: string;
  readonly unixDgram: string;
  readonly outFile: string;
  readonly cert: string;
  #proc: ChildProcess | null = null;
  #log = '';

  private constructor(dir: string, ports: SyslogNg['ports'], cert: string) {
    this.dir = dir;
    this.ports = ports;
    this.unixStream = path.join(dir, 'stream.sock');
    this.unixDgram = path.join(dir, 'dgram.sock');
    this.outFile = path.join(dir, 'out.log');
    this.cert = cert;
  }

  /** Write the config and start syslog-ng; resolves once every listener accepts. */
  static async start(): Promise<SyslogNg> {
    if (!SYSLOG_NG) throw new Error('syslog-ng not found (see .ci/run: syslog-ng-core unpacked into /opt/logflume-syslog-ng)');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'logflume-syslog-ng-'));
    const { key, cert } = makeTestCert();
    writeFileSync(path.join(dir, 'key.pem'), key, { mode: 0o600 });
    writeFileSync(path.join(dir, 'cert.pem'), cert);
    const ports = {
      udp5424: await freePort('udp'),
      tcp5424: await freePort('tcp'),
      tls5424: await freePort('tcp'),
      udp3164: await freePort('udp'),
      tcp3164: await freePort('tcp'),
    };
    const s = new SyslogNg(dir, ports, cert);
    writeFileSync(path.join(dir, 'syslog-ng.conf'), s.#config());
    writeFileSync(s.outFile, '');
    await s.#spawn();
    return s;
  }

  #config(): string {
    const d = this.dir;
    const p = this.ports;
    const fields = ['pri=${PRI}', 'fac=${FACILITY_NUM}', 'sev=${LEVEL_NUM}', 'host=${HOST}', 'prog=${PROGRAM}', 'pid=${PID}', 'msgid=${MSGID}', 'sdata=${SDATA}', 'msg=${MESSAGE}', 'src=${SOURCE}'];
    return `@version: 3.38
options { keep-hostname(yes); chain-hostnames(no); use-dns(no); dns-cache(no); use-fqdn(no); stats-freq(0); keep-timestamp(yes); };
source s_udp5424 { syslog(ip(127.0.0.1) port(${p.udp5424}) transport("udp")); };
source s_tcp5424 { syslog(ip(127.0.0.1) port(${p.tcp5424}) transport("tcp")); };
source s_tls5424 { syslog(ip(127.0.0.1) port(${p.tls5424}) transport("tls") tls(key-file("${d}/key.pem") cert-file("${d}/cert.pem") peer-verify(optional-untrusted))); };
source s_udp3164 { network(ip(127.0.0.1) port(${p.udp3164}) transport("udp")); };
source s_tcp3164 { network(ip(127.0.0.1) port(${p.tcp3164}) transport("tcp")); };
source s_unix { unix-stream("${this.unixStream}" flags(syslog-protocol)); };
source s_unixdg { unix-dgram("${this.unixDgram}" flags(syslog-protocol)); };
destination d_out { file("${this.outFile}" template("$(format-json --scope none ${fields.join(' ')})\\n")); };
log { source(s_udp5424); source(s_tcp5424); source(s_tls5424); source(s_udp3164); source(s_tcp3164); source(s_unix); source(s_unixdg); destination(d_out); };
`;
  }

  async #spawn(): Promise<void> {
    const ng = SYSLOG_NG!;
    const d = this.dir;
    const proc = spawn(
      ng.bin,
      ['-F', '--no-caps', '-e', `--module-path=${ng.modules}`, '-f', `${d}/syslog-ng.conf`, '-R', `${d}/persist`, '-p', `${d}/pid`, '-c', `${d}/ctl`],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LD_LIBRARY_PATH: ng.lib } },
    );
    proc.stdout!.on('data', (b) => (this.#log += String(b)));
    proc.stderr!.on('data', (b) => (this.#log += String(b)));
    this.#proc = proc;
    const kill = () => proc.kill('SIGKILL');
    process.once('exit', kill);
    proc.once('exit', () => process.removeListener('exit', kill));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`syslog-ng exited (${proc.exitCode}): ${this.#log}`);
      if (/syslog-ng starting up/.test(this.#log)) {
        const ok = await Promise.all(
          [this.ports.tcp5424, this.ports.tls5424, this.ports.tcp3164].map(
            (port) =>
              new Promise<boolean>((resolve) => {
                const c = net.connect({ host: '127.0.0.1', port });
                c.once('connect', () => {
                  c.destroy();
                  resolve(true);
                });
                c.once('error', () => resolve(false));
              }),
          ),
        );
        if (ok.every(Boolean) && existsSync(this.unixStream)) return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`syslog-ng did not start: ${this.#log}`);
  }

  /** What syslog-ng printed (warnings about refused frames and the like). */
  get log(): string {
    return this.#log;
  }

  /** Every message written so far. */
  entries(): SyslogNgEntry[] {
    const out: SyslogNgEntry[] = [];
    for (const line of readFileSync(this.outFile, 'utf8').split('\n')) {
      if (!line) continue;
      const j = JSON.parse(line) as Record<string, string | undefined>;
      out.push({
        pri: Number(j.pri),
        facility: Number(j.fac),
        severity: Number(j.sev),
        host: j.host ?? '',
        program: j.prog ?? '',
        pid: j.pid ?? '',
        msgid: j.msgid ?? '',
        sdata: j.sdata ?? '',
        msg: j.msg ?? '',
        source: j.src ?? '',
      });
    }
    return out;
  }

  /** Poll the output until `pick` returns at least `n` entries (deadline 15 s). */
  async waitFor(pick: (es: SyslogNgEntry[]) => SyslogNgEntry[], n: number): Promise<SyslogNgEntry[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const got = pick(this.entries());
      if (got.length >= n || Date.now() > deadline) return got;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stop the daemon and remove its directory. */
  async stop(): Promise<void> {
    const p = this.#proc;
    if (p && p.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => p.kill('SIGKILL'), 5000);
        p.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        p.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
