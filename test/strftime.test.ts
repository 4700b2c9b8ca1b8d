/**
 * time.localtime / time.gmtime / time.strftime against python3 (CPython 3.11 on glibc).
 *
 * The process TZ is read once, so every comparison runs test/fixtures/strftime-dump.ts in a
 * child process with TZ set, and the same request through python3 with the same TZ; the two
 * JSON answers must be identical (struct_time fields, every directive, errors as null).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { bundleArgs } from './helpers/bundle.js';
import {
  compileStrftime,
  gmtime,
  localtime,
  makeTimeFormatter,
  strftime,
  type StructTime,
} from '../src/internal/time/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/strftime-dump.ts', import.meta.url));

type Fields = [number, number, number, number, number, number, number, number, number, number, string];
interface Request {
  stamps?: number[];
  formats?: string[];
  cases?: [string, number, 'l' | 'g'][];
  structs?: [string, Fields][];
}
interface Answer {
  stamps: { lt: Fields | null; gt: Fields | null; l: (string | null)[] | null; g: (string | null)[] | null }[];
  cases: (string | null)[];
  structs: (string | null)[];
}

/** The python side of the fixture (same request, same answer shape, same call order). */
const PY_DUMP = String.raw`
import json, sys, time
req = json.load(sys.stdin)
def fields(t): return [t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, t.tm_wday, t.tm_yday, t.tm_isdst, t.tm_gmtoff, t.tm_zone]
def attempt(f):
    try: return f()
    except Exception: return None
formats = req.get('formats', [])
stamps = []
for s in req.get('stamps', []):
    lt = attempt(lambda: time.localtime(s))
    gt = attempt(lambda: time.gmtime(s))
    stamps.append({'lt': lt and fields(lt), 'gt': gt and fields(gt),
        'l': lt and [attempt(lambda: time.strftime(f, lt)) for f in formats],
        'g': gt and [attempt(lambda: time.strftime(f, gt)) for f in formats]})
cases = [attempt(lambda: time.strftime(f, (time.localtime if w == 'l' else time.gmtime)(s))) for f, s, w in req.get('cases', [])]
structs = [attempt(lambda: time.strftime(f, time.struct_time(a[:9] + [a[10], a[9]]))) for f, a in req.get('structs', [])]
sys.stdout.write(json.dumps({'stamps': stamps, 'cases': cases, 'structs': structs}))
`;

/** Every UTC-offset/DST/abbreviation change of the zone in 1800-2100 (bisected to the second), with neighbours. */
const PY_GRID = String.raw`
import time, json
def key(s):
    t = time.localtime(s); return (t.tm_gmtoff, t.tm_isdst, t.tm_zone)
out = set()
start, end, step = -5364662400, 4102444800, 86400 * 3
prev = key(start); s = start
while s < end:
    n = s + step; k = key(n)
    if k != prev:
        lo, hi = s, n
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if key(mid) == prev: lo = mid
            else: hi = mid
        for d in (-86400, -3601, -3600, -1801, -1, 0, 1, 1799, 3599, 3600, 7200, 86400):
            out.add(hi + d)
    prev = k; s = n
print(json.dumps(sorted(out)))
`;

const HAVE_PYTHON = spawnSync('python3', ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)']).status === 0;
const HAVE_ZONEINFO = existsSync('/usr/share/zoneinfo/America/New_York');
const skip = !HAVE_PYTHON ? 'python3 not available' : !HAVE_ZONEINFO ? 'no system zoneinfo' : false;

/** Child env with TZ set, or removed when tz is null. */
function envFor(tz: string | null, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (tz === null) delete env['TZ'];
  else env['TZ'] = tz;
  return env;
}

