// TimedRotatingFileHandler across DST changes (issue 18 item 18): every record survives in
// exactly one file, for every `when`, over both 2024 transitions in America/New_York and in
// Australia/Sydney (southern hemisphere: DST ends in April, starts in October). Midnight/W
// boundaries are compared with the wall clock as Python's zoneinfo resolves it, and the same
// clock-driven runs are replayed in CPython 3.11 to show what 3.11 loses there.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLogRecord, Formatter } from '../../src/index.js';
import { TimedRotatingFileHandler } from '../../src/handlers/index.js';
import { tzset } from '../../src/internal/time/index.js';
import { runPython } from '../helpers/python.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();
const savedTZ = process.env.TZ;
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'logflume-dst-'));
});
after(() => {
  if (savedTZ === undefined) delete process.env.TZ;
  else process.env.TZ = savedTZ;
  tzset();
  rmSync(root, { recursive: true, force: true });
});
function useZone(tz: string): void {
  process.env.TZ = tz;
  tzset();
}

/** The 2024 UTC-offset changes: [zone, label, instant]. */
const TRANSITIONS: [string, string, number][] = [
  ['America/New_York', 'spring forward 2024-03-10', 1710054000],
  ['America/New_York', 'fall back 2024-11-03', 1730613600],
  ['Australia/Sydney', 'fall back 2024-04-07', 1712419200],
  ['Australia/Sydney', 'spring forward 2024-10-06', 1728144000],
];

interface Run {
  when: string;
  interval: number;
  atTime: [number, number, number] | null;
  /** Seconds between records, and how far before/after the transition the run goes. */
  step: number;
  span: number;
}

const RUNS: Run[] = [
  { when: 'S', interval: 60, atTime: null, step: 17, span: 5400 },
  { when: 'M', interval: 1, atTime: null, step: 23, span: 7200 },
  { when: 'H', interval: 1, atTime: null, step: 300, span: 86400 },
  { when: 'H', interval: 2, atTime: null, step: 421, span: 86400 },
  { when: 'D', interval: 1, atTime: null, step: 1200, span: 4 * 86400 },
  { when: 'MIDNIGHT', interval: 1, atTime: null, step: 1200, span: 4 * 86400 },
  { when: 'MIDNIGHT', interval: 1, atTime: [1, 30, 0], step: 1200, span: 4 * 86400 },
  { when: 'MIDNIGHT', interval: 1, atTime: [2, 30, 0], step: 1200, span: 4 * 86400 },
  { when: 'MIDNIGHT', interval: 2, atTime: null, step: 1200, span: 5 * 86400 },
  // sparse records: the first one after a DST change comes hours later (3.11 then loses a whole day)
  { when: 'MIDNIGHT', interval: 1, atTime: null, step: 10800, span: 4 * 86400 },
  { when: 'D', interval: 1, atTime: null, step: 10800, span: 4 * 86400 },
  ...[0, 1, 2, 3, 4, 5, 6].map((d) => ({ when: `W${d}`, interval: 1, atTime: null, step: 3600, span: 15 * 86400 })),
  { when: 'W6', interval: 1, atTime: [2, 30, 0], step: 3600, span: 15 * 86400 },
];

class Clocked extends TimedRotatingFileHandler {
  now: number | undefined;
  protected override _time(): number {
    return this.now ?? Math.floor(Date.now() / 1000);
  }
}

const atObj = (a: Run['atTime']) => (a === null ? null : { hour: a[0], minute: a[1], second: a[2] });

/** Drive a handler with a set clock from `start` to `end`, one record (its sequence number) every `step` seconds. */
function drive(dir: string, r: Run, start: number, end: number, backupCount = 0): number {
  const h = new Clocked(join(dir, 'app.log'), { when: r.when, interval: r.interval, atTime: atObj(r.atTime), backupCount });
  h.setFormatter(new Formatter('%(message)s'));
  h.now = start;
  h.rolloverAt = h.computeRollover(start);
  let seq = 0;
  for (let t = start; t < end; t += r.step) {
    h.now = t;
    h.handle(makeLogRecord({ msg: String(seq++), args: [] }));
  }
  void h.close();
  return seq;
}

/** Every file's lines, rotated files in name order, then the live file. */
function readAll(dir: string): { names: string[]; seqs: number[] } {
  const names = readdirSync(dir).filter((n) => n !== 'app.log').sort();
  names.push('app.log');
  const seqs = names.flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n').filter(Boolean).map(Number));
  return { names, seqs };
}

