import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { rec, waitFor } from './_util.js';
import { bundleArgs } from '../helpers/bundle.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'src/cli.ts');
const sender = join(root, 'test/fixtures/network/sender.ts');

/** Whether dictConfig (another module of the project) can be loaded here. */
async function configAvailable(): Promise<string | null> {
  try {
    const m = (await import('../../src/config/index.js')) as Record<string, unknown>;
    return typeof m.dictConfigAsync === 'function' && typeof m.loadConfigFile === 'function' ? null : 'src/config/index.ts lacks dictConfigAsync/loadConfigFile';
  } catch (e) {
    return `src/config/index.ts cannot be loaded yet (${(e as Error).message.split('\n')[0]})`;
  }
}

interface Served {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [...bundleArgs(cli), 'serve', '--tcp', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await waitFor(() => /listening on tcp 127\.0\.0\.1:\d+/.test(err) || child.exitCode !== null, 30_000, 'logflume serve to listen');
  const m = /listening on tcp 127\.0\.0\.1:(\d+)/.exec(err);
  if (!m) throw new Error(`logflume serve did not start: ${err}`);
  return {
    child,
    port: Number(m[1]),
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('logflume serve --help – documents every option', () => {
  const r = spawnSync(process.execPath, [...bundleArgs(cli), 'serve', '--help'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const opt of ['--tcp', '--udp', '--unix', '--host', '--config', '--logname', '--max-frame-size', '--max-connections', '--read-timeout', '--idle-timeout', '--hmac-key-file', '--formats', '--drain-timeout', '--max-message-expansion', '--max-loggers', '--max-logger-depth', '--help']) {
    assert.ok(r.stdout.includes(opt), `--help mentions ${opt}`);
  }
  assert.match(r.stdout, /default 127\.0\.0\.1/);
  const bad = spawnSync(process.execPath, [...bundleArgs(cli), 'serve', '--tcp', 'abc'], { cwd: root, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--tcp must be a non-negative integer/);
});

test('logflume serve – without --config prints received records to stdout; SIGTERM drains and exits 0', async () => {
  const s = await serve([]);
  const h = new SocketHandler('127.0.0.1', s.port);
  h.handle(rec('remote.app', 'hello from %s', ['a sender']));
  await h.close();
  await waitFor(() => s.stdout().includes('remote.app INFO hello from a sender'), 15_000, 'the record on stdout');
  assert.equal(await s.stop(), 0);
  assert.match(s.stderr(), /logflume serve: stopped/);
});

test('logflume serve --config – 4 processes × 20k records into one RotatingFileHandler: each record once, no torn line', async (t) => {
  const why = await configAvailable();
  if (why) {
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'logflume-mp-'));
  const out = join(dir, 'all.log');
  writeFileSync(
    join(dir, 'logging.json'),
    JSON.stringify({
      version: 1,
      formatters: { f: { format: '%(name)s %(levelname)s %(message)s' } },
      handlers: { rot: { class: 'logging.handlers.RotatingFileHandler', filename: out, maxBytes: 800_000, backupCount: 100, formatter: 'f' } },
      root: { level: 'DEBUG', handlers: ['rot'] },
    }),
  );
  const s = await serve(['--config', join(dir, 'logging.json')]);
  const K = 4;
  const N = 20_000; // ≈ 4 MB of lines: about five files at 800 kB, as many rollovers as 50k at 2 MB
  try {
    const results = await Promise.all(
      Array.from({ length: K }, (_, id) =>
        new Promise<string>((resolve, reject) => {
          const c = spawn(process.execPath, [...bundleArgs(sender), String(s.port), String(id), String(N)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
          let o = '';
          c.stdout!.setEncoding('utf8').on('data', (d: string) => (o += d));
          c.on('exit', (code) => (code === 0 ? resolve(o) : reject(new Error(`sender ${id} exited ${code}`))));
        }),
      ),
    );
    for (const r of results) assert.deepEqual(JSON.parse(r), { dropped: 0, sent: N });
    assert.equal(await s.stop(), 0, 'graceful stop after draining the senders');
    const files = readdirSync(dir).filter((f) => f.startsWith('all.log'));
    assert.ok(files.length > 2, `the file rotated (${files.join(', ')})`);
    // Oldest backup first, so per-sender order can be checked too.
    const ordered = files.sort((a, b) => Number(b.split('.').pop()!.replace('log', '0')) - Number(a.split('.').pop()!.replace('log', '0')));
    const next = new Array<number>(K).fill(0);
    let total = 0;
    const re = /^mp\.c(\d) INFO rec (\d) (\d+) (x*)\|$/;
    for (const f of ordered) {
      const lines = readFileSync(join(dir, f), 'utf8').split('\n');
      assert.equal(lines.pop(), '', `${f} ends with a newline`);
      for (const line of lines) {
        const m = re.exec(line);
        assert.ok(m, `a whole line: ${JSON.stringify(line.slice(0, 120))}`);
        const id = Number(m[1]);
        const i = Number(m[3]);
        assert.equal(Number(m[2]), id);
        assert.equal(m[4]!.length, i % 50, 'pad intact');
        assert.equal(i, next[id], `sender ${id}: record ${next[id]} next, once, in order`);
        next[id]++;
        total++;
      }
    }
    assert.equal(total, K * N);
  } finally {
    if (s.child.exitCode === null) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('logflume serve – stdout closed by its reader (EPIPE, as `| head -1`): reported, the receiver keeps running and the FileHandler gets every record', async (t) => {
  const why = await configAvailable();
  if (why) {
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'logflume-epipe-'));
  const out = join(dir, 'all.log');
  writeFileSync(
    join(dir, 'logging.json'),
    JSON.stringify({
      version: 1,
      formatters: { f: { format: '%(name)s %(message)s' } },
      handlers: {
        console: { class: 'logging.StreamHandler', stream: 'ext://sys.stdout', formatter: 'f' },
        file: { class: 'logging.FileHandler', filename: out, formatter: 'f' },
      },
      root: { level: 'DEBUG', handlers: ['console', 'file'] },
    }),
  );
  const s = await serve(['--config', join(dir, 'logging.json')]);
  const h = new SocketHandler('127.0.0.1', s.port);
  try {
    h.handle(rec('epipe', 'first'));
    await waitFor(() => s.stdout().includes('epipe first'), 30_000, 'the first line on stdout');
    s.child.stdout!.destroy(); // the reader goes away, as `head -1` does
    const N = 200;
    for (let i = 0; i < N; i++) h.handle(rec('epipe', 'after %d', [i]));
    await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes(`epipe after ${N - 1}\n`), 30_000, 'every record in the file');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines, ['epipe first', ...Array.from({ length: N }, (_, i) => `epipe after ${i}`)]);
    assert.equal(s.child.exitCode, null, 'the receiver is still running');
    await h.close();
    assert.equal(await s.stop(), 0);
    assert.match(s.stderr(), /EPIPE/);
  } finally {
    await h.close();
    if (s.child.exitCode === null) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
