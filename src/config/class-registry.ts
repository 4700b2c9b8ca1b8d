/**
 * Class names dictConfig understands: Python's spelling (`logging.StreamHandler`,
 * `logging.handlers.RotatingFileHandler`), logflume's (`StreamHandler`,
 * `logflume.handlers.RotatingFileHandler`) and whatever users register. Each
 * entry pairs a constructor with an {@link ArgsMapper} that turns Python keyword
 * arguments into the constructor call, so adding a class is one line:
 *
 * @example registerClass('logging.handlers.RotatingFileHandler', RotatingFileHandler,
 *   pyArgs('filename!:path', 'mode:str', 'maxBytes:int', 'backupCount:int', 'encoding:str', 'delay:bool', 'errors:str'))
 */
import { checkLevel } from '../levels.js';
import { Formatter } from '../formatter.js';
import { Filter } from '../filter.js';
import { RedactingFilter } from '../redacting-filter.js';
import { Handler } from '../handler.js';
import { StreamHandler } from '../stream-handler.js';
import { FileHandler } from '../file-handler.js';
import { NullHandler } from '../null-handler.js';
import { ColorFormatter } from '../color-formatter.js';
import { JsonFormatter } from '../json-formatter.js';
import { keyError, describe, joinPath } from './key-path.js';

/** What an args mapper knows about the call it maps. */
export interface MapContext {
  /** Key path of the object being built, e.g. `handlers.file`. */
  path: string;
  /** The class name as written in the config. */
  className: string;
}

/**
 * Maps Python keyword arguments (already converted: `ext://`, `cfg://` and
 * handler references resolved) to the argument list of `new Ctor(...)`.
 * Throw (a ConfigError from `keyError`) for a bad value; `params`, when
 * present, lists the accepted keyword names for messages and the JSON Schema.
 */
export type ArgsMapper = ((kwargs: Record<string, unknown>, ctx: MapContext) => unknown[]) & { params?: readonly ParamSpec[] };

/** Value kinds `pyArgs` checks. */
export type ParamType = 'str' | 'int' | 'num' | 'bool' | 'path' | 'level' | 'stream' | 'address' | 'strlist' | 'list' | 'handler' | 'object' | 'any';

/** One Python keyword parameter. */
export interface ParamSpec {
  name: string;
  type: ParamType;
  required: boolean;
}

/** A constructor as the registry holds it. */
export type AnyCtor = new (...args: any[]) => unknown;  

/** A registered class. */
export interface ClassEntry {
  /** The name it was registered under (Python's spelling when there is one). */
  name: string;
  ctor: AnyCtor;
  argsMapper: ArgsMapper;
}

const byName = new Map<string, ClassEntry>();
const byCtor = new Map<AnyCtor, ClassEntry>();

/**
 * Parse `'name!:type'` specs (`!` = required) into a mapper that passes the
 * keyword arguments positionally in Python's parameter order, checks each
 * value's kind, and rejects unknown keywords as Python's TypeError would.
 */
export function pyArgs(...specs: string[]): ArgsMapper {
  const params: ParamSpec[] = specs.map((s) => {
    const [rawName, type = 'any'] = s.split(':') as [string, ParamType?];
    const required = rawName.endsWith('!');
    return { name: required ? rawName.slice(0, -1) : rawName, type: type as ParamType, required };
  });
  const mapper: ArgsMapper = (kwargs, ctx) => {
    const checked = checkKwargs(params, kwargs, ctx);
    const args = params.map((p) => checked[p.name]);
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    return args;
  };
  mapper.params = params;
  return mapper;
}

/**
 * {@link pyArgs} for a constructor that takes Python's positional arguments
 * or, from position `optionsAt`, one options object (logflume's handlers:
 * `new RotatingFileHandler(filename, { maxBytes, buffered })`). Python's
 * keywords go positionally unless one of the logflume-only `extras` is given;
 * then everything from `optionsAt` on goes in the options object.
 */
