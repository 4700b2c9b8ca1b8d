// The receiver's limits seen from its counters (issue 16): refused and evicted
// connections, loggers created from received names, unmerged arguments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { Logger } from '../../src/index.js';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { diagnostics } from '../../src/internal/report.js';
import { isolateLogging } from '../helpers/capture.js';
import { collectOn, rec, startReceiver, waitFor } from './_util.js';

isolateLogging();
let reports = '';
const origWrite = diagnostics.write;
before(() => {
  diagnostics.write = (t: string) => {
    reports += t;
  };
});
after(() => {
  diagnostics.write = origWrite;
});

function frame(d: unknown): Buffer {
  const p = Buffer.from(JSON.stringify(d));
  const h = Buffer.alloc(4);
  h.writeUInt32BE(p.length);
  return Buffer.concat([h, p]);
}

interface Peer {
  sock: net.Socket;
  data: () => string;
  closed: () => boolean;
  ended: () => boolean;
}

function connect(port: number): Promise<Peer> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    let ended = false;
    sock.on('error', () => {});
    sock.setEncoding('utf8').on('data', (s: string) => (data += s));
    sock.on('end', () => (ended = true));
    sock.on('close', () => (closed = true));
    sock.on('connect', () => resolve({ sock, data: () => data, closed: () => closed, ended: () => ended }));
  });
}

/** Try to connect: 'refused' when the kernel refuses (nothing listens), else the open peer. */
function tryConnect(port: number): Promise<Peer | 'refused'> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    let ended = false;
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') resolve('refused');
    });
    sock.setEncoding('utf8').on('data', (s: string) => (data += s));
    sock.on('end', () => (ended = true));
    sock.on('close', () => (closed = true));
    sock.on('connect', () => resolve({ sock, data: () => data, closed: () => closed, ended: () => ended }));
  });
}

test('maxConnections – at the limit the receiver stops listening (connects are refused by the kernel, counted in listenerPauses); an idle connection is then closed to make room', async () => {
  const rx = await startReceiver({ tcp: 0, maxConnections: 2 });
  const port = rx.addresses.tcp!.port;
  const { sink } = collectOn('lim.conn');
  const peers: Peer[] = [];
  try {
    peers.push(await connect(port), await connect(port));
    await waitFor(() => rx.stats.activeConnections === 2 && rx.stats.listenerPauses === 1, 15_000, 'two connections and a pause');
    assert.equal(await tryConnect(port), 'refused');
    assert.match(reports, /maxConnections \(2\) reached: not listening until a connection closes/);
    // Once the two have been silent for a second, the one silent longest is closed and listening resumes.
    await waitFor(() => rx.stats.evictedConnections === 1, 15_000, 'an eviction');
    await waitFor(() => peers[0]!.ended() || peers[0]!.closed(), 15_000, 'the longest-idle peer closed');
    let newcomer: Peer | 'refused' = 'refused';
    const deadline = Date.now() + 15_000;
    while (newcomer === 'refused' && Date.now() < deadline) newcomer = await tryConnect(port);
    assert.notEqual(newcomer, 'refused');
    const p = newcomer as Peer;
    peers.push(p);
    p.sock.write(frame({ name: 'lim.conn', levelno: 20, levelname: 'INFO', msg: 'in after eviction' }));
    await waitFor(() => sink.records.length === 1, 15_000, 'the newcomer’s record');
  } finally {
    for (const p of peers) p.sock.destroy();
    await rx.close();
  }
});

test('maxConnections – a SocketHandler that finds the receiver full keeps its records (sentCount, droppedCount honest) and delivers all 50 once a place frees', async () => {
  const rx = await startReceiver({ tcp: 0, maxConnections: 2 });
  const port = rx.addresses.tcp!.port;
  const { sink } = collectOn('lim.full');
  const blockers = [await connect(port), await connect(port)];
  for (const b of blockers) b.sock.write(frame({ name: 'lim.other', levelno: 20, levelname: 'INFO', msg: 'busy' })); // not idle
  const h = new SocketHandler('127.0.0.1', port, { retryStart: 0.05, retryMax: 0.2 });
  try {
    await waitFor(() => rx.stats.listenerPauses === 1, 15_000, 'the receiver full');
    for (let i = 0; i < 50; i++) h.handle(rec('lim.full', 'r %d', [i]));
    assert.equal(sink.records.length, 0);
    for (const b of blockers) b.sock.destroy(); // places free: listening resumes, the handler's retry connects
    await waitFor(() => sink.records.length === 50, 30_000, `50 records (have ${sink.records.length})`);
    assert.deepEqual(sink.messages, Array.from({ length: 50 }, (_, i) => `r ${i}`));
    assert.equal(h.droppedCount, 0);
    assert.equal(h.sentCount, 50);
  } finally {
    await h.close();
    await rx.close();
  }
});

