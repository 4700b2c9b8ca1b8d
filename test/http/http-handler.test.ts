import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { makeLogRecord, Logger, type LogRecord } from '../../src/index.js';
import { HTTPHandler, urlencode } from '../../src/handlers/http-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { makeTestCert } from './tls-cert.js';

isolateLogging();

/** Servers still open when a test fails or times out; closed after the file so a failure never hangs the run. */
const leftovers: (http.Server | https.Server)[] = [];
after(() => {
  for (const s of leftovers.splice(0)) {
    s.closeAllConnections?.();
    s.close();
  }
});

interface Seen {
  method: string;
  url: string;
  headers: string[];
  body: string;
  authorized?: boolean;
}

type Responder = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

async function server(respond: Responder = (_q, r) => r.end('ok'), secure?: https.ServerOptions) {
  const seen: Seen[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (b) => (body += String(b)));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.rawHeaders,
        body,
        authorized: (req.socket as { authorized?: boolean }).authorized,
      });
      respond(req, res, seen.length);
    });
  };
  const srv = secure ? https.createServer(secure, handler) : http.createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  leftovers.push(srv);
  const port = (srv.address() as net.AddressInfo).port;
  return {
    seen,
    port,
    host: `127.0.0.1:${port}`,
    async close() {
      srv.closeAllConnections?.();
      await new Promise((r) => srv.close(r));
    },
  };
}

/** Run python3 without blocking the event loop (the server answering it lives in this process). */
function pythonAsync(script: string, input: unknown): Promise<string> {
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

const REC = {
  name: 'web.app',
  msg: 'user %s did %d things & more ✓',
  args: ['bob', 3],
  levelname: 'WARNING',
  levelno: 30,
  pathname: '/srv/app/main.py',
  filename: 'main.py',
  module: 'main',
  exc_info: null,
  exc_text: null,
  stack_info: null,
  lineno: 42,
  funcName: 'handle',
  created: 1700000000.25,
  msecs: 250.5,
  relativeCreated: 1234.5,
  thread: 140001,
  threadName: 'MainThread',
  processName: 'MainProcess',
  process: 4242,
};

const PY_HTTP = `
import json, sys, logging, logging.handlers
cfg = json.load(sys.stdin)
for c in cfg['cases']:
    h = logging.handlers.HTTPHandler(cfg['host'], c['url'], c['method'], credentials=tuple(c['cred']) if c['cred'] else None)
    d = dict(cfg['record']); d['args'] = tuple(d['args'])
    h.emit(logging.makeLogRecord(d))
`;

const CASES = [
  { method: 'GET', url: '/log', cred: null },
  { method: 'GET', url: '/log?app=x', cred: null },
  { method: 'POST', url: '/post', cred: null },
  { method: 'POST', url: '/auth', cred: ['user', 'pässword'] },
] as const;

function logger(h: HTTPHandler): Logger {
  const lg = new Logger('http', 1);
  lg.propagate = false;
  lg.addHandler(h);
  return lg;
}

describe('HTTPHandler – Python requests', { timeout: 60_000 }, () => {
  test('HTTPHandler.emit() – GET/POST request line, headers and body equal python3 HTTPHandler', async () => {
    const srv = await server();
    await pythonAsync(PY_HTTP, { host: srv.host, record: REC, cases: CASES });
    const py = srv.seen.splice(0);
    const warnings: string[] = [];
    const onWarn = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarn);
    for (const c of CASES) {
      const h = new HTTPHandler(srv.host, c.url, c.method, false, c.cred ? [c.cred[0], c.cred[1]] : null);
      h.handle(makeLogRecord({ ...REC, args: [...REC.args] }));
      await h.close();
    }
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarn);
    await srv.close();
    assert.equal(srv.seen.length, 4);
    assert.deepEqual(srv.seen, py);
    assert.match(py[0]!.url, /^\/log\?name=web.app&msg=user\+%25s\+did\+%25d\+things\+%26\+more\+%E2%9C%93&args=%28%27bob%27%2C\+3%29&/);
    assert.ok(warnings.some((w) => /credentials are sent without TLS/.test(w)), 'warns about cleartext credentials');
  });

  test('HTTPHandler.mapLogRecord() – override to choose the fields', async () => {
    const srv = await server();
    class Small extends HTTPHandler {
      override mapLogRecord(r: LogRecord) {
        return { level: r.levelname, text: r.getMessage() };
      }
    }
    const h = new Small(srv.host, '/x', 'POST');
    logger(h).error('a b/%s', 'c');
    await h.close();
    await srv.close();
    assert.equal(srv.seen[0]!.body, 'level=ERROR&text=a+b%2Fc');
    assert.equal(urlencode({ a: null, b: true, c: [1], d: "it's", args: [1] }), 'a=None&b=True&c=%5B1%5D&d=it%27s&args=%281%2C%29');
  });

  test('HTTPHandler.emit() – HTTPS with a self-signed CA and a client certificate (context)', async () => {
    const { key, cert } = makeTestCert();
    const srv = await server(undefined, { key, cert, ca: cert, requestCert: true, rejectUnauthorized: true });
    const h = new HTTPHandler({ host: srv.host, url: '/secure', method: 'POST', secure: true, credentials: ['u', 'p'], context: { ca: cert, cert, key } });
    logger(h).info('over tls');
    await h.close();
    await srv.close();
    assert.equal(srv.seen.length, 1);
    assert.equal(srv.seen[0]!.authorized, true);
    assert.ok(srv.seen[0]!.headers.includes('Basic ' + Buffer.from('u:p').toString('base64')));
    assert.match(srv.seen[0]!.body, /msg=over\+tls/);
  });

  test('HTTPHandler() – bad method and context without secure are config errors', () => {
    assert.throws(() => new HTTPHandler('h', '/', 'PUT' as 'GET'), /method must be GET or POST/);
    assert.throws(() => new HTTPHandler('h', '/', 'GET', false, null, { ca: 'x' }), /context/);
  });
});

