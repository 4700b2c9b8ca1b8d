import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where rsyslogd lives on Debian; tests skip (with the reason) when it is missing. */
export const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p)) ?? null;

/** One line of the raw-message template: what rsyslog parsed and the bytes it received. */
export interface RsyslogEntry {
  pri: number;
  facility: number;
  severity: number;
  tag: string;
  msg: string;
  raw: string;
  input: string;
}

const SEP = '\x1f';

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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A real rsyslogd in the foreground (`-n`) with its own config, pid file and
 * work directory: imudp and imtcp on loopback ports (imtcp also accepts NUL as
 * a frame delimiter, so Python's raw bytes work over TCP), imuxsock on a
 * datagram socket of its own (the system socket is off), imptcp on a Unix
 * stream socket, and every message written with a raw template to `out.log`.
 */
export class Rsyslog {
  readonly dir: string;
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly dgramSocket: string;
  readonly streamSocket: string;
  readonly outFile: string;
  #proc: ChildProcess | null = null;
  #stderr = '';
  #maxMessageSize: string | null = '64k';

  private constructor(dir: string, udpPort: number, tcpPort: number) {
    this.dir = dir;
    this.udpPort = udpPort;
    this.tcpPort = tcpPort;
    this.dgramSocket = path.join(dir, 'dgram.sock');
    this.streamSocket = path.join(dir, 'stream.sock');
    this.outFile = path.join(dir, 'out.log');
  }

  /** Write the config and start rsyslogd; resolves once all four inputs accept messages. */
  static async start(opts: { maxMessageSize?: string | null } = {}): Promise<Rsyslog> {
    if (!RSYSLOGD) throw new Error('rsyslogd not installed (apt-get install rsyslog)');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'logflume-rsyslog-'));
    const r = new Rsyslog(dir, await freePort('udp'), await freePort('tcp'));
    // null: rsyslog's own default (8k), as a stock install has it
    r.#maxMessageSize = opts.maxMessageSize === undefined ? '64k' : opts.maxMessageSize;
    mkdirSync(path.join(dir, 'work'));
    writeFileSync(path.join(dir, 'rsyslog.conf'), r.#config());
    await r.#spawn();
    return r;
  }

  #config(): string {
    const d = this.dir;
    const t = ['%pri%', '%syslogfacility%', '%syslogseverity%', '%syslogtag%', '%msg%', '%rawmsg%', '%inputname%'].join(SEP);
    return `global(workDirectory="${d}/work"${this.#maxMessageSize ? ` maxMessageSize="${this.#maxMessageSize}"` : ''})
module(load="imuxsock" SysSock.Use="off")
module(load="imudp")
module(load="imtcp")
module(load="imptcp")
input(type="imudp" address="127.0.0.1" port="${this.udpPort}")
input(type="imtcp" address="127.0.0.1" port="${this.tcpPort}" AddtlFrameDelimiter="0")
input(type="imuxsock" Socket="${this.dgramSocket}")
input(type="imptcp" path="${this.streamSocket}" AddtlFrameDelimiter="0")
template(name="raw" type="string" string="${t.replace(/"/g, '\\"')}\\n")
*.* action(type="omfile" file="${this.outFile}" template="raw")
`;
  }

  async #spawn(): Promise<void> {
    this.#stderr = '';
    const proc = spawn(RSYSLOGD!, ['-n', '-f', path.join(this.dir, 'rsyslog.conf'), '-i', path.join(this.dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (b) => (this.#stderr += String(b)));
    proc.stderr!.on('data', (b) => (this.#stderr += String(b)));
    this.#proc = proc;
    // never leave a daemon behind, even if the test process dies mid-test
    const kill = () => proc.kill('SIGKILL');
    process.once('exit', kill);
    proc.once('exit', () => process.removeListener('exit', kill));
    const deadline = Date.now() + 20_000;
    // ready when the TCP port accepts and a UDP probe reaches the output file
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`rsyslogd exited (${proc.exitCode}): ${this.#stderr}`);
      const ok = await new Promise<boolean>((resolve) => {
        const c = net.connect({ host: '127.0.0.1', port: this.tcpPort });
        c.once('connect', () => {
          c.destroy();
          resolve(true);
        });
        c.once('error', () => resolve(false));
      });
      if (ok && existsSync(this.streamSocket) && existsSync(this.dgramSocket)) break;
      await sleep(100);
    }
    const probe = `probe-${process.pid}-${Date.now()}`;
    const s = dgram.createSocket('udp4');
    try {
      while (Date.now() < deadline) {
        await new Promise<void>((r) => s.send(`<14>${probe}`, this.udpPort, '127.0.0.1', () => r()));
        await sleep(150);
        if (existsSync(this.outFile) && readFileSync(this.outFile, 'utf8').includes(probe)) return;
      }
    } finally {
      s.close();
    }
    throw new Error(`rsyslogd did not become ready: ${this.#stderr}`);
  }

  /** Everything rsyslog has written so far, probes excluded. */
  entries(): RsyslogEntry[] {
    if (!existsSync(this.outFile)) return [];
    return readFileSync(this.outFile, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => {
        const [pri, facility, severity, tag, msg, raw, input] = l.split(SEP);
        return { pri: Number(pri), facility: Number(facility), severity: Number(severity), tag: tag!, msg: msg!, raw: raw!, input: input! };
      })
      .filter((e) => !e.msg.includes('probe-'));
  }

  /** Poll the output until `pred` holds (rsyslog writes asynchronously). */
  async waitFor(pred: (entries: RsyslogEntry[]) => boolean, timeoutMs = 10_000): Promise<RsyslogEntry[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.entries();
      if (pred(e)) return e;
      if (Date.now() > deadline) throw new Error(`timed out waiting for rsyslog; have:\n${JSON.stringify(e, null, 1)}\n${this.#stderr}`);
      await sleep(100);
    }
  }

  /** Stop rsyslogd (SIGTERM) and wait for it to exit. */
  async stopDaemon(): Promise<void> {
    const p = this.#proc;
    this.#proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => p.kill('SIGKILL'), 5000);
      p.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      p.kill('SIGTERM');
    });
  }

  /** Start it again with the same config and ports (for reconnect tests). */
  async restart(): Promise<void> {
    await this.stopDaemon();
    await this.#spawn();
  }

  /** Stop rsyslogd and remove its directory. */
  async stop(): Promise<void> {
    await this.stopDaemon();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
