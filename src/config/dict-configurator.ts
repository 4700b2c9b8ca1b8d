/**
 * Python's `DictConfigurator`, in two phases. `build()` makes every formatter,
 * filter and handler and checks every logger entry without touching the
 * logging tree; only when all of that succeeded does `commit()` swap the new
 * handlers in (synchronously, so no record can fall between old and new) and
 * retire the old ones (flush, then close). A failed configure closes what it
 * built and leaves logging exactly as it was.
 */
import { Logger } from '../logger.js';
import { Formatter } from '../formatter.js';
import { Filter } from '../filter.js';
import { Handler } from '../handler.js';
import { NOTSET, checkLevel } from '../levels.js';
import { ConfigError } from '../errors.js';
import type { FilterLike } from '../filterer.js';
import { getNamedHandler } from '../internal/registry.js';
import { writeStderr } from '../internal/report.js';
import { BaseConfigurator, isPlainObject } from './base-configurator.js';
import { lookupClass, entryForCtor, isHandlersClass, checkValue, type AnyCtor, type ArgsMapper } from './class-registry.js';
import { keyError, joinPath, describe, quoted, type KeyPathError } from './key-path.js';
import { queueForm, makeListener, workerOnlyHandlers, startListeners, retire, type HandlerObj, type ListenerLike, type QueueSetup } from './dict-configurator.queue.js';

export { startListeners };

/** What `build()` produced; nothing in it is attached to a logger yet. */
export interface BuiltConfig {
  formatters: Map<string, unknown>;
  filters: Map<string, unknown>;
  handlers: Map<string, HandlerObj>;
  /** Listeners created by the 3.12 QueueHandler form; started by commit. */
  listeners: ListenerLike[];
  /** Settles once every listener has started (a worker listener has built its handlers); failures are reported, not thrown. */
  started?: Promise<void>;
}

const HANDLER_COMMON = new Set(['class', '()', 'level', 'formatter', 'filters', '.']);
const FORMATTER_KEYS = new Set(['format', 'datefmt', 'style', 'validate', 'defaults', 'class', '.']);
const LOGGER_KEYS = new Set(['level', 'propagate', 'filters', 'handlers']);
const QUEUE_KEYS = ['queue', 'listener', 'handlers', 'respect_handler_level'];

/** Handlers the last non-incremental dictConfig installed (Python's `_handlerList` as far as dictConfig goes). */
let configured = new Set<HandlerObj>();
/** Listeners the last dictConfig started. */
let startedListeners: ListenerLike[] = [];

/** Wrap an error as Python's "Unable to configure <what>", keeping the key path and the cause. */
function unable(what: string, e: unknown): KeyPathError {
  const inner = e as KeyPathError;
  const msg = inner instanceof Error ? inner.message : String(e);
  const err = new ConfigError(`Unable to configure ${what}: ${msg}`, { cause: e }) as KeyPathError;
  if (inner?.path !== undefined) err.path = inner.path;
  return err;
}

/**
 * Python's `DictConfigurator`. Override `configureFormatter`,
 * `configureFilter`, `configureHandler` or `configureLogger` to change how one
 * kind of object is built.
 */
/** The keys of a version-1 config, as Python's dictConfig reads them. */
const TOP_LEVEL_KEYS = ['version', 'formatters', 'filters', 'handlers', 'loggers', 'root', 'incremental', 'disable_existing_loggers'];

/**
 * Python ignores a key it does not know, so a misspelled `handler:` or `logger:`
 * leaves the configuration silently incomplete. Other top-level keys are
 * legitimate when a `cfg://key…` reference reads them (Python's idiom for
 * shared values), so an unknown key that nothing references is reported on
 * stderr, naming the accepted keys, and the configuration goes on as Python's
 * would. `$schema` and keys starting with `_` or `x-` are never reported.
 */