test('idleTimeout – a silent connection is closed and counted', async () => {
  const rx = await startReceiver({ tcp: 0, idleTimeout: 200 });
  try {
    const p = await connect(rx.addresses.tcp!.port);
    await waitFor(() => p.closed(), 15_000, 'idle close');
    assert.equal(rx.stats.timeouts, 1);
    assert.match(reports, /idle for 200 ms/);
  } finally {
    await rx.close();
  }
});

test('logger names – at most maxLoggers created, names past maxLoggerDepth/maxLoggerNameLength go to the nearest existing ancestor with their name kept', async () => {
  const { logger, sink } = collectOn('lim'); // exists already: not counted
  const rx = await startReceiver({ tcp: 0, maxLoggers: 3, maxLoggerDepth: 2, maxLoggerNameLength: 40 });
  const p = await connect(rx.addresses.tcp!.port);
  try {
    const names = ['lim.a', 'lim.b', 'lim.c', 'lim.d', 'lim.a.b.c', 'lim.' + 'y'.repeat(50), 'lim.a'];
    for (const name of names) p.sock.write(frame({ name, levelno: 20, levelname: 'INFO', msg: 'to %s', args: [name] }));
    await waitFor(() => sink.records.length === names.length, 15_000, 'every record');
    assert.deepEqual(sink.records.map((r) => r.name), names, 'names as sent');
    assert.deepEqual(sink.messages, names.map((n) => `to ${n}`));
    assert.equal(rx.stats.loggersCreated, 3);
    assert.equal(rx.stats.fallbackRecords, 3);
    const dict = Logger.manager.loggerDict;
    assert.ok(dict.get('lim.a') instanceof Logger && dict.get('lim.c') instanceof Logger);
    assert.equal(dict.has('lim.d'), false);
    assert.equal(dict.has('lim.a.b.c') || dict.has('lim.a.b'), false, 'no placeholder for a refused name');
    assert.equal(logger.name, 'lim');
    assert.match(reports, /no logger created for this name \(maxLoggers reached\); routed to logger 'lim'/);
    assert.match(reports, /\(maxLoggerDepth reached\); routed to logger 'lim\.a'/);
    assert.match(reports, /\(maxLoggerNameLength reached\)/);
  } finally {
    p.sock.destroy();
    await rx.close();
  }
});

test('msg % args – kept as data in unmerged_args past the budget, merged (args cleared) within it', async () => {
  const { sink } = collectOn('lim.args');
  const rx = await startReceiver({ tcp: 0, maxMessageExpansion: 1 });
  const p = await connect(rx.addresses.tcp!.port);
  try {
    p.sock.write(frame({ name: 'lim.args', levelno: 20, levelname: 'INFO', msg: '%9000s|', args: ['x'] }));
    p.sock.write(frame({ name: 'lim.args', levelno: 20, levelname: 'INFO', msg: '%4000s|', args: ['x'] }));
    await waitFor(() => sink.records.length === 2, 15_000, 'both records');
    const [big, ok] = sink.records;
    assert.equal(big!.msg, '%9000s|');
    assert.equal(big!.args, null);
    assert.deepEqual(big!.unmerged_args, ['x']);
    assert.equal(big!.getMessage(), '%9000s|');
    assert.equal(ok!.msg, ' '.repeat(3999) + 'x|');
    assert.equal(ok!.args, null);
    assert.equal(rx.stats.unmergedRecords, 1);
  } finally {
    p.sock.destroy();
    await rx.close();
  }
});
