// Bounded work per byte received (issue 16): each hostile input goes to a real
// `logflume serve` on loopback, and the test measures what the receiver did
// with it — bytes it wrote (its stdout), its peak RSS (VmHWM) and the CPU time
// its event loop spent (utime + stime) — then checks that a good client's
// record is still stored. Set HOSTILE_FIGURES=1 to print the figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { rec, waitFor } from './_util.js';
import { bundleArgs } from '../helpers/bundle.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'src/cli.ts');
const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

let child: ChildProcess;
let port = 0;
let out = 0; // bytes the receiver has written to stdout
let outText = ''; // the last 64 KiB of it, to find markers
let err = '';
let marker = 0;
let goodSeq = 0;
let good: SocketHandler;
const figures: string[] = [];

before(async () => {
  child = spawn(process.execPath, [...bundleArgs(cli), 'serve', '--tcp', '0', '--max-frame-size', String(2 << 20)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const utf8 = new StringDecoder('utf8');
  child.stdout!.on('data', (b: Buffer) => {
    out += b.length;
    outText = (outText + utf8.write(b)).slice(-65536);
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  await waitFor(() => /listening on tcp 127\.0\.0\.1:\d+/.test(err) || child.exitCode !== null, 30_000, 'logflume serve to listen');
  const m = /listening on tcp 127\.0\.0\.1:(\d+)/.exec(err);
  if (!m) throw new Error(`logflume serve did not start: ${err}`);
  port = Number(m[1]);
  good = new SocketHandler('127.0.0.1', port);
  await sendFrames([json({ name: 'warm', levelno: 20, levelname: 'INFO', msg: 'warm up %s', args: ['x'] })], true); // first-record costs out of the figures
});

after(async () => {
  await good.close();
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
  if (process.env.HOSTILE_FIGURES) process.stdout.write(`# figures (receiver per hostile input)\n${figures.map((f) => `#   ${f}`).join('\n')}\n`);
});

interface Usage {
  out: number;
  hwm: number;
  cpuMs: number;
}

function usage(): Usage {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  return { out, hwm, cpuMs };
}

const json = (d: unknown): Buffer => Buffer.from(JSON.stringify(d));

function frame(payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(payload.length);
  return Buffer.concat([h, payload]);
}

/**
 * Send `payloads` as frames on one raw connection. With `accepted`, a marker
 * record follows on the same connection and the call resolves once the
 * receiver wrote it (records of one connection are handled in order, so the
 * hostile ones were handled by then); otherwise it resolves when the receiver
 * closes the connection.
 */
function sendFrames(payloads: Buffer[], accepted: boolean): Promise<number> {
  const tag = `marker-${++marker}-done`;
  const frames = payloads.map(frame);
  if (accepted) frames.push(frame(json({ name: 'marker', levelno: 20, levelname: 'INFO', msg: tag })));
  const bytes = frames.reduce((a, f) => a + f.length, 0);
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let closed = false;
    s.on('error', () => {});
    s.on('close', () => (closed = true));
    s.on('connect', () => {
      for (const f of frames) s.write(f);
      const cond = accepted ? () => outText.includes(tag) : () => closed;
      waitFor(cond, 60_000, accepted ? tag : 'the receiver to close the connection').then(
        () => {
          s.destroy();
          resolve(bytes);
        },
        reject,
      );
    });
  });
}

/** A good client (a real SocketHandler) still gets its record stored. */
async function goodClientServed(): Promise<void> {
  const n = ++goodSeq;
  good.handle(rec('good', 'good %d', [n]));
  await waitFor(() => outText.includes(`good INFO good ${n}\n`), 30_000, `good record ${n}`);
}

/** Run `attack`, measure the receiver, check the bounds, then a good client. */
async function measured(what: string, attack: () => Promise<number>, bounds: { outPerByte: number; outSlack?: number; rssMiB: number }): Promise<void> {
  const u0 = usage();
  const received = await attack();
  const u1 = usage();
  const written = u1.out - u0.out;
  const rss = (u1.hwm - u0.hwm) / 2 ** 20;
  const cpu = u1.cpuMs - u0.cpuMs;
  figures.push(`${what}: ${received} B received → ${written} B written (${(written / received).toFixed(2)} B/B), peak RSS +${rss.toFixed(1)} MiB, CPU ${cpu.toFixed(0)} ms`);
  assert.ok(written <= bounds.outPerByte * received + (bounds.outSlack ?? 65536), `${what}: wrote ${written} B for ${received} B received`);
  assert.ok(rss <= bounds.rssMiB, `${what}: peak RSS grew ${rss.toFixed(1)} MiB`);
  // CPU time is what the receiver spent, not wall-clock time: a loaded machine does not inflate it much; the unbounded code spent seconds here.
  assert.ok(cpu < 3000, `${what}: the receiver spent ${cpu} ms of CPU`);
  await goodClientServed();
}

// ------------------------------------------------------------- item 1: msg % args

test('msg % args amplification – width, *, precision and repeated mapping keys stay within 4 × frame + 4 KiB; the record is kept with its template', async () => {
  const attacks = [
    json({ name: 'amp.width', levelno: 20, levelname: 'INFO', msg: '%536870000s', args: ['x'] }),
    json({ name: 'amp.star', levelno: 20, levelname: 'INFO', msg: '%*s', args: [536870000, 'x'] }),
    json({ name: 'amp.prec', levelno: 20, levelname: 'INFO', msg: '%.536870000f', args: [1.5] }),
    json({ name: 'amp.keys', levelno: 20, levelname: 'INFO', msg: '%(a)s'.repeat(10_000), args: { a: 'y'.repeat(60_000) } }),
    json({ name: 'amp.zero', levelno: 20, levelname: 'INFO', msg: '%0536870000d', args: [7] }),
  ];
  await measured('msg % args (5 frames: %536870000s, %*s, %.536870000f, 10 000 × %(a)s of 60 kB, %0536870000d)', () => sendFrames(attacks, true), { outPerByte: 5, rssMiB: 64 });
  assert.match(outText, /amp\.width INFO %536870000s/);
  assert.match(err, /arguments kept unmerged: the merged message could exceed \d+ characters/);
});

test('msg % args within the budget is merged once at the receiver; a failing one is kept as data', async () => {
  await sendFrames([json({ name: 'merge.ok', levelno: 20, levelname: 'INFO', msg: 'hello %s %05d %-6s|', args: ['wörld', 42, 'ab'] }), json({ name: 'merge.bad', levelno: 20, levelname: 'INFO', msg: 'bad %d', args: ['text'] })], true);
  assert.match(outText, /merge\.ok INFO hello wörld 00042 ab {4}\|/);
  assert.match(outText, /merge\.bad INFO bad %d/);
  assert.match(err, /arguments kept unmerged: msg % args failed/);
  await goodClientServed();
});

// ------------------------------------------------------------- item 2: pickle references and nesting

const X = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  const h = Buffer.alloc(5);
  h[0] = 0x58;
  h.writeUInt32LE(b.length, 1);
  return Buffer.concat([h, b]);
};
/** A pickled record dict whose `extra` value is the opcodes in `value`. */
const pickleRecord = (name: string, value: Buffer): Buffer =>
  Buffer.concat([Buffer.from([0x7d, 0x28]), X('name'), X(name), X('levelno'), Buffer.from([0x4b, 20]), X('msg'), X('m'), X('extra'), value, Buffer.from([0x75, 0x2e])]);

test('pickle DUP and memo references are charged to the decoded-size budget: a 264 KB frame cannot become a 524 MB line', async () => {
  const big = X('z'.repeat(256 * 1024));
  const dup = pickleRecord('pk.dup', Buffer.concat([Buffer.from([0x28]), big, Buffer.alloc(2000, 0x32), Buffer.from([0x6c])]));
  const memo = pickleRecord('pk.memo', Buffer.concat([Buffer.from([0x28]), big, Buffer.from([0x71, 0]), Buffer.from('h\x00'.repeat(2000), 'latin1'), Buffer.from([0x6c])]));
  const u0 = err.length;
  await measured('pickle DUP × 2000 of 256 KiB', () => sendFrames([dup], false), { outPerByte: 0, rssMiB: 64 });
  await measured('pickle BINGET × 2000 of 256 KiB', () => sendFrames([memo], false), { outPerByte: 0, rssMiB: 64 });
  assert.equal((err.slice(u0).match(/decoded value exceeds the size limit/g) ?? []).length, 2);
});

test('pickle nesting without MARK (400 000 × TUPLE1, 400 000 × APPEND) is refused at maxDepth', async () => {
  const tuples = pickleRecord('pk.tuple', Buffer.concat([Buffer.from([0x4e]), Buffer.alloc(400_000, 0x85)]));
  const lists = pickleRecord('pk.list', Buffer.concat([Buffer.alloc(400_000, 0x5d), Buffer.alloc(399_999, 0x61)]));
  const u0 = err.length;
  await measured('pickle 400 000 × TUPLE1', () => sendFrames([tuples], false), { outPerByte: 0, rssMiB: 64 });
  await measured('pickle 400 000 × EMPTY_LIST + APPEND', () => sendFrames([lists], false), { outPerByte: 0, rssMiB: 96 });
  assert.equal((err.slice(u0).match(/nesting too deep/g) ?? []).length, 2);
});

// ------------------------------------------------------------- item 3: logger names

test('logger names – six 700 kB dotted names do not create a placeholder per prefix; the records go to the nearest existing logger', async () => {
  const frames = Array.from({ length: 6 }, (_, i) => json({ name: `n${i}` + '.x'.repeat(350_000), levelno: 20, levelname: 'INFO', msg: `deep ${i}` }));
  await measured('six names of 350 000 dots (4.2 MB)', () => sendFrames(frames, true), { outPerByte: 1.2, rssMiB: 64 });
  assert.match(outText, /\.x\.x INFO deep 5\n/);
});

test('logger names – 5 000 distinct names create at most maxLoggers (1000) loggers; RSS stays bounded', async () => {
  const frames = Array.from({ length: 5000 }, (_, i) => json({ name: `svc${i}.a.b.c.d.e.f.g`, levelno: 20, levelname: 'INFO', msg: `n ${i}` }));
  await measured('5 000 distinct 8-level names', () => sendFrames(frames, true), { outPerByte: 2, rssMiB: 48 });
  assert.match(outText, /svc4999\.a\.b\.c\.d\.e\.f\.g INFO n 4999\n/);
});
