/**
 * Request context: fields that follow one unit of work (an HTTP request, a job)
 * through `await`, timers and callbacks, and land on every record logged
 * inside it, without passing a logger around. Built on Node's
 * AsyncLocalStorage, the analogue of Python's `contextvars` + a Filter.
 *
 * Nothing is set up until the first `withContext` call: until then the
 * storage does not exist and Logger pays one null check per record.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setContextProvider } from './internal/runtime.js';

/** The fields of a context: any JSON-friendly values, keyed by the record attribute they become. */
export type ContextFields = Record<string, unknown>;

let storage: AsyncLocalStorage<ContextFields> | null = null;

function ensureStorage(): AsyncLocalStorage<ContextFields> {
  if (storage === null) {
    const s = new AsyncLocalStorage<ContextFields>();
    storage = s;
    setContextProvider(() => s.getStore());
  }
  return storage;
}

/**
 * Run `fn` with `fields` added to the current context (nested calls inherit
 * the outer fields and may override them). Every record logged inside `fn`,
 * synchronously or after any number of awaits, carries the fields as record
 * attributes, so `%(requestId)s` and JsonFormatter see them. Returns what `fn`
 * returns (a Promise passes through).
 *
 * A context field never replaces a record attribute (`name`, `msg`, …) or a
 * key given in the call's `extra`.
 *
 * @example
 * server.on('request', (req, res) => withContext({ requestId: req.headers['x-request-id'] }, () => handle(req, res)));
 */
export function withContext<R>(fields: ContextFields, fn: () => R): R {
  const s = ensureStorage();
  const outer = s.getStore();
  return s.run(outer === undefined ? { ...fields } : { ...outer, ...fields }, fn);
}

/**
 * The fields of the current context (an empty object outside any
 * `withContext`). The object is a copy: change the context with
 * `updateContext` or a nested `withContext`.
 */
export function getContext(): ContextFields {
  const cur = storage?.getStore();
  return cur === undefined ? {} : { ...cur };
}

/**
 * Add or change fields of the current context in place, e.g. a user id known
 * only after authentication. The change is seen by everything that runs later
 * in the same `withContext` scope (including code already scheduled in it),
 * never by an enclosing scope. Returns false, changing nothing, outside any
 * `withContext`.
 */
export function updateContext(fields: ContextFields): boolean {
  const cur = storage?.getStore();
  if (cur === undefined) return false;
  Object.assign(cur, fields);
  return true;
}

/**
 * Wrap `fn` so that it runs in the context current at bind time, wherever it
 * is called from later (an EventEmitter listener registered inside a request,
 * a callback handed to a pool). Without an active context `fn` is returned
 * unchanged.
 */
export function bindContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const cur = storage?.getStore();
  if (cur === undefined || storage === null) return fn;
  const s = storage;
  return (...args: A) => s.run(cur, fn, ...args);
}
