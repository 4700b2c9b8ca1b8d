// The formatting engine checked against CPython itself: every table and
// fast-check sample below is sent, in one batch, to a single python3 process
// that computes Python's answer (or exception type and message); each case is
// then asserted to match. Cases where logflume deliberately differs (JS str()
// of booleans, null, floats and containers) are tested separately at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import {
  PyFormatError,
  compileBraceStyle,
  compileDollarStyle,
  compilePercentStyle,
  formatValue,
  percentFormat,
  pyRepr,
  pyStr,
  validateFormat,
} from '../src/internal/pyformat.js';

// ---------------------------------------------------------------------------
// Python oracle

const ORACLE = String.raw`
import sys, json, logging, string
def dec(v):
    if 'i' in v: return int(v['i'])
    if 'f' in v: return float(v['f'])
    if 'b' in v: return bool(v['b'])
    if 'n' in v: return None
    if 's' in v: return v['s']
    if 'l' in v: return [dec(x) for x in v['l']]
    if 't' in v: return tuple(dec(x) for x in v['t'])
    if 'd' in v: return {k: dec(x) for k, x in v['d'].items()}
    raise ValueError(v)
def run(c):
    k = c['k']
    if k == 'pct': return c['fmt'] % dec(c['args'])
    if k == 'fmt': return format(dec(c['v']), c['spec'])
    if k == 'brace': return c['fmt'].format(**dec(c['vals']))
    if k == 'dollar': return string.Template(c['fmt']).substitute(**dec(c['vals']))
    if k == 'validate':
        logging.Formatter(c['fmt'], style=c['style'], validate=True)
        return 'ok'
out = []
for c in json.load(sys.stdin):
    try:
        out.append({'ok': run(c)})
    except Exception as e:
        msg = repr(e.args[0]) if isinstance(e, KeyError) else str(e)
        out.append({'err': type(e).__name__, 'msg': msg})
json.dump(out, sys.stdout)
`;

/** Tag a JS value for the oracle: integral numbers are Python ints, others floats; a top-level array is a tuple. */
function enc(v: unknown, top = false): unknown {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return { i: BigInt(v).toString() };
    return { f: Number.isFinite(v) ? v : String(v) };
  }
  if (typeof v === 'bigint') return { i: v.toString() };
  if (typeof v === 'string') return { s: v };
  if (typeof v === 'boolean') return { b: v };
  if (v === null || v === undefined) return { n: 1 };
  if (Array.isArray(v)) return top ? { t: v.map((x) => enc(x)) } : { l: v.map((x) => enc(x)) };
  return { d: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, enc(x)])) };
}

type Outcome = { ok: string } | { err: string; msg: string };

interface Case {
  label: string;
  wire: Record<string, unknown>;
  run: () => string;
}

/** Python exception types PyFormatError does not name (none since issue 18 item 3: pyType is Python's type). */
const TYPE_MAP: Record<string, string> = {};

function ours(run: () => string): Outcome {
  try {
    return { ok: run() };
  } catch (e) {
    if (e instanceof PyFormatError) return { err: e.pyType, msg: e.message };
    return { err: `non-PyFormatError ${(e as Error)?.name}`, msg: String(e) };
  }
}

function expected(py: Outcome): Outcome {
  if ('ok' in py) return py;
  return { err: TYPE_MAP[py.err] ?? py.err, msg: py.msg };
}

const groups = new Map<string, Case[]>();
function add(group: string, c: Case): void {
  let g = groups.get(group);
  if (!g) groups.set(group, (g = []));
  g.push(c);
}
const pct = (group: string, fmt: string, args: unknown) =>
  add(group, { label: `${JSON.stringify(fmt)} % ${show(args)}`, wire: { k: 'pct', fmt, args: enc(args, true) }, run: () => percentFormat(fmt, args) });
const fmtv = (group: string, v: unknown, spec: string) =>
  add(group, { label: `format(${show(v)}, ${JSON.stringify(spec)})`, wire: { k: 'fmt', v: enc(v), spec }, run: () => formatValue(v, spec) });
const brace = (group: string, fmt: string, vals: Record<string, unknown>) =>
  add(group, {
    label: `${JSON.stringify(fmt)}.format(**${show(vals)})`,
    wire: { k: 'brace', fmt, vals: enc(vals) },
    run: () => compileBraceStyle(fmt).render(vals),
  });
const dollar = (group: string, fmt: string, vals: Record<string, unknown>) =>
  add(group, {
    label: `Template(${JSON.stringify(fmt)}).substitute(**${show(vals)})`,
    wire: { k: 'dollar', fmt, vals: enc(vals) },
    run: () => compileDollarStyle(fmt).render(vals),
  });
const validate = (group: string, fmt: string, style: '%' | '{' | '$') =>
  add(group, {
    label: `Formatter(${JSON.stringify(fmt)}, style=${style})`,
    wire: { k: 'validate', fmt, style },
    run: () => (validateFormat(fmt, style), 'ok'),
  });
