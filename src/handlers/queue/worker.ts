/**
 * Entry of the WorkerQueueListener thread: builds the handlers from their
 * declarative specs, then drains the shared rings and hands each record to
 * them (Python's QueueListener._monitor, on a worker_threads Worker).
 *
 * The loop sleeps with Atomics.waitAsync on the control block's doorbell, so
 * the worker's own event loop stays free for handlers that do async I/O
 * (sockets, SMTP, HTTP).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Handler, LogRecord } from '../../index.js';
import { ConfigError } from '../../errors.js';
import { reportLoggingError } from '../../internal/report.js';
import { droppedRecordsWarning } from '../queue-listener.js';
import { prefaultRing, waitAsync } from './ring-buffer.js';
import { RingConsumer, END } from './ring-consumer.js';
import { useSyncStdio } from './worker-stdio.js';
import { callerInfo } from '../../internal/caller.js';
import { CTL_CALLER, CTL_RINGS, CTL_DOORBELL, CTL_SLEEPING, CTL_FLUSH_REQ, CTL_FLUSHED, CTL_STATE, STATE_READY, STATE_STOPPED, STATE_DEAD } from './indexes.js';
import type { WorkerInit, ToWorker, FromWorker } from './protocol.js';
import type { HandlerSpec, ModuleHandlerSpec, DictHandlerSpec } from './specs.js';


const init = workerData as WorkerInit;
const ctl = new Int32Array(init.control);
const rings: RingConsumer[] = init.rings.map((r) => new RingConsumer(r.id, r.sab));
const mainRing = rings[0]!;
let handlers: Handler[] = [];
const pendingFlushes: number[] = [];
let servedExitFlush = 0;
let handled = 0;

function post(m: FromWorker): void {
  parentPort!.postMessage(m);
}

function wake(): void {
  Atomics.add(ctl, CTL_DOORBELL, 1);
  Atomics.notify(ctl, CTL_DOORBELL);
}

parentPort!.on('message', (m: ToWorker) => {
  if (m.code === 'ADD_RING') rings.push(new RingConsumer(m.id, m.sab));
  else if (m.code === 'FLUSH') pendingFlushes.push(m.id);
  wake();
});

const isHandler = (h: unknown): h is Handler => typeof h === 'object' && h !== null && typeof (h as Handler).handle === 'function';

async function buildOne(spec: HandlerSpec): Promise<Handler[]> {
  if (typeof (spec as ModuleHandlerSpec).module === 'string') {
    const s = spec as ModuleHandlerSpec;
    const specifier = isAbsolute(s.module) ? pathToFileURL(s.module).href : s.module;
    const mod = (await import(specifier)) as Record<string, unknown>;
    const name = s.export ?? 'default';
    const exp = mod[name];
    if (typeof exp !== 'function') throw new ConfigError(`handler spec: module '${s.module}' has no function or class export '${name}'`);
    const args = s.args ?? [];
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(exp)) || typeof (exp.prototype as Handler | undefined)?.handle === 'function';
    const built: unknown = isClass ? new (exp as new (...a: unknown[]) => unknown)(...args) : await (exp as (...a: unknown[]) => unknown)(...args);
    const list = Array.isArray(built) ? built : [built];
    for (const h of list) if (!isHandler(h)) throw new ConfigError(`handler spec: '${s.module}'#${name} did not build a Handler`);
    return list as Handler[];
  }
  if (typeof (spec as DictHandlerSpec).handlers === 'object' && spec !== null) {
    let cfg: { buildHandlers?: (c: unknown) => Promise<Record<string, Handler>> };
    try {
      cfg = (await import('../../config/index.js')) as typeof cfg;
    } catch (e) {
      throw new ConfigError('handler spec: dictConfig-shaped specs need logflume/config (buildHandlers), which could not be loaded', { cause: e });
    }
    if (typeof cfg.buildHandlers !== 'function') throw new ConfigError('handler spec: logflume/config does not export buildHandlers yet');
    return Object.values(await cfg.buildHandlers(spec));
  }
  throw new ConfigError("handler spec: expected { module, export?, args? } or { handlers: { … } }");
}

function dispatch(rec: LogRecord): void {
  handled++;
  for (let i = 0; i < handlers.length; i++) {
    const h = handlers[i]!;
    if (!init.respectHandlerLevel || rec.levelno >= h.level) h.handle(rec);
  }
}

function reportDrops(ring: RingConsumer): void {
  const d = ring.dropped;
  if (d > ring.reportedDrops) {
    const n = d - ring.reportedDrops;
    ring.reportedDrops = d;
    const w = droppedRecordsWarning(n, 'WorkerQueueListener');
    dispatch(w);
  }
}

/** Handle up to a batch of records across the rings; returns how many. */
function drainBatch(): number {
  let n = 0;
  const t0 = performance.now();
  for (let i = 0; i < rings.length; i++) {
    const ring = rings[i]!;
    for (;;) {
      if (ring.ended) break;
      let rec;
      try {
        rec = ring.read();
      } catch (e) {
        reportLoggingError(e, null, 'WorkerQueueListener (decode)');
        continue;
      }
      if (rec === null || rec === END) break;
      dispatch(rec);
      n++;
      if ((n & 15) === 0 && performance.now() - t0 > 20) {
        reportDrops(ring);
        return n;
      }
    }
    reportDrops(ring);
  }
  return n;
}