function checkTopLevelKeys(config: Record<string, unknown>): void {
  let referenced: Set<string> | null = null;
  for (const key of Object.keys(config)) {
    if (TOP_LEVEL_KEYS.includes(key) || key === '$schema' || key.startsWith('_') || key.startsWith('x-')) continue;
    referenced ??= cfgRoots(config);
    if (referenced.has(key)) continue;
    writeStderr(`--- Logging: dictConfig: unknown top-level key '${key}' ignored (no cfg:// reference reads it); accepted: ${TOP_LEVEL_KEYS.join(', ')} ---\n`);
  }
}

/** The first path segment of every `cfg://` string in the config (`cfg://streams.out` → `streams`). */
function cfgRoots(config: unknown): Set<string> {
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      const m = /^cfg:\/\/([^.[\s]+)/.exec(v);
      if (m) out.add(m[1]!);
      return;
    }
    if (typeof v !== 'object' || v === null || seen.has(v) || depth > 32) return;
    seen.add(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
  };
  walk(config, 0);
  return out;
}

export class DictConfigurator extends BaseConfigurator {
  /** Validate the whole config and apply it. Returns a promise for the retirement of the old handlers. */
  configure(): Promise<void> {
    const config = this.config;
    if (!isPlainObject(config)) throw keyError('', `expected a config object, got ${describe(config)}`);
    if (!('version' in config)) throw keyError('version', "dictionary doesn't specify a version");
    if (config.version !== 1) throw keyError('version', `Unsupported version: ${describe(config.version)} (only 1 is defined)`);
    checkTopLevelKeys(config);
    const incremental = config.incremental ?? false;
    if (typeof incremental !== 'boolean') throw keyError('incremental', `expected true or false, got ${describe(incremental)}`);
    if (incremental) {
      this.configureIncremental();
      return Promise.resolve();
    }
    const disableExisting = config.disable_existing_loggers ?? true;
    if (typeof disableExisting !== 'boolean') throw keyError('disable_existing_loggers', `expected true or false, got ${describe(disableExisting)}`);
    const built = this.build();
    try {
      this.checkLoggers(built);
    } catch (e) {
      discard(built);
      throw e;
    }
    return this.commit(built, disableExisting);
  }