function show(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : x));
}

// ---------------------------------------------------------------------------
// Deterministic tables

const G_INT = 'percentFormat – integer conversions × flags × width × precision';
{
  const flags = ['', '-', '+', ' ', '#', '0', '-0', '+0', '#0', '+#', ' 0', '-+#'];
  const widths = ['', '1', '9'];
  const precs = ['', '.0', '.4'];
  const values: unknown[] = [0, 7, -42, 255, 123456789, 2 ** 53 + 2, -(2 ** 60), 1e21, 12345678901234567890n, true, 3.7, -2.5];
  for (const conv of ['d', 'i', 'u', 'o', 'x', 'X'])
    for (const v of values) for (const f of flags) for (const w of widths) for (const p of precs) pct(G_INT, `<%${f}${w}${p}${conv}>`, [v]);
}

const G_FLOAT = 'percentFormat – float conversions × flags × width × precision';
{
  const flags = ['', '#', '+0', '-', ' ', '0'];
  const widths = ['', '12'];
  const precs = ['', '.0', '.1', '.2', '.3', '.10', '.17', '.30'];
  const values: unknown[] = [
    0.125, 2.675, -2.675, 1e16, 1e-7, 123456789.123, -0.5, 0.1, 1.5, 2.5, 1e300, 5e-324, Infinity, -Infinity, NaN,
    9.9995, 0, -1, 1e21, 1234.5678, 0.000123, 99950.5, true, 10n ** 30n,
  ];
  for (const conv of ['e', 'E', 'f', 'F', 'g', 'G'])
    for (const v of values) for (const f of flags) for (const w of widths) for (const p of precs) pct(G_FLOAT, `%${f}${w}${p}${conv}`, [v]);
}

const G_STR = 'percentFormat – %s %r %a %c with flags, width and precision';
{
  const values: unknown[] = ['abc', 'é', '😀x', "it's", 'a"b', 'tab\there', 42, -7, 1.5, 'x'];
  for (const conv of ['s', 'r', 'a'])
    for (const v of values) for (const f of ['', '-', '0', '#', '+']) for (const w of ['', '6']) for (const p of ['', '.0', '.2']) pct(G_STR, `[%${f}${w}${p}${conv}]`, [v]);
  for (const v of [65, 0x1f600, 233, 0, 'a', '😀', 'ab', '', 3.5, -1, 0x110000, 0x10ffff, true, 'é'])
    for (const f of ['', '-', '0']) for (const w of ['', '4']) pct(G_STR, `[%${f}${w}c]`, [v]);
}

