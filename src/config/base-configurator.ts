/**
 * The value machinery of dictConfig (Python's `BaseConfigurator`): resolving
 * class and factory names, `ext://` and `cfg://` references, and `'()'` user
 * factories with `'.'` attribute setting. Unlike Python it never mutates the
 * config it is given: converted values are fresh copies.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import * as core from '../index.js';
import { lookupClass, entryForCtor, isClass, handlersNamespace, handlersModuleError, type AnyCtor, type ArgsMapper } from './class-registry.js';
import { keyError, joinPath, describe, quoted } from './key-path.js';

/** Loads a module for a `'specifier:export'` name; swap it to load modules another way. */
export type Importer = (specifier: string) => Promise<Record<string, unknown>>;

/** Options shared by the configurators. */
export interface ConfiguratorOptions {
  /** Directory that relative module specifiers (`'./my-filters.js:Only'`) resolve against; default process.cwd(). */
  baseDir?: string;
  /** How module specifiers are loaded (default: dynamic `import()`). */
  importer?: Importer;
  /**
   * Restricted mode, for configs from less trusted places (default false: a
   * config is code, as in Python). Only registered classes can be named by
   * `class` and `'()'` (no plain functions, no module imports, no dotted paths
   * into `process`, `console` or `globalThis`; `ext://` reaches only
   * `sys.stdout`/`sys.stderr`/`sys.stdin` and logflume's own exports), and
   * `'.'` sets attributes only on what a registered class built.
   */
  restricted?: boolean;
}

/** Roots a restricted config may reach with `ext://` and dotted names. */
const RESTRICTED_ROOTS = new Set(['sys', 'logging', 'logflume']);
/** Property names no dotted path or `'.'` may use in restricted mode (the way to prototypes). */
const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const CONVERT_PATTERN = /^([a-z]+):\/\/(.*)$/s;
const WORD_PATTERN = /^\s*(\w+)\s*/;
const DOT_PATTERN = /^\.\s*(\w+)\s*/;
const INDEX_PATTERN = /^\[\s*(\w+)\s*\]\s*/;
const DIGIT_PATTERN = /^\d+$/;
const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Roots that `ext://` and dotted names start from (Python's importable modules). */
const EXT_ROOTS: Record<string, () => unknown> = {
  sys: () => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }),
  process: () => process,
  console: () => console,
  globalThis: () => globalThis,
  logging: () => ({ ...core, handlers: handlersNamespace() ?? {} }),
  logflume: () => ({ ...core, handlers: handlersNamespace() ?? {} }),
};

/** Plain objects and arrays are walked when converting; class instances are values. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Python's `BaseConfigurator`. Subclasses add the schema; this owns value
 * conversion. Override `resolve` or set `importer` to find classes elsewhere.
 */
export class BaseConfigurator {
  /** The configuration as given (never mutated). */
  readonly config: Record<string, unknown>;
  /** Loads module specifiers in the async path; override to use another loader. */
  importer: Importer;
  readonly baseDir: string;
  /** Restricted mode (see ConfiguratorOptions.restricted). */
  readonly restricted: boolean;
  /** Modules loaded by `preload()`, by specifier as written. */
  protected readonly modules = new Map<string, Record<string, unknown>>();

  constructor(config: Record<string, unknown>, options: ConfiguratorOptions = {}) {
    this.config = config;
    this.baseDir = options.baseDir ?? process.cwd();
    this.restricted = options.restricted === true;
    this.importer = options.importer ?? ((spec) => import(spec) as Promise<Record<string, unknown>>);
  }

  /**
   * Resolve a name to an object (Python's `resolve`): a registered class name,
   * `'module-specifier:export.path'`, or a dotted path from `sys`, `process`,
   * `console`, `globalThis` or `logging`. Module specifiers must have been
   * loaded by `preload()` (dictConfigAsync does that).
   */
  resolve(name: string, at: string): unknown {
    const entry = lookupClass(name);
    if (entry) return entry.ctor;
    const colon = name.lastIndexOf(':');
    if (colon > 0 && this.restricted) throw keyError(at, `Cannot resolve ${quoted(name)}: restricted mode imports no modules (register the class with registerClass() instead)`);
    if (colon > 0) {
      const spec = name.slice(0, colon);
      const mod = this.modules.get(spec);
      if (!mod) {
        throw keyError(at, `Cannot resolve ${quoted(name)}: module ${describe(spec)} is not loaded (dictConfig is synchronous; use dictConfigAsync or configureFromFile to import modules)`);
      }
      return walk(mod, name.slice(colon + 1), name, at, true);
    }
    const dot = name.indexOf('.');
    const rootName = dot < 0 ? name : name.slice(0, dot);
    const root = EXT_ROOTS[rootName];
    if (this.restricted && dot > 0 && Object.hasOwn(EXT_ROOTS, rootName)) {
      if (!RESTRICTED_ROOTS.has(rootName)) throw keyError(at, `Cannot resolve ${quoted(name)}: restricted mode reaches only ${[...RESTRICTED_ROOTS].join(', ')}`);
      if (name.split('.').some((f) => PROTO_KEYS.has(f))) throw keyError(at, `Cannot resolve ${quoted(name)}: restricted mode does not follow __proto__, constructor or prototype`);
    }
    if (root && dot > 0) return walk(root(), name.slice(dot + 1), name, at, false);
    let hint = '';
    if (/^(?:logging|logflume)[./]handlers\./.test(name)) {
      const err = handlersModuleError();
      hint = err ? ` (logflume/handlers failed to load: ${(err as Error).message})` : ' (no such class in logflume/handlers yet)';
    } else if (/^[\w.]+$/.test(name) && name.includes('.')) {
      hint = " (name a JavaScript module as 'specifier:export', e.g. './my-handlers.js:MyHandler', or registerClass() it)";
    }
    throw keyError(at, `Cannot resolve ${quoted(name)}: unknown class or object${hint}`);
  }