export function pyArgsOpts(optionsAt: number, specs: string[], extras: string[]): ArgsMapper {
  const py = pyArgs(...specs);
  const params = [...py.params!, ...pyArgs(...extras).params!];
  const extraNames = new Set(params.slice(py.params!.length).map((p) => p.name));
  const mapper: ArgsMapper = (kwargs, ctx) => {
    const checked = checkKwargs(params, kwargs, ctx);
    if (!Object.keys(kwargs).some((k) => extraNames.has(k))) {
      const positional = py.params!.map((p) => checked[p.name]);
      while (positional.length > 0 && positional[positional.length - 1] === undefined) positional.pop();
      return positional;
    }
    const args: unknown[] = py.params!.slice(0, optionsAt).map((p) => checked[p.name]);
    const opts: Record<string, unknown> = {};
    for (const p of params.slice(optionsAt)) if (checked[p.name] !== undefined) opts[p.name] = checked[p.name];
    return [...args, opts];
  };
  mapper.params = params;
  return mapper;
}

/**
 * Like {@link pyArgs}, for constructors that take one options object: the
 * checked keyword arguments become `new Ctor({ ...kwargs })`. `rename` maps
 * Python spellings to option names (`{ rename_fields: 'rename' }`).
 */
export function optionsArgs(specs: string[], rename: Record<string, string> = {}): ArgsMapper {
  const params = pyArgs(...specs).params!;
  const mapper: ArgsMapper = (kwargs, ctx) => {
    const opts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(checkKwargs(params, kwargs, ctx))) opts[rename[k] ?? k] = v;
    return [opts];
  };
  mapper.params = params;
  return mapper;
}

/**
 * Check keyword arguments against `params` (unknown names, missing required
 * ones, value kinds) and return them with levels converted to numbers.
 * Useful inside custom mappers that build an options object.
 */
