// Exit-path scenarios (issue 10, scenario 1), shared by exit-paths.test.ts and scripts/soak.ts.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger, Handler, type LogRecord } from '../../src/index.js';
import { LogRecordReceiver } from '../../src/handlers/index.js';
import { SeqChecker, result, runChild, type ScenarioResult, type ChildRun } from './scenario.js';

export const EXIT_FIXTURE = join(import.meta.dirname, 'fixtures', 'exit-child.ts');
export type ExitKind = 'file' | 'file-buffered' | 'rotating' | 'worker' | 'socket';
export type ExitHow = 'natural' | 'exit' | 'throw' | 'rejection' | 'sigterm' | 'sigint' | 'critical' | 'shutdown-exit';

/** Receives records named `rel` from a child's SocketHandler and counts them by sequence. */
export class SeqSink extends Handler {
  checker = new SeqChecker(1);
  override emit(r: LogRecord): void {
    this.checker.line(r.getMessage());
  }
}

let receivers = 0;
/** A live receiver in this process; records from the child's logger `name` are counted by a SeqSink. */
export async function withReceiver<T>(fn: (target: string, sink: SeqSink, name: string) => Promise<T>): Promise<T> {
  const name = `relrx.r${process.pid}x${++receivers}`;
  const logger = getLogger(name);
  const sink = new SeqSink();
  const prevProp = logger.propagate;
  logger.addHandler(sink);
  logger.propagate = false;
  const rx = new LogRecordReceiver({ tcp: 0, host: '127.0.0.1' });
  await rx.start();
  try {
    return await fn(`127.0.0.1:${rx.addresses.tcp!.port}`, sink, name);
  } finally {
    await rx.close();
    logger.removeHandler(sink);
    logger.propagate = prevProp;
  }
}

/** Every file the kind wrote (base file and rotated backups, oldest first), checked by sequence. */
function checkFiles(dir: string): SeqChecker {
  const c = new SeqChecker(1);
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('out.log'))
    .sort((a, b) => backupIndex(b) - backupIndex(a));
  for (const f of files) c.file(join(dir, f));
  return c;
}
const backupIndex = (f: string): number => (f === 'out.log' ? 0 : Number(f.slice('out.log.'.length)));

/** Wait until `want` records arrived; short of them, until nothing more arrived for 1.5 s (the test then fails on the count). */
async function settle(sink: SeqSink, want: number): Promise<void> {
  const end = Date.now() + 5000;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < end && sink.checker.delivered < want) {
    if (sink.checker.delivered !== last) {
      last = sink.checker.delivered;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 1500) break; // nothing more is coming
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Run one exit path in a child and count what arrived. Returns the row and the
 * child run (for assertions on exit code and stderr).
 */
export async function exitPath(kind: ExitKind, how: ExitHow, n = 2000, env: NodeJS.ProcessEnv = {}): Promise<{ row: ScenarioResult; run: ChildRun }> {
  const dir = mkdtempSync(join(tmpdir(), 'logflume-rel-exit-'));
  const signal = how === 'sigterm' ? 'SIGTERM' : how === 'sigint' ? 'SIGINT' : null;
  const go = (target: string, logger = 'rel'): Promise<ChildRun> =>
    runChild(EXIT_FIXTURE, [kind, how, target, String(n)], {
      bundle: kind !== 'worker', // the worker loads worker-handlers.ts: tsx
      env: { ...process.env, ...env, REL_LOGGER: logger },
      onLine: (line, child) => {
        if (line === 'ready' && signal) child.kill(signal);
      },
    });
  try {
    let run: ChildRun;
    let c: SeqChecker;
    if (kind === 'socket') {
      ({ run, c } = await withReceiver(async (target, sink, name) => {
        const r = await go(target, name);
        // what the child reported it could not send before exit is not coming: do not wait for it
        const unsent = Number(/(\d+) record\(s\) could not be sent before exit/.exec(r.stderr)?.[1] ?? 0);
        await settle(sink, n - unsent);
        return { run: r, c: sink.checker };
      }));
    } else {
      run = await go(join(dir, 'out.log'));
      c = checkFiles(dir);
    }
    const label = `exit ${kind} ${how}${env.REL_SOCKET_CONNECTED === '1' ? ' (connected)' : ''}`;
    const row = result(label, n, c.delivered, 0, {
      duplicated: c.duplicated + c.gaps, // a gap followed by later records is loss out of order: count it
      peakRssMb: run.stats.peakRssMb ?? 0,
      elDelayP99Ms: run.stats.elDelayP99Ms ?? 0,
    });
    return { row, run };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * SIGKILL: nothing can run at exit, so measure the bound. The child logs 100
 * records per loop turn and prints "sent N" after each turn; the parent kills it
 * once `afterSent` were reported. lost = last reported sent − delivered (records
 * of the turn in progress may or may not be in, so this is the bound that matters).
 */
export const SIGKILL_BOUND: Record<Exclude<ExitKind, 'socket'>, number> = {
  file: 0, // every write reaches the kernel before the log call returns
  rotating: 0,
  'file-buffered': 100, // one event-loop turn (the fixture logs 100 records per turn; ≤ bufferSize chars)
  worker: Infinity, // what was in the ring and not yet written by the worker
};

export async function sigkillBound(kind: Exclude<ExitKind, 'socket'>, afterSent = 20_000): Promise<{ row: ScenarioResult; lastSent: number; delivered: number; measured: number }> {
  const bound = SIGKILL_BOUND[kind];
  const dir = mkdtempSync(join(tmpdir(), 'logflume-rel-kill-'));
  let lastSent = 0;
  try {
    const run = await runChild(EXIT_FIXTURE, [kind, 'sigkill', join(dir, 'out.log'), '0'], {
      bundle: kind !== 'worker',
      onLine: (line, child) => {
        if (!line.startsWith('sent ')) return;
        lastSent = Number(line.slice(5));
        if (lastSent >= afterSent && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      },
    });
    if (run.signal !== 'SIGKILL') throw new Error(`child was not killed: ${run.code} ${run.stderr}`);
    const c = checkFiles(dir);
    const measured = Math.max(0, lastSent - c.delivered);
    // `lost` counts only loss beyond the documented bound; the measured loss is in the note.
    const row = result(`SIGKILL ${kind}`, lastSent, lastSent - measured, 0, {
      duplicated: c.duplicated + c.gaps + Math.max(0, measured - bound),
      note: `measured loss ${measured}, bound ${bound === Infinity ? 'ring contents' : bound}`,
      peakRssMb: run.stats.peakRssMb ?? 0,
    });
    row.lost = Math.max(0, measured - bound) + c.duplicated + c.gaps;
    row.dropped = measured - Math.max(0, measured - bound);
    row.delivered = lastSent - measured;
    return { row, lastSent, delivered: c.delivered, measured };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