const G_STRUCT = 'percentFormat – tuples, mappings, star arguments and literal %';
for (const [fmt, args] of [
  ['%(a)s', { a: 1, b: 2 }], ['%(a)s %(a)r', { a: 'x' }], ['%(a)-5d|', { a: 3 }], ['%(a(b))s', { 'a(b)': 1 }], ['%()s', { '': 5 }],
  ['%(a)s %(b)05.1f', { a: 'A', b: 2.25 }], ['%(x)s', { x: 'y' }], ['abc', {}], ['abc', []], ['', []], ['%%', []], ['%s%%', [5]],
  ['%%%s', [5]], ['%%s', []], ['%%%%', []], ['%*d', [5, 3]], ['%-*d|', [5, 3]], ['%*.*f', [8, 2, 3.14159]], ['% *d', [5, 3]],
  ['%0*d', [5, 3]], ['%*d', [-5, 1]], ['%.*f', [2, 1.2345]], ['%.*f', [-2, 1.2345]], ['%.*s', [-1, 'abc']], ['%*s', [true, 'x']],
  ['%.*d', [-3, 5]], ['%-*s|', [-3, 'a']], ['%hd %ld %Ld', [1, 2, 3]], ['%5.3hd', [5]], ['%s', 'x'], ['%s', 5], ['%d', 5],
  ['%s %s', ['a', 'b']], ['%c%c', ['a', 98]], ['%.d', [5]], ['%.f', [2.5]], ['%.s', ['abc']], ['%5.s|', ['abc']], ['%0-5d|', [3]],
  ['%-05d|', [3]], ['%(a)s%%', { a: 1 }], ['%.3s', ['abcdef']], ['%5.1s', ['abc']],
  ['%(a)s', [1]], ['%(a)s', 5], ['%(a)s', 'x'], ['%(a', 5], ['%(a', {}], ['%(a)', 5], ['%(a)', {}], ['%(a)', { a: 1 }],
  ['%(a)5', { a: 1 }], ['%(a)*', { a: 1 }], ['%(a)*d', { a: 5 }], ['%(a).*f', { a: 1.5 }], ['%(a)%', { a: 1 }], ['%(a)%', {}],
  ['%(a)s %s', { a: 1 }], ['%(a)d %(b)d', { a: 'x' }], ['%(a)y', {}], ['%(a)s %y', {}], ['%(z)s', { a: 1 }],
  ['%((a)s', { '(a': 1 }], ['%()s', {}], ['%(a)99999999999999999999d', {}],
  ['%s', []], ['%d %d', [1]], ['%d', [1, 2]], ['%s %s', 'x'], ['abc', 5], ['abc', [1]], ['%%', 5], ['%*d', 5], ['%*d', ['a', 1]],
  ['%*d', [2.5, 1]], ['%.*s', [null, 'x']], ['%*.*d', [1]], ['%*', [1]], ['%*', []], ['%.*', [1]], ['%5%', []], ['%5%', [1]],
  ['%-5%|', ['x']], ['%z', []], ['%z', [1]], ['%z', 1], ['%y %d', ['a']], ['%y %d', ['a', 1]], ['%d %y', ['a']], ['%s %', [1]],
  ['%s %', [1, 2]], ['%', []], ['%h', [5]], ['%l', []], ['%hhd', [5]], ['%lh', [5]], ['ab%€', [5]], ['ab%\n', [5]], ['a%\x7f', [5]],
  ['a%\x1f', [5]], ['a% y', [5]], ['%😀', [5]], ['😀%y', [5]], ['%٥d', [1]], ['%*99d', [1, 2]], ['%.*99999999999999999999d', [1]],
  ['%1000000000000000000000d', [1]], ['%.1000000000000000000000d', [1]], ['%d', ['x']], ['%i', ['x']], ['%u', ['x']],
  ['%x', [1.5]], ['%o', ['x']], ['%X', [null]], ['%x', [[1]]], ['%d', [{ a: 1 }]], ['%f', ['a']], ['%e', [null]], ['%g', [[1]]],
  ['%c', ['ab']], ['%c', [65.5]], ['%c', [-1]], ['%c', [0x110000]], ['%c', [true]], ['%d', [NaN]], ['%d', [Infinity]],
  ['%d', [-Infinity]], ['%e', [10n ** 400n]], ['%f', [2n ** 1024n - 2n ** 970n]], ['%e', [2n ** 1024n - 2n ** 970n - 1n]],
  ['%x', [10n ** 30n]], ['%#X', [-(10n ** 30n)]], ['%d', [-0]], ['%f', [-0]], ['%x', [-0]], ['%d', [1e300]], ['%o', [2 ** 70]],
] as [string, unknown][])
  pct(G_STRUCT, fmt, args);

const G_SPEC = 'formatValue – the format-spec mini-language against Python format()';
{
  const specs = [
    '<8', '>8', '^9', '*^9', '=+10', '+', ' ', '-', 'z.2f', 'z', 'z.1e', 'zg', '#x', '#o', '#b', 'X', '#X', '08.3f', '010,', '09,',
    '08,', '_', ',', '012,.2f', '011,.2f', ',.2f', '_x', '#_b', '#012_x', '_o', '.3e', 'E', '.0e', '#.0e', 'g', '.3g', '#g', 'G',
    '.10g', 'n', '%', '.1%', '#.0%', '.0f', '#.0f', '.2f', '.17f', '.25f', '.120f', 'f', 'F', 'c', 's', 'd', '.3', '.0', '.1', '#',
    '#.1', '10.4', 'x<12', '0<8', '😀>6', '\n^5', ',d', '5.5.5', '.', '.x', ',,', ',_', '_,', '__', 'zd', '.2d', '+c', '#c', '=8',
    'y', 'é', '\x05', ',é', '010_', '.2s', '^', 'e', '+.3%', '=+#8x', '0=9,', 'x=9,', '<09,', '05c', '=5c', '٥', '.٣f', '𝟓',
    '+z', 'z#', ' #', '=#', '+=', '#zc', 'z.1f', '99999999999999999999', '.99999999999999999999', '%%', '<<<', ',c', '-,', '00',
  ];
  const values: unknown[] = [
    0, 7, -42, 65, 255, 1234567, -9876543210, 2n ** 63n, 2n ** 70n, true, false, 0.125, 2.675, -2.675, 1e16, 1e-7, 123456789.123,
    -0.0001, 0.5, 1.5, 2.5, 12.5, 1e22, 1 / 3, Infinity, -Infinity, NaN, 5e-324, 1.7976931348623157e308, 0.1, 1234.5, 'abc', '',
    'é😀', 10n ** 400n,
  ];
  for (const s of specs) for (const v of values) fmtv(G_SPEC, v, s);
}

