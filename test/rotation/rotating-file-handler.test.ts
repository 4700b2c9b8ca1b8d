// RotatingFileHandler: size rollover exactly as CPython 3.11, names and ordering,
// namer/rotator hooks and their failures, non-regular files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { makeLogRecord, Formatter } from '../../src/index.js';
import { RotatingFileHandler, TimedRotatingFileHandler, BaseRotatingHandler, nodeRotationFs, type RotationFs } from '../../src/handlers/index.js';
import { runPython } from '../helpers/python.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';

isolateLogging();
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'logflume-rfh-'));
});
after(() => rmSync(root, { recursive: true, force: true }));
const freshDir = () => mkdtempSync(join(root, 'd-'));
const rec = (msg: string) => makeLogRecord({ msg, args: [] });
const plain = new Formatter('%(message)s');
const listing = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));

function make(file: string, opts: ConstructorParameters<typeof RotatingFileHandler>[1], ...rest: number[]): RotatingFileHandler {
  const h = new RotatingFileHandler(file, opts as never, ...rest);
  h.setFormatter(plain);
  return h;
}

interface SizeCase {
  maxBytes: number;
  backupCount: number;
  initial: string | null;
  mode: string;
  msgs: string[];
}

describe('RotatingFileHandler', () => {
  it('RotatingFileHandler.shouldRollover() – property: same files and contents as Python for random sizes, counts, existing files', () => {
    // records stay below maxBytes here: for a record that alone reaches maxBytes, 3.11 rotates an
    // empty file; we follow gh-116263 (3.13), tested separately below.
    const caseArb = fc
      .record({ maxBytes: fc.integer({ min: 0, max: 120 }), backupCount: fc.integer({ min: 0, max: 4 }), initialLen: fc.option(fc.integer({ min: 0, max: 150 })), mode: fc.constantFrom('a', 'w'), lens: fc.array(fc.integer({ min: 0, max: 118 }), { maxLength: 40 }) })
      .map(({ maxBytes, backupCount, initialLen, mode, lens }): SizeCase => ({
        maxBytes,
        backupCount,
        mode,
        initial: initialLen === null ? null : 'i'.repeat(initialLen),
        msgs: lens.filter((l) => maxBytes === 0 || l + 1 < maxBytes).map((l, i) => String(i % 10).repeat(l)),
      }));
    const cases = fc.sample(caseArb, { numRuns: 120, seed: 44 });
    const dirs = cases.map((c) => {
      const pyDir = freshDir();
      const tsDir = freshDir();
      if (c.initial !== null) for (const d of [pyDir, tsDir]) writeFileSync(join(d, 'app.log'), c.initial);
      return { pyDir, tsDir };
    });
    runPython(
      String.raw`
import json, sys, os, logging, logging.handlers as H
inp = json.load(sys.stdin)
for c, d in zip(inp['cases'], inp['dirs']):
    h = H.RotatingFileHandler(os.path.join(d['pyDir'], 'app.log'), mode=c['mode'], maxBytes=c['maxBytes'], backupCount=c['backupCount'])
    h.setFormatter(logging.Formatter('%(message)s'))
    for m in c['msgs']:
        h.handle(logging.makeLogRecord({'msg': m}))
    h.close()
print('null')
`,
      { cases, dirs },
    );
    cases.forEach((c, i) => {
      const h = make(join(dirs[i]!.tsDir, 'app.log'), { mode: c.mode, maxBytes: c.maxBytes, backupCount: c.backupCount });
      for (const m of c.msgs) h.handle(rec(m));
      void h.close();
      assert.deepEqual(listing(dirs[i]!.tsDir), listing(dirs[i]!.pyDir), JSON.stringify(c));
    });
    const rotated = dirs.filter((d) => readdirSync(d.pyDir).length >= 3).length;
    assert.ok(rotated >= 20, `only ${rotated} cases rotated more than once`);
  });

  it('RotatingFileHandler.doRollover() – renames, removals and namer calls in the same order as Python', () => {
    const cases: { files: string[]; backupCount: number; namer: boolean }[] = [];
    const all = ['app.log', 'app.log.1', 'app.log.2', 'app.log.3', 'app.log.5', 'app.log.1.gz', 'app.log.2.gz', 'app.log.4.gz'];
    for (const backupCount of [0, 1, 2, 3, 5]) for (const namer of [false, true]) for (const pick of [0b11111111, 0b00000001, 0b00101011, 0b11010101, 0]) cases.push({ backupCount, namer, files: all.filter((_, i) => pick & (1 << i)) });
    const py = runPython<string[][]>(
      String.raw`
import json, sys, os, logging.handlers as H
inp = json.load(sys.stdin)
out = []
for c in inp['cases']:
    files = set('/v/' + f for f in c['files']); ops = []
    H.os.path.exists = lambda p: p in files
    def rename(s, d): ops.append('rename %s %s' % (s, d)); files.discard(s); files.add(d)
    def remove(p): ops.append('remove %s' % p); files.discard(p)
    H.os.rename = rename; H.os.remove = remove
    h = H.RotatingFileHandler('/v/app.log', maxBytes=10, backupCount=c['backupCount'], delay=True)
    if c['namer']: h.namer = lambda n: (ops.append('namer %s' % n), n + '.gz')[1]
    h.doRollover()
    out.append(ops + sorted(files))
print(json.dumps(out))
`,
      { cases },
    );
    cases.forEach((c, i) => {
      const files = new Set(c.files.map((f) => '/v/' + f));
      const ops: string[] = [];
      const fakeFs: RotationFs = {
        stat: () => null,
        exists: (p) => files.has(p),
        rename: (s, d) => {
          ops.push(`rename ${s} ${d}`);
          files.delete(s);
          files.add(d);
        },
        unlink: (p) => {
          ops.push(`remove ${p}`);
          files.delete(p);
        },
        readdir: (dir) => [...files].filter((f) => f.startsWith(dir + '/')).map((f) => f.slice(dir.length + 1)),
      };
      const h = new RotatingFileHandler('/v/app.log', { maxBytes: 10, backupCount: c.backupCount, delay: true, fs: fakeFs });
      if (c.namer)
        h.namer = (nm) => {
          ops.push(`namer ${nm}`);
          return nm + '.gz';
        };
      h.doRollover();
      assert.deepEqual([...ops, ...[...files].sort()], py[i], JSON.stringify(c));
    });
  });

  it('RotatingFileHandler.shouldRollover() – never when maxBytes or backupCount is 0', () => {
    for (const [maxBytes, backupCount] of [[0, 3], [10, 0], [0, 0]] as const) {
      const d = freshDir();
      const h = make(join(d, 'app.log'), { maxBytes, backupCount });
      for (let i = 0; i < 20; i++) h.handle(rec('0123456789'));
      void h.close();
      assert.deepEqual(readdirSync(d), ['app.log']);
      assert.equal(readFileSync(join(d, 'app.log'), 'utf8').length, 220);
    }
  });

  it('RotatingFileHandler.shouldRollover() – a record larger than maxBytes gets a file of its own (no empty backups)', () => {
    const d = freshDir();
    const h = make(join(d, 'app.log'), { maxBytes: 10, backupCount: 5 });
    h.handle(rec('a'.repeat(30)));
    h.handle(rec('b'.repeat(30)));
    h.handle(rec('c'));
    void h.close();
    assert.deepEqual(listing(d), { 'app.log': 'c\n', 'app.log.1': 'b'.repeat(30) + '\n', 'app.log.2': 'a'.repeat(30) + '\n' });
  });

  it('RotatingFileHandler.shouldRollover() – counts the size of an existing file at open, and bytes not characters', () => {
    const d = freshDir();
    writeFileSync(join(d, 'app.log'), 'x'.repeat(15));
    const h = make(join(d, 'app.log'), { maxBytes: 20, backupCount: 1 });
    h.handle(rec('abc')); // 15 + 4 = 19 < 20: stays
    h.handle(rec('d')); // 19 + 2 >= 20: rolls
    h.handle(rec('éé')); // 2 + 5 bytes
    h.handle(rec('ééééééé')); // 7 + 15 = 22 >= 20: rolls (7+8 characters would not)
    void h.close();
    assert.deepEqual(listing(d), { 'app.log': 'ééééééé\n', 'app.log.1': 'd\néé\n' });
  });

  it('RotatingFileHandler() – mode is forced to "a" when maxBytes > 0, kept otherwise (Python positional form)', () => {
    const d = freshDir();
    writeFileSync(join(d, 'a.log'), 'old\n');
    writeFileSync(join(d, 'b.log'), 'old\n');
    const a = make(join(d, 'a.log'), 'w', 100, 1);
    const b = make(join(d, 'b.log'), 'w', 0, 1);
    assert.equal(a.mode, 'a');
    assert.equal(b.mode, 'w');
    a.handle(rec('new'));
    b.handle(rec('new'));
    void a.close();
    void b.close();
    assert.equal(readFileSync(join(d, 'a.log'), 'utf8'), 'old\nnew\n');
    assert.equal(readFileSync(join(d, 'b.log'), 'utf8'), 'new\n');
  });

  it('RotatingFileHandler.shouldRollover() – a non-regular file (symlink to /dev/null) is never rotated', () => {
    const d = freshDir();
    symlinkSync('/dev/null', join(d, 'null.log'));
    const h = make(join(d, 'null.log'), { maxBytes: 5, backupCount: 2 });
    for (let i = 0; i < 10; i++) h.handle(rec('0123456789'));
    void h.close();
    assert.deepEqual(readdirSync(d), ['null.log']);
    assert.ok(existsSync('/dev/null'));
  });

  it('RotatingFileHandler.doRollover() – .1 … .N, oldest dropped, with delay', () => {
    const d = freshDir();
    const h = make(join(d, 'app.log'), { maxBytes: 4, backupCount: 3, delay: true });
    assert.deepEqual(readdirSync(d), []);
    for (let i = 0; i < 6; i++) h.handle(rec(String(i) + 'x'));
    void h.close();
    assert.deepEqual(listing(d), { 'app.log': '5x\n', 'app.log.1': '4x\n', 'app.log.2': '3x\n', 'app.log.3': '2x\n' });
  });

  it('BaseRotatingHandler.rotationFilename()/rotate() – namer and rotator attributes and overrides are used', () => {
    const d = freshDir();
    const h = make(join(d, 'app.log'), { maxBytes: 4, backupCount: 2 });
    const moved: string[] = [];
    h.namer = (nm) => nm.replace(/\.log\.(\d+)$/, '.$1.log');
    h.rotator = (s, dd) => {
      moved.push(`${s}->${dd}`);
      writeFileSync(dd, readFileSync(s, 'utf8').toUpperCase());
      rmSync(s);
    };
    for (const m of ['ab', 'cd', 'ef']) h.handle(rec(m));
    void h.close();
    assert.deepEqual(listing(d), { 'app.log': 'ef\n', 'app.1.log': 'CD\n', 'app.2.log': 'AB\n' });
    assert.equal(moved.length, 2);

    class Upper extends RotatingFileHandler {
      override rotationFilename(n: string): string {
        return n + '.bak';
      }
    }
    const d2 = freshDir();
    const u = new Upper(join(d2, 'x.log'), { maxBytes: 3, backupCount: 1 });
    u.setFormatter(plain);
    u.handle(rec('1'));
    u.handle(rec('22'));
    void u.close();
    assert.deepEqual(listing(d2), { 'x.log': '22\n', 'x.log.1.bak': '1\n' });
    assert.ok(u instanceof BaseRotatingHandler);
  });

  it('BaseRotatingHandler.emit() – a throwing namer or rotator goes to handleError, the record is kept, logging carries on', async () => {
    const d = freshDir();
    const h = make(join(d, 'app.log'), { maxBytes: 4, backupCount: 2 });
    h.handle(rec('a1'));
    h.namer = () => {
      throw new Error('namer exploded');
    };
    const err1 = await captureStderr(() => h.handle(rec('b2')));
    assert.match(err1, /--- Logging error ---/);
    assert.match(err1, /namer exploded/);
    assert.match(err1, /Message: 'b2'/);
    h.namer = null;
    h.rotator = () => {
      throw new Error('rotator exploded');
    };
    const err2 = await captureStderr(() => h.handle(rec('c3')));
    assert.match(err2, /rotator exploded/);
    h.rotator = null;
    const err3 = await captureStderr(() => h.handle(rec('d4')));
    assert.equal(err3, '');
    void h.close();
    // nothing lost: a1 b2 c3 were appended despite the failed rollovers; d4 rolled them to .1
    assert.deepEqual(listing(d), { 'app.log': 'd4\n', 'app.log.1': 'a1\nb2\nc3\n' });
  });

  it('RotatingFileHandler.emit() – formats each record once (the size check reuses the text)', () => {
    const d = freshDir();
    let calls = 0;
    const h = new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 100, backupCount: 1 });
    h.setFormatter({ format: (r) => (calls++, String(r.msg)) });
    for (let i = 0; i < 10; i++) h.handle(rec('m' + i));
    void h.close();
    assert.equal(calls, 10);
  });

  it('BaseRotatingHandler.rotate() – an override returning a Promise is tracked: flush() waits, a rejection reaches handleError', async () => {
    const d = freshDir();
    let finished = 0;
    class Slow extends RotatingFileHandler {
      override rotate(source: string, dest: string): Promise<void> {
        const data = readFileSync(source, 'utf8');
        rmSync(source);
        return new Promise((resolve, reject) =>
          setTimeout(() => {
            finished++;
            if (data.startsWith('bad')) reject(new Error('upload refused'));
            else resolve(writeFileSync(dest, data));
          }, 20),
        );
      }
    }
    const h = new Slow(join(d, 'app.log'), { maxBytes: 6, backupCount: 3 });
    h.setFormatter(plain);
    h.handle(rec('good'));
    h.handle(rec('bad1'));
    h.handle(rec('last'));
    assert.equal(h.pendingRotations, 2);
    const err = await captureStderr(() => h.flush());
    assert.equal(finished, 2);
    assert.equal(h.pendingRotations, 0);
    assert.match(err, /upload refused/);
    await h.close();
    // this rotator creates dest only when done, so the second rollover found no .1 to shift
    // (GzipRotator creates dest synchronously for that reason)
    assert.deepEqual(listing(d), { 'app.log': 'last\n', 'app.log.1': 'good\n' });
  });

  it('RotatingFileHandler/TimedRotatingFileHandler.shouldRollover() – no filesystem call and no reopen per record until a rollover is due', () => {
    const d = freshDir();
    const calls: string[] = [];
    const counting: RotationFs = Object.fromEntries(
      Object.entries(nodeRotationFs).map(([k, fn]) => [k, (...a: unknown[]) => (calls.push(k), (fn as (...x: unknown[]) => unknown)(...a))]),
    ) as unknown as RotationFs;
    const r = new RotatingFileHandler(join(d, 'r.log'), { maxBytes: 1 << 20, backupCount: 2, fs: counting });
    const t = new TimedRotatingFileHandler(join(d, 't.log'), { when: 'H', backupCount: 2, fs: counting });
    r.setFormatter(plain);
    t.setFormatter(plain);
    calls.length = 0;
    const fdR = r.stream!.fd;
    const fdT = t.stream!.fd;
    for (let i = 0; i < 1000; i++) {
      r.handle(rec('record ' + i));
      t.handle(rec('record ' + i));
    }
    assert.deepEqual(calls, []);
    assert.equal(r.stream!.fd, fdR);
    assert.equal(t.stream!.fd, fdT);
    void r.close();
    void t.close();
  });

  it('BaseRotatingHandler.emit() – a formatter error is reported once and the handler keeps working', async () => {
    const d = freshDir();
    const h = new RotatingFileHandler(join(d, 'app.log'), { maxBytes: 100, backupCount: 1 });
    h.setFormatter({ format: (r) => {
      if (r.msg === 'boom') throw new Error('format failed');
      return String(r.msg);
    } });
    const err = await captureStderr(() => h.handle(rec('boom')));
    assert.equal(err.split('--- Logging error ---').length - 1, 1);
    h.handle(rec('fine'));
    void h.close();
    assert.deepEqual(listing(d), { 'app.log': 'fine\n' });
  });
});