export function checkKwargs(params: readonly ParamSpec[], kwargs: Record<string, unknown>, ctx: MapContext): Record<string, unknown> {
  const known = new Map(params.map((p) => [p.name, p]));
  for (const k of Object.keys(kwargs)) {
    if (!known.has(k)) {
      const names = params.map((p) => p.name).join(', ') || '(none)';
      throw keyError(joinPath(ctx.path, k), `unexpected keyword argument '${k}' for ${ctx.className} (accepted: ${names})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const p of params) {
    const v = kwargs[p.name];
    const path = joinPath(ctx.path, p.name);
    if (v === undefined) {
      if (p.required) throw keyError(path, `missing required argument '${p.name}' for ${ctx.className}`);
      continue;
    }
    out[p.name] = checkValue(v, p.type, path, p.required);
  }
  return out;
}

/** Check (and for levels, convert) one value; null passes unless the parameter is required (Python's None). */
export function checkValue(v: unknown, type: ParamType, path: string, required = false): unknown {
  if (v === null) {
    if (required && type !== 'any') throw keyError(path, `expected ${KIND_TEXT[type]}, got null`);
    return v;
  }
  const bad = (): never => {
    throw keyError(path, `expected ${KIND_TEXT[type]}, got ${describe(v)}`);
  };
  switch (type) {
    case 'str':
      if (typeof v !== 'string') bad();
      return v;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) bad();
      return v;
    case 'num':
      if (typeof v !== 'number' || !Number.isFinite(v)) bad();
      return v;
    case 'bool':
      if (typeof v !== 'boolean') bad();
      return v;
    case 'path':
      if (typeof v !== 'string' && !(v instanceof URL)) bad();
      return v;
    case 'level':
      try {
        return checkLevel(v);
      } catch (e) {
        throw keyError(path, (e as Error).message, e);
      }
    case 'stream':
      if (typeof v !== 'object' || typeof (v as { write?: unknown }).write !== 'function') bad();
      return v;
    case 'address':
      if (typeof v === 'string') return v;
      if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string') return v;
      return bad();
    case 'strlist':
      if (typeof v === 'string') return v;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
      return bad();
    case 'list':
      if (!Array.isArray(v)) bad();
      return v;
    case 'handler':
      if (typeof v !== 'object' || typeof (v as { handle?: unknown }).handle !== 'function') bad();
      return v;
    case 'object':
      if (typeof v !== 'object') bad();
      return v;
    default:
      return v;
  }
}

const KIND_TEXT: Record<ParamType, string> = {
  str: 'a string',
  int: 'an integer',
  num: 'a number',
  bool: 'true or false',
  path: 'a file path',
  level: 'a level',
  stream: 'a stream (an object with write())',
  address: 'an address (a string, or [host, port])',
  strlist: 'a string or a list of strings',
  list: 'a list',
  handler: 'a handler',
  object: 'an object',
  any: 'a value',
};

/** The other spellings a registered name answers to. */
function aliasesOf(name: string): string[] {
  const out = new Set([name]);
  const m = /^(?:logging|logflume)(\.handlers|\/handlers)?\.([A-Za-z_$][\w$]*)$/.exec(name);
  if (m) {
    const cls = m[2]!;
    out.add(cls);
    if (m[1]) {
      for (const p of ['logging.handlers.', 'logflume.handlers.', 'logflume/handlers.']) out.add(p + cls);
    } else {
      for (const p of ['logging.', 'logflume.']) out.add(p + cls);
    }
  }
  return [...out];
}

/**
 * Make a class available to dictConfig under `pyName` (and its aliases: the
 * bare class name, `logflume.`/`logflume.handlers.` spellings). Handler modules
 * call this when they load; applications call it for their own classes.
 * Without `argsMapper` the keyword arguments are passed as one options object.
 * Registering a name again replaces the entry.
 */
export function registerClass(pyName: string | string[], ctor: AnyCtor, argsMapper?: ArgsMapper): void {
  const names = Array.isArray(pyName) ? pyName : [pyName];
  const entry: ClassEntry = { name: names[0]!, ctor, argsMapper: argsMapper ?? optionsObject };
  for (const n of names) for (const a of aliasesOf(n)) byName.set(a, entry);
  byCtor.set(ctor, entry);
}

/** Remove a registration (all of its aliases). */
export function unregisterClass(pyName: string): void {
  const entry = byName.get(pyName);
  if (!entry) return;
  for (const [k, v] of byName) if (v === entry) byName.delete(k);
  if (byCtor.get(entry.ctor) === entry) byCtor.delete(entry.ctor);
}

/** Default mapper: `new Ctor(kwargs)`. */
function optionsObject(kwargs: Record<string, unknown>): unknown[] {
  return Object.keys(kwargs).length === 0 ? [] : [kwargs];
}

/**
 * Python signatures of `logging.handlers` classes (3.12), used when the
 * handlers barrel exports a class that did not register itself.
 */
const FILE_EXTRAS = ['buffered:bool', 'bufferSize:int', 'mkdir:bool', 'fileMode:int'];
export const HANDLER_SIGNATURES: Readonly<Record<string, ArgsMapper>> = {
  WatchedFileHandler: pyArgsOpts(1, ['filename!:path', 'mode:str', 'encoding:str', 'delay:bool', 'errors:str'], FILE_EXTRAS),
  RotatingFileHandler: pyArgsOpts(1, ['filename!:path', 'mode:str', 'maxBytes:int', 'backupCount:int', 'encoding:str', 'delay:bool', 'errors:str'], [...FILE_EXTRAS, 'namer:any', 'rotator:any']),
  TimedRotatingFileHandler: pyArgsOpts(
    1,
    ['filename!:path', 'when:str', 'interval:int', 'backupCount:int', 'encoding:str', 'delay:bool', 'utc:bool', 'atTime:any', 'errors:str'],
    [...FILE_EXTRAS, 'namer:any', 'rotator:any'],
  ),
  SocketHandler: pyArgsOpts(2, ['host!:str', 'port:int'], ['records:int', 'bytes:int', 'format:str', 'hmacKey:any', 'backlog:any', 'retryStart:num', 'retryFactor:num', 'retryMax:num', 'connectTimeout:num', 'closeTimeout:num']),
  DatagramHandler: pyArgsOpts(2, ['host!:str', 'port:int'], ['format:str', 'hmacKey:any', 'maxPending:int']),
  SysLogHandler: pyArgsOpts(
    0,
    ['address:address', 'facility:any', 'socktype:any'],
    ['format:str', 'framing:str', 'tls:any', 'ident:str', 'appendNul:bool', 'hostname:str', 'appName:str', 'procid:any', 'structuredData:any', 'maxMessageSize:int', 'maxBacklog:int', 'reconnectDelay:num', 'connectTimeout:num'],
  ),
  SMTPHandler: pyArgsOpts(0, ['mailhost!:address', 'fromaddr!:str', 'toaddrs!:strlist', 'subject!:str', 'credentials:list', 'secure:any', 'timeout:num'], ['tlsOptions:object', 'maxBacklog:int']),
  HTTPHandler: pyArgsOpts(0, ['host!:str', 'url!:str', 'method:str', 'secure:bool', 'credentials:list', 'context:any'], ['json:bool', 'batchSize:int', 'batchInterval:num', 'retries:int', 'retryDelay:num', 'timeout:num', 'maxBacklog:int']),
  NTEventLogHandler: pyArgs('appname!:str', 'dllname:str', 'logtype:str'),
  BufferingHandler: pyArgs('capacity!:int'),
  MemoryHandler: pyArgs('capacity!:int', 'flushLevel:level', 'target:handler', 'flushOnClose:bool'),
  QueueHandler: pyArgs('queue:any'),
  Queue: pyArgsOpts(1, ['maxsize:int'], ['overflow:str']),
};

/** Keyword arguments that name other handlers (resolved, with build ordering, before the mapper runs). */
export const HANDLER_REF_KEYS: Readonly<Record<string, readonly string[]>> = {
  MemoryHandler: ['target'],
};

let handlersModule: Record<string, unknown> | null = null;
let handlersLoadError: unknown = null;
let handlersLoading: Promise<void> | null = null;

/**
 * Import `logflume/handlers` once, so its classes can be found by name (for
 * code that uses the registry without the config barrel, which imports the
 * handlers statically).
 */
export function loadHandlersModule(): Promise<void> {
  handlersLoading ??= import('../handlers/index.js').then(
    (ns: Record<string, unknown>) => {
      handlersModule = ns;
    },
    (e: unknown) => {
      handlersLoadError = e;
    },
  );
  return handlersLoading;
}

/** Use this namespace as `logflume/handlers` (the config barrel passes it in at load time). */
export function setHandlersNamespace(ns: Record<string, unknown>): void {
  handlersModule = ns;
  handlersLoading ??= Promise.resolve();
  // Known Python signatures, so subclasses given by reference map like their base.
  for (const name of Object.keys(HANDLER_SIGNATURES)) lookupClass(name);
}

/** Why `logflume/handlers` could not be loaded, if it could not. */
export function handlersModuleError(): unknown {
  return handlersLoadError;
}

/** The loaded `logflume/handlers` namespace, or null. */
export function handlersNamespace(): Record<string, unknown> | null {
  return handlersModule;
}

/**
 * The entry for a class name: a registration, or else a class exported by
 * `logflume/handlers` under the name's last segment (with Python's signature
 * when we know it).
 */
export function lookupClass(name: string): ClassEntry | undefined {
  const hit = byName.get(name);
  if (hit) return hit;
  const m = /^(?:(?:logging|logflume)(?:\.handlers|\/handlers)\.)?([A-Za-z_$][\w$]*)$/.exec(name);
  if (m && handlersModule) {
    const ctor = handlersModule[m[1]!];
    if (typeof ctor === 'function') {
      const registered = byCtor.get(ctor as AnyCtor);
      if (registered) return registered;
      const pyName = `logging.handlers.${m[1]}`;
      const mapper = HANDLER_SIGNATURES[m[1]!] ?? entryForCtor(ctor as AnyCtor)?.argsMapper;
      if (!mapper) return { name: pyName, ctor: ctor as AnyCtor, argsMapper: optionsObject };
      registerClass(pyName, ctor as AnyCtor, mapper);
      return byName.get(pyName);
    }
  }
  return undefined;
}

/**
 * The entry for a constructor: its own registration or that of its nearest
 * registered base class (a StreamHandler subclass maps its arguments as
 * StreamHandler does, as Python's `issubclass` checks do).
 */
export function entryForCtor(ctor: AnyCtor): ClassEntry | undefined {
  let c: unknown = ctor;
  while (typeof c === 'function' && c !== Function.prototype) {
    const e = byCtor.get(c as AnyCtor);
    if (e) return e;
    c = Object.getPrototypeOf(c);
  }
  return undefined;
}

/** Whether `ctor` is (a subclass of) the class exported by `logflume/handlers` as `exportName`. */
export function isHandlersClass(ctor: unknown, exportName: string): boolean {
  const base = handlersModule?.[exportName] ?? byName.get(`logging.handlers.${exportName}`)?.ctor;
  return typeof base === 'function' && typeof ctor === 'function' && (ctor === base || ctor.prototype instanceof base);
}

/** True for ES classes, which must be called with `new`. */
export function isClass(fn: unknown): fn is AnyCtor {
  return typeof fn === 'function' && (/^class[\s{]/.test(Function.prototype.toString.call(fn)) || fn.prototype instanceof Handler || fn.prototype instanceof Formatter || fn.prototype instanceof Filter);
}

// ---- the core classes -------------------------------------------------------

registerClass('logging.Formatter', Formatter, pyArgs('fmt:str', 'datefmt:str', 'style:str', 'validate:bool', 'defaults:object'));
const FMT_OPTS = ['fmt:str', 'datefmt:str', 'style:str', 'validate:bool', 'defaults:object'];
registerClass(['logflume.ColorFormatter'], ColorFormatter, optionsArgs([...FMT_OPTS, 'stream:any', 'colors:any', 'levelColors:object', 'env:object']));
const JSON_OPTS = [...FMT_OPTS, 'fields:list', 'rename:object', 'time:str', 'extra:bool', 'staticFields:object', 'rename_fields:object', 'static_fields:object', 'redact:object', 'serializers:object', 'maxFieldLength:int', 'maxDepth:int'];
registerClass(
  ['logflume.JsonFormatter', 'pythonjsonlogger.jsonlogger.JsonFormatter', 'pythonjsonlogger.json.JsonFormatter'],
  JsonFormatter,
  optionsArgs(JSON_OPTS, { rename_fields: 'rename', static_fields: 'staticFields' }),
);
registerClass('logging.Filter', Filter, pyArgs('name:str'));
registerClass('logflume.RedactingFilter', RedactingFilter, optionsArgs(['paths:strlist', 'censor:any', 'remove:bool', 'patterns:list', 'name:str']));
registerClass('logging.StreamHandler', StreamHandler, pyArgs('stream:stream'));
registerClass('logging.NullHandler', NullHandler, pyArgs());
const fileParams = pyArgs('filename!:path', 'mode:str', 'encoding:str', 'delay:bool', 'errors:str', 'buffered:bool', 'bufferSize:int', 'mkdir:bool', 'fileMode:int').params!;
/** FileHandler takes Python's arguments plus logflume's options (`buffered`, `mkdir`, …). */
const fileMapper: ArgsMapper = (kwargs, ctx) => {
  const { filename, ...opts } = checkKwargs(fileParams, kwargs, ctx);
  return [filename, opts];
};
fileMapper.params = fileParams;
registerClass('logging.FileHandler', FileHandler, fileMapper);