const G_BRACE = 'compileBraceStyle – rendering matches str.format(**values)';
{
  const vals = { a: 1, b: 'xy', w: 5, p: 2, f: 3.14159, L: [10, 20], D: { k: 'v', '0': 's0' }, s: 'hello', n: null, e: 'é', big: 12345678 };
  for (const f of [
    '{a}', '{a!r}', '{b!r:>6}', '{b!s:>6}', '{e!a}', '{b:{w}}|', '{f:{w}.{p}f}|', '{f:.3f}', '{b:}', '{b!r:}', '{{}}', '{{a}} {a}',
    'x{a}y{b}z', '{L[0]}', '{L[1]}', '{D[k]}', '{a:{w}{p}}', '{b:{w}{p}}', '{a!r:{w}}', '{big:,}', '{big:_x}',
    '{f:e}', '{f:%}', '{a:08.3f}', '{s:^11}', '{s:*<8}', '{s:.2}', '{a:+}', '{b:>{w}}', '{D[a:b]}'.replace('a:b', 'k'),
    '{b:{{}}}', '{a:{b}}', '{z}', '{a } }'.replace(' } }', '}'), '{', '}', 'a}b', '{a', '{a:', '{a:>5', '{b!x}', '{b!}',
    '{b!rr}', '{b!r', '{b!', '{f:{w:{p}}}', '{L[0}', '{L[0]x}', '{L.}', '{a{b}', '{a!\x01}', '{a!é}', '{a! }', '{a!:}',
    '{a!r!s}', '{a:x{{y}}', '{a:}}', '{a:{b}', '{b:>{w}', '{L[]}', '{99999999999999999999}', '{a[99999999999999999999]}',
    '{}', '{0}', '{} {a}', '{a} {1}', '{0}{}', '{:{}}', '{a:{0}}', '{[0]}', '{.a}', '{٥}',
  ])
    brace(G_BRACE, f, vals);
}

const G_DOLLAR = 'compileDollarStyle – rendering matches Template.substitute(**values)';
{
  const vals = { a: 1, b: 'xy', _x: 3, ab: 4, A: 'up' };
  for (const f of [
    '$a $b $$ ${a}x $_x', '$ab', '$a1', '$', 'a\nb $1', 'a\r\nbc\n$', '${a', '${ a}', '$z $', '$ $z', '$é', 'x\x85y $',
    'x\u2028y$', 'x\x0by\x0c$', 'x\x1c\x1d\x1ey$', '\r$', '$A', '$a.b', '${}', '😀 $', '$\u212a', 'no fields', '$$a', '$$$a', '${ab}c',
  ])
    dollar(G_DOLLAR, f, vals);
}

const G_VALIDATE = 'validateFormat – matches logging.Formatter(validate=True)';
for (const [fmt, style] of [
  ['$', '$'], ['$a $', '$'], ['x', '$'], ['$$', '$'], ['$1 $a', '$'], ['${a}', '$'], ['$a', '$'],
  ['%(a)', '%'], ['%(a)s', '%'], ['%s', '%'], ['%(a)Z', '%'], ['%(a)D', '%'], ['%(é)s', '%'], ['%(a-b)s', '%'], ['', '%'], ['', '{'],
  ['', '$'], ['%(a)-5.3f', '%'], ['%(a)*.*d', '%'], ['%(a)ı', '%'], ['%(a)ſ', '%'], ['x %(asctime)s', '%'], ['%(asctime)', '%'],
  ['{}', '{'], ['{} {a}', '{'], ['{0}', '{'], ['{a.}', '{'], ['{a!x}', '{'], ['{a:zz}', '{'], ['{a:z}', '{'], ['{a:{w}}', '{'],
  ['{a:{w}.{p}f}', '{'], ['{a:{}}', '{'], ['{a', '{'], ['x}', '{'], ['{a[b]}', '{'], ['{a[]}', '{'], ['{a b}', '{'], ['{a:X}', '{'],
  ['{a:D}', '{'], ['{a:<<}', '{'], ['{a!r:>10}', '{'], ['{{a}}', '{'], ['{a!}', '{'], ['{a{b}', '{'], ['{a\n}', '{'],
  ['{a:>10\n}', '{'], ['{é}', '{'], ['{a.b[c].d}', '{'], ['{a[b}', '{'], ['{a!😀}', '{'], ['{a:😀^5}', '{'], ['{a:\n^5}', '{'],
  ['{a:ſ}', '{'], ['{a b!x}', '{'], ["{it's}", '{'], ['{a\x85}', '{'], ['{levelname:<8} {message}', '{'],
] as [string, '%' | '{' | '$'][])
  validate(G_VALIDATE, fmt, style);

// ---------------------------------------------------------------------------
// fast-check samples, answered by the same Python batch

