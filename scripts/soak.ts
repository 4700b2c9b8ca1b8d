// The reliability suite's soak mode: `npm run soak -- --minutes N`.
// Runs every exit path once, the SIGKILL bounds, the in-process scenarios of
// test/reliability (isolation, faults, hostile input, files) once, and the load
// scenario (8 producer threads → WorkerQueueListener → RotatingFileHandler with
// retention) for the rest of the duration; prints the summary table. Exits 1 if
// any scenario lost a record (rows marked GAP are known gaps, listed separately).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { exitPath, sigkillBound, type ExitHow, type ExitKind } from '../test/reliability/scenarios.exit.js';
import { loadScenario, rssPlateau } from '../test/reliability/scenarios.load.js';
import { formatTable, result, type ScenarioResult } from '../test/reliability/scenario.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
const minutes = arg('minutes', 1);
const producers = arg('producers', 8);
const t0 = Date.now();
const rows: ScenarioResult[] = [];
const log = (s: string): void => void process.stderr.write(s + '\n');

log(`soak: ${minutes} min, ${producers} producers, node ${process.version}, ${process.platform}/${process.arch}`);
// 1. exit paths
const kinds: ExitKind[] = ['file', 'file-buffered', 'rotating', 'worker'];
const hows: ExitHow[] = ['natural', 'exit', 'throw', 'rejection', 'sigterm', 'sigint', 'critical'];
for (const kind of kinds) for (const how of hows) rows.push((await exitPath(kind, how, 2000)).row);
for (const how of ['natural', 'rejection', 'sigterm', 'sigint', 'shutdown-exit'] as const) rows.push((await exitPath('socket', how, 2000, { REL_SOCKET_CONNECTED: '1' })).row);
for (const how of ['exit', 'throw', 'critical'] as const) rows.push((await exitPath('socket', how, 2000, { REL_SOCKET_CONNECTED: '1' })).row);
{
  // never connected at exit: nothing can be sent synchronously; the unsent count is reported (dropped by policy)
  const { row, run } = await exitPath('socket', 'exit', 2000, {});
  const m = /(\d+) record\(s\) could not be sent before exit/.exec(run.stderr);
  rows.push(result(`${row.scenario} (not yet connected)`, row.sent, row.delivered, m ? Number(m[1]) : 0, { ...row, note: undefined }));
}
for (const kind of ['file', 'rotating', 'file-buffered', 'worker'] as const) rows.push((await sigkillBound(kind)).row);
log(`soak: exit paths done (${Math.round((Date.now() - t0) / 1000)} s)`);

// 2. the in-process scenarios, through their test files (their tables are parsed back)
const files = ['isolation', 'faults', 'syslog', 'hostile', 'files', 'epipe', 'stream-reassign', 'exit-listeners', 'shutdown-deadline', 'disk-full'].map((f) => join(import.meta.dirname, '..', 'test', 'reliability', `${f}.test.ts`));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
for (const line of r.stdout.split('\n')) {
  const m = /^# \| (.+?) +\| +(\d+) \| +(\d+) \| +(\d+) \| +(\d+) \| +([\d.]+) \| +([\d.]+) \|$/.exec(line);
  if (m && m[1] !== 'scenario') {
    const [, scenario, sent, delivered, dropped, lost, rss, el] = m;
    rows.push({ scenario: scenario!, sent: +sent!, delivered: +delivered!, dropped: +dropped!, lost: +lost!, duplicated: 0, peakRssMb: +rss!, elDelayP99Ms: +el! });
  }
}
if (r.status !== 0) rows.push({ scenario: 'test/reliability in-process files FAILED (see npm test)', sent: 0, delivered: 0, dropped: 0, lost: 1, duplicated: 0, peakRssMb: 0, elDelayP99Ms: 0 });
log(`soak: in-process scenarios done (${Math.round((Date.now() - t0) / 1000)} s)`);

// 3. load for the rest of the time
const seconds = Math.max(10, Math.round(minutes * 60 - (Date.now() - t0) / 1000));
log(`soak: load ${producers} producers for ${seconds} s …`);
const out = await loadScenario({ seconds, producers, maxBytes: 1 << 20, backupCount: 5, label: `load ${producers} threads ${seconds}s → rotating (5 backups)` });
rows.push(out.row);

/** One row per scenario family (sums; max of RSS and delay), for a summary that fits a screen. */
function compact(all: ScenarioResult[]): ScenarioResult[] {
  const groups = new Map<string, ScenarioResult>();
  const ways = new Map<string, number>();
  for (const r of all) {
    const w = r.scenario.split(' ');
    if (w[0] === 'exit') ways.set(w[1]!, (ways.get(w[1]!) ?? 0) + 1);
  }
  for (const r of all) {
    const w = r.scenario.split(' ');
    const key = r.note?.includes('GAP')
      ? `${w[0]} ${w[1]} same-tick exit (GAP)`
      : w[0] === 'exit' ? `exit paths ${w[1]} (${ways.get(w[1]!)} ways)`
      : w[0] === 'SIGKILL' ? `${r.scenario} (${r.note})`
      : w[0] === 'fault' || w[0] === 'hostile' || w[0] === 'isolation' ? `${w[0]} (all)`
      : r.scenario;
    const g = groups.get(key);
    if (!g) groups.set(key, { ...r, scenario: key, note: undefined });
    else {
      g.sent += r.sent;
      g.delivered += r.delivered;
      g.dropped += r.dropped;
      g.lost += r.lost;
      g.peakRssMb = Math.max(g.peakRssMb, r.peakRssMb);
      g.elDelayP99Ms = Math.max(g.elDelayP99Ms, r.elDelayP99Ms);
    }
  }
  return [...groups.values()];
}

process.stdout.write(`\n${formatTable(rows)}\n\nby scenario family:\n${formatTable(compact(rows))}\n\n`);
process.stdout.write(
  `load: ${out.row.sent} records (${Math.round(out.row.sent / seconds)}/s), ${out.rollovers} rollovers, ${out.files.length} files kept (backupCount 5 + base), ` +
    `RSS after GC ${out.rssStartMb} → ${out.rssEndMb} MB (mean of middle/last third ${rssPlateau(out.rssSeriesMb).middle} → ${rssPlateau(out.rssSeriesMb).last} MB), main heap after GC ${out.heapStartMb} → ${out.heapEndMb} MB, ` +
    `dropped by 'block' timeout ${out.row.dropped} (reported in the log: ${out.reportedDropped})\n`,
);
const bad = rows.filter((x) => x.lost > 0 && !x.note?.includes('GAP'));
const gaps = rows.filter((x) => x.note?.includes('GAP'));
if (gaps.length) process.stdout.write(`known gaps (lost > 0, documented in docs/reliability.md): ${gaps.map((g) => g.scenario).join('; ')}\n`);
const plateau = rssPlateau(out.rssSeriesMb);
if (plateau.last - plateau.middle > 96) bad.push({ ...out.row, scenario: `RSS not flat: ${plateau.middle} → ${plateau.last} MB` });
if (out.heapEndMb - out.heapStartMb > 16) bad.push({ ...out.row, scenario: `main heap grew ${out.heapStartMb} → ${out.heapEndMb} MB` });
if (out.files.length !== 6) bad.push({ ...out.row, scenario: 'retention did not hold the file count' });
if (bad.length) {
  process.stdout.write(`FAILED: ${bad.map((b) => b.scenario).join('; ')}\n`);
  process.exit(1);
}
process.stdout.write(`soak clean: 0 lost in every scenario (${Math.round((Date.now() - t0) / 1000)} s)\n`);
