import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Logger, Formatter, type LogRecord } from '../../src/index.js';
import { SMTPHandler } from '../../src/handlers/smtp-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { makeTestCert } from '../http/tls-cert.js';

isolateLogging();

/** Servers and sockets still open when a test fails or times out; closed after the file so a failure never hangs the run. */
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

interface Received {
  mail: ParsedMail;
  raw: string;
  secure: boolean;
  user: string | undefined;
  rcpt: string[];
  from: string;
}

async function smtp(opts: { auth?: boolean } = {}) {
  const { key, cert } = makeTestCert();
  const got: Received[] = [];
  const server = new SMTPServer({
    key,
    cert,
    authOptional: !opts.auth,
    allowInsecureAuth: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'ops' && auth.password === 's3cret') cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((mail) => {
          got.push({
            mail,
            raw,
            secure: session.secure,
            user: session.user as string | undefined,
            rcpt: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          });
          cb();
        });
      });
    },
    logger: false,
    disabledCommands: [],
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  leftovers.push(server);
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    got,
    port,
    cert,
    async waitFor(n: number) {
      const end = Date.now() + 10_000;
      while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function logger(h: SMTPHandler): Logger {
  const lg = new Logger('mail', 1);
  lg.propagate = false;
  lg.addHandler(h);
  return lg;
}

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

describe('SMTPHandler against smtp-server', { timeout: 60_000 }, () => {
  test('SMTPHandler.emit() – STARTTLS + AUTH: From, To, Subject, Date and body arrive, as python3 sends them', async () => {
    const srv = await smtp({ auth: true });
    const h = new SMTPHandler({
      mailhost: ['127.0.0.1', srv.port],
      fromaddr: 'app@example.com',
      toaddrs: ['ops@example.com', 'oncall@example.com'],
      subject: 'App failure ✓',
      credentials: ['ops', 's3cret'],
      secure: [],
      timeout: 5,
      tlsOptions: { ca: srv.cert, servername: 'localhost' },
    });
    h.setFormatter(new Formatter('%(levelname)s:%(name)s:%(message)s'));
    const before = Date.now();
    logger(h).critical('disk %s is full', '/var');
    await h.close();
    await srv.waitFor(1);
    const r = srv.got[0]!;
    assert.equal(r.secure, true, 'STARTTLS was used');
    assert.equal(r.user, 'ops');
    assert.equal(r.from, 'app@example.com');
    assert.deepEqual(r.rcpt, ['ops@example.com', 'oncall@example.com']);
    assert.equal(r.mail.from?.text, 'app@example.com');
    assert.equal(r.mail.headers.get('to') && (r.mail.to as { text: string }).text, 'ops@example.com, oncall@example.com');
    assert.equal(r.mail.subject, 'App failure ✓');
    assert.equal(r.mail.text, 'CRITICAL:mail:disk /var is full\n');
    assert.ok(Math.abs(r.mail.date!.getTime() - before) < 60_000);

    // python3's SMTPHandler against the same server: the same parsed fields
    await pythonAsync(
      `import json,sys,ssl,smtplib,logging,logging.handlers as H
c=json.load(sys.stdin)
ctx=ssl.create_default_context(cadata=c['ca'])
class S(smtplib.SMTP):
    def starttls(self, *a, **k): return super().starttls(context=ctx)
smtplib.SMTP=S
h=H.SMTPHandler(('127.0.0.1',c['port']),'app@example.com',['ops@example.com','oncall@example.com'],'App failure ✓',('ops','s3cret'),(),5)
h.setFormatter(logging.Formatter('%(levelname)s:%(name)s:%(message)s'))
l=logging.getLogger('mail'); l.addHandler(h); l.critical('disk %s is full','/var')`,
      { port: srv.port, ca: srv.cert },
    );
    await srv.waitFor(2);
    const p = srv.got[1]!;
    const fields = (x: Received) => [x.secure, x.user, x.from, x.rcpt, x.mail.from?.text, (x.mail.to as { text: string }).text, x.mail.subject, x.mail.text];
    assert.deepEqual(fields(r), fields(p));
    await srv.close();
  });

  test('SMTPHandler.getSubject() – override per record; no credentials means no STARTTLS (as Python)', async () => {
    const srv = await smtp();
    class Subj extends SMTPHandler {
      override getSubject(record: LogRecord): string {
        return `[${record.levelname}] ${record.getMessage()}`;
      }
    }
    const h = new Subj(['127.0.0.1', srv.port], 'a@example.com', 'b@example.com', 'unused', null, [], 5);
    const lg = logger(h);
    lg.error('first');
    lg.critical('second');
    await h.close();
    await srv.waitFor(2);
    assert.deepEqual(srv.got.map((g) => g.mail.subject), ['[ERROR] first', '[CRITICAL] second']);
    assert.deepEqual(srv.got.map((g) => g.secure), [false, false]);
    assert.deepEqual(srv.got[0]!.rcpt, ['b@example.com']);
    await srv.close();
  });

  test('SMTPHandler.emit() – wrong credentials are reported through handleError', async () => {
    const srv = await smtp({ auth: true });
    const h = new SMTPHandler({
      mailhost: ['127.0.0.1', srv.port],
      fromaddr: 'a@example.com',
      toaddrs: 'b@example.com',
      subject: 's',
      credentials: ['ops', 'wrong'],
      secure: [],
      timeout: 5,
      tlsOptions: { ca: srv.cert, servername: 'localhost' },
    });
    const err = await captureStderr(async () => {
      logger(h).critical('x');
      await h.close();
    });
    assert.match(err, /--- Logging error ---[\s\S]*(Invalid login|bad credentials|535)/);
    assert.equal(srv.got.length, 0);
    await srv.close();
  });

  test('SMTPHandler.emit() – server down: reported via handleError, flush() returns promptly', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const h = new SMTPHandler(['127.0.0.1', port], 'a@example.com', 'b@example.com', 's');
    const err = await captureStderr(async () => {
      logger(h).critical('nobody listens');
      await h.close();
    });
    assert.match(err, /ECONNREFUSED/);
    assert.match(err, /Message: 'nobody listens'/);
  });

  test('SMTPHandler.emit() – a server that never answers costs at most the timeout and does not block the event loop', async () => {
    const sockets: net.Socket[] = [];
    const mute = net.createServer((s) => sockets.push(s)); // accepts, never greets
    leftovers.push(mute, { close: () => sockets.forEach((s) => s.destroy()) });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as net.AddressInfo).port;
    const h = new SMTPHandler({ mailhost: ['127.0.0.1', port], fromaddr: 'a@example.com', toaddrs: 'b@example.com', subject: 's', timeout: 0.5 });
    let ticks = 0;
    const iv = setInterval(() => ticks++, 20);
    const started = Date.now();
    const err = await captureStderr(async () => {
      let loopTurned = false;
      setImmediate(() => (loopTurned = true));
      logger(h).critical('into the void');
      assert.equal(loopTurned, false, 'emit returns without waiting for the event loop (the send runs in the background)');
      await h.flush();
    });
    const elapsed = Date.now() - started;
    clearInterval(iv);
    // A lower bound only: load can make the wait longer, never shorter than the timeout.
    assert.ok(elapsed >= 400, `gave up after ${elapsed} ms, before the 0.5 s timeout`);
    assert.ok(ticks >= 5, `event loop kept running (${ticks} ticks)`);
    assert.match(err, /(timeout|Greeting never received|within 0.5 s)/i);
    await h.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => mute.close(r));
  });

  test('SMTPHandler.emit() – bounded backlog drops the oldest and counts', async () => {
    const held: net.Socket[] = [];
    const mute = net.createServer((s) => held.push(s));
    leftovers.push(mute, { close: () => held.forEach((s) => s.destroy()) });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as net.AddressInfo).port;
    const h = new SMTPHandler({ mailhost: ['127.0.0.1', port], fromaddr: 'a@x.org', toaddrs: 'b@x.org', subject: 's', timeout: 0.3, maxBacklog: 2 });
    const lg = logger(h);
    const err = await captureStderr(async () => {
      for (let i = 0; i < 6; i++) lg.critical('m%d', i);
      assert.equal(h.backlogLength, 2);
      assert.equal(h.droppedCount, 3);
      await h.close();
    });
    assert.match(err, /backlog full \(2\)/);
    held.forEach((s) => s.destroy());
    mute.close();
  });

  test('SMTPHandler() – config errors name the option', () => {
    assert.throws(() => new SMTPHandler('h', '', 'b@x', 's'), /fromaddr/);
    assert.throws(() => new SMTPHandler('h', 'a@x', [], 's'), /toaddrs/);
    assert.throws(() => new SMTPHandler(['h'] as unknown as [string, number], 'a@x', 'b@x', 's'), /mailhost/);
  });
});