  /** Load every module a `'specifier:export'` name in the config refers to. */
  async preload(): Promise<void> {
    const specs = new Set<string>();
    collectSpecifiers(this.config, specs, new Set());
    for (const spec of specs) {
      if (this.restricted && !lookupClass(spec)) throw keyError('', `Cannot import module ${describe(spec)}: restricted mode imports no modules (register the class with registerClass() instead)`);
      if (this.modules.has(spec) || lookupClass(spec)) continue;
      const target = spec.startsWith('.') || path.isAbsolute(spec) ? pathToFileURL(path.resolve(this.baseDir, spec)).href : spec;
      try {
        this.modules.set(spec, await this.importer(target));
      } catch (e) {
        throw keyError('', `Cannot import module ${describe(spec)}: ${(e as Error).message}`, e);
      }
    }
  }

  /** Python's `ext_convert`: resolve the part after `ext://`. */
  extConvert(value: string, at: string): unknown {
    return this.resolve(value, at);
  }

  /**
   * Python's `cfg_convert`: follow a path like `handlers.email[toaddrs][0]`
   * into this configuration. The result is converted in turn; a reference
   * that leads back to itself is reported as a cycle.
   */
  cfgConvert(value: string, at: string, stack: string[] = []): unknown {
    const ref = 'cfg://' + value;
    if (stack.includes(ref)) throw keyError(at, `reference cycle: ${[...stack, ref].join(' -> ')}`);
    let rest = value;
    const m = WORD_PATTERN.exec(rest);
    if (!m) throw keyError(at, `Unable to convert ${quoted(ref)}`);
    rest = rest.slice(m[0].length);
    let d: unknown = this.config[m[1]!];
    let walked = m[1]!;
    if (d === undefined) throw keyError(at, `Unable to convert ${quoted(ref)}: no key ${describe(walked)}`);
    while (rest) {
      const dm = DOT_PATTERN.exec(rest);
      const im = dm ? null : INDEX_PATTERN.exec(rest);
      const mm = dm ?? im;
      if (!mm) throw keyError(at, `Unable to convert ${quoted(ref)} at ${describe(rest)}`);
      const key = mm[1]!;
      // An earlier step may itself be a reference.
      d = this.convert(d, at, [...stack, ref]);
      let next: unknown;
      if (im && DIGIT_PATTERN.test(key) && Array.isArray(d)) next = d[Number(key)];
      else if (d !== null && typeof d === 'object') next = (d as Record<string, unknown>)[key];
      walked += dm ? '.' + key : `[${key}]`;
      if (next === undefined) throw keyError(at, `Unable to convert ${quoted(ref)}: nothing at ${describe(walked)}`);
      d = next;
      rest = rest.slice(mm[0].length);
    }
    return this.convert(d, at, [...stack, ref]);
  }

  /**
   * Python's `convert`: strings of the form `ext://…` / `cfg://…` become what
   * they refer to; plain objects and arrays are copied with their contents
   * converted; anything else is returned as is.
   */
  convert(value: unknown, at: string, stack: string[] = []): unknown {
    if (typeof value === 'string') {
      const m = CONVERT_PATTERN.exec(value);
      if (m) {
        if (m[1] === 'ext') return this.extConvert(m[2]!, at);
        if (m[1] === 'cfg') return this.cfgConvert(m[2]!, at, stack);
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => this.convert(v, joinPath(at, i), stack));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.convert(v, joinPath(at, k), stack);
      return out;
    }
    return value;
  }

  /** A factory given as a function, class, or a name to resolve. */
  resolveFactory(ref: unknown, at: string): AnyCtor | ((...a: unknown[]) => unknown) {
    let f = ref;
    if (typeof f === 'string') {
      const m = CONVERT_PATTERN.exec(f);
      f = m ? this.convert(f, at) : this.resolve(f, at);
    }
    if (typeof f !== 'function') throw keyError(at, `expected a class or factory function, got ${describe(f)}`);
    if (this.restricted && entryForCtor(f as AnyCtor)?.ctor !== f) throw keyError(at, `${describe(ref)}: restricted mode constructs only registered classes (registerClass() it)`);
    return f as AnyCtor;
  }