const G_FC_PCT = 'percentFormat – random flags/width/precision/values for %d %x %o %f %e %g (fast-check vs Python)';
const G_FC_SPEC = 'formatValue – random specs and values (fast-check vs Python)';
const G_FC_TIES = 'percentFormat – exact decimal ties round half-even like Python (fast-check vs Python)';
{
  const num = fc.oneof(
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.double(),
    fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
    fc.constantFrom(0.125, 2.675, 1e16, 1e-7, 123456789.123, 0.5, 1.5, 2.5, 1e21, 5e-324, 9.9995, true, false),
  );
  const pctArb = fc.record({
    conv: fc.constantFrom('d', 'i', 'x', 'X', 'o', 'f', 'F', 'e', 'E', 'g', 'G'),
    flags: fc.subarray(['-', '+', ' ', '#', '0']),
    width: fc.option(fc.nat(30), { nil: undefined }),
    prec: fc.option(fc.oneof(fc.nat(20), fc.nat(140)), { nil: undefined }),
    v: num,
  });
  for (const c of fc.sample(pctArb, { numRuns: 1500, seed: 20240611 })) {
    const fmt = `%${c.flags.join('')}${c.width ?? ''}${c.prec === undefined ? '' : '.' + c.prec}${c.conv}`;
    pct(G_FC_PCT, fmt, [c.v]);
  }
  const specArb = fc.record({
    fa: fc.constantFrom('', '<', '>', '^', '=', '*<', '0>', '😀^', 'x='),
    sign: fc.constantFrom('', '+', '-', ' '),
    z: fc.constantFrom('', '', '', 'z'),
    alt: fc.constantFrom('', '', '#'),
    zero: fc.constantFrom('', '', '0'),
    width: fc.option(fc.nat(25), { nil: undefined }),
    group: fc.constantFrom('', '', '', ',', '_'),
    prec: fc.option(fc.oneof(fc.nat(20), fc.nat(120)), { nil: undefined }),
    type: fc.constantFrom('', 'b', 'c', 'd', 'e', 'E', 'f', 'F', 'g', 'G', 'n', 'o', 's', 'x', 'X', '%'),
    v: fc.oneof(num, fc.string({ maxLength: 6 })),
  });
  for (const c of fc.sample(specArb, { numRuns: 1500, seed: 7 })) {
    const spec = `${c.fa}${c.sign}${c.z}${c.alt}${c.zero}${c.width ?? ''}${c.group}${c.prec === undefined ? '' : '.' + c.prec}${c.type}`;
    if (spec === '') continue;
    fmtv(G_FC_SPEC, c.v, spec);
  }
  // k / 2^n has exactly n fractional digits ending in 5: a tie at precision n - 1.
  const tieArb = fc.record({
    k: fc.integer({ min: 1, max: 2 ** 30 }),
    n: fc.integer({ min: 1, max: 40 }),
    shift: fc.integer({ min: -1, max: 1 }),
    neg: fc.boolean(),
    conv: fc.constantFrom('f', 'e', 'g'),
  });
  for (const c of fc.sample(tieArb, { numRuns: 600, seed: 99 })) {
    const x = ((c.k * 2 + 1) / 2 ** c.n) * (c.neg ? -1 : 1);
    if (Number.isInteger(x)) continue;
    const frac = c.n;
    const intDigits = Math.max(0, Math.floor(Math.log10(Math.abs(x))) + 1);
    const lead = Math.abs(x) < 1 ? -Math.floor(Math.log10(Math.abs(x))) - 1 : 0;
    const prec = Math.max(0, (c.conv === 'f' ? frac - 1 : c.conv === 'e' ? intDigits + frac - lead - 2 : intDigits + frac - lead - 1) + c.shift);
    pct(G_FC_TIES, `%.${prec}${c.conv}`, [x]);
  }
}

// ---------------------------------------------------------------------------
// One python3 process for everything

const allCases = [...groups.values()].flat();
const pyResults: Outcome[] = (() => {
  const res = spawnSync('python3', ['-c', ORACLE], {
    input: JSON.stringify(allCases.map((c) => c.wire)),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (res.status !== 0) throw new Error(`python3 oracle failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Outcome[];
})();
const pyOf = new Map<Case, Outcome>(allCases.map((c, i) => [c, pyResults[i]!]));

for (const [group, cases] of groups) {
  test(`${group} (${cases.length} cases)`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      const want = expected(pyOf.get(c)!);
      const got = ours(c.run);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        failures.push(`${c.label}\n    python: ${JSON.stringify(want)}\n    ours:   ${JSON.stringify(got)}`);
      }
    }
    assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.slice(0, 25).join('\n')}`);
  });
}

test('pyformat – the Python oracle answered every case', () => {
  assert.equal(pyResults.length, allCases.length);
  assert.ok(allCases.length > 5000, `only ${allCases.length} cases`);
});

// ---------------------------------------------------------------------------
// Properties that need no oracle

const fmtChar = fc.constantFrom('%', '%', '(', ')', 'a', 'b', '*', '.', '-', '+', ' ', '#', '0', '5', '9', 'd', 's', 'r', 'x', 'f', 'e', 'g', 'c', 'y', 'h', 'l', '😀', 'é');
const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'b'), fc.integer()),
  fc.constantFrom(new Date(0), new Map([['a', 1]]), new Set([1]), Symbol('s'), () => 1, new Error('boom')),
);
const anyArgs = fc.oneof(fc.array(anyValue, { maxLength: 4 }), anyValue, fc.dictionary(fc.constantFrom('a', 'b', ''), anyValue));