function run(cmd: string, args: string[], input: string, env: NodeJS.ProcessEnv): string {
  const res = spawnSync(cmd, args, { input, env, cwd: ROOT, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

function ours(tz: string | null, req: Request, extraEnv: Record<string, string> = {}): Answer {
  return JSON.parse(run(process.execPath, [...bundleArgs(FIXTURE)], JSON.stringify(req), envFor(tz, extraEnv))) as Answer;
}

function python(tz: string | null, req: Request): Answer {
  return JSON.parse(run('python3', ['-c', PY_DUMP], JSON.stringify(req), envFor(tz))) as Answer;
}

function grid(tz: string | null): number[] {
  return JSON.parse(run('python3', ['-c', PY_GRID], '', envFor(tz))) as number[];
}

/** Compare answers; returns the number of compared values, fails listing the first mismatches. */
function compare(req: Request, a: Answer, b: Answer): number {
  const bad: string[] = [];
  let n = 0;
  const formats = req.formats ?? [];
  (req.stamps ?? []).forEach((s, i) => {
    const x = a.stamps[i]!;
    const y = b.stamps[i]!;
    for (const k of ['lt', 'gt'] as const) {
      n++;
      if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) bad.push(`${k}(${s}): ours ${JSON.stringify(x[k])} python ${JSON.stringify(y[k])}`);
    }
    for (const k of ['l', 'g'] as const) {
      const xs = x[k];
      const ys = y[k];
      if (xs === null || ys === null) {
        if (xs !== ys) bad.push(`${k}(${s}): one side failed`);
        continue;
      }
      xs.forEach((v, j) => {
        n++;
        if (v !== ys[j]) bad.push(`${k === 'l' ? 'local' : 'gm'}time(${s}) ${JSON.stringify(formats[j])}: ours ${JSON.stringify(v)} python ${JSON.stringify(ys[j])}`);
      });
    }
  });
  (req.cases ?? []).forEach((c, i) => {
    n++;
    if (a.cases[i] !== b.cases[i]) bad.push(`case ${JSON.stringify(c)}: ours ${JSON.stringify(a.cases[i])} python ${JSON.stringify(b.cases[i])}`);
  });
  (req.structs ?? []).forEach((c, i) => {
    n++;
    if (a.structs[i] !== b.structs[i]) bad.push(`struct ${JSON.stringify(c)}: ours ${JSON.stringify(a.structs[i])} python ${JSON.stringify(b.structs[i])}`);
  });
  assert.deepEqual(bad.slice(0, 25), [], `${bad.length} mismatches`);
  return n;
}

const PLAIN = [...'aAbBcCdDeFgGhHIjklmMnprRsStTuUVwWxXyYzZ%'].map((c) => '%' + c);
const VARIANTS = ['%Ec', '%EY', '%Oy', '%OH', '%-d', '%_H', '%0e', '%^a', '%#A', '%#Z', '%^p', '%#p', '%P', '%10s', '%-5z', '%_8z', '%05Y', '%12F', '%^c', '%+', '%q', '%f', '%'];
const DIRECTIVE_FORMATS = [...PLAIN, ...VARIANTS, '%Y-%m-%d %H:%M:%S', '%a, %d %b %Y %H:%M:%S %z (%Z) [%G-W%V-%u] %j %U %W'];

/** Fixed edges: epoch, negative epoch, month/year ends, leap days, 2038, far past/future, fractions, out of range. */
const EDGE_STAMPS = [
  0, -1, -0.5, -1e-9, 0.999, 1e9, -1e9, 1720000000.123456, 1720000000.999999,
  946684799, 946684800, 951782399, 951782400, 951868799, 951868800, 1078012800, 4107542400, // 2000/02/29, 2004, 2100-03-01
  1230767999.5, 1230768000, 1704067199, 1709164800, 1709251199, 1711929599, 1711929600, // month/year ends, 2024 leap day
  2 ** 31 - 1, 2 ** 31, 2 ** 32, 4e9, 1e10, -1e10, 1e11, -1e11, 253402300799, 253402300800,
  -62135596800, -62135596801, -62167219200, -2208988800, -5364662400, 1e15, -1e15, 1e17, 9.3e18, -9.3e18,
];

const ZONES: (string | null)[] = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Europe/Dublin', // negative DST in the source data
  'Africa/Casablanca',
  'XST5XDT', // POSIX string without rules: glibc's posixrules
  'ABC-2DEF,M3.5.0,M10.5.0/3',
  '<+0330>-3:30',
  'garbage',
  null, // TZ unset: /etc/localtime
];

for (const tz of ZONES) {
  const label = tz === null ? '(unset)' : tz;
  test(`strftime – TZ=${label}: localtime/gmtime fields and every directive match python3 over DST transitions and edge timestamps`, { skip }, (t) => {
    const req: Request = { stamps: [...grid(tz), ...EDGE_STAMPS], formats: DIRECTIVE_FORMATS };
    const n = compare(req, ours(tz, req), python(tz, req));
    t.diagnostic(`${req.stamps!.length} timestamps, ${n} values compared`);
  });
}

test('strftime – every flag/width/modifier/conversion combination matches python3 (unknown directives included)', { skip }, (t) => {
  const flags = ['', '_', '-', '0', '^', '#', '^#', '_^', '-#', '0^', '#^_', '0-', '-0'];
  const widths = ['', '0', '1', '2', '3', '5', '10'];
  const mods = ['', 'E', 'O', 'EO'];
  const convs = [...Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)), '', 'é', '\u{1F600}'];
  const formats: string[] = [];
  for (const f of flags) for (const w of widths) for (const m of mods) for (const c of convs) formats.push('%' + f + w + m + c);
  formats.push('%2047Y', '%2048Y', '%3000Y', '%99999999999Y', '%2147483648d', '%9999z', '%2000Y%2000Y', 'é%1020Y', '\u{1F600}%Y', '%%%', '');
  const req: Request = { stamps: [0, 1e9, -1e11, 1720000000.7, 951782400, 1230767999, 2 ** 31, 1710054000, 1699164000], formats };
  const tz = 'America/New_York';
  const n = compare(req, ours(tz, req), python(tz, req));
  t.diagnostic(`${formats.length} formats, ${n} values compared`);
});

