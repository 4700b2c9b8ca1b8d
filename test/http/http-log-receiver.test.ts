import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { spawn } from 'node:child_process';
import { Handler, getLogger, makeLogRecord, type LogRecord } from '../../src/index.js';
import { HTTPHandler } from '../../src/handlers/http-handler.js';
import { HTTPLogReceiver } from '../../src/handlers/http-log-receiver.js';
import { parsePyLiteral } from '../../src/handlers/http-log-receiver.form.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { bundleArgs } from '../helpers/bundle.js';

isolateLogging();

class Collect extends Handler {
  records: LogRecord[] = [];
  override emit(r: LogRecord): void {
    this.records.push(r);
  }
}

function collectOn(name: string): Collect {
  const c = new Collect();
  const lg = getLogger(name);
  lg.addHandler(c);
  lg.propagate = false;
  lg.setLevel(1);
  return c;
}

function python(script: string, input: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => (out += String(b)));
    p.stderr.on('data', (b) => (err += String(b)));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 failed: ${err}`))));
    p.stdin.end(JSON.stringify(input));
  });
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const PY_SEND = `
import json, sys, logging, logging.handlers, datetime
cfg = json.load(sys.stdin)
lg = logging.getLogger(cfg['name']); lg.setLevel(1); lg.propagate = False
for method in ('GET', 'POST'):
    h = logging.handlers.HTTPHandler(cfg['host'], '/log', method, credentials=tuple(cfg['cred']) if cfg['cred'] else None)
    lg.addHandler(h)
    lg.warning('user %s did %d things via %s', 'bob', 3, method, extra={'user_id': 'u-1', 'n': 7})
    lg.info('quotes %r and %s', "it's", [1, 'two'])
    lg.error('when %s', datetime.datetime(2024, 1, 1))
    lg.removeHandler(h)
print('sent')
`;

describe('HTTPLogReceiver – what CPython and logflume HTTPHandlers send', { timeout: 60_000 }, () => {
  let rx: HTTPLogReceiver;
  before(async () => {
    rx = new HTTPLogReceiver({ port: 0, path: '/log', credentials: ['user', 'pässword'] });
    await rx.start();
  });
  after(async () => {
    await rx.close();
  });
  const host = () => `127.0.0.1:${rx.address!.port}`;

  test("CPython's HTTPHandler (GET and POST, Basic auth) → every record stored with its attributes, the message merged", async () => {
    const sink = collectOn('pyhttp');
    await captureStderr(() => python(PY_SEND, { host: host(), name: 'pyhttp', cred: ['user', 'pässword'] }));
    await waitFor(() => sink.records.length === 6, '6 records');
    const [a, b, c] = sink.records;
    assert.equal(a!.getMessage(), 'user bob did 3 things via GET');
    assert.equal(a!.levelno, 30);
    assert.equal(a!.levelname, 'WARNING');
    assert.equal(typeof a!.created, 'number');
    assert.equal(typeof a!.lineno, 'number');
    assert.equal(a!.funcName, '<module>');
    assert.equal(a!.user_id, 'u-1');
    assert.equal(a!.n, '7'); // Python sends str() of an extra: its type does not survive a form
    assert.equal(a!.exc_info, null);
    // args arrive as data: %r of a str is Python's repr; a list becomes a JS array, which %s renders as logflume renders arrays
    assert.equal(b!.getMessage(), `quotes "it's" and [ 1, 'two' ]`);
    // a value whose repr is a call is never evaluated: the template and the repr are kept
    assert.equal(c!.msg, 'when %s');
    assert.equal(c!.args, null);
    assert.equal(c!.args_repr, '(datetime.datetime(2024, 1, 1, 0, 0),)');
    assert.equal(sink.records[3]!.getMessage(), 'user bob did 3 things via POST');
    assert.deepEqual(sink.records.map((r) => r.levelname), ['WARNING', 'INFO', 'ERROR', 'WARNING', 'INFO', 'ERROR']);
  });

  test('logflume HTTPHandler, form (GET, POST) and JSON batches → every record stored with its attributes', async () => {
    const sink = collectOn('nodehttp');
    const handlers = [
      new HTTPHandler(host(), '/log', 'GET', false, ['user', 'pässword']),
      new HTTPHandler(host(), '/log', { method: 'POST', credentials: ['user', 'pässword'] }),
      new HTTPHandler({ host: host(), url: '/log', json: true, batchSize: 5, credentials: ['user', 'pässword'] }),
    ];
    process.on('warning', () => {});
    for (const [i, h] of handlers.entries()) {
      for (let k = 0; k < 3; k++) {
        const r = makeLogRecord({ name: 'nodehttp.sub', msg: 'h%d k%d %s', args: [i, k, 'é ✓'], levelno: 40, levelname: 'ERROR', lineno: 12, funcName: 'f', tags: ['a', 'b'] });
        h.handle(r);
      }
      await h.close();
      assert.equal(h.failedCount, 0);
    }
    await waitFor(() => sink.records.length === 9, '9 records');
    assert.deepEqual(
      sink.records.map((r) => r.getMessage()),
      [0, 1, 2].flatMap((i) => [0, 1, 2].map((k) => `h${i} k${k} é ✓`)),
    );
    for (const r of sink.records) {
      assert.equal(r.name, 'nodehttp.sub');
      assert.equal(r.levelno, 40);
      assert.equal(r.lineno, 12);
      assert.equal(r.funcName, 'f');
    }
    assert.equal(sink.records[0]!.tags, "['a', 'b']"); // a form carries text
    assert.deepEqual(sink.records[8]!.tags, ['a', 'b']); // JSON keeps the array
  });

  test('authentication and limits: wrong or missing credentials 401, other paths 404, PUT 405, oversized bodies and batches 413; nothing stored', async () => {
    const sink = collectOn('refused');
    const auth = 'Basic ' + Buffer.from('user:pässword').toString('base64');
    const send = (method: string, path: string, body: string | null, headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: rx.address!.port, method, path, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(body ?? undefined);
      });
    const rec = JSON.stringify({ name: 'refused', msg: 'x', levelno: 20, levelname: 'INFO' });
    const before = rx.stats.refused;
    const err = await captureStderr(async () => {
      assert.equal(await send('POST', '/log', `[${rec}]`, { 'Content-Type': 'application/json' }), 401);
      assert.equal(await send('POST', '/log', `[${rec}]`, { 'Content-Type': 'application/json', Authorization: 'Basic ' + Buffer.from('user:wrong').toString('base64') }), 401);
      assert.equal(await send('POST', '/other', `[${rec}]`, { 'Content-Type': 'application/json', Authorization: auth }), 404);
      assert.equal(await send('PUT', '/log', `[${rec}]`, { 'Content-Type': 'application/json', Authorization: auth }), 405);
      assert.equal(await send('POST', '/log', `[${rec}]`, { 'Content-Type': 'text/plain', Authorization: auth }), 415);
      assert.equal(await send('POST', '/log', 'x'.repeat((1 << 20) + 1), { 'Content-Type': 'application/json', Authorization: auth }), 413);
      assert.equal(await send('POST', '/log', `[${Array(1001).fill(rec).join(',')}]`, { 'Content-Type': 'application/json', Authorization: auth }), 413);
      assert.equal(await send('POST', '/log', `[${rec}, 5]`, { 'Content-Type': 'application/json', Authorization: auth }), 400);
      assert.equal(await send('POST', '/log', `{"name": 1}`, { 'Content-Type': 'application/json', Authorization: auth }), 400);
      assert.equal(await send('POST', '/log', `[${rec}]`, { 'Content-Type': 'application/json', Authorization: auth }), 200);
    });
    assert.equal(rx.stats.refused - before, 9);
    assert.ok(rx.stats.unauthorized >= 2);
    assert.match(err, /HTTP 401: authentication required/);
    await waitFor(() => sink.records.length === 1, 'the one good record');
    assert.equal(sink.records[0]!.getMessage(), 'x');
  });
});

test('parsePyLiteral() – reads what repr() prints, evaluates nothing', async () => {
  const values = [[1, 'two', null, true, false, 1.5, -3, 'it\'s', 'say "hi"', 'tab\tnew\nline', 'é ✓ 😀', [1, [2]], { k: 'v' }, 1e-5, []]];
  const out = await python(
    `import json, sys