  /**
   * Call a factory with keyword arguments: a registered class through its args
   * mapper (with `inherit`, also a subclass of one: what a `class` key names is
   * taken to keep its base's signature), another class with `new C(kwargs)`,
   * a plain function as `f(kwargs)` (JavaScript's stand-in for `f(**kwargs)`).
   */
  callFactory(factory: unknown, kwargs: Record<string, unknown>, at: string, mapper?: ArgsMapper, name?: string, inherit = false): unknown {
    const className = name ?? ((factory as { name?: string }).name || '(factory)');
    const found = entryForCtor(factory as AnyCtor);
    if (this.restricted && !(found && (inherit || found.ctor === factory))) throw keyError(at, `${className}: restricted mode constructs only registered classes (registerClass() it)`);
    const entry = mapper ? { argsMapper: mapper } : found && (inherit || found.ctor === factory) ? found : undefined;
    let args: unknown[];
    if (entry) args = entry.argsMapper(kwargs, { path: at, className });
    else args = Object.keys(kwargs).length === 0 ? [] : [kwargs];
    try {
      if (entry || isClass(factory)) return new (factory as AnyCtor)(...args);
      return (factory as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      if ((e as { path?: string }).path !== undefined) throw e;
      throw keyError(at, `${className}: ${(e as Error)?.message ?? String(e)}`, e);
    }
  }

  /** Python's `configure_custom`: build an object from a dict with a `'()'` factory and optional `'.'` attributes. */
  configureCustom(config: Record<string, unknown>, at: string): unknown {
    const factory = this.resolveFactory(config['()'], joinPath(at, '()'));
    const kwargs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
      if (k === '()' || k === '.') continue;
      if (!IDENT.test(k)) throw keyError(joinPath(at, k), `Not a valid identifier: ${describe(k)}`);
      kwargs[k] = this.convert(v, joinPath(at, k));
    }
    const result = this.callFactory(factory, kwargs, at);
    this.setProps(result, config['.'], at);
    return result;
  }

  /** Apply a `'.'` dict of attributes to a freshly built object. */
  setProps(target: unknown, props: unknown, at: string): void {
    if (props === undefined || props === null) return;
    const p = joinPath(at, '.');
    if (!isPlainObject(props)) throw keyError(p, `expected an object of attributes, got ${describe(props)}`);
    // A factory may return a shared object (Object.getPrototypeOf gives Object.prototype): never set attributes on a prototype.
    if (isPrototypeObject(target)) throw keyError(p, `refusing to set attributes on a prototype object (${describe(target)})`);
    if (this.restricted) {
      const ctor = (target as { constructor?: unknown } | null)?.constructor;
      if (typeof ctor !== 'function' || entryForCtor(ctor as AnyCtor) === undefined) throw keyError(p, `restricted mode sets '.' attributes only on objects built by a registered class`);
    }
    for (const [k, v] of Object.entries(props)) {
      if (PROTO_KEYS.has(k) && this.restricted) throw keyError(joinPath(p, k), `restricted mode does not set ${describe(k)}`);
      (target as Record<string, unknown>)[k] = this.convert(v, joinPath(p, k));
    }
  }
}

/** Whether `v` is some function's `prototype` object (Object.prototype, Array.prototype, a class's prototype). */
function isPrototypeObject(v: unknown): boolean {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return false;
  if (v === Object.prototype || v === Function.prototype) return true;
  const c = Object.getOwnPropertyDescriptor(v, 'constructor')?.value as { prototype?: unknown } | undefined;
  return typeof c === 'function' && c.prototype === v;
}

function walk(start: unknown, dotted: string, full: string, at: string, isModule: boolean): unknown {
  let cur = start;
  for (const frag of dotted.split('.')) {
    if (cur === null || cur === undefined || !(frag in Object(cur))) {
      throw keyError(at, `Cannot resolve ${quoted(full)}: no ${describe(frag)}${isModule ? ' exported' : ''}`);
    }
    cur = (cur as Record<string, unknown>)[frag];
  }
  return cur;
}

/** Module specifiers named by `class`, `'()'`, `listener`, `queue` values and `ext://` strings. */
function collectSpecifiers(v: unknown, out: Set<string>, seen: Set<unknown>): void {
  if (typeof v === 'string') return;
  if (seen.has(v)) return;
  if (Array.isArray(v)) {
    seen.add(v);
    for (const x of v) {
      if (typeof x === 'string') addSpec(x, out, true);
      else collectSpecifiers(x, out, seen);
    }
    return;
  }
  if (!isPlainObject(v)) return;
  seen.add(v);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') addSpec(x, out, k === 'class' || k === '()' || k === 'listener' || k === 'queue');
    else collectSpecifiers(x, out, seen);
  }
}

function addSpec(s: string, out: Set<string>, isClassKey: boolean): void {
  let name = s;
  const m = CONVERT_PATTERN.exec(s);
  if (m) {
    if (m[1] !== 'ext') return;
    name = m[2]!;
  } else if (!isClassKey) return;
  const colon = name.lastIndexOf(':');
  if (colon > 0) out.add(name.slice(0, colon));
}
