// Cold-start cost: how long `await import(x)` takes in a fresh Node process, for
// logflume's entry points (the published build, scripts/build.mjs, as users load it)
// and the peers; then the time from the import to the first line written, with each
// library set up the way its README starts (stdout redirected to /dev/null).
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
  const build = spawnSync(process.execPath, [join(repo, 'scripts', 'build.mjs'), out, '--js-only'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
  const dist = (p: string) => pathToFileURL(join(out, p)).href;
  const targets: [string, string][] = [
    ["node:fs (a baseline: Node's own module)", 'node:fs'],
    ["logflume", dist('index.js')],
    ["logflume/handlers", dist('handlers.js')],
    ["logflume/config", dist('config.js')],
    ['pino', 'pino'],
    ['@logtape/logtape', '@logtape/logtape'],
    ['winston', 'winston'],
    ['bunyan', 'bunyan'],
    ['log4js', 'log4js'],
  ];
  // import + set up + first line, each as its README starts; the script's clock starts before the import
  const q = JSON.stringify;
  const firstLine: [string, string][] = [
    ['logflume: basicConfig + getLogger().warning', `const { basicConfig, getLogger } = await import(${q(dist('index.js'))}); basicConfig({ stream: process.stdout }); getLogger('app').warning('first line');`],
    ['logflume/config: dictConfig (StreamHandler) + info', `const { getLogger } = await import(${q(dist('index.js'))}); const { dictConfig } = await import(${q(dist('config.js'))}); dictConfig({ version: 1, handlers: { h: { class: 'logflume.StreamHandler', stream: 'ext://process.stdout' } }, root: { level: 'INFO', handlers: ['h'] } }); getLogger('app').info('first line');`],
    ['pino: pino().info', `const { default: pino } = await import('pino'); pino().info('first line');`],
    ['@logtape/logtape: configure (console sink) + info', `const { configure, getConsoleSink, getLogger } = await import('@logtape/logtape'); await configure({ sinks: { console: getConsoleSink() }, loggers: [{ category: 'app', lowestLevel: 'info', sinks: ['console'] }, { category: ['logtape', 'meta'], lowestLevel: 'warning', sinks: [] }] }); getLogger('app').info('first line');`],
    ['winston: createLogger (Console) + info', `const { default: winston } = await import('winston'); winston.createLogger({ transports: [new winston.transports.Console()] }).info('first line');`],
  ];
  const times = new Map<string, number[]>([...targets, ...firstLine].map(([l]) => [l, []]));
  const runOne = (label: string, body: string): void => {
    // the figure goes to fd 3, so the log line itself can go to /dev/null like a redirected stdout
    const code = `const t0 = process.hrtime.bigint(); ${body} (await import('node:fs')).writeSync(3, String(Number(process.hrtime.bigint() - t0) / 1e6));`;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    if (res.status !== 0) throw new Error(`${label}: ${String(res.stderr)}`);
    const ms = Number(String(res.output[3]));
    if (!Number.isFinite(ms)) throw new Error(`${label}: no timing (${String(res.output[3])})`);
    times.get(label)!.push(ms);
  };
  for (let r = 0; r < RUNS; r++) {
    for (const [label, spec] of r % 2 === 0 ? targets : [...targets].reverse()) runOne(label, `await import(${q(spec)});`);
    for (const [label, body] of r % 2 === 0 ? firstLine : [...firstLine].reverse()) runOne(label, body);
  }
  const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
  const row = (l: string): string => { const a = times.get(l)!; return `| ${l} | ${med(a).toFixed(1)} (${Math.min(...a).toFixed(1)}–${Math.max(...a).toFixed(1)}) |`; };
  const lines = [
    '# Import time (cold start)',
    '',
    `\`npm run bench:import\`: ${RUNS} fresh processes per target, interleaved; time of \`await import(x)\` inside the process (Node's own start-up excluded). ` +
      `Machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| import | median ms (min–max) |',
    '|---|---|',
    ...targets.map(([l]) => row(l)),
    '',
    '## Import, set up and write the first line',
    '',
    '| library | median ms (min–max) |',
    '|---|---|',
    ...firstLine.map(([l]) => row(l)),
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(text);
  if (!argv.includes('--no-write')) writeFileSync(join(repo, 'bench', 'IMPORT-TIME.md'), text);
} finally {
  rmSync(out, { recursive: true, force: true });
}