// ---------------------------------------------------------------------------
// Property tests: one python3 call (and one child node) per batch
// ---------------------------------------------------------------------------

const CONV_CHARS = [...'aAbBcCdDeEFgGhHIjklmMnOpPrRsStTuUVwWxXyYzZ%qfLNJ+:#^_-0123456789 '];
const directiveArb = fc
  .tuple(
    fc.array(fc.constantFrom('_', '-', '0', '^', '#'), { maxLength: 3 }),
    fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 20 }).map(String)),
    fc.constantFrom('', '', '', 'E', 'O'),
    fc.constantFrom(...CONV_CHARS, ...PLAIN.map((p) => p[1]!), ...PLAIN.map((p) => p[1]!)),
  )
  .map(([f, w, m, c]) => '%' + f.join('') + w + m + c);
const literalArb = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('é', '日本', '\u{1F600}', ' ', ':', ','));
const formatArb = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: directiveArb }, { weight: 1, arbitrary: literalArb }), { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([parts, trailingPercent]) => parts.join('') + (trailingPercent ? '%' : ''));
const secsArb = fc.oneof(
  fc.double({ min: -1e11, max: 1e11, noNaN: true }),
  fc.integer({ min: -2147483648, max: 2147483647 }),
  fc.double({ min: -3e9, max: 5e9, noNaN: true }).map(Math.floor),
);

const PROPERTY_ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];
const SEED = Number(process.env['FC_SEED'] ?? 20240611);

test('strftime – property: random timestamps and random formats match python3 (localtime and gmtime)', { skip }, (t) => {
  let total = 0;
  PROPERTY_ZONES.forEach((tz, i) => {
    const cases = fc.sample(fc.tuple(formatArb, secsArb, fc.constantFrom<'l' | 'g'>('l', 'g')), { seed: SEED + i, numRuns: 1500 });
    const req: Request = { cases };
    total += compare(req, ours(tz, req), python(tz, req));
  });
  t.diagnostic(`seed ${SEED}: ${total} random cases compared`);
});

const zoneArb = fc.constantFrom('UTC', 'EST', 'EDT', 'X', 'Ünï', 'GMT+5:30', '+1030', 'ist');
const structArb: fc.Arbitrary<Fields> = fc.tuple(
  fc.oneof(fc.integer({ min: -3000, max: 12000 }), fc.integer({ min: 1960, max: 2040 })),
  fc.integer({ min: -1, max: 13 }),
  fc.integer({ min: -1, max: 32 }),
  fc.integer({ min: -1, max: 24 }),
  fc.integer({ min: -1, max: 60 }),
  fc.integer({ min: -1, max: 62 }),
  fc.integer({ min: -2, max: 8 }),
  fc.integer({ min: -1, max: 367 }),
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -90000, max: 90000 }),
  zoneArb,
);

test('strftime – property: user-built struct_time values (validation, %s via mktime, %z/%Z) match python3', { skip }, (t) => {
  let total = 0;
  ['America/New_York', 'Australia/Lord_Howe', 'UTC'].forEach((tz, i) => {
    const structs = fc.sample(fc.tuple(formatArb, structArb), { seed: SEED + 100 + i, numRuns: 1500 });
    // mix in directive-heavy formats on the same structs so %s/%z/%Z get exercised often
    const more = structs.slice(0, 500).map(([, s]): [string, Fields] => ['%s|%z|%Z|%c|%G-%V|%j|%U|%W|%u', s]);
    const req: Request = { structs: [...structs, ...more] };
    total += compare(req, ours(tz, req), python(tz, req));
  });
  t.diagnostic(`seed ${SEED}: ${total} random struct cases compared`);
});

// ---------------------------------------------------------------------------
// In-process behaviour (no oracle needed)
// ---------------------------------------------------------------------------

