/**
 * Python's INI `fileConfig` format, translated to a dictConfig. The file is
 * read with configparser's rules (sections, `key = value` / `key: value`,
 * `#`/`;` comment lines, indented continuation lines, case-insensitive keys,
 * `%(name)s` interpolation from the section, `[DEFAULT]` and `defaults`).
 * Handler `args`/`kwargs` are Python expressions that Python `eval`s; here
 * they are parsed as Python literals (strings, numbers, True/False/None,
 * tuples, lists, dicts) plus dotted names (`sys.stdout`, `handlers.SysLogHandler.LOG_USER`),
 * which become `ext://` references. Positional `args` are mapped to keyword
 * names through the class's registered Python signature.
 */
import { ConfigError } from '../errors.js';
import { lookupClass } from './class-registry.js';
import type { DictConfig, HandlerDict, FormatterDict, LoggerDict } from './schema.js';
import { describe } from './key-path.js';

type Sections = Map<string, Map<string, string>>;

/** Parse INI text with configparser's default rules (no interpolation yet). */
export function parseIni(text: string, source = '<string>'): Sections {
  const sections: Sections = new Map([['DEFAULT', new Map()]]);
  let cur: Map<string, string> | null = null;
  let lastKey: string | null = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (/^\s*[#;]/.test(line)) return;
    if (line.trim() === '') {
      lastKey = null;
      return;
    }
    if (/^\s/.test(line) && cur && lastKey !== null) {
      cur.set(lastKey, `${cur.get(lastKey)}\n${line.trim()}`);
      return;
    }
    const sec = /^\[([^\]]+)\]\s*$/.exec(line);
    if (sec) {
      const name = sec[1]!;
      if (sections.has(name) && name !== 'DEFAULT') throw new ConfigError(`${source} is invalid: section ${describe(name)} already exists (line ${i + 1})`);
      cur = sections.get(name) ?? new Map();
      sections.set(name, cur);
      lastKey = null;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv || cur === null) throw new ConfigError(`${source} is invalid: cannot parse line ${i + 1}: ${describe(line)}`);
    lastKey = kv[1]!.trim().toLowerCase();
    cur.set(lastKey, kv[2]!.trim());
  });
  return sections;
}

/** configparser's BasicInterpolation: `%(key)s` from the section and defaults; `%%` is a literal %. */
function interpolate(value: string, section: Map<string, string>, defaults: Map<string, string>, where: string, depth = 0): string {
  if (depth > 10) throw new ConfigError(`${where}: interpolation too deep (a reference cycle?)`);
  return value.replace(/%(%|\(([^)]+)\)s)/g, (_m, what: string, key?: string) => {
    if (what === '%') return '%';
    const k = key!.toLowerCase();
    const v = section.get(k) ?? defaults.get(k);
    if (v === undefined) throw new ConfigError(`${where}: bad interpolation: no option ${describe(k)}`);
    return interpolate(v, section, defaults, where, depth + 1);
  });
}