function onlyPyFormatError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof PyFormatError)) throw e;
    assert.ok(['TypeError', 'ValueError', 'KeyError', 'IndexError', 'OverflowError', 'AttributeError', 'MemoryError'].includes(e.pyType));
  }
}

test('percentFormat – render never throws anything but PyFormatError', () => {
  fc.assert(
    fc.property(fc.string({ unit: fmtChar, maxLength: 12 }), anyArgs, (fmt, args) => {
      onlyPyFormatError(() => assert.equal(typeof percentFormat(fmt, args), 'string'));
      onlyPyFormatError(() => compilePercentStyle(fmt).render({ a: args, b: 1 }));
    }),
    { numRuns: 3000 },
  );
});

test('formatValue – never throws anything but PyFormatError', () => {
  const specChar = fc.constantFrom('<', '>', '^', '=', '+', '-', ' ', 'z', '#', '0', '1', '9', ',', '_', '.', 'b', 'c', 'd', 'e', 'f', 'g', 'n', 'o', 's', 'x', 'X', '%', '😀', 'y');
  fc.assert(
    fc.property(anyValue, fc.string({ unit: specChar, maxLength: 8 }), (v, spec) => {
      onlyPyFormatError(() => assert.equal(typeof formatValue(v, spec), 'string'));
    }),
    { numRuns: 3000 },
  );
});

test('compileBraceStyle / compileDollarStyle – compile and render never throw anything but PyFormatError', () => {
  const ch = fc.constantFrom('{', '}', 'a', 'b', ':', '!', 'r', '[', ']', '.', '0', '>', '5', ' ', '$', '{a}', '{b:>{a}}', '${a}', '$b');
  fc.assert(
    fc.property(fc.string({ unit: ch, maxLength: 8 }), anyValue, anyValue, (fmt, a, b) => {
      onlyPyFormatError(() => compileBraceStyle(fmt).render({ a, b }));
      onlyPyFormatError(() => compileDollarStyle(fmt).render({ a, b }));
      onlyPyFormatError(() => validateFormat(fmt, '{'));
    }),
    { numRuns: 3000 },
  );
});

test('compilePercentStyle – render equals percentFormat with the same mapping, and caching is transparent', () => {
  fc.assert(
    fc.property(fc.string({ unit: fmtChar, maxLength: 10 }), fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(fc.integer(), fc.string({ maxLength: 3 }))), (fmt, vals) => {
      const a = ours(() => percentFormat(fmt, vals));
      const b = ours(() => percentFormat(fmt, vals));
      const c = ours(() => compilePercentStyle(fmt).render(vals));
      assert.deepEqual(a, b);
      assert.deepEqual(a, c);
    }),
    { numRuns: 2000 },
  );
});

// ---------------------------------------------------------------------------
// logflume's deliberate differences and JS-specific behaviour

test('pyStr – JS values render the JS way', () => {
  class WithToString {
    toString() {
      return 'custom!';
    }
  }
  class Plain {
    x = 1;
  }
  const circular: Record<string, unknown> = { a: 1 };
  circular['self'] = circular;
  assert.equal(pyStr('s'), 's');
  assert.equal(pyStr(1.5), '1.5');
  assert.equal(pyStr(1e-7), '1e-7');
  assert.equal(pyStr(10n), '10');
  assert.equal(pyStr(true), 'true');
  assert.equal(pyStr(undefined), 'undefined');
  assert.equal(pyStr(null), 'null');
  assert.equal(pyStr(Symbol('q')), 'Symbol(q)');
  assert.equal(pyStr(new Error('boom')), 'Error: boom');
  assert.equal(pyStr(new TypeError('bad')), 'TypeError: bad');
  assert.equal(pyStr(new Date(0)), new Date(0).toString());
  assert.equal(pyStr(new WithToString()), 'custom!');
  assert.equal(pyStr([1, 'a']), "[ 1, 'a' ]");
  assert.equal(pyStr({ a: 1, b: [2] }), '{ a: 1, b: [ 2 ] }');
  assert.equal(pyStr(new Map([['k', 1]])), "Map(1) { 'k' => 1 }");
  assert.equal(pyStr(new Set([1])), 'Set(1) { 1 }');
  assert.equal(pyStr(new Plain()), 'Plain { x: 1 }');
  assert.equal(pyStr(circular), '<ref *1> { a: 1, self: [Circular *1] }');
  assert.equal(pyStr(new Uint8Array([1, 2])), 'Uint8Array(2) [ 1, 2 ]');
  assert.equal(pyStr({ a: { b: { c: { d: { e: { f: 1 } } } } } }), '{ a: { b: { c: { d: { e: [Object] } } } } }');
  assert.ok(!pyStr({ long: 'x'.repeat(200), more: [1, 2, 3] }).includes('\n'));
  const throwing = { toString: () => { throw new RangeError('nope'); } };
  assert.throws(() => pyStr(throwing), RangeError);
});