test('strftime – gmtime fields, flooring toward -inf, and errors', () => {
  assert.deepEqual(gmtime(0), {
    tm_year: 1970, tm_mon: 1, tm_mday: 1, tm_hour: 0, tm_min: 0, tm_sec: 0,
    tm_wday: 3, tm_yday: 1, tm_isdst: 0, tm_gmtoff: 0, tm_zone: 'GMT',
  });
  assert.equal(gmtime(-0.5).tm_sec, 59);
  assert.equal(gmtime(951782400).tm_mday, 29);
  assert.throws(() => gmtime(Number.NaN), RangeError);
  assert.throws(() => gmtime(1e17), RangeError);
  assert.throws(() => compileStrftime('a\0b'), /embedded null character/);
  const bad: StructTime = { ...gmtime(0), tm_mon: 13 };
  assert.throws(() => strftime('%Y', bad), /month out of range/);
  assert.equal(strftime('%Y-%m-%d %H:%M:%S', gmtime(1e9)), '2001-09-09 01:46:40');
});

test('strftime – makeTimeFormatter caches per second for the built-in converters and calls user converters every time', () => {
  const f = makeTimeFormatter(null, gmtime);
  assert.equal(f(1e9 + 0.25), '2001-09-09 01:46:40');
  assert.equal(f(1e9 + 0.75), '2001-09-09 01:46:40');
  assert.equal(f(1e9 + 1), '2001-09-09 01:46:41');
  assert.equal(f(-0.5), '1969-12-31 23:59:59');
  let calls = 0;
  const user = (secs: number): StructTime => {
    calls++;
    return gmtime(secs + 3600);
  };
  const g = makeTimeFormatter('%H:%M:%S', user);
  assert.equal(g(0.1), '01:00:00');
  assert.equal(g(0.2), '01:00:00');
  assert.equal(calls, 2);
  const l = makeTimeFormatter('%Y', localtime);
  assert.equal(l(1e9), strftime('%Y', localtime(1e9)));
});

test('strftime – compiled patterns are reusable and strftime() results match compileStrftime()', () => {
  const render = compileStrftime('%a %d %b %Y %H:%M:%S.%j %p %%');
  for (const s of [0, 1e9, 1.5e9, -1e9]) assert.equal(render(gmtime(s)), strftime('%a %d %b %Y %H:%M:%S.%j %p %%', gmtime(s)));
  for (let i = 0; i < 600; i++) assert.equal(strftime(`%Y x${i}`, gmtime(0)), `1970 x${i}`); // beyond the cache bound
});

test('strftime – the cached time formatter gives what strftime(localtime()) gives, within and across seconds and zones periods', () => {
  // Speed is the bench's business (npm run bench); here the cache must never change the text.
  const f = makeTimeFormatter(null, localtime);
  for (let i = 0; i < 20_000; i++) {
    const t = 1.7e9 + i * 0.37; // several calls per second, then the next second
    assert.equal(f(t), strftime('%Y-%m-%d %H:%M:%S', localtime(t)));
  }
  for (let i = 0; i < 2_000; i++) {
    const t = 1.7e9 + i * 3600 * 7; // hours apart: crosses DST periods of the local zone
    assert.equal(f(t), strftime('%Y-%m-%d %H:%M:%S', localtime(t)));
  }
});

test('strftime – Intl fallback without a zoneinfo directory agrees with python3 where Intl has the same names', { skip }, (t) => {
  // TZDIR pointing nowhere makes the module fall back to Intl for TZ=America/New_York.
  const tz = 'America/New_York';
  const stamps = grid(tz).filter((s) => s > 0 && s < 2e9);
  const req: Request = { stamps, formats: ['%Y-%m-%d %H:%M:%S %z %Z', '%c'] };
  const a = ours(tz, req, { TZDIR: '/nonexistent-zoneinfo' });
  const n = compare(req, a, python(tz, req));
  t.diagnostic(`${n} values compared`);
  // Documented difference: where CLDR has no abbreviation, tm_zone is tzdata's numeric style, not Python's letters.
  const kreq: Request = { stamps: [1.72e9], formats: ['%Y-%m-%d %H:%M:%S %z %s'] };
  const k = ours('Asia/Kolkata', kreq, { TZDIR: '/nonexistent-zoneinfo' }).stamps[0]!;
  const kp = python('Asia/Kolkata', kreq).stamps[0]!;
  assert.deepEqual(k.lt!.slice(0, 10), kp.lt!.slice(0, 10));
  assert.deepEqual([k.lt![10], kp.lt![10]], ['+0530', 'IST']);
  assert.deepEqual(k.l, kp.l);
});
