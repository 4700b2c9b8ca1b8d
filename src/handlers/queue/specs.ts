/**
 * Declarative handler specs: how a worker thread builds handlers it cannot
 * receive as live objects.
 */

/** A module export that builds handlers: a function returning a Handler (or array, or a Promise of either), or a Handler class. */
export interface ModuleHandlerSpec {
  /** Absolute path, file URL or package specifier, resolved in the worker. */
  module: string;
  /** Export name (default 'default'). */
  export?: string;
  /** Arguments for the function or constructor (structured-cloneable). */
  args?: unknown[];
}

/** dictConfig-shaped handler dicts, built by logflume/config's `buildHandlers`. */
export interface DictHandlerSpec {
  formatters?: Record<string, unknown>;
  filters?: Record<string, unknown>;
  handlers: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export type HandlerSpec = ModuleHandlerSpec | DictHandlerSpec;