test('pyRepr – util.inspect, single-quoted strings like Python repr', () => {
  assert.equal(pyRepr('abc'), "'abc'");
  assert.equal(pyRepr("it's"), `"it's"`);
  assert.equal(pyRepr('a\nb'), "'a\\nb'");
  assert.equal(pyRepr(1.5), '1.5');
  assert.equal(pyRepr([1, 'x']), "[ 1, 'x' ]");
});

test('percentFormat – %s/%r use the JS rendering for non-Python values', () => {
  assert.equal(percentFormat('%s %s %s', [true, null, undefined]), 'true null undefined');
  assert.equal(percentFormat('%s|%s|%s', [1e-7, Infinity, NaN]), '1e-7|Infinity|NaN');
  assert.equal(percentFormat('%s', [{ a: 1 }]), '{ a: 1 }');
  assert.equal(percentFormat('%s', { a: 1 }), '{ a: 1 }');
  assert.equal(percentFormat('%s %(a)s', { a: 1 }), '{ a: 1 } 1');
  assert.equal(percentFormat('%r', [[1, 'x']]), "[ 1, 'x' ]");
  assert.equal(percentFormat('%a', [{ k: 'é' }]), "{ k: '\\xe9' }");
  assert.equal(percentFormat('%5s|%-6s|', [true, null]), ' true|null  |');
  assert.equal(percentFormat('%s', new Date(0)), new Date(0).toString());
  assert.equal(percentFormat('%s', [new Error('x')]), 'Error: x');
});

test('percentFormat – what counts as a mapping', () => {
  assert.equal(percentFormat('%(a)s', new Map([['a', 'm']])), 'm');
  assert.equal(percentFormat('%(a)s', Object.assign(Object.create(null), { a: 'n' })), 'n');
  assert.equal(percentFormat('abc', { a: 1 }), 'abc');
  // inherited names are not keys of a plain object
  assert.throws(() => percentFormat('%(toString)s', {}), { pyType: 'KeyError', message: "'toString'" });
  // class instances are single values, not mappings
  class Rec {
    a = 1;
  }
  assert.throws(() => percentFormat('%(a)s', new Rec()), { pyType: 'TypeError', message: 'format requires a mapping' });
  assert.throws(() => percentFormat('abc', new Rec()), { message: 'not all arguments converted during string formatting' });
  assert.throws(() => percentFormat('%(a)s', new Map()), { pyType: 'KeyError', message: "'a'" });
});

test('percentFormat – integral JS numbers are ints, others floats', () => {
  assert.equal(percentFormat('%x', [255]), 'ff');
  assert.equal(percentFormat('%d', [-0]), '0');
  assert.equal(percentFormat('%.1f', [-0]), '0.0');
  assert.equal(percentFormat('%.1f', [-0.01]), '-0.0');
  assert.throws(() => percentFormat('%x', [1.5]), { pyType: 'TypeError', message: '%x format: an integer is required, not float' });
  assert.throws(() => percentFormat('%d', [Symbol('s')]), { message: '%d format: a real number is required, not symbol' });
  assert.throws(() => percentFormat('%d', [undefined]), { message: '%d format: a real number is required, not NoneType' });
  assert.throws(() => percentFormat('%d', [new Date(0)]), { message: '%d format: a real number is required, not Date' });
  assert.throws(() => percentFormat('%d', [new Map()]), { message: '%d format: a real number is required, not dict' });
  assert.throws(() => percentFormat('%d', [Infinity]), { pyType: 'OverflowError', message: 'cannot convert float infinity to integer' });
});

test('percentFormat – absurd widths fail as PyFormatError, not RangeError', () => {
  assert.throws(() => percentFormat('%999999999999d', [1]), { pyType: 'ValueError', message: 'width too big' });
  assert.throws(() => formatValue('x', '999999999999'), { pyType: 'ValueError', message: 'width too big' });
});

test('formatValue – an empty spec is str() under the JS rule', () => {
  for (const v of [1.5, 1e-7, Infinity, NaN, true, false, null, undefined, 10n, 'x', [1], { a: 1 }, new Date(0)]) {
    assert.equal(formatValue(v, ''), pyStr(v));
  }
  assert.equal(formatValue(true, '>6'), '     1');
  assert.equal(formatValue(true, 'd'), '1');
});

test('formatValue – non-formattable values reject a non-empty spec like object.__format__', () => {
  assert.throws(() => formatValue(null, '>5'), { pyType: 'TypeError', message: 'unsupported format string passed to NoneType.__format__' });
  assert.throws(() => formatValue(new Date(0), '%Y'), { message: 'unsupported format string passed to Date.__format__' });
  assert.throws(() => formatValue([1], 'x'), { message: 'unsupported format string passed to list.__format__' });
  assert.throws(() => formatValue({}, 'x'), { message: 'unsupported format string passed to dict.__format__' });
});

