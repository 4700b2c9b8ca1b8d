// Load and soak scenario (issue 10, scenario 4), shared by load.soak.ts and scripts/soak.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqChecker, result, runChild, type ScenarioResult, type ChildRun } from './scenario.js';

export const LOAD_FIXTURE = join(import.meta.dirname, 'fixtures', 'load-child.ts');

export interface LoadOutcome {
  row: ScenarioResult;
  run: ChildRun;
  files: string[];
  rollovers: number;
  rssStartMb: number;
  rssEndMb: number;
  heapStartMb: number;
  heapEndMb: number;
  /** RSS sampled every 500 ms while the producers ran (MB). */
  rssSeriesMb: number[];
  other: string[];
  /** Sum of the "N records dropped" WARNING records the worker wrote into the files. */
  reportedDropped: number;
}

/**
 * P producer threads at full speed → WorkerQueueListener ('block') → a
 * RotatingFileHandler with retention. Records of backups deleted by retention
 * are counted in the worker just before deletion (CountingRotatingFileHandler);
 * the rest is counted here, oldest file first.
 */
export async function loadScenario(opts: { seconds: number; producers?: number; maxBytes?: number; backupCount?: number; label?: string }): Promise<LoadOutcome> {
  const producers = opts.producers ?? 8;
  const maxBytes = opts.maxBytes ?? 1 << 20;
  const backupCount = opts.backupCount ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'logflume-rel-load-'));
  try {
    const run = await runChild(LOAD_FIXTURE, [dir, String(opts.seconds), String(producers), String(maxBytes), String(backupCount)], {
      nodeArgs: ['--expose-gc'],
      timeoutMs: opts.seconds * 1000 + 180_000,
    });
    if (run.code !== 0) throw new Error(`load child failed (${run.code}): ${run.stderr}`);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as ReturnType<SeqChecker['state']> & { other: string[]; rollovers: number };
    const c = new SeqChecker(producers, state);
    c.other.push(...state.other);
    const files = readdirSync(dir).filter((f) => f.startsWith('app.log'));
    const idx = (f: string): number => (f === 'app.log' ? 0 : Number(f.slice('app.log.'.length)));
    for (const f of files.sort((a, b) => idx(b) - idx(a))) c.file(join(dir, f));
    const s = run.stats as unknown as Record<string, number> & { sentPerProducer: number[] };
    // every producer's last record must have arrived: a tail loss is a gap too
    let tail = 0;
    s.sentPerProducer.forEach((n, p) => (tail += Math.max(0, n - (c.next[p] ?? 0))));
    const reportedDropped = c.other.reduce((a, l) => a + Number(/(\d+) records? dropped/.exec(l)?.[1] ?? 0), 0);
    const row = result(opts.label ?? `load ${producers} threads ${opts.seconds}s → rotating (${backupCount} backups)`, s.sent, c.delivered, s.dropped, {
      duplicated: c.duplicated + c.gaps - Math.min(c.gaps, s.dropped) + tail - Math.max(0, Math.min(tail, s.dropped - c.gaps)),
      peakRssMb: s.peakRssMb,
      elDelayP99Ms: s.elDelayP99Ms,
    });
    return {
      row,
      run,
      files,
      rollovers: state.rollovers,
      rssStartMb: s.rssStartMb,
      rssEndMb: s.rssEndMb,
      heapStartMb: s.heapStartMb,
      heapEndMb: s.heapEndMb,
      rssSeriesMb: (run.stats.rssSeriesMb as number[] | undefined) ?? [],
      reportedDropped,
      other: c.other.filter((l) => reportedDropped === 0 || !/records? dropped/.test(l)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean RSS of the middle and last thirds of the series: flat means the last is not above the middle by more than the margin. */
export function rssPlateau(series: number[]): { middle: number; last: number } {
  const third = Math.max(1, Math.floor(series.length / 3));
  const avg = (a: number[]): number => Math.round((a.reduce((x, y) => x + y, 0) / Math.max(1, a.length)) * 10) / 10;
  return { middle: avg(series.slice(third, 2 * third)), last: avg(series.slice(2 * third)) };
}
