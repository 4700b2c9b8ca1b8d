import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleArgs } from '../helpers/bundle.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'pretty');

/** Run `logflume pretty args` with `input` on stdin; resolves with stdout and the exit code. */
function pretty(args: string[], input: string | Buffer, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...bundleArgs(join(repo, 'src', 'cli.ts')), 'pretty', ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => (out += String(b)));
    p.stderr.on('data', (b) => (err += String(b)));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
    p.stdin.end(input);
  });
}
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
/** Output without the stack frames (their paths are the recording machine's). */
const noFrames = (s: string) => s.split('\n').filter((l) => !/^\s+at /.test(l)).join('\n');

test('logflume pretty – recorded pino output: levels, fields, the error with its cause, non-JSON lines as they are', async () => {
  const r = await pretty(['--utc', '--no-color'], fixture('pino.jsonl'));
  assert.equal(r.code, 0, r.err);
  assert.equal(
    noFrames(r.out),
    [
      '03:04:05.678Z INFO    pino started user=ann',
      '03:04:05.678Z WARNING disk at 91%',
      '03:04:05.678Z ERROR   pino request failed',
      '    Error: connect failed',
      '    caused by: Error: ECONNREFUSED',
      'not json from a stray console.log',
      '',
    ].join('\n'),
  );
});

test('logflume pretty – recorded bunyan and logflume JsonFormatter output; a cut-off line passes through', async () => {
  const b = await pretty(['--utc', '--no-color'], fixture('bunyan.jsonl'));
  assert.equal(noFrames(b.out), ['03:04:05.678Z INFO    svc: bunyan started user=bob', '03:04:05.678Z WARNING svc: bunyan warning', '03:04:05.678Z ERROR   svc: bunyan failed', '    Error: connect failed', ''].join('\n'));
  const l = await pretty(['--utc', '--no-color'], fixture('logflume.jsonl'));
  assert.equal(
    noFrames(l.out),
    [
      '03:04:05.678Z INFO    app.db: logflume started port=8080',
      '03:04:05.678Z WARNING app.db: slow query took 1200 ms',
      '03:04:05.678Z ERROR   app.db: query failed',
      '    Error: connect failed',
      '    Caused by: Error: ECONNREFUSED',
      '{"half": ',
      '',
    ].join('\n'),
  );
  assert.match(l.out, /\n {8}at /, 'stack frames are shown, indented');
});

test('logflume pretty – --level filters (logflume or pino names), --format takes a Python format with fields, local time by default', async () => {
  const w = await pretty(['--utc', '--no-color', '--level', 'warn'], fixture('pino.jsonl'));
  assert.deepEqual(noFrames(w.out).split('\n').filter((x) => !x.startsWith('    ')), ['03:04:05.678Z WARNING disk at 91%', '03:04:05.678Z ERROR   pino request failed', 'not json from a stray console.log', '']);
  const e = await pretty(['--level', 'ERROR', '--format', '%(levelname)s|%(name)s|%(user)s|%(message)s', '--no-color'], fixture('bunyan.jsonl'));
  assert.equal(e.out.split('\n')[0], 'ERROR|svc|-|bunyan failed', 'a field the line lacks is shown as -');
  const f = await pretty(['--format', '%(levelname)s|%(user)s|%(message)s', '--no-color'], fixture('pino.jsonl').split('\n')[0]! + '\n');
  assert.equal(f.out, 'INFO|ann|pino started\n');
  const local = await pretty(['--no-color'], fixture('logflume.jsonl').split('\n')[1]! + '\n', { TZ: 'Asia/Kolkata' });
  assert.equal(local.out, '08:34:05.678 WARNING app.db: slow query took 1200 ms\n');
});

test('logflume pretty – --color colours the level; NO_COLOR and a pipe mean none', async () => {
  const line = fixture('logflume.jsonl').split('\n')[1]! + '\n';
  const c = await pretty(['--utc', '--color'], line);
  assert.match(c.out, /\x1b\[33mWARNING/);
  const plain = await pretty(['--utc'], line);
  assert.doesNotMatch(plain.out, /\x1b\[/);
});

test('logflume pretty – bad input never stops it: binary, huge, arrays, odd JSON, hostile values', async () => {
  const lines = [
    Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('latin1'),
    '{"level":',
    '[1,2,3]',
    '"a string"',
    JSON.stringify({ level: 'NOPE', msg: { nested: true }, time: 'not a time', big: 'x'.repeat(200_000) }),
    JSON.stringify({ level: 30, msg: 'after the junk' }),
  ];
  const r = await pretty(['--utc', '--no-color'], lines.join('\n') + '\n');
  assert.equal(r.code, 0, r.err);
  const out = r.out.split('\n');
  assert.equal(out[1], '{"level":');
  assert.equal(out[2], '[1,2,3]');
  assert.equal(out[3], '"a string"');
  assert.match(out[4]!, /NOPE .*\{"nested":true\} big=x{100}/);
  assert.match(out[5]!, /INFO {4}after the junk$/);
});

test('pino-pretty reads logflume JsonFormatter lines with the level mapping from docs/json.md', async () => {
  const line = fixture('logflume.jsonl').split('\n')[1]!;
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [join(repo, 'node_modules', 'pino-pretty', 'bin.js'), '--no-color', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (b) => (out += String(b)));
      p.on('error', reject);
      p.on('close', () => resolve(out));
      p.stdin.end(line + '\n');
    });
  assert.match(await run([]), /USERLVL/, 'without the mapping pino-pretty does not know WARNING');
  const mapped = await run(['--customLevels', 'DEBUG:10,INFO:20,WARNING:30,ERROR:40,CRITICAL:50']);
  assert.match(mapped, /WARNING: slow query took 1200 ms/);
});