test('compileBraceStyle – fields, JS property access, and errors', () => {
  const c = compileBraceStyle('{asctime} {levelname:<8} {x.y} {arr[1]} {m[k]} {created:{w}.3f} {asctime}');
  assert.deepEqual(c.fields, ['asctime', 'levelname', 'x', 'arr', 'm', 'created', 'w']);
  assert.equal(
    c.render({ asctime: 'T', levelname: 'INFO', x: { y: 'Y' }, arr: ['a', 'b'], m: new Map([['k', 'K']]), created: 1.23456, w: 7 }),
    'T INFO     Y b K   1.235 T',
  );
  assert.equal(compileBraceStyle('{s.length}').render({ s: 'abcd' }), '4');
  assert.equal(compileBraceStyle('{x}').render({ x: 1e-7 }), '1e-7');
  assert.throws(() => compileBraceStyle('{a}').render({}), { pyType: 'KeyError', message: "'a'" });
  assert.throws(() => compileBraceStyle('{a.b}').render({ a: {} }), { pyType: 'AttributeError', message: "'dict' object has no attribute 'b'" });
  assert.throws(() => compileBraceStyle('{a[2]}').render({ a: [1] }), { pyType: 'IndexError', message: 'list index out of range' });
  assert.throws(() => compileBraceStyle('{}'), { pyType: 'IndexError', message: 'Replacement index 0 out of range for positional args tuple' });
  assert.throws(() => compileBraceStyle('{a} {0}'), { pyType: 'IndexError', message: 'Replacement index 0 out of range for positional args tuple' });
  assert.throws(() => compileBraceStyle('{a'), { pyType: 'ValueError', message: "expected '}' before end of string" });
  assert.equal(compileBraceStyle('plain {{text}}').render({}), 'plain {text}');
  // JS object keys are strings, so {d[0]} finds the key '0' (Python's dict would need the int 0).
  assert.equal(compileBraceStyle('{d[0]}').render({ d: { '0': 'zero' } }), 'zero');
  // Syntax errors are raised at compile time, before any missing key could be reported.
  assert.throws(() => compileBraceStyle('{z} }'), { pyType: 'ValueError', message: "Single '}' encountered in format string" });
});

test('compile*Style – `has` semantics: prototype getters are fields, undefined values are present', () => {
  class LogRec {
    own = 'o';
    get message() {
      return 'from getter';
    }
  }
  const r = new LogRec() as unknown as Record<string, unknown>;
  assert.equal(compilePercentStyle('%(message)s %(own)s').render(r), 'from getter o');
  assert.equal(compileBraceStyle('{message} {own}').render(r), 'from getter o');
  assert.equal(compileDollarStyle('$message ${own}').render(r), 'from getter o');
  assert.equal(compilePercentStyle('%(u)s').render({ u: undefined }), 'undefined');
  assert.equal(compileDollarStyle('$u').render({ u: undefined }), 'undefined');
  assert.throws(() => compilePercentStyle('%(u)s').render({}), { pyType: 'KeyError', message: "'u'" });
  assert.throws(() => compileDollarStyle('$u').render({}), { pyType: 'KeyError', message: "'u'" });
});

test('compilePercentStyle / compileDollarStyle – fields in order of first use, errors deferred to render', () => {
  assert.deepEqual(compilePercentStyle('%(asctime)s %(name)s %(asctime)s %(lineno)d').fields, ['asctime', 'name', 'lineno']);
  assert.deepEqual(compileDollarStyle('$asctime ${name} $$x $asctime').fields, ['asctime', 'name']);
  const bad = compilePercentStyle('%(a)s %(b)y');
  assert.throws(() => bad.render({}), { pyType: 'KeyError', message: "'a'" });
  assert.throws(() => bad.render({ a: 1 }), { pyType: 'KeyError', message: "'b'" });
  assert.throws(() => bad.render({ a: 1, b: 2 }), { pyType: 'ValueError', message: "unsupported format character 'y' (0x79) at index 10" });
  const badT = compileDollarStyle('$a $');
  assert.throws(() => badT.render({}), { pyType: 'KeyError' });
  assert.throws(() => badT.render({ a: 1 }), { message: 'Invalid placeholder in string: line 1, col 4' });
});

test('intText() – equals String(n) for every number (digit pairs below 1e8, String beyond)', async () => {
  const { intText } = await import('../src/internal/pyformat.values.js');
  for (const v of [0, -0, 9, 10, 99, 100, 9999, 10000, 999999, 1e6, 99999999, 1e8, -99999999, -1e8, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e21, 5e-324]) assert.equal(intText(v), String(v), String(v));
  fc.assert(fc.property(fc.oneof(fc.integer({ min: -2e8, max: 2e8 }), fc.double()), (v) => intText(v) === String(v)), { numRuns: 20000 });
});