describe('HTTPHandler – JSON mode, retries, failures', { timeout: 60_000 }, () => {
  test('HTTPHandler.emit() – JSON batches by size, then the rest on flush()', async () => {
    const srv = await server();
    const h = new HTTPHandler({ host: srv.host, url: '/bulk', json: true, batchSize: 3, batchInterval: 60_000 });
    const lg = logger(h);
    for (let i = 0; i < 7; i++) lg.info('n=%d', i);
    await h.flush();
    await h.close();
    await srv.close();
    const batches = srv.seen.map((s) => JSON.parse(s.body) as { msg: string; args: number[]; levelname: string }[]);
    assert.deepEqual(batches.map((b) => b.length), [3, 3, 1]);
    assert.deepEqual(batches.flat().map((r) => r.args[0]), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(srv.seen[0]!.method, 'POST');
    assert.ok(srv.seen[0]!.headers.includes('application/json'));
  });

  test('HTTPHandler.emit() – JSON partial batch goes out after batchInterval without flush()', async () => {
    const srv = await server();
    const h = new HTTPHandler({ host: srv.host, url: '/bulk', json: true, batchSize: 100, batchInterval: 50 });
    logger(h).info('lonely');
    const end = Date.now() + 5000;
    while (srv.seen.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(srv.seen.length, 1);
    await h.close();
    await srv.close();
  });

  test('HTTPHandler.emit() – retries with back-off on 500, delivered once the server recovers', async () => {
    const srv = await server((_q, res, n) => {
      res.statusCode = n <= 2 ? 500 : 200;
      res.end();
    });
    const h = new HTTPHandler({ host: srv.host, url: '/r', json: true, retries: 3, retryDelay: 20 });
    const err = await captureStderr(async () => {
      logger(h).error('persist');
      await h.flush();
    });
    await h.close();
    await srv.close();
    assert.equal(err, '');
    assert.equal(srv.seen.length, 3);
    assert.equal(h.failedCount, 0);
  });

  test('HTTPHandler.emit() – 500 after the last retry reports through handleError (form mode, Python has no retries)', async () => {
    const srv = await server((_q, res) => {
      res.statusCode = 500;
      res.end();
    });
    const h = new HTTPHandler(srv.host, '/fail', 'POST');
    const err = await captureStderr(async () => {
      logger(h).error('lost');
      await h.flush();
    });
    await h.close();
    await srv.close();
    assert.equal(srv.seen.length, 1);
    assert.equal(h.failedCount, 1);
    assert.match(err, /--- Logging error ---[\s\S]*answered 500[\s\S]*Message: 'lost'/);
  });

  test('HTTPHandler.emit() – server down: connection errors are retried, then reported; emit() never throws', async () => {
    const probe = await server();
    const host = probe.host;
    await probe.close();
    const h = new HTTPHandler({ host, url: '/', json: true, retries: 2, retryDelay: 10 });
    const err = await captureStderr(async () => {
      logger(h).error('nobody home');
      await h.flush();
    });
    await h.close();
    assert.equal(h.failedCount, 1);
    assert.match(err, /ECONNREFUSED/);
  });

  test('HTTPHandler.emit() – a server that never answers costs the timeout, the backlog stays bounded', async () => {
    const srv = await server(() => {
      /* never answers */
    });
    const h = new HTTPHandler({ host: srv.host, url: '/slow', method: 'POST', timeout: 300, maxBacklog: 5 });
    const lg = logger(h);
    const err = await captureStderr(async () => {
      // emit() is synchronous: the ten calls return while the server has answered nothing
      for (let i = 0; i < 10; i++) lg.error('r%d', i);
      assert.equal(h.backlogLength, 5);
      assert.equal(h.droppedCount, 4);
      await h.close();
    });
    await srv.close();
    assert.match(err, /backlog full \(5\)/);
    assert.match(err, /no answer from .* within 300 ms/);
    // six requests (the first record plus the five kept), each bounded by the timeout
    assert.equal(h.failedCount, 6);
  });
});

describe('HTTPHandler – lists, call forms and error texts as python3 (issue 18 items 12, 15, 17)', { timeout: 60_000 }, () => {
  const PY_LISTS = `
import json, sys, logging, logging.handlers
cfg = json.load(sys.stdin)
h = logging.handlers.HTTPHandler(cfg['host'], '/lists', 'POST')
d = dict(cfg['record']); d['args'] = tuple(d['args'])
h.emit(logging.makeLogRecord(d))
`;
  test('HTTPHandler.emit() – arrays in the form body render as Python lists; only args is a tuple (byte-identical body)', async () => {
    const srv = await server();
    const record = { ...REC, msg: 'user %s tags %s', args: ['bob', ['x', 'y']], tags: ['a', "b'c", 1, null, true], nested: { k: [1, 2], e: [] } };
    await pythonAsync(PY_LISTS, { host: srv.host, record });
    const h = new HTTPHandler(srv.host, '/lists', 'POST');
    h.handle(makeLogRecord(JSON.parse(JSON.stringify(record)) as Record<string, unknown>));
    await h.close();
    await srv.close();
    assert.equal(srv.seen.length, 2);
    assert.equal(srv.seen[1]!.body, srv.seen[0]!.body);
    const body = new URLSearchParams(srv.seen[1]!.body);
    assert.equal(body.get('args'), "('bob', ['x', 'y'])");
    assert.equal(body.get('tags'), `['a', "b'c", 1, None, True]`);
    assert.equal(body.get('nested'), "{'k': [1, 2], 'e': []}");
  });

  test('HTTPHandler(host, url, { method }) and HTTPHandler(host, { url, method }) send what python3 HTTPHandler(host, url, method) sends', async () => {
    const srv = await server();
    await pythonAsync(PY_HTTP, { host: srv.host, record: REC, cases: [{ method: 'POST', url: '/mixed', cred: null }] });
    const a = new HTTPHandler(srv.host, '/mixed', { method: 'POST' });
    a.handle(makeLogRecord({ ...REC, args: [...REC.args] }));
    await a.close();
    const b = new HTTPHandler(srv.host, { url: '/mixed', method: 'post' });
    b.handle(makeLogRecord({ ...REC, args: [...REC.args] }));
    await b.close();
    await srv.close();
    assert.equal(srv.seen.length, 3);
    assert.deepEqual(srv.seen[1], srv.seen[0]);
    assert.deepEqual(srv.seen[2], srv.seen[0]);
  });

  test('HTTPHandler() – forms that fit no call form are ConfigErrors naming the forms, never a TypeError from inside', () => {
    const bad: [string, () => unknown][] = [
      ['options after options', () => new (HTTPHandler as unknown as new (...a: unknown[]) => HTTPHandler)('h', '/u', { method: 'POST' }, true)],
      ['options object plus more', () => new (HTTPHandler as unknown as new (...a: unknown[]) => HTTPHandler)({ host: 'h', url: '/u' }, '/v')],
      ['url missing', () => new (HTTPHandler as unknown as new (...a: unknown[]) => HTTPHandler)('h')],
      ['host a number', () => new (HTTPHandler as unknown as new (...a: unknown[]) => HTTPHandler)(80, '/u')],
      ['secure not a boolean', () => new (HTTPHandler as unknown as new (...a: unknown[]) => HTTPHandler)('h', '/u', 'GET', 'yes')],
      ['credentials not a pair', () => new (HTTPHandler as unknown as new (...a: unknown[]) => HTTPHandler)('h', '/u', 'GET', true, 'user:pw')],
      ['url twice', () => new (HTTPHandler as unknown as new (...a: unknown[]) => HTTPHandler)('h', '/u', { url: '/v' })],
    ];
    for (const [what, make] of bad) {
      assert.throws(make, (e: Error) => e.name === 'ConfigError' && /the call forms are HTTPHandler\(host, url, method\?/.test(e.message), what);
    }
  });

  test("HTTPHandler() – error texts contain Python's ValueError text", () => {
    const py = runPythonSync(`
import json, logging.handlers as H
out = []
for kw in ({'method': 'PUT'}, {'context': object()}):
    try: H.HTTPHandler('h', '/u', **kw)
    except ValueError as e: out.append(str(e))
print(json.dumps(out))
`);
    assert.equal(py.length, 2);
    assert.throws(() => new HTTPHandler('h', '/u', 'PUT' as 'GET'), (e: Error) => e.message.includes(py[0]!));
    assert.throws(() => new HTTPHandler({ host: 'h', url: '/u', context: { ca: 'x' } }), (e: Error) => e.message.includes(py[1]!));
  });
});

describe('HTTPHandler – order across reconnects', { timeout: 60_000 }, () => {
  test('HTTPHandler (json, retries) – a server that resets connections mid-stream: every record once, in logged order', async () => {
    const got: number[] = [];
    let requests = 0;
    const srv = http.createServer((req, res) => {
      requests++;
      // every third request: reset the connection before reading it (nothing was taken, the client retries)
      if (requests % 3 === 0) {
        req.socket.resetAndDestroy();
        return;
      }
      let body = '';
      req.on('data', (b) => (body += String(b)));
      req.on('end', () => {
        for (const r of JSON.parse(body) as { args: number[] }[]) got.push(r.args[0]!);
        res.end('ok');
      });
    });
    leftovers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const h = new HTTPHandler({ host: `127.0.0.1:${(srv.address() as net.AddressInfo).port}`, url: '/bulk', json: true, batchSize: 7, retries: 5, retryDelay: 5, maxBacklog: 1000 });
    const lg = logger(h);
    const N = 500;
    const err = await captureStderr(async () => {
      for (let i = 0; i < N; i++) lg.info('seq=%d', i);
      await h.close();
    });
    srv.closeAllConnections?.();
    await new Promise((r) => srv.close(r));
    assert.equal(err, '');
    assert.equal(h.failedCount, 0);
    assert.deepEqual(got, Array.from({ length: N }, (_, i) => i));
    assert.ok(requests > N / 7 + 10, `${requests} requests, a third of them reset`);
  });
});

function runPythonSync(script: string): string[] {
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}