  /** Section `name` as an object of entries (empty when absent). */
  section(name: string): Record<string, unknown> {
    let s = this.config[name];
    if (typeof s === 'string') s = this.convert(s, name);
    if (s === undefined || s === null) return {};
    if (!isPlainObject(s)) throw keyError(name, `expected an object, got ${describe(s)}`);
    const out: Record<string, unknown> = {};
    // Entries may themselves be cfg:// references (Python's ConvertingDict converts on access,
    // inside configure's "Unable to configure <kind> '<name>'").
    const kind = SECTION_KINDS[name];
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== 'string') {
        out[k] = v;
        continue;
      }
      try {
        out[k] = this.convert(v, joinPath(name, k));
      } catch (e) {
        throw kind === undefined ? e : unable(`${kind} '${k}'`, e);
      }
    }
    return out;
  }

  /** The `root` entry, converted when it is a reference. */
  rootSection(): unknown {
    const r = this.config.root;
    return typeof r === 'string' ? this.convert(r, 'root') : r;
  }

  /** Phase one: formatters, filters, then handlers in dependency order. Closes what it built if anything fails. */
  build(): BuiltConfig {
    const built: BuiltConfig = { formatters: new Map(), filters: new Map(), handlers: new Map(), listeners: [] };
    try {
      for (const [name, fc] of Object.entries(this.section('formatters'))) {
        try {
          built.formatters.set(name, this.configureFormatter(fc, joinPath('formatters', name)));
        } catch (e) {
          throw unable(`formatter '${name}'`, e);
        }
      }
      for (const [name, fc] of Object.entries(this.section('filters'))) {
        try {
          built.filters.set(name, this.configureFilter(fc, joinPath('filters', name)));
        } catch (e) {
          throw unable(`filter '${name}'`, e);
        }
      }
      const handlers = this.section('handlers');
      const skip = workerOnlyHandlers(this);
      for (const name of Object.keys(handlers).sort()) if (!skip.has(name)) this.#buildHandler(name, handlers, built, []);
    } catch (e) {
      discard(built);
      throw e;
    }
    return built;
  }

  #buildHandler(name: string, all: Record<string, unknown>, built: BuiltConfig, stack: string[]): HandlerObj {
    const done = built.handlers.get(name);
    if (done) return done;
    if (stack.includes(name)) {
      throw unable(`handler '${stack[0]}'`, keyError(joinPath('handlers', stack[0]!), `reference cycle: ${[...stack, name].join(' -> ')}`));
    }
    try {
      const h = this.configureHandler(all[name], joinPath('handlers', name), built, (ref, at) => {
        if (typeof ref !== 'string') return checkValue(ref, 'handler', at) as HandlerObj;
        if (!(ref in all)) throw keyError(at, at.endsWith('.target') ? `Unable to set target handler ${quoted(ref)}: no handler of that name in handlers` : `no handler named ${quoted(ref)} in handlers`);
        return this.#buildHandler(ref, all, built, [...stack, name]);
      });
      built.handlers.set(name, h);
      return h;
    } catch (e) {
      if (e instanceof ConfigError && e.message.startsWith('Unable to configure handler')) throw e;
      throw unable(`handler '${name}'`, e);
    }
  }

  /** Python's `configure_formatter`. */
  configureFormatter(fc: unknown, at: string): unknown {
    if (!isPlainObject(fc)) throw keyError(at, `expected an object, got ${describe(fc)}`);
    if ('()' in fc) {
      const cfg = { ...fc };
      const factory = this.resolveFactory(cfg['()'], joinPath(at, '()'));
      const entry = entryForCtor(factory as AnyCtor);
      // Python retries a factory that does not take 'format' with 'fmt'.
      if ('format' in cfg && entry?.argsMapper.params?.some((p) => p.name === 'fmt') && !entry.argsMapper.params.some((p) => p.name === 'format')) {
        cfg.fmt = cfg.format;
        delete cfg.format;
      }
      return this.configureCustom(cfg, at);
    }
    for (const k of Object.keys(fc)) {
      if (!FORMATTER_KEYS.has(k)) throw keyError(joinPath(at, k), `unknown formatter key '${k}' (accepted: ${[...FORMATTER_KEYS].join(', ')}; use '()' to pass other arguments)`);
    }
    const kwargs: Record<string, unknown> = {};
    const put = (key: string, as: string, type: 'str' | 'bool' | 'object'): void => {
      if (fc[key] === undefined) return;
      kwargs[as] = checkValue(this.convert(fc[key], joinPath(at, key)), type, joinPath(at, key));
    };
    put('format', 'fmt', 'str');
    put('datefmt', 'datefmt', 'str');
    put('style', 'style', 'str');
    if (kwargs.style !== undefined && !['%', '{', '$'].includes(kwargs.style as string)) {
      throw keyError(joinPath(at, 'style'), `Style must be one of: %,{,$ (got ${describe(kwargs.style)})`);
    }
    put('validate', 'validate', 'bool');
    put('defaults', 'defaults', 'object');
    let cls: unknown = Formatter;
    if (fc.class !== undefined && fc.class !== null && fc.class !== '') cls = this.resolveFactory(fc.class, joinPath(at, 'class'));
    const result = this.callFactory(cls, kwargs, at, undefined, undefined, true);
    this.setProps(result, fc['.'], at);
    return result;
  }

  /** Python's `configure_filter`. */
  configureFilter(fc: unknown, at: string): unknown {
    if (!isPlainObject(fc)) throw keyError(at, `expected an object, got ${describe(fc)}`);
    if ('()' in fc) return this.configureCustom(fc, at);
    for (const k of Object.keys(fc)) {
      if (k !== 'name') throw keyError(joinPath(at, k), `unknown filter key '${k}' (accepted: name; use '()' for a custom filter)`);
    }
    return new Filter(checkValue(fc.name ?? '', 'str', joinPath(at, 'name')) as string);
  }

  /** Python's `add_filters`: names from the `filters` section, or filter objects/functions given inline. */
  resolveFilters(list: unknown, at: string, built: BuiltConfig): FilterLike[] {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw keyError(at, `expected a list of filter names, got ${describe(list)}`);
    return list.map((f, i) => {
      if (typeof f === 'function' || (typeof f === 'object' && f !== null && typeof (f as { filter?: unknown }).filter === 'function')) return f as FilterLike;
      if (typeof f === 'string' && built.filters.has(f)) return built.filters.get(f) as FilterLike;
      throw keyError(joinPath(at, i), `Unable to add filter ${quoted(f)}: no filter of that name in filters`);
    });
  }

  /**
   * Python's `configure_handler`: build one handler from its dict. `handlerRef`
   * turns a handler name (MemoryHandler's `target`, the QueueHandler form's
   * `handlers`) into the built handler, building it first if needed.
   */
  configureHandler(hc: unknown, at: string, built: BuiltConfig, handlerRef: (ref: unknown, at: string) => HandlerObj): HandlerObj {
    if (!isPlainObject(hc)) throw keyError(at, `expected an object, got ${describe(hc)}`);
    let formatter: unknown = null;
    if (hc.formatter !== undefined && hc.formatter !== null && hc.formatter !== '') {
      const fp = joinPath(at, 'formatter');
      if (typeof hc.formatter !== 'string') throw keyError(fp, `expected a formatter name, got ${describe(hc.formatter)}`);
      if (!built.formatters.has(hc.formatter)) throw keyError(fp, `Unable to set formatter ${quoted(hc.formatter)}: no formatter of that name in formatters`);
      formatter = built.formatters.get(hc.formatter);
    }
    const level = hc.level === undefined || hc.level === null ? null : (checkValue(this.convert(hc.level, joinPath(at, 'level')), 'level', joinPath(at, 'level')) as number);
    const filters = this.resolveFilters(hc.filters, joinPath(at, 'filters'), built);

    let factory: unknown;
    let mapper: ArgsMapper | undefined;
    let className: string;
    if ('()' in hc) {
      factory = this.resolveFactory(hc['()'], joinPath(at, '()'));
      className = (factory as { name: string }).name;
    } else {
      const cname = hc.class;
      if (cname === undefined || cname === null || cname === '') throw keyError(at, "missing 'class' (or a '()' factory)");
      if (typeof cname === 'string') {
        const entry = lookupClass(cname);
        factory = entry ? entry.ctor : this.resolveFactory(cname, joinPath(at, 'class'));
        mapper = entry?.argsMapper;
        className = cname;
      } else {
        factory = this.resolveFactory(cname, joinPath(at, 'class'));
        className = (factory as { name: string }).name;
      }
      if (typeof factory !== 'function') throw keyError(joinPath(at, 'class'), `expected a class, got ${describe(factory)}`);
    }
    if (!('()' in hc)) mapper ??= entryForCtor(factory as AnyCtor)?.argsMapper;
    else if (entryForCtor(factory as AnyCtor)?.ctor === factory) mapper ??= entryForCtor(factory as AnyCtor)?.argsMapper;
    const isQueue = isHandlersClass(factory, 'QueueHandler');

    const kwargs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(hc)) {
      if (HANDLER_COMMON.has(k) || (isQueue && QUEUE_KEYS.includes(k))) continue;
      kwargs[k] = this.convert(v, joinPath(at, k));
    }
    // Keyword arguments that name other handlers (MemoryHandler's target).
    const refKeys = new Set((mapper?.params ?? []).filter((p) => p.type === 'handler').map((p) => p.name));
    if (isHandlersClass(factory, 'MemoryHandler')) refKeys.add('target');
    for (const k of refKeys) {
      if (kwargs[k] !== undefined && kwargs[k] !== null) kwargs[k] = handlerRef(kwargs[k], joinPath(at, k));
    }
    let queueSetup: QueueSetup | null = null;
    if (isQueue) queueSetup = queueForm(this, hc, at, kwargs, handlerRef);

    const result = this.callFactory(factory, kwargs, at, mapper, className, !('()' in hc)) as HandlerObj;
    if (result === null || typeof result !== 'object' || typeof result.handle !== 'function') {
      throw keyError(at, `${className} did not produce a handler (got ${describe(result)})`);
    }
    try {
      if (formatter !== null) result.setFormatter(formatter as Formatter);
      if (level !== null) result.setLevel(level);
      for (const f of filters) result.addFilter(f);
      this.setProps(result, hc['.'], at);
      if (queueSetup) built.listeners.push(makeListener(this, result, queueSetup, at));
    } catch (e) {
      void result.close?.();
      throw e;
    }
    return result;
  }

  /** Check every logger entry (and root) against what was built, before anything changes. */
  checkLoggers(built: BuiltConfig): void {
    for (const [name, lc] of Object.entries(this.section('loggers'))) {
      try {
        this.#checkLogger(lc, joinPath('loggers', name), built);
      } catch (e) {
        throw unable(`logger '${name}'`, e);
      }
    }
    const root = this.rootSection();
    if (root) {
      try {
        this.#checkLogger(root, 'root', built);
      } catch (e) {
        throw unable('root logger', e);
      }
    }
  }

  #checkLogger(lc: unknown, at: string, built: BuiltConfig | null): void {
    if (!isPlainObject(lc)) throw keyError(at, `expected an object, got ${describe(lc)}`);
    for (const k of Object.keys(lc)) {
      if (!LOGGER_KEYS.has(k)) throw keyError(joinPath(at, k), `unknown logger key '${k}' (accepted: ${[...LOGGER_KEYS].join(', ')})`);
    }
    if (lc.level !== undefined && lc.level !== null) checkValue(lc.level, 'level', joinPath(at, 'level'));
    if (lc.propagate !== undefined && lc.propagate !== null) toBool(lc.propagate, joinPath(at, 'propagate'));
    if (built === null) return;
    const hs = lc.handlers;
    if (hs !== undefined && hs !== null) {
      const hp = joinPath(at, 'handlers');
      if (!Array.isArray(hs)) throw keyError(hp, `expected a list of handler names, got ${describe(hs)}`);
      hs.forEach((h, i) => {
        if (typeof h !== 'string' || !built.handlers.has(h)) throw keyError(joinPath(hp, i), `Unable to add handler ${quoted(h)}: no handler of that name in handlers`);
      });
    }
    this.resolveFilters(lc.filters, joinPath(at, 'filters'), built);
  }

  /** Python's `configure_logger` / `common_logger_config` for an already-checked entry. */
  configureLogger(logger: Logger, lc: Record<string, unknown>, built: BuiltConfig | null, isRoot: boolean, retired: Set<unknown>): void {
    if (lc.level !== undefined && lc.level !== null) logger.setLevel(checkLevel(lc.level));
    if (built !== null) {
      for (const h of logger.handlers.slice()) {
        logger.removeHandler(h);
        retired.add(h);
      }
      for (const name of (lc.handlers as string[] | undefined) ?? []) logger.addHandler(built.handlers.get(name)!);
      for (const f of this.resolveFilters(lc.filters, '', built)) logger.addFilter(f);
    }
    if (!isRoot) {
      logger.disabled = false;
      if (lc.propagate !== undefined && lc.propagate !== null) logger.propagate = toBool(lc.propagate, '');
    }
  }

  /** Phase two: attach the built handlers to loggers, then retire the ones they replace. */
  commit(built: BuiltConfig, disableExisting: boolean): Promise<void> {
    const retired = new Set<unknown>(configured);
    for (const [name, h] of built.handlers) h.name = name;
    const manager = Logger.manager;
    const existing = [...manager.loggerDict.keys()].sort();
    const existingSet = new Set(existing);
    const childLoggers = new Set<string>();
    const loggers = this.section('loggers');
    for (const name of Object.keys(loggers)) {
      if (existingSet.has(name)) {
        const prefixed = name + '.';
        for (const other of existing) if (other.startsWith(prefixed)) childLoggers.add(other);
        existingSet.delete(name);
      }
      this.configureLogger(loggerNamed(name), loggers[name] as Record<string, unknown>, built, false, retired);
    }
    for (const name of existing) {
      if (!existingSet.has(name)) continue;
      const logger = manager.loggerDict.get(name);
      if (!(logger instanceof Logger)) continue; // a PlaceHolder: nothing to reset or disable
      if (childLoggers.has(name)) {
        logger.setLevel(NOTSET);
        for (const h of logger.handlers) retired.add(h);
        logger.handlers = [];
        logger.propagate = true;
      } else {
        logger.disabled = disableExisting;
      }
    }
    const root = this.rootSection();
    if (root) this.configureLogger(manager.root, root as Record<string, unknown>, built, true, retired);
    built.started = startListeners(built.listeners);
    const oldListeners = startedListeners;
    startedListeners = built.listeners;
    configured = new Set(built.handlers.values());
    // Handlers still attached somewhere (user-added, on loggers the config does not name) stay open.
    for (const l of [manager.root, ...manager.loggerDict.values()]) {
      if (l instanceof Logger) for (const h of l.handlers) retired.delete(h);
    }
    for (const h of built.handlers.values()) retired.delete(h);
    return Promise.all([built.started, retire(oldListeners, [...retired] as HandlerObj[])]).then(() => undefined);
  }

  /** `incremental: true`: only levels (handlers by name, loggers, root) and `propagate` change. */
  configureIncremental(): void {
    const handlers = this.section('handlers');
    const levels: [Handler, number][] = [];
    for (const [name, hc] of Object.entries(handlers)) {
      const at = joinPath('handlers', name);
      const h = getNamedHandler(name) as Handler | undefined;
      if (!h) throw unable(`handler '${name}'`, keyError(at, `No handler found with name ${quoted(name)}`));
      if (isPlainObject(hc) && hc.level !== undefined && hc.level !== null && hc.level !== '') {
        levels.push([h, checkValue(hc.level, 'level', joinPath(at, 'level')) as number]);
      }
    }
    const loggers = this.section('loggers');
    for (const [name, lc] of Object.entries(loggers)) {
      try {
        this.#checkLogger(lc, joinPath('loggers', name), null);
      } catch (e) {
        throw unable(`logger '${name}'`, e);
      }
    }
    const root = this.rootSection();
    if (root) {
      try {
        this.#checkLogger(root, 'root', null);
      } catch (e) {
        throw unable('root logger', e);
      }
    }
    for (const [h, lv] of levels) h.setLevel(lv);
    const none = new Set<unknown>();
    for (const [name, lc] of Object.entries(loggers)) this.configureLogger(loggerNamed(name), lc as Record<string, unknown>, null, false, none);
    if (root) this.configureLogger(Logger.manager.root, root as Record<string, unknown>, null, true, none);
  }
}

const SECTION_KINDS: Record<string, string> = { formatters: 'formatter', filters: 'filter', handlers: 'handler', loggers: 'logger' };

/** Python's `logging.getLogger(name)`: `loggers: { root: … }` (or `''`) is the root logger itself. */
function loggerNamed(name: string): Logger {
  const manager = Logger.manager;
  return name === '' || name === manager.root.name ? manager.root : manager.getLogger(name);
}

/**
 * `propagate` as a boolean. Python assigns whatever it is given and tests it
 * for truth; configs in the wild write `"true"`/`"false"` and 0/1, which we
 * accept with their evident meaning (Python would treat `"false"` as true).
 */
function toBool(v: unknown, at: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw keyError(at, `expected true or false, got ${describe(v)}`);
}

/** Close everything a failed build made. */
function discard(built: BuiltConfig): void {
  for (const h of built.handlers.values()) {
    try {
      void Promise.resolve(h.close()).catch(() => {});
    } catch {
      /* a half-made handler may fail to close; the config error is what matters */
    }
  }
}

