// Pickle frames against CPython 3.11: SocketHandler's pickle frame must be the
// bytes CPython's own SocketHandler.makePickle gives for the same record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ERROR, INFO, LogRecord, WARNING } from '../../src/index.js';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { pickleDumps, pickleLoads } from '../../src/handlers/wire/pickle.js';
import { recordToDict } from '../../src/handlers/wire/record-dict.js';
import { runPython } from '../helpers/python.js';
import { isolateLogging } from '../helpers/capture.js';
import { waitFor } from './_util.js';

isolateLogging();

/** Records of several shapes: whole-number floats, one-character and empty strings (CPython singletons), extras, exception text. */
function records(): LogRecord[] {
  const out: LogRecord[] = [];
  const a = new LogRecord('app.db', INFO, '/srv/app/db.ts', 42, 'query took %d ms', [17], null, 'run');
  out.push(a);
  const b = new LogRecord('x', WARNING, '', 0, 'x', [], null, '');
  b.created = 1700000000; // a whole number: still a float in Python
  b.msecs = 0;
  b.relativeCreated = 5;
  out.push(b);
  const c = new LogRecord('ünï.cødé', ERROR, '/srv/app/ü.ts', 7, 'fail ✓ 😀 %s', ['é'], null, 'f');
  c.exc_text = 'Traceback (most recent call last):\n  File "x", line 1\nValueError: bad';
  Object.assign(c, { user: 'a', tags: ['x', 'yy', 'x', '', ''], ctx: { k: 1, e: '', big: 2 ** 40, neg: -5, f: 1.5, ok: true, none: null }, n300: 300, n70k: 70000 });
  out.push(c);
  const d = new LogRecord('many', INFO, '/p.ts', 1, 'm', [], null, 'g');
  Object.assign(d, { list: Array.from({ length: 1001 }, (_, i) => i), one: [3], dict1: { only: 1 }, empty: [], emptyDict: {} });
  for (let i = 0; i < 300; i++) (d as unknown as Record<string, unknown>)[`k${i}`] = `v${i}`; // memo indices past 255
  out.push(d);
  return out;
}

/** Collect the frames a real SocketHandler sends to a loopback server. */
async function sendThroughSocketHandler(recs: LogRecord[]): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  const server = net.createServer((s) => s.on('data', (c: Buffer) => chunks.push(c)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const h = new SocketHandler('127.0.0.1', port, { format: 'pickle' });
  try {
    for (const r of recs) h.handle(r);
    const frames: Buffer[] = [];
    await waitFor(() => {
      const all = Buffer.concat(chunks);
      frames.length = 0;
      let pos = 0;
      while (pos + 4 <= all.length) {
        const n = all.readUInt32BE(pos);
        if (pos + 4 + n > all.length) break;
        frames.push(all.subarray(pos, pos + 4 + n));
        pos += 4 + n;
      }
      return frames.length === recs.length;
    }, 15_000, 'every frame');
    return frames;
  } finally {
    await h.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

// CPython gets each dict as JSON (fresh str objects, as a record's attributes
// are), rebuilds the record with makeLogRecord, gives the Python-float
// attributes their type, and frames it with its own SocketHandler.makePickle.
const CPYTHON_MAKEPICKLE = `
import json, sys, logging, logging.handlers
out = []
h = logging.handlers.SocketHandler('127.0.0.1', 9)
for d in json.load(sys.stdin):
    r = logging.makeLogRecord({})
    r.__dict__.clear()
    r.__dict__.update(d)
    for k in ('created', 'msecs', 'relativeCreated'):
        r.__dict__[k] = float(r.__dict__[k])
    if isinstance(r.args, list):
        r.args = tuple(r.args)
    out.append(h.makePickle(r).hex())
print(json.dumps(out))
`;

test('SocketHandler pickle frames are byte-identical to CPython 3.11 SocketHandler.makePickle for the same record (memo opcodes, batches, floats)', async () => {
  const recs = records();
  // What CPython would be handed: the record's own attributes (unmerged msg and args, as the record holds them).
  const dicts = recs.map((r) => {
    const d: Record<string, unknown> = {};
    for (const k of Object.keys(r)) if (k !== 'taskName') d[k] = (r as unknown as Record<string, unknown>)[k];
    return d;
  });
  const expected = runPython<string[]>(CPYTHON_MAKEPICKLE, dicts);
  const frames = await sendThroughSocketHandler(recs);
  for (let i = 0; i < recs.length; i++) {
    const got = frames[i]!;
    const want = Buffer.from(expected[i]!, 'hex');
    let at = 0;
    while (at < got.length && got[at] === want[at]) at++;
    assert.ok(got.equals(want), `record ${i} (${recs[i]!.name}): ${got.length} vs ${want.length} bytes, first difference at byte ${at}: ${got.subarray(at, at + 16).toString('hex')} vs ${want.subarray(at, at + 16).toString('hex')}`);
  }
});

test("the pickled dict has exactly the keys CPython 3.11's SocketHandler sends, and Python's float attributes are floats", () => {
  const r = new LogRecord('k', INFO, '/a.ts', 3, 'hello', [], null, 'fn');
  r.created = 1700000000;
  r.msecs = 0;
  r.relativeCreated = 0;
  const dumped = pickleDumps(recordToDict(r), 0, new Set(['created', 'msecs', 'relativeCreated']));
  assert.ok(dumped.length > 0);
  const frame = encodeViaPayload(r);
  const py = runPython<{ keys: string[]; types: Record<string, string>; stock: string[] }>(
    `
import json, sys, pickle, logging, logging.handlers
p = bytes.fromhex(json.load(sys.stdin))
d = pickle.loads(p[4:])
rec = logging.LogRecord('k', 20, '/a.py', 3, 'hello', None, None, 'fn')
h = logging.handlers.SocketHandler('127.0.0.1', 9)
stock = list(pickle.loads(h.makePickle(rec)[4:]).keys())
print(json.dumps({'keys': list(d.keys()), 'types': {k: type(d[k]).__name__ for k in ('created', 'msecs', 'relativeCreated', 'lineno', 'levelno')}, 'stock': stock}))
`,
    frame.toString('hex'),
  );
  assert.deepEqual(py.keys, py.stock);
  assert.ok(!py.keys.includes('taskName'));
  assert.deepEqual(py.types, { created: 'float', msecs: 'float', relativeCreated: 'float', lineno: 'int', levelno: 'int' });
});

function encodeViaPayload(r: LogRecord): Buffer {
  // SocketHandler's makePickle, without a connection.
  const h = new SocketHandler('127.0.0.1', 9, { format: 'pickle' });
  try {
    return h.makePickle(r);
  } finally {
    void h.close();
  }
}

test('pickleLoads reads back what pickleDumps writes, memo references included', () => {
  const v = { a: 'x', b: 'x', c: '', d: '', e: ['x', '', 'é', 'é'], n: 1.5 };
  assert.deepEqual(JSON.parse(JSON.stringify(pickleLoads(pickleDumps(v)))), v);
});
