/**
 * The QueueHandler form of dictConfig (Python 3.12: `queue`, `listener`,
 * `handlers`, `respect_handler_level`), including the worker listener, and
 * the listener/handler lifecycle around a (re)configuration.
 */
import type { Handler } from '../handler.js';
import { reportLoggingError } from '../internal/report.js';
import { isPlainObject, type BaseConfigurator } from './base-configurator.js';
import { lookupClass, entryForCtor, isHandlersClass, checkValue, handlersNamespace, type AnyCtor } from './class-registry.js';
import { keyError, joinPath, describe } from './key-path.js';

/** A handler as dictConfig builds it. */
export type HandlerObj = Handler & { listener?: ListenerLike | null };
/** The part of a QueueListener dictConfig drives. */
export interface ListenerLike {
  start?: () => unknown;
  stop?: () => unknown;
}

/** What the QueueHandler form needs once the QueueHandler exists. */
export interface QueueSetup {
  hlist: HandlerObj[];
  listener: unknown;
  rhl: boolean;
  /** A worker listener, already made (it owns the queue). */
  worker?: ListenerLike;
}

/** What the queue form needs from its DictConfigurator (an interface, so that this file does not import dict-configurator.ts back). */
export interface QueueConfigurator extends Pick<BaseConfigurator, 'config' | 'convert' | 'resolve' | 'resolveFactory' | 'callFactory' | 'configureCustom'> {
  section(name: string): Record<string, unknown>;
  rootSection(): unknown;
}

/**
 * The 3.12 QueueHandler keys: `queue` (object, name or `'()'` dict),
 * `listener`, `handlers`, `respect_handler_level`. With a worker listener
 * (`logging.handlers.WorkerQueueListener` or a subclass) the named handlers
 * are not built here: their dicts go to the worker, which builds them with
 * `buildHandlers`, and the QueueHandler writes to the listener's own queue
 * (`queue`, if given, is a plain object of the listener's ring options).
 */
export function queueForm(c: QueueConfigurator, hc: Record<string, unknown>, at: string, kwargs: Record<string, unknown>, handlerRef: (ref: unknown, at: string) => HandlerObj): QueueSetup {
  const hp = joinPath(at, 'handlers');
  const names = hc.handlers ?? [];
  if (!Array.isArray(names)) throw keyError(hp, `expected a list of handler names, got ${describe(names)}`);
  const rhl = checkValue(hc.respect_handler_level ?? false, 'bool', joinPath(at, 'respect_handler_level')) as boolean;
  let listener: unknown = hc.listener;
  const lp = joinPath(at, 'listener');
  const qp = joinPath(at, 'queue');
  if (listener === undefined || listener === null) {
    listener = lookupClass('logging.handlers.QueueListener')?.ctor;
    if (!listener) throw keyError(lp, 'QueueListener is not available from logflume/handlers');
  } else if (!isPlainObject(listener)) listener = c.resolveFactory(listener, lp);

  if (isHandlersClass(listener, 'WorkerQueueListener')) {
    const all = c.section('handlers');
    const specHandlers: Record<string, unknown> = {};
    names.forEach((n, i) => {
      if (typeof n !== 'string' || !(n in all)) throw keyError(joinPath(hp, i), `no handler named ${describe(n)} in handlers`);
      specHandlers[n] = all[n];
    });
    const q = hc.queue ?? {};
    if (!isPlainObject(q)) throw keyError(qp, `a worker listener owns its queue: expected an object of ring options (maxBytes, maxRecords, overflow, blockTimeout), got ${describe(q)}`);
    const spec: Record<string, unknown> = { handlers: specHandlers };
    for (const [k, v] of Object.entries(c.config)) {
      if (!['handlers', 'loggers', 'root', 'version', 'incremental', 'disable_existing_loggers'].includes(k)) spec[k] = v;
    }
    let worker: ListenerLike & { queue?: unknown };
    try {
      worker = new (listener as AnyCtor)(spec, { ...(c.convert(q, qp) as object), respectHandlerLevel: rhl }) as ListenerLike & { queue?: unknown };
    } catch (e) {
      throw keyError(lp, (e as Error).message, e);
    }
    kwargs.queue = worker.queue;
    return { hlist: [], listener, rhl, worker };
  }

  let q: unknown = hc.queue;
  if (isPlainObject(q) && '()' in q) q = c.configureCustom(q, qp);
  else if (typeof q === 'string') {
    q = c.convert(q, qp);
    if (typeof q === 'string') q = c.resolve(q, qp);
    if (typeof q === 'function') q = c.callFactory(q, {}, qp);
  }
  if (q === undefined || q === null) {
    // Python 3.12 creates an unbounded queue.Queue when none is given.
    const Q = handlersNamespace()?.Queue ?? lookupClass('logging.handlers.Queue')?.ctor;
    if (typeof Q !== 'function') throw keyError(qp, 'no queue given, and logflume/handlers exports no Queue to create one');
    q = new (Q as AnyCtor)();
  }
  kwargs.queue = q;
  const hlist = names.map((n, i) => handlerRef(n, joinPath(hp, i)));
  return { hlist, listener, rhl };
}

