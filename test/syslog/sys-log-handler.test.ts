import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Logger, Formatter, addLevelName, makeLogRecord, ConfigError, kw } from '../../src/index.js';
import { SysLogHandler, loadUnixDgram } from '../../src/handlers/sys-log-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { runPython } from '../helpers/python.js';
import { makeTestCert } from '../http/tls-cert.js';
import { bundleArgs } from '../helpers/bundle.js';

isolateLogging();

/** Sockets and servers still open when a test fails or times out; closed after the file so a failure never hangs the run. */
const leftovers: { close(): unknown }[] = [];
after(() => {
  for (const l of leftovers.splice(0)) {
    try {
      l.close();
    } catch {
      /* already closed */
    }
  }
});

interface Case {
  facility: string | number;
  ident: string;
  appendNul: boolean;
  fmt: string | null;
  records: [number, string, unknown[]][];
}

const CASES: Case[] = [
  {
    facility: 1,
    ident: '',
    appendNul: true,
    fmt: null,
    records: [
      [10, 'debug %s', ['x']],
      [20, 'info', []],
      [30, 'warn %d%%', [5]],
      [40, 'error', []],
      [50, 'critical', []],
      [25, 'custom level', []],
    ],
  },
  { facility: 'local3', ident: 'myapp: ', appendNul: true, fmt: '%(levelname)s:%(name)s:%(message)s', records: [[30, 'héllo ✓ %s', ['ü']]] },
  { facility: 2, ident: 'x[1]: ', appendNul: false, fmt: null, records: [[20, 'multi\nline', []]] },
];

const PY_UDP = `
import json, sys, socket, logging, logging.handlers, base64
cases = json.load(sys.stdin)
logging.addLevelName(25, 'CUSTOM')
out = []
for i, c in enumerate(cases):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))
    h = logging.handlers.SysLogHandler(('127.0.0.1', s.getsockname()[1]), facility=c['facility'] if isinstance(c['facility'], int) else logging.handlers.SysLogHandler.facility_names[c['facility']])
    h.ident = c['ident']; h.append_nul = c['appendNul']
    if c['fmt']: h.setFormatter(logging.Formatter(c['fmt']))
    lg = logging.getLogger('case%d' % i); lg.propagate = False; lg.setLevel(1); lg.addHandler(h)
    for lvl, msg, args in c['records']:
        lg.log(lvl, msg, *args)
        out.append(base64.b64encode(s.recv(70000)).decode())
    h.close(); s.close()
print(json.dumps(out))
`;

