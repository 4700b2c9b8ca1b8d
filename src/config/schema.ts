/**
 * The dictConfig schema as TypeScript types. Keys keep Python's spelling
 * (`version`, `disable_existing_loggers`, `'()'`, `'.'`, `class`) so a Python
 * team's JSON or YAML logging config ports without edits. The same shape is
 * published as JSON Schema in `schema/logging-config.schema.json`.
 */
import type { FilterLike } from '../filterer.js';

/** A level: a number or a registered level name ('DEBUG', 'INFO', …). */
export type ConfigLevel = number | string;

/** A user factory: a function or class, or a string naming one (`'pkg:export'`, a registered name). */
export type FactoryRef = string | ((...args: never[]) => unknown) | (new (...args: never[]) => unknown);

/** `formatters.<id>`: Python's keys, or `'()'` with the factory's own keyword arguments. */
export interface FormatterDict {
  format?: string | null;
  datefmt?: string | null;
  style?: '%' | '{' | '$';
  validate?: boolean;
  defaults?: Record<string, unknown> | null;
  class?: FactoryRef;
  '()'?: FactoryRef;
  '.'?: Record<string, unknown>;
  [kwarg: string]: unknown;
}

/** `filters.<id>`: `name` for a logging.Filter, or a `'()'` factory. */
export interface FilterDict {
  name?: string;
  '()'?: FactoryRef;
  '.'?: Record<string, unknown>;
  [kwarg: string]: unknown;
}

/**
 * `handlers.<id>`: `class` (or `'()'`), the common keys (`level`, `formatter`,
 * `filters`, `'.'`), and the class's own keyword arguments under Python's names
 * (`filename`, `maxBytes`, `backupCount`, `stream`, `target`, …). The 3.12
 * QueueHandler form adds `queue`, `listener`, `handlers`, `respect_handler_level`.
 */
export interface HandlerDict {
  class?: FactoryRef;
  '()'?: FactoryRef;
  level?: ConfigLevel;
  formatter?: string;
  filters?: (string | FilterLike)[];
  '.'?: Record<string, unknown>;
  [kwarg: string]: unknown;
}

/** `loggers.<name>` and `root`. */
export interface LoggerDict {
  level?: ConfigLevel;
  propagate?: boolean;
  filters?: (string | FilterLike)[];
  handlers?: string[];
}

/** The whole dictionary given to `dictConfig` (Python's schema, version 1). */
export interface DictConfig {
  version: 1;
  formatters?: Record<string, FormatterDict>;
  filters?: Record<string, FilterDict>;
  handlers?: Record<string, HandlerDict>;
  loggers?: Record<string, LoggerDict>;
  root?: LoggerDict;
  /** Only change levels (handlers, loggers, root) and `propagate`; build nothing. */
  incremental?: boolean;
  /** Disable loggers that exist but are not named here (default true, as Python). */
  disable_existing_loggers?: boolean;
  /** Other top-level keys are free data that `cfg://` references can point into. */
  [section: string]: unknown;
}
