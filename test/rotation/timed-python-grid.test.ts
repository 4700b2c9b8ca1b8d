// TimedRotatingFileHandler against CPython 3.11 (the oracle), under TZ=America/New_York:
// computeRollover over a grid of when × interval × utc × atTime × start times that cross
// DST changes and month/year ends; the name and the next rolloverAt that doRollover
// produces; and getFilesToDelete on the same directory listing. Inputs where logflume
// differs from 3.11 on purpose (DST, multi-day midnight/W intervals; see differsOnPurpose)
// are counted here and compared against zoneinfo in timed-dst.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import fc from 'fast-check';
import '../../src/index.js';
import { TimedRotatingFileHandler } from '../../src/handlers/index.js';
import { tzset, localtime } from '../../src/internal/time/index.js';
import { runPython } from '../helpers/python.js';
import { isolateLogging } from '../helpers/capture.js';

const TZ = 'America/New_York';
const savedTZ = process.env.TZ;
let dir: string;
isolateLogging();

before(() => {
  process.env.TZ = TZ;
  tzset();
  dir = mkdtempSync(join(tmpdir(), 'logflume-grid-'));
});
after(() => {
  if (savedTZ === undefined) delete process.env.TZ;
  else process.env.TZ = savedTZ;
  tzset();
  rmSync(dir, { recursive: true, force: true });
});

type At = [number, number, number] | null;
interface Case {
  when: string;
  interval: number;
  utc: boolean;
  atTime: At;
}

function cases(): Case[] {
  const out: Case[] = [];
  const ats: At[] = [null, [0, 0, 0], [1, 30, 0], [2, 30, 15], [13, 45, 10], [23, 59, 59]];
  for (const when of ['s', 'M', 'h', 'D', 'H']) {
    for (const interval of [1, 3]) for (const utc of [false, true]) for (const atTime of [null, [2, 30, 15]] as At[]) out.push({ when, interval, utc, atTime });
  }
  for (const when of ['midnight', 'MIDNIGHT', 'w0', 'W1', 'W2', 'w3', 'W4', 'W5', 'W6']) {
    for (const interval of [1, 2]) for (const utc of [false, true]) for (const atTime of ats) out.push({ when, interval, utc, atTime });
  }
  return out;
}

function times(): number[] {
  const anchors = [
    1710054000, // 2024-03-10 02:00 EST -> EDT
    1730613600, // 2024-11-03 02:00 EDT -> EST
    1741503600, // 2025-03-09 spring forward
    1762063200, // 2025-11-02 fall back
    1735707600, // 2025-01-01 00:00 EST (year end)
    1704085200, // 2024-01-01 00:00 EST
    1709269200, // 2024-03-01 00:00 EST (after Feb 29)
    1738386000, // 2025-02-01 00:00 EST (month end)
    1719806400, // 2024-07-01 00:00 EDT
    1735689600, // 2025-01-01 00:00 UTC
  ];
  const offs = [-8 * 86400 - 7, -86400, -3601, -3600, -1800, -1, 0, 1, 3599, 3600, 5400, 7200, 86399, 86400, 6 * 86400 + 3600];
  const out: number[] = [];
  for (const a of anchors) for (const o of offs) out.push(a + o);
  let x = 12345;
  for (let i = 0; i < 40; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(1700000000 + (x % 70000000));
  }
  return out;
}

const atObj = (a: At) => (a === null ? null : { hour: a[0], minute: a[1], second: a[2] });

/** A handler whose clock is set by the test (the rollover logic itself is real). */
class ClockedHandler extends TimedRotatingFileHandler {
  now: number | undefined;
  protected override _time(): number {
    return this.now ?? Math.floor(Date.now() / 1000); // the constructor runs before \`now\` is set
  }
}

const MIDNIGHT = 86400;
const offsetChanges = (a: number, b: number) => localtime(a).tm_gmtoff !== localtime(b).tm_gmtoff;

/**
 * The inputs where logflume differs from 3.11 on purpose (docs/python-mapping.md,
 * TimedRotatingFileHandler rows; timed-dst.test.ts checks these against zoneinfo):
 * a UTC-offset change between the start of the interval and the rollover (3.11 rolls an
 * hour early or late and can reuse a name), midnight/W with interval > 1 (3.11 ignores
 * interval for the next boundary), and 3.11's computeRollover returning `t` itself.
 */