v = json.load(sys.stdin)
def conv(x):
    if isinstance(x, list): return tuple(conv(i) for i in x)
    if isinstance(x, dict): return {k: conv(i) for k, i in x.items()}
    return x
print(repr(conv(v[0])))`,
    values,
  );
  const parsed = parsePyLiteral(out.trim());
  assert.deepEqual(parsed, values[0]);
  for (const bad of ["__import__('os').system('x')", '(1, 2', "datetime.datetime(2024, 1, 1)", '<object at 0x7f>', "'unterminated"]) {
    assert.throws(() => parsePyLiteral(bad), bad);
  }
});

test('logflume serve --http 0 – CPython HTTPHandler POST and logflume JSON batches printed by the receiver; SIGTERM exits 0', { timeout: 60_000 }, async () => {
  const { join } = await import('node:path');
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = join(import.meta.dirname, '../..');
  const dir = mkdtempSync(join(tmpdir(), 'logflume-http-serve-'));
  const credFile = join(dir, 'cred');
  writeFileSync(credFile, 'svc:s3cret\n');
  const child = spawn(process.execPath, [...bundleArgs(join(root, 'src/cli.ts')), 'serve', '--http', '0', '--http-credentials-file', credFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await waitFor(() => /listening on http 127\.0\.0\.1:\d+/.test(err) || child.exitCode !== null, 'logflume serve --http to listen');
    const port = Number(/listening on http 127\.0\.0\.1:(\d+)/.exec(err)![1]);
    assert.doesNotMatch(err, /listening on tcp/);
    await python(
      `import json, sys, logging, logging.handlers
cfg = json.load(sys.stdin)
h = logging.handlers.HTTPHandler('127.0.0.1:%d' % cfg['port'], '/log', 'POST', credentials=('svc', 's3cret'))
lg = logging.getLogger('py.web'); lg.propagate = False; lg.addHandler(h)
lg.warning('from python %s', 'via http')
print('ok')`,
      { port },
    );
    const h = new HTTPHandler({ host: `127.0.0.1:${port}`, url: '/log', json: true, credentials: ['svc', 's3cret'] });
    process.on('warning', () => {});
    h.handle(makeLogRecord({ name: 'node.web', msg: 'from node %d', args: [42], levelno: 40, levelname: 'ERROR' }));
    await h.close();
    assert.equal(h.failedCount, 0);
    await waitFor(() => out.includes('from node 42') && out.includes('from python via http'), 'both records on stdout');
    assert.match(out, /py\.web WARNING from python via http/);
    assert.match(out, /node\.web ERROR from node 42/);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
