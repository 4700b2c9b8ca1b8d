// npm run bench — runs each scenario in its own child process, alternating
// order over several repeats, checks every output file has exactly N lines with
// each sequence number once, and prints medians (min–max) and ratios.
// Options: --n N (records per run, default 200000), --repeats R (default 3).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const N = opt('n', 200_000);
const REPEATS = opt('repeats', 3);
const dir = mkdtempSync(join(tmpdir(), 'logflume-bench-'));
const here = import.meta.dirname;

interface Scenario {
  name: string;
  cmd: string[];
  file?: string;
}
const tsx = [process.execPath, '--import', 'tsx'];
const fileScenarios: Scenario[] = [
  { name: 'logflume FileHandler (sync writes)', cmd: [...tsx, join(here, 'scenarios/logflume-file.ts'), '@FILE', String(N), '0'] },
  { name: 'logflume FileHandler (buffered: true)', cmd: [...tsx, join(here, 'scenarios/logflume-file.ts'), '@FILE', String(N), '1'] },
  { name: 'CPython 3.11 logging FileHandler', cmd: ['python3', join(here, 'scenarios/python-file.py'), '@FILE', String(N)] },
];

function verify(file: string): string | null {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== N) return `expected ${N} lines, got ${lines.length}`;
  for (let i = 0; i < N; i++) {
    if (!lines[i]!.endsWith(`request handled ${i}`)) return `line ${i} is wrong: ${lines[i]}`;
  }
  return null;
}

function run(s: Scenario, rep: number): Record<string, number> | string {
  const file = join(dir, `${s.name.replace(/\W+/g, '_')}.${rep}.log`);
  const cmd = s.cmd.map((a) => (a === '@FILE' ? file : a));
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `failed: ${r.stderr.slice(0, 400)}`;
  const problem = verify(file);
  rmSync(file, { force: true });
  if (problem) return `INVALID (lost or wrong lines): ${problem}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

const results = new Map<string, Record<string, number>[]>();
const invalid = new Map<string, string>();
for (let rep = 0; rep < REPEATS; rep++) {
  const order = rep % 2 === 0 ? fileScenarios : [...fileScenarios].reverse();
  for (const s of order) {
    const r = run(s, rep);
    if (typeof r === 'string') invalid.set(s.name, r);
    else results.set(s.name, [...(results.get(s.name) ?? []), r]);
  }
}
const disabled: number[] = [];
for (let rep = 0; rep < REPEATS; rep++) {
  const r = spawnSync(tsx[0]!, [...tsx.slice(1), join(here, 'scenarios/logflume-disabled.ts')], { encoding: 'utf8' });
  disabled.push(JSON.parse(r.stdout).disabledNs);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[], digits = 0) => `${median(xs).toLocaleString('en-US', { maximumFractionDigits: digits })} (${Math.min(...xs).toLocaleString('en-US', { maximumFractionDigits: digits })}–${Math.max(...xs).toLocaleString('en-US', { maximumFractionDigits: digits })})`;
const ref = results.get(fileScenarios[0]!.name);
const refRate = ref ? median(ref.map((r) => r.recordsPerSec!)) : NaN;

console.log(`logflume bench — ${N.toLocaleString('en-US')} records × ${REPEATS} repeats; node ${process.version}; ${cpus()[0]?.model ?? '?'} × ${cpus().length}`);
console.log('workload: info("request handled %d", i) from logger app.http, format "%(asctime)s %(levelname)s %(name)s %(message)s", to a file\n');
console.log('| scenario | records/s to flushed | caller ns/call | ratio to logflume (sync) |');
console.log('|---|---|---|---|');
for (const s of fileScenarios) {
  const rs = results.get(s.name);
  if (!rs) {
    console.log(`| ${s.name} | ${invalid.get(s.name) ?? 'no result'} | | |`);
    continue;
  }
  const rate = rs.map((r) => r.recordsPerSec!);
  console.log(`| ${s.name} | ${fmt(rate)} | ${fmt(rs.map((r) => r.callerNs!), 1)} | ${(median(rate) / refRate).toFixed(2)}× |`);
}
const py = results.get(fileScenarios[2]!.name);
console.log(`\n| disabled call (debug at INFO) | ns/call |`);
console.log('|---|---|');
console.log(`| logflume | ${fmt(disabled, 2)} |`);
if (py) console.log(`| CPython 3.11 | ${fmt(py.map((r) => r.disabledNs!), 1)} |`);
rmSync(dir, { recursive: true, force: true });
