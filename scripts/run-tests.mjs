#!/usr/bin/env node
// Runs test/**/*.test.ts with node's built-in runner (TypeScript through tsx),
// several files at once (most tests wait on sockets, child processes and
// python3, not on the CPU). Output stays quiet: a dot per test, the failures
// in full, then a summary with the skipped tests and their reasons and the
// slowest suites. The full TAP report is kept in the temp dir (or in
// $LOGFLUME_TEST_TAP). Node 20's --test does not expand globs, so the file
// list is built here.
// The files known to take longest start first (KNOWN_LONG), so a long file does
// not start last and run on alone at the end.
// Usage: npm test [-- <substring filter on file paths> ...] [-- --verbose]
//        LOGFLUME_TEST_CONCURRENCY=N overrides the number of files run at once.
//        Long soak-like files (*.soak.ts) run with `npm run soak` (node scripts/run-tests.mjs --soak);
//        the package type matrix (*.types.ts) with `npm run test:types` (--types).
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const soak = args.includes('--soak');
const types = args.includes('--types');
const filters = args.filter((a) => !a.startsWith('--'));
const suffix = soak ? '.soak.ts' : types ? '.types.ts' : '.test.ts';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'fixtures' || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

// The files known to take longest (each several times the median), started first in this order.
// Only an ordering hint: a file missing here just starts in path order.
const KNOWN_LONG = [
  'test/docs-snippets.test.ts',
  'test/package.test.ts',
  'test/reliability/exit-paths.test.ts',
  'test/reliability/exit-listeners.test.ts',
  'test/otel/otlp-worker.test.ts',
  'test/queue/exit.test.ts',
  'test/queue/overflow.test.ts',
  'test/queue/worker-queue-listener.test.ts',
];
const rank = (f) => (KNOWN_LONG.includes(f) ? KNOWN_LONG.indexOf(f) : KNOWN_LONG.length);
const files = walk('test', [])
  .sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort((a, b) => rank(a) - rank(b)); // stable: the rest keep the path order
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = Number(process.env.LOGFLUME_TEST_CONCURRENCY) || Math.max(2, availableParallelism() * 2);
const tap = process.env.LOGFLUME_TEST_TAP || join(tmpdir(), `logflume-test-${process.pid}.tap`);
const reporters = verbose
  ? ['--test-reporter=spec', '--test-reporter-destination=stdout']
  : ['--test-reporter=dot', '--test-reporter-destination=stdout'];
const t0 = Date.now();
const res = spawnSync(
  process.execPath,
  // a test that hangs (a peer that never answers, a lost event) fails after 5 minutes instead of stalling CI
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...reporters, '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { stdio: 'inherit', env: { ...process.env } },
);
const wall = ((Date.now() - t0) / 1000).toFixed(1);

// Summary from the TAP report: counts, skipped tests with their reasons, slowest files.
let text = '';
try {
  text = readFileSync(tap, 'utf8');
} catch {
  /* the runner died before writing it: its exit status says so */
}
const count = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
const skips = [...text.matchAll(/^\s*ok \d+ - (.*?) # SKIP ?(.*)$/gm)].map((m) => `  skipped: ${m[1]}${m[2] ? ` — ${m[2]}` : ''}`);
const fileTimes = [];
// Top-level entries of the report are the files' suites/tests; group them by the file's own "# Subtest" order is not kept,
// so take each top-level `duration_ms` with its name.
for (const m of text.matchAll(/^(?:not )?ok \d+ - (.*)\n {2}---\n {2}duration_ms: ([\d.]+)/gm)) fileTimes.push([m[1], Number(m[2])]);
fileTimes.sort((a, b) => b[1] - a[1]);
const lines = [
  '',
  `tests ${count('tests')}, pass ${count('pass')}, fail ${count('fail')}, cancelled ${count('cancelled')}, skipped ${count('skipped')}, todo ${count('todo')}; ${files.length} files, ${concurrency} at a time, ${wall} s (full report: ${tap})`,
  ...skips,
  ...(fileTimes.length ? ['  slowest suites: ' + fileTimes.slice(0, 5).map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`).join('; ')] : []),
];
process.stdout.write(lines.join('\n') + '\n');
process.exit(res.status ?? 1);