/**
 * Wait until every ring the main thread has created is known here: an
 * ADD_RING message can still be queued when the sentinel or a flush request
 * is seen, and that ring's records must not be skipped. Bounded (5 s), though
 * a posted message always arrives.
 */
async function knowAllRings(): Promise<void> {
  const end = performance.now() + 5000;
  while (rings.length < Atomics.load(ctl, CTL_RINGS) && performance.now() < end) await yieldToLoop();
}

function flushSyncAll(): void {
  for (const h of handlers) {
    try {
      h.flushSync();
    } catch (e) {
      h.handleError(null, e);
    }
  }
}

async function flushAll(): Promise<void> {
  flushSyncAll();
  await Promise.all(handlers.map((h) => h.flush().catch((e: unknown) => h.handleError(null, e))));
}

async function loop(): Promise<void> {
  for (;;) {
    const n = drainBatch();
    if (n > 0) {
      await yieldToLoop();
      continue;
    }
    if (mainRing.ended) {
      // sentinel: everything before it is handled; take what other producers left, then stop.
      await knowAllRings();
      while (drainBatch() > 0) await yieldToLoop();
      await flushAll();
      await Promise.all(handlers.map((h) => h.close().catch((e: unknown) => h.handleError(null, e))));
      Atomics.store(ctl, CTL_STATE, STATE_STOPPED);
      post({ code: 'STOPPED', handled });
      parentPort!.close();
      return;
    }
    const req = Atomics.load(ctl, CTL_FLUSH_REQ);
    if (req !== servedExitFlush && rings.length < Atomics.load(ctl, CTL_RINGS)) {
      await knowAllRings();
      continue; // drain the rings just learnt of first
    }
    if (req !== servedExitFlush) {
      // the main thread is exiting and waits (bounded) for this, or a QueueHandler.flush() awaits it
      servedExitFlush = req;
      await flushAll();
      Atomics.store(ctl, CTL_FLUSHED, req);
      Atomics.notify(ctl, CTL_FLUSHED);
      continue;
    }
    if (pendingFlushes.length > 0) {
      const ids = pendingFlushes.splice(0);
      await flushAll();
      for (const id of ids) post({ code: 'FLUSHED', id });
      continue;
    }
    const seq = Atomics.load(ctl, CTL_DOORBELL);
    Atomics.store(ctl, CTL_SLEEPING, 1);
    if (rings.some((r) => !r.empty) || Atomics.load(ctl, CTL_FLUSH_REQ) !== servedExitFlush || pendingFlushes.length > 0) {
      Atomics.store(ctl, CTL_SLEEPING, 0);
      continue;
    }
    const w = waitAsync(ctl, CTL_DOORBELL, seq);
    if (w.async) await w.value;
    Atomics.store(ctl, CTL_SLEEPING, 0);
  }
}

async function main(): Promise<void> {
  // before any handler exists: a StreamHandler on ext://process.stdout must write to fd 1 itself
  useSyncStdio();
  try {
    const built: Handler[] = [];
    for (const spec of init.specs) built.push(...(await buildOne(spec)));
    handlers = built;
  } catch (e) {
    Atomics.store(ctl, CTL_STATE, STATE_DEAD);
    Atomics.notify(ctl, CTL_FLUSHED);
    const err = e as Error;
    post({ code: 'ERROR', fatal: true, message: err?.message ?? String(e), stack: err?.stack });
    parentPort!.close();
    return;
  }
  for (const r of init.rings) prefaultRing(r.sab);
  // the logging threads capture caller fields only if someone formats them: these handlers may
  if (callerInfo.usedByFormat) Atomics.store(ctl, CTL_CALLER, 1);
  Atomics.store(ctl, CTL_STATE, STATE_READY);
  post({ code: 'READY', handlers: handlers.length });
  await loop();
}

void main();
