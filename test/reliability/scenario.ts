// Shared by the reliability suite and scripts/soak.ts: count records by sequence
// number, measure the process, print the summary table. Not a test file.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existsSync, readFileSync } from 'node:fs';
import { bundleArgs, tsxArgs } from '../helpers/bundle.js';

/** What one scenario proved: every record sent is delivered, reported dropped by policy, or lost. */
export interface ScenarioResult {
  scenario: string;
  sent: number;
  delivered: number;
  /** Records the library itself reported as dropped (handleError report, drop counter, policy). */
  dropped: number;
  /** sent − delivered − dropped, plus duplicates and out-of-order records: must be 0. */
  lost: number;
  duplicated: number;
  peakRssMb: number;
  elDelayP99Ms: number;
  note?: string;
}

/**
 * Streaming checker for one or more producers whose records each carry
 * `p<producer> <seq>`: within a producer records must arrive in order,
 * exactly once. Feed lines in delivery order; gaps are counted as missing,
 * repeats as duplicates.
 */
export class SeqChecker {
  /** Next expected sequence number per producer. */
  next: number[];
  delivered = 0;
  duplicated = 0;
  gaps = 0;
  /** Lines that are not sequence records (e.g. "N records dropped" warnings). */
  other: string[] = [];

  constructor(producers: number, state?: { next: number[]; delivered: number; duplicated: number; gaps: number }) {
    this.next = state?.next.slice() ?? new Array<number>(producers).fill(0);
    if (state) {
      this.delivered = state.delivered;
      this.duplicated = state.duplicated;
      this.gaps = state.gaps;
    }
  }

  static readonly RE = /p(\d+) (\d+)(?:\s|$)/;

  line(line: string): void {
    const m = SeqChecker.RE.exec(line);
    if (m === null) {
      if (line.length > 0) this.other.push(line);
      return;
    }
    this.seq(Number(m[1]), Number(m[2]));
  }

  seq(p: number, s: number): void {
    const want = this.next[p] ?? 0;
    if (s === want) {
      this.delivered++;
      this.next[p] = want + 1;
    } else if (s > want) {
      this.gaps += s - want;
      this.delivered++;
      this.next[p] = s + 1;
    } else this.duplicated++;
  }

  text(text: string): void {
    let start = 0;
    for (;;) {
      const i = text.indexOf('\n', start);
      if (i < 0) break;
      this.line(text.slice(start, i));
      start = i + 1;
    }
    if (start < text.length) this.line(text.slice(start));
  }

  file(path: string): void {
    if (existsSync(path)) this.text(readFileSync(path, 'utf8'));
  }

  state(): { next: number[]; delivered: number; duplicated: number; gaps: number } {
    return { next: this.next.slice(), delivered: this.delivered, duplicated: this.duplicated, gaps: this.gaps };
  }
}

/** Build a result: lost = sent − delivered − dropped, never hiding duplicates. */
export function result(scenario: string, sent: number, delivered: number, dropped: number, extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const duplicated = extra.duplicated ?? 0;
  return {
    scenario,
    sent,
    delivered,
    dropped,
    lost: Math.max(0, sent - delivered - dropped) + duplicated,
    duplicated,
    peakRssMb: extra.peakRssMb ?? round(process.resourceUsage().maxRSS / 1024),
    elDelayP99Ms: extra.elDelayP99Ms ?? 0,
    ...(extra.note !== undefined ? { note: extra.note } : {}),
  };
}

export const round = (x: number): number => Math.round(x * 10) / 10;

/** Event-loop delay of this thread while `fn` runs (p99, ms). */
export async function withElDelay<T>(fn: () => Promise<T>): Promise<{ value: T; p99: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const value = await fn();
    return { value, p99: round(h.percentile(99) / 1e6) };
  } finally {
    h.disable();
  }
}

/** What a fixture child prints as its last JSON stdout line: its own counts and measurements. */
export interface ChildStats {
  sent?: number;
  dropped?: number;
  peakRssMb?: number;
  elDelayP99Ms?: number;
  [k: string]: unknown;
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stats: ChildStats;
}

/**
 * Run a fixture under tsx (or bundled, see `bundle`). `onLine` sees stdout lines as they arrive (to send
 * a signal at the right moment). Bounded by `timeoutMs`.
 */
export function runChild(
  fixture: string,
  args: string[],
  opts: {
    nodeArgs?: string[];
    timeoutMs?: number;
    onLine?: (line: string, child: ReturnType<typeof spawn>) => void;
    env?: NodeJS.ProcessEnv;
    /** Run the fixture as an esbuild bundle (test/helpers/bundle.ts) instead of through tsx: only when the child loads no TypeScript at run time. */
    bundle?: boolean;
  } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...(opts.bundle ? bundleArgs(fixture) : tsxArgs(fixture)), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      pending += d;
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        opts.onLine?.(line, child);
      }
    });
    child.stderr.on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${fixture} ${args.join(' ')} timed out\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      let stats: ChildStats = {};
      for (const l of stdout.split('\n').reverse()) {
        if (l.startsWith('{')) {
          try {
            stats = JSON.parse(l) as ChildStats;
            break;
          } catch {
            /* not a stats line */
          }
        }
      }
      resolve({ code, signal, stdout, stderr, stats });
    });
  });
}

/** Count "--- Logging error ---" reports in captured stderr. */
export const reportCount = (stderr: string): number => stderr.split('--- Logging error ---').length - 1;

/** The summary table (markdown), one row per scenario. */
export function formatTable(rows: ScenarioResult[]): string {
  const head = ['scenario', 'sent', 'delivered', 'dropped', 'lost', 'peak RSS MB', 'EL p99 ms'];
  const body = rows.map((r) => [r.scenario + (r.note ? ` (${r.note})` : ''), r.sent, r.delivered, r.dropped, r.lost, r.peakRssMb, r.elDelayP99Ms].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ') + ' |';
  return [line(head), '|' + w.map((n, i) => (i === 0 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|') + '|', ...body.map(line)].join('\n');
}

/** Collects results across a test file and prints the table when it ends. */
export const collected: ScenarioResult[] = [];
export function record(r: ScenarioResult): ScenarioResult {
  collected.push(r);
  return r;
}