async function udpSink(): Promise<{ port: number; got: Buffer[]; close(): void; waitFor(n: number): Promise<void> }> {
  const s = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  s.on('message', (m) => got.push(m));
  leftovers.push(s);
  return {
    port: s.address().port,
    got,
    close: () => s.close(),
    async waitFor(n: number) {
      const end = Date.now() + 5000;
      while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

function logger(name: string, h: SysLogHandler): Logger {
  const lg = new Logger(name, 1);
  lg.propagate = false;
  lg.addHandler(h);
  return lg;
}

describe('SysLogHandler – Python bytes', { timeout: 60_000 }, () => {
  test('SysLogHandler.emit() – UDP datagrams are byte-identical to python3 SysLogHandler', async () => {
    const expected = runPython<string[]>(PY_UDP, CASES).map((b) => Buffer.from(b, 'base64'));
    addLevelName(25, 'CUSTOM');
    const actual: Buffer[] = [];
    for (const [i, c] of CASES.entries()) {
      const sink = await udpSink();
      const h = new SysLogHandler({ address: ['127.0.0.1', sink.port], facility: c.facility, appendNul: c.appendNul, ident: c.ident });
      if (c.fmt) h.setFormatter(new Formatter(c.fmt));
      const lg = logger(`case${i}`, h);
      for (const [lvl, msg, args] of c.records) lg.log(lvl, msg, ...args);
      await h.flush();
      await sink.waitFor(c.records.length);
      actual.push(...sink.got);
      await h.close();
      sink.close();
    }
    assert.deepEqual(actual.map((b) => b.toString('latin1')), expected.map((b) => b.toString('latin1')));
    assert.equal(expected[5]!.toString(), '<12>custom level\0', 'custom level maps to warning');
  });

  test('SysLogHandler.emit() – TCP stream bytes are byte-identical to python3 (no framing, NUL-terminated)', async () => {
    const py = runPython<string>(
      `
import json, sys, socket, logging, logging.handlers, base64, threading
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
h = logging.handlers.SysLogHandler(('127.0.0.1', srv.getsockname()[1]), facility=16, socktype=socket.SOCK_STREAM)
conn, _ = srv.accept()
lg = logging.getLogger('tcp'); lg.propagate = False; lg.addHandler(h)
for m in json.load(sys.stdin): lg.error(m)
h.close()
data = b''
while True:
    b = conn.recv(65536)
    if not b: break
    data += b
print(json.dumps(base64.b64encode(data).decode()))
`,
      ['one', 'two ✓'],
    );
    let data = Buffer.alloc(0);
    let peerClosed!: () => void;
    const closed = new Promise<void>((r) => (peerClosed = r));
    const srv = net.createServer((c) => c.on('data', (b) => (data = Buffer.concat([data, b]))).on('close', () => peerClosed()));
    leftovers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const h = new SysLogHandler(['127.0.0.1', (srv.address() as net.AddressInfo).port], 16, 'stream');
    const lg = logger('tcp', h);
    lg.error('one');
    lg.error('two ✓');
    await h.close();
    await closed; // the server has read everything once its side of the connection closes
    srv.close();
    assert.equal(data.toString('latin1'), Buffer.from(py, 'base64').toString('latin1'));
  });

  test('SysLogHandler.encodePriority() – names and codes as Python', () => {
    const h = new SysLogHandler({ address: ['127.0.0.1', 9] });
    assert.equal(h.encodePriority('local7', 'emerg'), 184);
    assert.equal(h.encodePriority(SysLogHandler.LOG_MAIL, SysLogHandler.LOG_ERR), 19);
    assert.equal(h.mapPriority('CRITICAL'), 'critical');
    assert.equal(h.mapPriority('NOPE'), 'warning');
    assert.throws(() => h.encodePriority('nope', 'info'), ConfigError);
    const py = runPython<number[]>(
      `import json,sys,logging.handlers as H
h=H.SysLogHandler.__new__(H.SysLogHandler)
print(json.dumps([h.encodePriority(f,p) for f in H.SysLogHandler.facility_names for p in H.SysLogHandler.priority_names]))`,
      null,
    );
    const ours = Object.keys(SysLogHandler.facility_names).flatMap((f) => Object.keys(SysLogHandler.priority_names).map((p) => h.encodePriority(f, p)));
    assert.deepEqual(ours, py);
    void h.close();
  });

  test('SysLogHandler.emit() – exception text is not sent', async () => {
    const sink = await udpSink();
    const h = new SysLogHandler(['127.0.0.1', sink.port]);
    const lg = logger('exc', h);
    lg.error('failed', kw({ exc_info: new Error('boom') }));
    await sink.waitFor(1);
    assert.equal(sink.got[0]!.toString(), '<11>failed\0');
    await h.close();
    sink.close();
  });
});

describe('SysLogHandler – RFC formats, framing, limits', { timeout: 60_000 }, () => {
  const rec = () => {
    const r = makeLogRecord({ name: 'app', msg: 'hello ✓', levelno: 20, levelname: 'INFO' });
    r.created = Date.UTC(2026, 0, 2, 3, 4, 5, 678) / 1000;
    return r;
  };

  test('SysLogHandler.makeMessage() – RFC 5424 header, structured data and BOM', () => {
    const h = new SysLogHandler({
      address: ['127.0.0.1', 9],
      format: 'rfc5424',
      facility: 'local0',
      hostname: 'host1',
      appName: 'my app',
      procid: 42,
      structuredData: { 'meta@32473': { k: 'a"b]' } },
      utf8Bom: true,
    });
    const b = h.makeMessage(rec());
    const s = b.toString('utf8');
    assert.match(s, /^<134>1 2026-01-0[12]T\d\d:\d\d:05\.678[+-]\d\d:\d\d host1 my_app 42 - \[meta@32473 k="a\\"b\\]"\] \uFEFFhello ✓$/);
    assert.equal(h.append_nul, false);
    void h.close();
  });

  test('SysLogHandler.makeMessage() – RFC 3164 header with timestamp, hostname and tag', () => {
    const h = new SysLogHandler({ address: ['127.0.0.1', 9], format: 'rfc3164', hostname: 'host1', appName: 'app', procid: 7 });
    const s = h.makeMessage(rec()).toString('utf8');
    assert.match(s, /^<14>Jan [ 12]\d \d\d:\d\d:05 host1 app\[7\]: hello ✓$/);
    void h.close();
  });

  test('SysLogHandler.makeMessage() – octet-counting and LF framing on streams', () => {
    const a = new SysLogHandler({ address: ['127.0.0.1', 9], socktype: 'stream', framing: 'octet-counting' });
    const msg = a.makeMessage(rec());
    assert.equal(msg.toString(), `${Buffer.byteLength('<14>hello ✓')} <14>hello ✓`);
    const b = new SysLogHandler({ address: ['127.0.0.1', 9], socktype: 'stream', framing: 'lf' });
    assert.equal(b.makeMessage(rec()).toString(), '<14>hello ✓\n');
    void a.close();
    void b.close();
  });

  test('SysLogHandler.makeMessage() – maxMessageSize cuts on a UTF-8 boundary and keeps the NUL', () => {
    const h = new SysLogHandler({ address: ['127.0.0.1', 9], maxMessageSize: 12 });
    const r = rec();
    r.msg = 'ab✓✓✓✓';
    const b = h.makeMessage(r);
    assert.ok(b.length <= 12);
    assert.equal(b.toString('utf8'), '<14>ab✓\0'); // a second ✓ would need 13 bytes
    assert.equal(h.truncatedCount, 1);
    void h.close();
  });

  test('SysLogHandler.makeMessage() – default maxMessageSize 8096: a 70 KiB message is cut, marked, counted and reported', async () => {
    const h = new SysLogHandler({ address: ['127.0.0.1', 9], socktype: 'stream', format: 'rfc5424', hostname: 'h', appName: 'a', procid: 1 });
    const r = rec();
    r.msg = 'é'.repeat(35 * 1024);
    let b!: Buffer;
    const err = await captureStderr(() => {
      b = h.makeMessage(r);
    });
    const sp = b.indexOf(0x20);
    const len = Number(b.subarray(0, sp).toString());
    assert.equal(len, b.length - sp - 1);
    assert.ok(len <= 8096 && len > 8000, `message of ${len} bytes`);
    const text = b.subarray(sp + 1).toString('utf8');
    assert.match(text, /^<14>1 \S+ h a 1 - - (é)+\[truncated from \d+ bytes\]$/);
    assert.equal(Number(/from (\d+) bytes/.exec(text)![1]), Buffer.byteLength(text.slice(0, text.indexOf('é'))) + 70 * 1024);
    assert.equal(h.truncatedCount, 1);
    assert.match(err, /a \d+-byte message was cut to maxMessageSize \(8096\)/);
    const big = new SysLogHandler({ address: ['127.0.0.1', 9], maxMessageSize: Infinity });
    assert.equal(big.makeMessage(r).length, 4 + 70 * 1024 + 1);
    await h.close();
    await big.close();
  });

  test('SysLogHandler() – framing defaults: none for Python\'s format, octet counting for RFC formats over TCP/TLS, LF on Unix streams', async () => {
    const cases: [ConstructorParameters<typeof SysLogHandler>[0], string, boolean][] = [
      [{ address: ['127.0.0.1', 9], socktype: 'stream' }, 'none', true],
      [{ address: ['127.0.0.1', 9], socktype: 'stream', format: 'rfc5424' }, 'octet-counting', false],
      [{ address: ['127.0.0.1', 9], socktype: 'stream', format: 'rfc3164' }, 'octet-counting', false],
      [{ address: ['127.0.0.1', 9], tls: true, format: 'rfc5424' }, 'octet-counting', false],
      [{ address: '/tmp/x.sock', socktype: 'stream', format: 'rfc5424' }, 'lf', false],
      [{ address: ['127.0.0.1', 9], socktype: 'stream', format: 'rfc5424', framing: 'none' }, 'none', false],
    ];
    for (const [o, framing, nul] of cases) {
      const h = new SysLogHandler(o);
      assert.equal(h.framing, framing, JSON.stringify(o));
      assert.equal(h.append_nul, nul);
      await h.close();
    }
  });

  test("SysLogHandler.mapPriority() – a subclass's own priority_map (static or instance) is used, as Python's self.priority_map", async () => {
    const py = runPython<number[]>(
      `import json, logging.handlers as H
class S(H.SysLogHandler):
    priority_map = {'INFO': 'emerg', 'WARNING': 'debug'}
h = S(('127.0.0.1', 9))
i = H.SysLogHandler(('127.0.0.1', 9)); i.priority_map = {'DEBUG': 'alert'}
print(json.dumps([h.encodePriority(h.facility, h.mapPriority(n)) for n in ('INFO', 'WARNING', 'ERROR', 'CUSTOM')] + [i.encodePriority(i.facility, i.mapPriority(n)) for n in ('DEBUG', 'INFO')]))`,
      null,
    );
    class S extends SysLogHandler {
      static override readonly priority_map = { INFO: 'emerg', WARNING: 'debug' };
    }
    const h = new S(['127.0.0.1', 9]);
    const i = new SysLogHandler(['127.0.0.1', 9]);
    (i as unknown as { priority_map: Record<string, string> }).priority_map = { DEBUG: 'alert' };
    const ours = [...['INFO', 'WARNING', 'ERROR', 'CUSTOM'].map((n) => h.encodePriority(h.facility, h.mapPriority(n))), ...['DEBUG', 'INFO'].map((n) => i.encodePriority(i.facility, i.mapPriority(n)))];
    assert.deepEqual(ours, py);
    const r = rec();
    assert.equal(h.makeMessage(r).toString(), '<8>hello ✓\0');
    await h.close();
    await i.close();
  });

  test("SysLogHandler – unknown facility or priority: the error carries Python's KeyError text", async () => {
    const py = runPython<string[]>(
      `import json, logging.handlers as H
h = H.SysLogHandler(('127.0.0.1', 9))
out = []
for f, p in (('nope', 'info'), ('user', 'loud')):
    try: h.encodePriority(f, p)
    except KeyError as e: out.append(type(e).__name__ + ': ' + str(e))
print(json.dumps(out))`,
      null,
    );
    assert.deepEqual(py, ["KeyError: 'nope'", "KeyError: 'loud'"]);
    const h = new SysLogHandler(['127.0.0.1', 9]);
    assert.throws(() => h.encodePriority('nope', 'info'), (e: Error) => e instanceof ConfigError && e.message.startsWith(py[0]!) && /accepted: auth, authpriv/.test(e.message));
    assert.throws(() => h.encodePriority('user', 'loud'), (e: Error) => e.message.startsWith(py[1]!) && /accepted: alert, crit/.test(e.message));
    assert.throws(() => new SysLogHandler({ facility: 'nope' }), (e: Error) => e instanceof ConfigError && e.message.startsWith(py[0]!));
    assert.throws(() => new SysLogHandler(['127.0.0.1', 9], { facility: 'user' } as unknown as string), /pass options as the only argument/);
    assert.throws(() => new SysLogHandler({ address: ['127.0.0.1', 9] }, 'user'), /either SysLogHandler\(options\) or SysLogHandler\(address, facility, socktype\)/);
    await h.close();
  });

  test('logflume/handlers – the public module constants of logging.handlers, with Python\'s values', async () => {
    const names = ['DEFAULT_HTTP_LOGGING_PORT', 'DEFAULT_SOAP_LOGGING_PORT', 'DEFAULT_TCP_LOGGING_PORT', 'DEFAULT_UDP_LOGGING_PORT', 'ST_DEV', 'ST_INO', 'ST_MTIME', 'SYSLOG_TCP_PORT', 'SYSLOG_UDP_PORT'];
    const py = runPython<Record<string, number>>(
      `import json, logging.handlers as H
print(json.dumps({n: getattr(H, n) for n in dir(H) if n.isupper() and not n.startswith('_')}))`,
      null,
    );
    assert.deepEqual(Object.keys(py).sort(), names);
    const mod = (await import('../../src/handlers/index.js')) as unknown as Record<string, number>;
    for (const n of names) assert.equal(mod[n], py[n], n);
  });

  test('SysLogHandler() – Unix datagram without unix-dgram names the fix; bad options are ConfigErrors', (t) => {
    if (loadUnixDgram()) t.diagnostic('unix-dgram is installed: the missing-module error cannot be observed here (delivery is tested against rsyslogd)');
    else assert.throws(() => new SysLogHandler({ address: '/tmp/nonexistent.sock', socktype: 'dgram' }), /npm install unix-dgram/);
    assert.throws(() => new SysLogHandler({ address: '/x', tls: true }), ConfigError);
    assert.throws(() => new SysLogHandler({ facility: 'nope' }), ConfigError);
  });
});

describe('SysLogHandler – streams', { timeout: 60_000 }, () => {
  test('SysLogHandler.send() – TLS (RFC 5425) with octet counting against a node:tls server', async () => {
    const { key, cert } = makeTestCert();
    let data = '';
    let peerClosed!: () => void;
    const closed = new Promise<void>((r) => (peerClosed = r));
    const srv = tls.createServer({ key, cert }, (c) => c.on('data', (b) => (data += String(b))).on('close', () => peerClosed()));
    leftovers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const h = new SysLogHandler({
      address: ['127.0.0.1', (srv.address() as net.AddressInfo).port],
      tls: { ca: cert },
      format: 'rfc5424',
      framing: 'octet-counting',
      hostname: 'h',
      appName: 'a',
      procid: 1,
    });
    const lg = logger('tls', h);
    lg.warning('over tls');
    lg.error('second');
    await h.flush();
    await h.close();
    await closed;
    srv.close();
    const frames: string[] = [];
    let rest = data;
    while (rest.length > 0) {
      const sp = rest.indexOf(' ');
      const n = Number(rest.slice(0, sp));
      frames.push(rest.slice(sp + 1, sp + 1 + n));
      rest = rest.slice(sp + 1 + n);
    }
    assert.equal(frames.length, 2);
    assert.match(frames[0]!, /^<12>1 \S+ h a 1 - - over tls$/);
    assert.match(frames[1]!, /^<11>1 \S+ h a 1 - - second$/);
  });

  test('SysLogHandler.send() – server down: bounded backlog drops the oldest, counts and reports, flush() does not hang', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const h = new SysLogHandler({ address: ['127.0.0.1', port], socktype: 'stream', maxBacklog: 3, reconnectDelay: 50 });
    const lg = logger('down', h);
    const err = await captureStderr(async () => {
      for (let i = 0; i < 5; i++) lg.error('r%d', i);
      await h.flush();
    });
    assert.equal(h.droppedCount, 2);
    assert.equal(h.backlogLength, 3);
    assert.match(err, /backlog full/);
    assert.match(err, /ECONNREFUSED/);
    // the server comes up on that port: the queued records arrive
    let data = '';
    const srv2 = net.createServer((c) => c.on('data', (b) => (data += String(b))));
    leftovers.push(srv2);
    await new Promise<void>((r) => srv2.listen(port, '127.0.0.1', r));
    const end = Date.now() + 10_000;
    while (!data.includes('r4') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.equal(data, '<11>r2\0<11>r3\0<11>r4\0');
    await h.close();
    srv2.close();
  });
});

describe('SysLogHandler – process exit', { timeout: 60_000 }, () => {
  test('SysLogHandler.emit() – UDP: a record logged right before process.exit() is delivered (connected socket, as Python sendto)', async () => {
    const sink = await udpSink();
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [...bundleArgs(new URL('./fixtures/udp-exit.ts', import.meta.url).pathname), String(sink.port)], {
      stdio: 'inherit',
    });
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0);
    await sink.waitFor(2);
    assert.deepEqual(sink.got.map(String), ['<14>first\0', '<10>last words\0']);
    sink.close();
  });
});
