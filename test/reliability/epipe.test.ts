// Issue 15, item 1: a stream that fails (EPIPE on stdout under `| head -1`, a
// socket reset by the peer, logflume serve's stdout) is reported once, no
// longer written to, and never crashes the process; the other handlers get
// every record. Crash cases run in child processes and count by sequence number.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqChecker, collected, formatTable, record, reportCount, result } from './scenario.js';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { LogRecord } from '../../src/log-record.js';
import { INFO } from '../../src/levels.js';
import { bundleArgs } from '../helpers/bundle.js';

after(() => {
  console.log('\nreliability summary – failing streams\n' + formatTable(collected));
});

const root = join(import.meta.dirname, '../..');
const fixture = join(import.meta.dirname, 'fixtures/epipe-child.ts');
const N = 20_000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  firstLine: string;
}

/** Run the child with stdout piped to a consumer that closes its end after the first line (`| head -1`). */
function runHeadOne(args: string[], timeoutMs = 60_000): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...bundleArgs(fixture), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let firstLine = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0 && firstLine === '') {
        firstLine = out.slice(0, i);
        child.stdout.destroy(); // like head -1: read one line, close the pipe
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out\n${err}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr: err, firstLine });
    });
  });
}

test('node app | head -1 – StreamHandler(process.stdout) + FileHandler: exit 0, one report, every record in the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lf-epipe-'));
  try {
    const file = join(dir, 'app.log');
    const stats = join(dir, 'stats.json');
    const run = await runHeadOne(['stdout', file, stats, String(N)]);
    assert.equal(run.code, 0, `status ${run.code} signal ${run.signal}\n${run.stderr}`);
    assert.equal(run.firstLine, 'p0 0');
    const c = new SeqChecker(1);
    c.file(file);
    const s = JSON.parse(readFileSync(stats, 'utf8')) as { sent: number; dropped: number };
    record(result('EPIPE on stdout (reader closed the pipe after one line), FileHandler beside it', N, c.delivered, 0, { duplicated: c.duplicated + c.gaps, note: `stdout handler: 1 report, ${s.dropped} records counted in droppedCount` }));
    assert.equal(s.sent, N);
    assert.equal(c.delivered, N);
    assert.equal(c.gaps + c.duplicated, 0);
    assert.equal(reportCount(run.stderr), 1, run.stderr);
    assert.match(run.stderr, /EPIPE/);
    assert.match(run.stderr, /writes no more records to it/);
    assert.ok(s.dropped > 0, 'records after EPIPE are counted');
    assert.match(run.stderr, new RegExp(`${s.dropped} record\\(s\\) were not written by StreamHandler`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('StreamHandler(net.Socket) reset by the peer – exit 0, one report, every record in the FileHandler', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lf-epipe-'));
  try {
    const file = join(dir, 'app.log');
    const stats = join(dir, 'stats.json');
    const run = await runHeadOne(['socket', file, stats, String(N)]);
    assert.equal(run.code, 0, `status ${run.code} signal ${run.signal}\n${run.stderr}`);
    const c = new SeqChecker(1);
    c.file(file);
    const s = JSON.parse(readFileSync(stats, 'utf8')) as { sent: number; dropped: number };
    record(result('socket reset by peer under a StreamHandler, FileHandler beside it', N, c.delivered, 0, { duplicated: c.duplicated + c.gaps, note: `socket handler: 1 report, ${s.dropped} counted` }));
    assert.equal(c.delivered, N);
    assert.equal(c.gaps + c.duplicated, 0);
    assert.equal(reportCount(run.stderr), 1, run.stderr);
    assert.match(run.stderr, /ECONNRESET|EPIPE/);
    assert.ok(s.dropped > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('logflume serve – stdout closed by its reader: keeps receiving, one report, SIGTERM still exits 0', async () => {
  const child = spawn(process.execPath, [...bundleArgs(join(root, 'src/cli.ts')), 'serve', '--tcp', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const gotLine = new Promise<void>((resolve) =>
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) {
        child.stdout.destroy();
        resolve();
      }
    }),
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    const end = Date.now() + 30_000;
    while (!cond()) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`${what}: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    await until(() => /listening on tcp 127\.0\.0\.1:\d+/.test(err), 'logflume serve to listen');
    const port = Number(/listening on tcp 127\.0\.0\.1:(\d+)/.exec(err)![1]);
    const h = new SocketHandler('127.0.0.1', port);
    const send = (i: number): void => {
      h.handle(new LogRecord('remote', INFO, 'x.ts', 1, 'p0 %d', [i], null));
    };
    send(0);
    await h.flush();
    await gotLine;
    // everything after this goes to a closed pipe
    for (let i = 1; i < 2000; i++) send(i);
    await h.flush();
    await until(() => reportCount(err) >= 1, 'the EPIPE report');
    await h.close();
    child.kill('SIGTERM');
    assert.equal(await exited, 0, err);
    assert.match(err, /logflume serve: stopped/);
    assert.equal(reportCount(err), 1, err);
    assert.match(err, /EPIPE/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