/** Parse one Python literal expression (the `args`/`kwargs` of a handler section). */
export function parsePythonLiteral(src: string, where: string): unknown {
  let i = 0;
  const fail = (msg: string): never => {
    throw new ConfigError(`${where}: ${msg} in ${describe(src)} (only Python literals and dotted names are supported)`);
  };
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = src[i];
    if (c === undefined) return fail('unexpected end');
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: unknown[] = [];
      ws();
      while (src[i] !== close) {
        items.push(value());
        ws();
        if (src[i] === ',') {
          i++;
          ws();
        } else if (src[i] !== close) fail(`expected ',' or '${close}'`);
      }
      i++;
      return items;
    }
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      while (src[i] !== '}') {
        const k = value();
        if (typeof k !== 'string') fail('dict keys must be strings');
        ws();
        if (src[i] !== ':') fail("expected ':'");
        i++;
        obj[k as string] = value();
        ws();
        if (src[i] === ',') i++;
        else if (src[i] !== '}') fail("expected ',' or '}'");
        ws();
      }
      i++;
      return obj;
    }
    const str = /^[rRbBuU]?("""|'''|"|')/.exec(src.slice(i));
    if (str) {
      const raw = /^[rR]/.test(str[0]);
      const q = str[1]!;
      i += str[0].length;
      let out = '';
      while (!src.startsWith(q, i)) {
        if (i >= src.length) fail('unterminated string');
        const ch = src[i++]!;
        if (ch === '\\' && !raw) {
          const e = src[i++];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
          out += e !== undefined && e in map ? map[e]! : '\\' + (e ?? '');
        } else out += ch;
      }
      i += q.length;
      return out;
    }
    const num = /^[-+]?(\d[\d_]*\.?\d*(e[-+]?\d+)?|\.\d+)/i.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return Number(num[0].replace(/_/g, ''));
    }
    const name = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*/.exec(src.slice(i));
    if (name) {
      i += name[0].length;
      const n = name[0];
      if (n === 'True') return true;
      if (n === 'False') return false;
      if (n === 'None') return null;
      // fileConfig evaluates in the namespace of the logging module: sys, handlers, DEBUG… are names there.
      return n.startsWith('sys.') || n.startsWith('os.') ? `ext://${n}` : `ext://logging.${n}`;
    }
    return fail(`unexpected ${describe(c)}`);
  };
  const v = value();
  ws();
  if (i !== src.length) fail('trailing text');
  return v;
}

function list(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * Translate the text of a Python `fileConfig` INI file into a dictConfig
 * (Python's `fileConfig(fname, defaults, disable_existing_loggers)`).
 */
export function iniToDictConfig(text: string, options: { defaults?: Record<string, string>; disable_existing_loggers?: boolean; source?: string } = {}): DictConfig {
  const src = options.source ?? '<string>';
  const cp = parseIni(text, src);
  const defaults = new Map(cp.get('DEFAULT'));
  for (const [k, v] of Object.entries(options.defaults ?? {})) defaults.set(k.toLowerCase(), v);
  const need = (name: string): Map<string, string> => {
    const s = cp.get(name);
    if (!s) throw new ConfigError(`${src}: missing section [${name}]`);
    return s;
  };
  const get = (sec: string, key: string, raw = false): string | undefined => {
    const s = need(sec);
    const v = s.get(key) ?? defaults.get(key);
    if (v === undefined) return undefined;
    return raw ? v : interpolate(v, s, defaults, `${src} [${sec}] ${key}`);
  };
  const required = (sec: string, key: string): string => {
    const v = get(sec, key);
    if (v === undefined) throw new ConfigError(`${src}: [${sec}] needs '${key}'`);
    return v;
  };

  const formatters: Record<string, FormatterDict> = {};
  for (const f of list(required('formatters', 'keys'))) {
    const sec = `formatter_${f}`;
    const fd: FormatterDict = {};
    const fmt = get(sec, 'format', true);
    if (fmt !== undefined) fd.format = fmt;
    const datefmt = get(sec, 'datefmt', true);
    if (datefmt !== undefined) fd.datefmt = datefmt;
    const style = get(sec, 'style', true);
    if (style !== undefined) fd.style = style as FormatterDict['style'];
    const cls = get(sec, 'class');
    if (cls) fd.class = cls;
    formatters[f] = fd;
  }

  const handlers: Record<string, HandlerDict> = {};
  for (const h of list(required('handlers', 'keys'))) {
    const sec = `handler_${h}`;
    let cls = required(sec, 'class');
    if (!cls.includes('.') || cls.startsWith('handlers.')) cls = `logging.${cls}`;
    const hd: HandlerDict = { class: cls };
    const args = parsePythonLiteral(get(sec, 'args') ?? '()', `${src} [${sec}] args`);
    const kwargs = parsePythonLiteral(get(sec, 'kwargs') ?? '{}', `${src} [${sec}] kwargs`);
    if (!Array.isArray(args)) throw new ConfigError(`${src} [${sec}] args: expected a tuple`);
    if (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs)) throw new ConfigError(`${src} [${sec}] kwargs: expected a dict`);
    if (args.length > 0) {
      const params = lookupClass(cls)?.argsMapper.params;
      if (!params) throw new ConfigError(`${src} [${sec}] args: positional arguments need a known Python signature for ${cls}; use kwargs`);
      if (args.length > params.length) throw new ConfigError(`${src} [${sec}] args: ${cls} takes at most ${params.length} arguments, got ${args.length}`);
      args.forEach((a, n) => {
        hd[params[n]!.name] = a;
      });
    }
    Object.assign(hd, kwargs);
    const level = get(sec, 'level');
    if (level) hd.level = level;
    const fmt = get(sec, 'formatter');
    if (fmt) hd.formatter = fmt;
    const target = get(sec, 'target');
    if (target) hd.target = target;
    handlers[h] = hd;
  }

  const loggerNames = list(required('loggers', 'keys'));
  if (!loggerNames.includes('root')) throw new ConfigError(`${src}: [loggers] keys must include root`);
  const rootDict: LoggerDict = { handlers: list(required('logger_root', 'handlers')) };
  const rootLevel = get('logger_root', 'level');
  if (rootLevel) rootDict.level = rootLevel;
  const loggers: Record<string, LoggerDict> = {};
  for (const l of loggerNames) {
    if (l === 'root') continue;
    const sec = `logger_${l}`;
    const ld: LoggerDict = { handlers: list(required(sec, 'handlers')) };
    const level = get(sec, 'level');
    if (level) ld.level = level;
    const p = get(sec, 'propagate') ?? '1';
    if (!/^[-+]?\d+$/.test(p.trim())) throw new ConfigError(`${src} [${sec}] propagate: expected an integer, got ${describe(p)}`);
    ld.propagate = Number(p) !== 0;
    loggers[required(sec, 'qualname')] = ld;
  }
  return { version: 1, disable_existing_loggers: options.disable_existing_loggers ?? true, formatters, handlers, loggers, root: rootDict };
}