describe('TimedRotatingFileHandler across DST changes (never deletes or overwrites a record)', () => {
  for (const [zone, label, at] of TRANSITIONS) {
    it(`TimedRotatingFileHandler.doRollover() – ${zone} ${label}: every record is in exactly one file, for every when`, () => {
      useZone(zone);
      for (const r of RUNS) {
        const dir = mkdtempSync(join(root, 'run-'));
        const n = drive(dir, r, at - r.span, at + r.span);
        const { names, seqs } = readAll(dir);
        const what = `${JSON.stringify(r)} files=${names.length}`;
        const counts = new Map<number, number>();
        for (const s of seqs) counts.set(s, (counts.get(s) ?? 0) + 1);
        assert.equal(seqs.length, n, `${what}: ${seqs.length} lines for ${n} records`);
        for (let i = 0; i < n; i++) assert.equal(counts.get(i), 1, `${what}: record ${i} found ${counts.get(i) ?? 0} times`);
        assert.ok(names.length > 2, `${what}: the run rotated`);
        // Hour-or-longer names sort in time order even through the repeated hour (<name>.1).
        if (r.when !== 'S' && r.when !== 'M') assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${what}: name order is time order: ${names.join(' ')}`);
      }
    });
  }

  it('TimedRotatingFileHandler.doRollover() – New York fall back, hourly: the repeated 01:00 hour goes to <name>.1, retention keeps the newest records', () => {
    useZone('America/New_York');
    const at = 1730613600; // 2024-11-03 02:00 EDT = 01:00 EST
    const dir = mkdtempSync(join(root, 'names-'));
    drive(dir, { when: 'H', interval: 1, atTime: null, step: 600, span: 0 }, at - 3 * 3600, at + 3 * 3600);
    assert.deepEqual(readdirSync(dir).sort(), [
      'app.log',
      'app.log.2024-11-02_23',
      'app.log.2024-11-03_00',
      'app.log.2024-11-03_01', // 01:00–02:00 EDT
      'app.log.2024-11-03_01.1', // 01:00–02:00 EST
      'app.log.2024-11-03_02',
    ]);
    const kept = mkdtempSync(join(root, 'keep-'));
    const n = drive(kept, { when: 'H', interval: 1, atTime: null, step: 600, span: 0 }, at - 3 * 3600, at + 3 * 3600, 3);
    const { seqs } = readAll(kept);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => n - seqs.length + i), 'the kept records are the newest, contiguous');
    assert.equal(readdirSync(kept).length, 4);
  });

  it('TimedRotatingFileHandler.doRollover() – a rotated name already in use (a restart, another process, a clock set back) is kept; the new file takes <name>.1, .2 (with a namer too)', () => {
    useZone('UTC');
    for (const namer of [null, (n: string) => n + '.gz']) {
      const dir = mkdtempSync(join(root, 'taken-'));
      const taken = join(dir, 'app.log.2023-11-14_22-13' + (namer ? '.gz' : ''));
      writeFileSync(taken, 'earlier\n');
      const h = new Clocked(join(dir, 'app.log'), { when: 'M', backupCount: 5 });
      h.setFormatter(new Formatter('%(message)s'));
      h.namer = namer;
      for (let round = 0; round < 2; round++) {
        h.now = 1700000000; // 2023-11-14 22:13:20 UTC, the same minute each round: the clock went back
        h.rolloverAt = h.computeRollover(h.now);
        h.handle(makeLogRecord({ msg: `r${round}`, args: [] }));
        h.now = h.rolloverAt;
        h.handle(makeLogRecord({ msg: `after${round}`, args: [] }));
      }
      void h.close();
      const sfx = namer ? '.gz' : '';
      assert.equal(readFileSync(taken, 'utf8'), 'earlier\n');
      assert.equal(readFileSync(join(dir, `app.log.2023-11-14_22-13.1${sfx}`), 'utf8'), 'r0\n');
      assert.equal(readFileSync(join(dir, `app.log.2023-11-14_22-13.2${sfx}`), 'utf8'), 'after0\nr1\n');
      assert.equal(readFileSync(join(dir, 'app.log'), 'utf8'), 'after1\n');
    }
  });

  it('TimedRotatingFileHandler.computeRollover() – midnight/W boundaries are the wall-clock times zoneinfo gives (fold=0), always after the given time', () => {
    const cases: { zone: string; when: string; interval: number; atTime: Run['atTime']; times: number[] }[] = [];
    const ats: Run['atTime'][] = [null, [0, 0, 0], [1, 30, 0], [2, 0, 0], [2, 30, 15], [3, 0, 0], [23, 59, 59]];
    for (const [zone, , at] of TRANSITIONS) {
      const times: number[] = [];
      for (let o = -9 * 86400; o <= 9 * 86400; o += 7200) times.push(at + o, at + o + 1, at + o - 1);
      for (let o = -7200; o <= 7200; o += 600) times.push(at + o);
      for (const when of ['MIDNIGHT', 'W0', 'W6']) for (const interval of [1, 2]) for (const atTime of ats) cases.push({ zone, when, interval, atTime, times });
    }
    const py = runPython<number[][]>(
      String.raw`
import json, sys
from datetime import datetime, timedelta, time
from zoneinfo import ZoneInfo
def wall(tz, day, secs):
    naive = datetime.combine(day, time(0)) + timedelta(seconds=secs)
    return int(naive.replace(tzinfo=tz).timestamp())   # fold=0
out = []
for c in json.load(sys.stdin):
    tz = ZoneInfo(c['zone'])
    weekly = c['when'].startswith('W')
    secs = 86400 if c['atTime'] is None else c['atTime'][0] * 3600 + c['atTime'][1] * 60 + c['atTime'][2]
    extra = (c['interval'] - 1) * (7 if weekly else 1)
    res = []
    for t in c['times']:
        today = datetime.fromtimestamp(t, tz).date()
        for d in range(16):
            day = today + timedelta(days=d)
            if weekly and day.weekday() != int(c['when'][1]): continue
            b = wall(tz, day, secs)
            if b > t: break
        res.append(b if extra == 0 else wall(tz, day + timedelta(days=extra), secs))
    out.append(res)
print(json.dumps(out))
`,
      cases,
    );
    let compared = 0;
    cases.forEach((c, ci) => {
      useZone(c.zone);
      const h = new TimedRotatingFileHandler(join(root, 'cmp.log'), { when: c.when, interval: c.interval, atTime: atObj(c.atTime), delay: true });
      c.times.forEach((t, ti) => {
        const got = h.computeRollover(t);
        assert.ok(got > t, `${JSON.stringify({ ...c, times: undefined })} t=${t}: ${got} is not after t`);
        assert.equal(got, py[ci]![ti], `${JSON.stringify({ ...c, times: undefined })} t=${t}`);
        compared++;
      });
    });
    assert.ok(compared > 100000, `compared ${compared}`);
  });

  it('TimedRotatingFileHandler – CPython 3.11 loses records in the same clock-driven runs; logflume keeps them all', () => {
    const runs: (Run & { zone: string; label: string; start: number; end: number; dir: string })[] = [];
    for (const [zone, label, at] of TRANSITIONS) {
      for (const r of RUNS.filter((x) => ['S', 'M', 'H', 'D', 'MIDNIGHT'].includes(x.when))) {
        runs.push({ ...r, zone, label, start: at - r.span, end: at + r.span, dir: mkdtempSync(join(root, 'py-')) });
      }
    }
    const py = runPython<[number, number][]>(
      String.raw`
import json, sys, os, time, datetime, logging, logging.handlers as H
out = []
for c in json.load(sys.stdin):
    os.environ['TZ'] = c['zone']; time.tzset()
    now = [c['start']]
    H.time.time = lambda: float(now[0])
    at = None if c['atTime'] is None else datetime.time(*c['atTime'])
    h = H.TimedRotatingFileHandler(os.path.join(c['dir'], 'app.log'), when=c['when'], interval=c['interval'], atTime=at)
    h.rolloverAt = h.computeRollover(c['start'])  # the new file's mtime is today's, as in drive()
    h.setFormatter(logging.Formatter('%(message)s'))
    n, t = 0, c['start']
    while t < c['end']:
        now[0] = t
        h.handle(logging.makeLogRecord({'msg': str(n)}))
        n += 1
        t += c['step']
    h.close()
    seen = set()
    for f in os.listdir(c['dir']):
        seen.update(open(os.path.join(c['dir'], f)).read().split())
    out.append([n, len(seen)])
print(json.dumps(out))
`,
      runs,
    );
    const lostBy311: string[] = [];
    runs.forEach((r, i) => {
      const [n, kept] = py[i]!;
      if (kept < n) lostBy311.push(`${r.zone} ${r.label} ${r.when}/${r.interval}${r.atTime ? ' at ' + r.atTime.join(':') : ''}: ${n - kept} of ${n}`);
      useZone(r.zone);
      const dir = mkdtempSync(join(root, 'ours-'));
      const ours = drive(dir, r, r.start, r.end);
      assert.equal(new Set(readAll(dir).seqs).size, ours);
      assert.equal(ours, n, 'same number of records as the Python run');
    });
    // 3.11 loses records on both transitions in both zones: hourly (the repeated or skipped
    // hour reuses a name and the earlier file is deleted), by the minute, and at a 02:30 midnight
    for (const [zone, label] of TRANSITIONS) assert.ok(lostBy311.some((l) => l.startsWith(`${zone} ${label} H/1`)), `${zone} ${label}: ${lostBy311.join('; ')}`);
    assert.ok(lostBy311.some((l) => l.startsWith('America/New_York fall back 2024-11-03 M/1')), lostBy311.join('; '));
    assert.ok(lostBy311.some((l) => /MIDNIGHT\/1 at 2:30/.test(l)), lostBy311.join('; '));
    assert.ok(lostBy311.some((l) => l.startsWith('America/New_York fall back 2024-11-03 MIDNIGHT/1:')), lostBy311.join('; '));
  });
});