export function makeListener(c: QueueConfigurator, qh: HandlerObj, s: QueueSetup, at: string): ListenerLike {
  if (s.worker) {
    qh.listener = s.worker;
    return s.worker;
  }
  const queue = (qh as unknown as { queue?: unknown }).queue;
  let listener: ListenerLike;
  const lp = joinPath(at, 'listener');
  if (isPlainObject(s.listener)) {
    // A '()' dict: the factory gets queue, handlers and respect_handler_level as keyword arguments.
    listener = c.configureCustom({ ...s.listener, queue, handlers: s.hlist, respect_handler_level: s.rhl }, lp) as ListenerLike;
  } else {
    const entry = entryForCtor(s.listener as AnyCtor);
    if (entry && entry.ctor === s.listener && entry.argsMapper.params) {
      listener = c.callFactory(s.listener, { queue, handlers: s.hlist, respect_handler_level: s.rhl }, lp, entry.argsMapper) as ListenerLike;
    } else {
      // Python's QueueListener(queue, *handlers, respect_handler_level=...).
      try {
        listener = new (s.listener as AnyCtor)(queue, ...s.hlist) as ListenerLike;
      } catch (e) {
        throw keyError(lp, (e as Error).message, e);
      }
      (listener as { respectHandlerLevel?: boolean }).respectHandlerLevel = s.rhl;
    }
  }
  qh.listener = listener;
  return listener;
}

/**
 * Handler names that only worker listeners use: they are built in the
 * worker, not here. A name also used by a logger or another handler is
 * built here too.
 */
export function workerOnlyHandlers(c: QueueConfigurator): Set<string> {
  const out = new Set<string>();
  const handlers = c.section('handlers');
  const elsewhere = new Set<string>();
  for (const [, hc] of Object.entries(handlers)) {
    if (!isPlainObject(hc)) continue;
    let isWorker = false;
    if (hc.listener !== undefined && hc.listener !== null && !isPlainObject(hc.listener)) {
      try {
        isWorker = isHandlersClass(c.resolveFactory(hc.listener, 'listener'), 'WorkerQueueListener');
      } catch {
        /* reported when the handler is built */
      }
    }
    const list = Array.isArray(hc.handlers) ? hc.handlers.filter((x): x is string => typeof x === 'string') : [];
    for (const n of list) (isWorker ? out : elsewhere).add(n);
    if (typeof hc.target === 'string') elsewhere.add(hc.target);
  }
  const rootCfg = c.rootSection();
  const loggerCfgs = [...Object.values(c.section('loggers')), rootCfg];
  for (const lc of loggerCfgs) {
    if (isPlainObject(lc) && Array.isArray(lc.handlers)) for (const n of lc.handlers) if (typeof n === 'string') elsewhere.add(n);
  }
  for (const n of elsewhere) out.delete(n);
  return out;
}

/** Start listeners; a start that fails (a worker that cannot build its handlers) is reported on stderr. */
export function startListeners(listeners: ListenerLike[]): Promise<void> {
  return Promise.all(
    listeners.map(async (l) => {
      try {
        await l.start?.();
      } catch (e) {
        reportLoggingError(e, null, l.constructor?.name ?? 'QueueListener');
      }
    }),
  ).then(() => undefined);
}

/** Stop old listeners, then flush and close the handlers being replaced; failures go to handleError. */
export async function retire(listeners: ListenerLike[], handlers: HandlerObj[]): Promise<void> {
  for (const l of listeners) {
    try {
      await l.stop?.();
    } catch (e) {
      reportLoggingError(e, null, 'QueueListener');
    }
  }
  for (const h of handlers.reverse()) {
    try {
      await h.flush?.();
      await h.close?.();
    } catch (e) {
      if (typeof h.handleError === 'function') h.handleError(null, e);
      else reportLoggingError(e, null, 'Handler');
    }
  }
}
