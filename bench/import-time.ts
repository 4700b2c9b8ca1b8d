// Cold-start cost: how long `await import(x)` takes in a fresh Node process, for
// logflume's entry points (compiled JavaScript, as users load it) and the peers.
// Each target is imported in its own process, RUNS times, targets interleaved so
// that machine load spreads evenly; the table shows median (min–max) ms.
// Usage: npm run bench:import [-- --runs 21]   (also run by `npm run bench`)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(argv[runsArg + 1]) : 15;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');

const out = mkdtempSync(join(tmpdir(), 'lf-import-'));
try {
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', join(repo, 'tsconfig.build.json'), '--outDir', out], { encoding: 'utf8' });
  if (build.status !== 0 && build.status !== 2) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
  const dist = (p: string) => pathToFileURL(join(out, p)).href;
  const targets: [string, string][] = [
    ["node:fs (a baseline: Node's own module)", 'node:fs'],
    ["logflume", dist('index.js')],
    ["logflume/handlers", dist('handlers/index.js')],
    ["logflume/config", dist('config/index.js')],
    ['pino', 'pino'],
    ['@logtape/logtape', '@logtape/logtape'],
    ['winston', 'winston'],
    ['bunyan', 'bunyan'],
    ['log4js', 'log4js'],
  ];
  const times = new Map<string, number[]>(targets.map(([l]) => [l, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const [label, spec] of r % 2 === 0 ? targets : [...targets].reverse()) {
      const code = `const t0 = process.hrtime.bigint(); await import(${JSON.stringify(spec)}); process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));`;
      const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repo, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      if (res.status !== 0) throw new Error(`${label}: ${res.stderr}`);
      times.get(label)!.push(Number(res.stdout));
    }
  }
  const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
  const lines = [
    '# Import time (cold start)',
    '',
    `\`npm run bench:import\`: ${RUNS} fresh processes per target, interleaved; time of \`await import(x)\` inside the process (Node's own start-up excluded). ` +
      `Machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| import | median ms (min–max) |',
    '|---|---|',
    ...targets.map(([l]) => { const a = times.get(l)!; return `| ${l} | ${med(a).toFixed(1)} (${Math.min(...a).toFixed(1)}–${Math.max(...a).toFixed(1)}) |`; }),
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(text);
  if (!argv.includes('--no-write')) writeFileSync(join(repo, 'bench', 'IMPORT-TIME.md'), text);
} finally {
  rmSync(out, { recursive: true, force: true });
}