function differsOnPurpose(c: Case, interval: number, t: number, ours: number, py311: number, rolled = false): boolean {
  const daily = c.when.toUpperCase() === 'MIDNIGHT' || c.when.toUpperCase().startsWith('W');
  if (daily && c.interval > 1) return true;
  if (daily && py311 <= t) return true;
  if (c.utc) return false;
  // S/M/H/D: computeRollover is t + interval as in 3.11; only the name of a rollover
  // whose interval spans an offset change differs (3.11's one-hour correction).
  if (!daily) return rolled && offsetChanges(t - interval, ours);
  return offsetChanges(Math.min(t, ours, py311) - MIDNIGHT, Math.max(t, ours, py311) + MIDNIGHT);
}

const PY_GRID = String.raw`
import json, sys, os, datetime, logging.handlers as H
inp = json.load(sys.stdin)
d = inp['dir']
res = {'compute': [], 'roll': []}
for c in inp['cases']:
    at = None if c['atTime'] is None else datetime.time(*c['atTime'])
    h = H.TimedRotatingFileHandler(os.path.join(d, 'grid.log'), when=c['when'], interval=c['interval'], utc=c['utc'], atTime=at, delay=True)
    res['compute'].append([h.computeRollover(t) for t in inp['times']])
    names = []
    h.namer = lambda n: (names.append(os.path.basename(n)), n)[1]
    roll = []
    for (start, delta) in inp['rolls']:
        h.rolloverAt = h.computeRollover(start)
        now = h.rolloverAt + delta
        H.time.time = lambda now=now: float(now)
        h.doRollover()
        roll.append([names[-1], h.rolloverAt])
    res['roll'].append(roll)
    h.close()
print(json.dumps(res))
`;

