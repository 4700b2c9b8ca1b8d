import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');

function run(env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'lf-example-'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/express-service/server.ts', '--self-test'], { cwd: repo, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_DIR: dir, ...env } });
  const file = readFileSync(join(dir, 'app.log'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  return { ...r, file };
}

test('examples/express-service – production: JSON lines with request ids, secrets redacted, errors with cause, rotating file, clean shutdown', () => {
  const r = run({ NODE_ENV: 'production' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const fileRecs = r.file.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(fileRecs.map((x) => x.msg), recs.map((x) => x.msg));
  const order = recs.find((x) => x.msg === 'order 42 loaded');
  assert.equal(order?.requestId, 'demo-42');
  const login = recs.find((x) => x.msg === 'login attempt');
  assert.deepEqual(login?.body, { user: 'ann', password: '[Redacted]', card: '[Redacted]' });
  const boom = recs.find((x) => x.req?.url === '/boom');
  assert.equal(boom?.level, 'ERROR');
  assert.equal(boom?.err.cause.message, 'ECONNREFUSED');
  assert.equal(recs.some((x) => x.req?.url === '/health'), false);
  assert.equal(recs.at(-1).msg, 'SIGTERM: closing');
  for (const secret of ['hunter2', '4111', 'sid=secret']) {
    assert.ok(!r.stdout.includes(secret) && !r.file.includes(secret), secret);
  }
});

test('examples/express-service – development: readable lines on stdout', () => {
  const r = run({ NODE_ENV: 'development' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d\d:\d\d:\d\d\.\d{3} INFO {4}orders: listening on/m);
  assert.match(r.stdout, /INFO {4}orders: order 42 loaded requestId=demo-42/);
  // the exception as Python prints a chain: the cause first, then the error
  assert.match(r.stdout, /ERROR {3}http: GET \/boom -> 500 [^\n]*\n {4}Error: ECONNREFUSED\n[\s\S]*direct cause[\s\S]*\n {4}Error: payment backend unreachable\n/);
});