describe('TimedRotatingFileHandler vs CPython 3.11 (TZ=America/New_York)', () => {
  it('TimedRotatingFileHandler.computeRollover() – equals Python over when × interval × utc × atTime × DST/month/year-end times', () => {
    const cs = cases();
    const ts = times();
    const rolls: [number, number][] = [];
    for (const t of ts.filter((_, i) => i % 5 === 0)) for (const d of [0, 1, 3600, 86400 + 7]) rolls.push([t, d]);
    const py = runPython<{ compute: number[][]; roll: [string, number][][] }>(PY_GRID, { cases: cs, times: ts, rolls, dir }, { TZ });
    let compared = 0;
    const mismatches: string[] = [];
    let differing = 0;
    cs.forEach((c, ci) => {
      const h = new ClockedHandler(join(dir, 'grid.log'), { when: c.when, interval: c.interval, utc: c.utc, atTime: atObj(c.atTime), delay: true });
      ts.forEach((t, ti) => {
        const got = h.computeRollover(t);
        if (differsOnPurpose(c, h.interval, t, got, py.compute[ci]![ti]!)) return void differing++;
        compared++;
        if (got !== py.compute[ci]![ti]) mismatches.push(`computeRollover ${JSON.stringify(c)} t=${t}: ${got} != ${py.compute[ci]![ti]}`);
      });
      const names: string[] = [];
      h.namer = (n) => {
        names.push(basename(n));
        return n;
      };
      rolls.forEach(([start, delta], ri) => {
        h.rolloverAt = h.computeRollover(start);
        h.now = h.rolloverAt + delta;
        const from = h.rolloverAt;
        h.doRollover();
        const [pyName, pyAt] = py.roll[ci]![ri]!;
        if (differsOnPurpose(c, h.interval, from, h.now, h.now, true) || differsOnPurpose(c, h.interval, h.now, h.rolloverAt, pyAt)) return void differing++;
        compared++;
        if (names.at(-1) !== pyName || h.rolloverAt !== pyAt) mismatches.push(`doRollover ${JSON.stringify(c)} start=${start} delta=${delta}: ${names.at(-1)} ${h.rolloverAt} != ${pyName} ${pyAt}`);
      });
      void h.close();
    });
    assert.deepEqual(mismatches.slice(0, 10), []);
    assert.ok(compared > 40000, `compared ${compared}`);
    // the deliberate differences (about 37 k of them midnight/W with interval 2) are checked in timed-dst.test.ts
    assert.ok(differing > 0, `differing ${differing} of ${compared + differing}`);
  });

  it('TimedRotatingFileHandler.getFilesToDelete() – same selection as Python on a real directory', () => {
    const gd = mkdtempSync(join(dir, 'ls-'));
    const names = [
      'app.log', 'app.log.2024-01-01', 'app.log.2024-01-02', 'app.log.2024-01-03.gz', 'app.log.2024-01-01_12',
      'app.log.2024-01-01_12-30', 'app.log.2024-01-01_12-30-45', 'app.log.2024-01-01_13-30-45', 'app.log.bak', 'app.log.1',
      'app.2024-01-04.log', 'app.2024-01-05.log.gz', 'app.log.2024-13-01x', 'app.log.2024-01-06.gz.tmp',
      '.app.log.2024-01-07.gz.1.pending', 'other.log.2024-01-01', 'app.logx.2024-01-08', 'app.x.log', 'app.log.2024-01-09.old.1',
    ];
    for (const n of names) writeFileSync(join(gd, n), '');
    const cs: { when: string; backupCount: number; namer: boolean }[] = [];
    for (const when of ['S', 'M', 'H', 'D', 'midnight', 'W3']) for (const backupCount of [0, 1, 2, 5]) for (const namer of [false, true]) cs.push({ when, backupCount, namer });
    const py = runPython<string[][]>(
      String.raw`
import json, sys, os, logging.handlers as H
inp = json.load(sys.stdin)
out = []
for c in inp['cases']:
    h = H.TimedRotatingFileHandler(os.path.join(inp['dir'], 'app.log'), when=c['when'], backupCount=c['backupCount'], delay=True)
    if c['namer']: h.namer = lambda n: n
    out.append([os.path.basename(f) for f in h.getFilesToDelete()])
print(json.dumps(out))
`,
      { cases: cs, dir: gd },
    );
    cs.forEach((c, i) => {
      const h = new TimedRotatingFileHandler(join(gd, 'app.log'), { when: c.when, backupCount: c.backupCount, delay: true });
      if (c.namer) h.namer = (n) => n;
      assert.deepEqual(h.getFilesToDelete().map((f) => basename(f)), py[i], JSON.stringify(c));
    });
    // a neighbour's backup is never ours
    const h = new TimedRotatingFileHandler(join(gd, 'app.log'), { when: 'D', backupCount: 1, delay: true });
    assert.ok(!h.getFilesToDelete().some((f) => f.endsWith('app.log.bak') || f.includes('other.log')));
  });

  it('TimedRotatingFileHandler.getFilesToDelete() – property: random listings select as Python does', () => {
    const part = fc.constantFrom('app', 'log', 'bak', 'gz', '2024-01-01', '2024-01-02_03', '2024-02-03_04-05', '2023-12-31_23-59-59', '1', '2024-1-1', '', 'x2024-01-01');
    const nameArb = fc.array(part, { minLength: 1, maxLength: 5 }).map((ps) => ps.join('.'));
    const listings = fc.sample(fc.uniqueArray(nameArb, { maxLength: 12 }), { numRuns: 150, seed: 4 });
    const cs = listings.map((names, i) => ({ names, when: ['S', 'M', 'H', 'D'][i % 4]!, backupCount: i % 4, namer: i % 3 === 0 }));
    const py = runPython<string[][]>(
      String.raw`
import json, sys, os, logging.handlers as H
inp = json.load(sys.stdin)
out = []
for c in inp['cases']:
    H.os.listdir = lambda d, names=c['names']: list(names)
    h = H.TimedRotatingFileHandler('/nonexistent-dir/app.log', when=c['when'], backupCount=c['backupCount'], delay=True)
    if c['namer']: h.namer = lambda n: n
    out.append([os.path.basename(f) for f in h.getFilesToDelete()])
print(json.dumps(out))
`,
      { cases: cs },
    );
    cs.forEach((c, i) => {
      const fakeFs = {
        stat: () => null,
        exists: () => false,
        rename: () => {},
        unlink: () => {},
        readdir: () => [...c.names],
      };
      const h = new TimedRotatingFileHandler(join(dir, 'nodir', 'app.log'), { when: c.when, backupCount: c.backupCount, delay: true, fs: fakeFs });
      if (c.namer) h.namer = (n) => n;
      assert.deepEqual(h.getFilesToDelete().map((f) => basename(f)), py[i], JSON.stringify(c));
    });
  });
});
