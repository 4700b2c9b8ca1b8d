// printf-style formatting: Python's `fmt % args`.
//
// A format string is compiled once into a flat program of literal strings and
// conversion specs; rendering walks the program left to right with Python's
// argument cursor. Parse errors are *not* thrown at compile time: Python
// reports them only when formatting reaches them (after earlier conversions
// and argument fetches, which can fail first), so each spec records where in
// its processing a recorded error fires.
import { floatBody } from './pyformat.float.js';
import { F_MINUS, F_PLUS, F_SPACE, F_ALT, F_ZERO, STAR, NONE, type Spec, type Item, type Program } from './pyformat.program.js';
import { makeTupleFast, makeMappingFast } from './pyformat.fast.js';
import { intDigits, intToFloat } from './pyformat.format-spec.js';
import {
  type CompiledFormat,
  PyFormatError,
  cpLen,
  cpSlice,
  fillOf,
  isMapping,
  lengthError,
  pyAscii,
  pyRepr,
  pyStr,
  pyTypeName,
} from './pyformat.values.js';

// Stages at which a recorded parse error fires (after the stages before it ran).
const AT_KEY = 0; // "incomplete format key": after the mapping check, before lookup
const AT_WIDTH = 1; // "width too big": after the key lookup
const AT_PREC = 2; // "precision too big": after a '*' width was fetched
const AT_END = 3; // "incomplete format": after width/precision
const AT_CONV = 4; // unsupported character: after the value was fetched

function parsePercent(fmt: string): Program {
  const items: Item[] = [];
  const keys: string[] = [];
  const n = fmt.length;
  let lit = '';
  let i = 0;
  while (i < n) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      lit += fmt.slice(i);
      break;
    }
    lit += fmt.slice(i, pct);
    i = pct + 1;
    if (i < n && fmt.charCodeAt(i) === 37) {
      lit += '%';
      i++;
      continue;
    }
    if (lit !== '') {
      items.push(lit);
      lit = '';
    }
    const spec: Spec = { key: null, flags: 0, width: NONE, prec: NONE, conv: '', err: null, errStage: 0, src: '', node: false };
    items.push(spec);
    const fail = (stage: number, type: 'ValueError', msg: string) => {
      spec.err = new PyFormatError(type, msg);
      spec.errStage = stage;
      spec.src = fmt.slice(pct);
      i = n;
    };
    if (i < n && fmt.charCodeAt(i) === 40 /* ( */) {
      // Key runs to the ')' that balances the '(' (Python allows nested parens).
      let depth = 1;
      let j = i + 1;
      while (j < n) {
        const c = fmt.charCodeAt(j);
        if (c === 40) depth++;
        else if (c === 41 && --depth === 0) break;
        j++;
      }
      if (j >= n) {
        spec.key = '';
        fail(AT_KEY, 'ValueError', 'incomplete format key');
        break;
      }
      spec.key = fmt.slice(i + 1, j);
      if (!keys.includes(spec.key)) keys.push(spec.key);
      i = j + 1;
    }
    // flags
    for (; i < n; i++) {
      const c = fmt.charCodeAt(i);
      if (c === 45) spec.flags |= F_MINUS;
      else if (c === 43) spec.flags |= F_PLUS;
      else if (c === 32) spec.flags |= F_SPACE;
      else if (c === 35) spec.flags |= F_ALT;
      else if (c === 48) spec.flags |= F_ZERO;
      else break;
    }
    // width
    if (i < n && fmt.charCodeAt(i) === 42) {
      spec.width = STAR;
      i++;
    } else {
      let w = NONE;
      for (; i < n; i++) {
        const c = fmt.charCodeAt(i);
        if (c < 48 || c > 57) break;
        w = (w < 0 ? 0 : w * 10) + (c - 48);
      }
      if (w > 9.2e18) {
        fail(AT_WIDTH, 'ValueError', 'width too big');
        break;
      }
      spec.width = w;
    }
    // precision
    if (i < n && fmt.charCodeAt(i) === 46) {
      i++;
      if (i < n && fmt.charCodeAt(i) === 42) {
        spec.prec = STAR;
        i++;
      } else {
        let p = 0;
        for (; i < n; i++) {
          const c = fmt.charCodeAt(i);
          if (c < 48 || c > 57) break;
          p = p * 10 + (c - 48);
        }
        if (p > 9.2e18) {
          fail(AT_PREC, 'ValueError', 'precision too big');
          break;
        }
        spec.prec = p;
      }
    }
    // one length modifier is accepted and ignored
    if (i < n) {
      const c = fmt.charCodeAt(i);
      if (c === 104 || c === 108 || c === 76) i++;
    }
    if (i >= n) {
      fail(AT_END, 'ValueError', 'incomplete format');
      break;
    }
    const cp = fmt.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if ('diuoxXeEfFgGcrsa'.includes(ch)) {
      spec.conv = ch;
    } else {
      if (ch === 'j' || ch === 'O') {
        spec.conv = ch;
        spec.node = true;
      }
      const shown = cp >= 31 && cp <= 126 ? ch : '?';
      const index = cpLen(fmt.slice(0, i));
      spec.err = new PyFormatError(
        'ValueError',
        `unsupported format character '${shown}' (0x${cp.toString(16)}) at index ${index}`,
      );
      spec.errStage = AT_CONV;
    }
    i += ch.length;
    spec.src = fmt.slice(pct, i);
  }
  if (lit !== '') items.push(lit);
  return { items, keys, ...shapeOf(items) };
}

/** How many values the positional specs take, and whether a Node conversion is used (see Program.arity). */
function shapeOf(items: readonly Item[]): { arity: number; node: boolean; broken: boolean } {
  let positional = 0;
  let keyed = false;
  let node = false;
  let broken = false;
  for (const it of items) {
    if (typeof it === 'string') continue;
    if (it.node) node = true;
    else if (it.err !== null) {
      broken = true;
      continue;
    }
    if (it.key !== null) {
      keyed = true;
      continue;
    }
    positional += 1 + (it.width === STAR ? 1 : 0) + (it.prec === STAR ? 1 : 0);
  }
  return { arity: keyed ? (positional > 0 ? -2 : -1) : positional, node, broken };
}

function notEnough(): PyFormatError {
  return new PyFormatError('TypeError', 'not enough arguments for format string');
}

/** A '*' width/precision argument, which Python requires to be an int. */
export function starValue(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  throw new PyFormatError('TypeError', '* wants int');
}

/** Pad `body` (sign+prefix excluded) for a numeric conversion; numeric text is ASCII. */
function padNumber(spec: Spec, width: number, sign: string, prefix: string, body: string): string {
  const len = sign.length + prefix.length + body.length;
  if (width <= len) return sign + prefix + body;
  const flags = spec.flags;
  if (flags & F_MINUS) return sign + prefix + body + fillOf(' ', width - len);
  if (flags & F_ZERO) return sign + prefix + fillOf('0', width - len) + body;
  return fillOf(' ', width - len) + sign + prefix + body;
}

function padText(spec: Spec, width: number, s: string): string {
  if (width < 0) return s;
  const pad = width - cpLen(s);
  if (pad <= 0) return s;
  return spec.flags & F_MINUS ? s + fillOf(' ', pad) : fillOf(' ', pad) + s;
}

function signOf(negative: boolean, flags: number): string {
  return negative ? '-' : flags & F_PLUS ? '+' : flags & F_SPACE ? ' ' : '';
}

/** @internal one conversion with Python's rules (the lenient renderer reuses it). */
export function convert(spec: Spec, v: unknown, width: number, prec: number): string {
  const conv = spec.conv;
  switch (conv) {
    case 's': {
      let s = pyStr(v);
      if (prec >= 0) s = cpSlice(s, prec);
      return padText(spec, width, s);
    }
    case 'r':
    case 'a': {
      let s = conv === 'r' ? pyRepr(v) : pyAscii(v);
      if (prec >= 0) s = cpSlice(s, prec);
      return padText(spec, width, s);
    }
    case 'c': {
      let s: string;
      if (typeof v === 'string') {
        if (cpLen(v) !== 1) throw new PyFormatError('TypeError', '%c requires int or char');
        s = v;
      } else if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' || typeof v === 'boolean') {
        const n = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
        if (n < 0 || n > 0x10ffff) throw new PyFormatError('OverflowError', '%c arg not in range(0x110000)');
        s = String.fromCodePoint(n);
      } else {
        throw new PyFormatError('TypeError', '%c requires int or char');
      }
      return padText(spec, width, s);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      let iv: number | bigint;
      if (typeof v === 'number') {
        if (Number.isInteger(v)) iv = v;
        else if (conv === 'd' || conv === 'i' || conv === 'u') {
          if (v !== v) throw new PyFormatError('ValueError', 'cannot convert float NaN to integer');
          if (v === Infinity || v === -Infinity) {
            throw new PyFormatError('OverflowError', 'cannot convert float infinity to integer');
          }
          iv = Math.trunc(v);
        } else {
          throw new PyFormatError('TypeError', `%${conv} format: an integer is required, not float`);
        }
      } else if (typeof v === 'bigint') iv = v;
      else if (typeof v === 'boolean') iv = v ? 1 : 0;
      else if (conv === 'd' || conv === 'i' || conv === 'u') {
        throw new PyFormatError('TypeError', `%${conv} format: a real number is required, not ${pyTypeName(v)}`);
      } else {
        throw new PyFormatError('TypeError', `%${conv} format: an integer is required, not ${pyTypeName(v)}`);
      }
      const radix = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
      let digits = intDigits(iv, radix);
      if (conv === 'X') digits = digits.toUpperCase();
      if (prec > digits.length) digits = fillOf('0', prec - digits.length) + digits;
      const negative = typeof iv === 'bigint' ? iv < 0n : iv < 0;
      const prefix = spec.flags & F_ALT && radix !== 10 ? (conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X') : '';
      return padNumber(spec, width, signOf(negative, spec.flags), prefix, digits);
    }
    default: {
      // e E f F g G
      let x: number;
      if (typeof v === 'number') x = Number.isInteger(v) ? intToFloat(v) : v;
      else if (typeof v === 'bigint') x = intToFloat(v);
      else if (typeof v === 'boolean') x = v ? 1 : 0;
      else throw new PyFormatError('TypeError', `must be real number, not ${pyTypeName(v)}`);
      const negative = x < 0;
      const body = floatBody(negative ? -x : x, conv, prec < 0 ? 6 : prec, (spec.flags & F_ALT) !== 0, false);
      return padNumber(spec, width, signOf(negative && x === x, spec.flags), '', body);
    }
  }
}

function lookup(dict: object, key: string, own: boolean): unknown {
  if (dict instanceof Map) {
    if (!dict.has(key)) throw new PyFormatError('KeyError', pyRepr(key));
    return dict.get(key);
  }
  if (own ? !Object.prototype.hasOwnProperty.call(dict, key) : !(key in dict)) {
    throw new PyFormatError('KeyError', pyRepr(key));
  }
  return (dict as Record<string, unknown>)[key];
}

/**
 * Run a program. `dict` is the mapping (or null), `own` restricts plain-object
 * lookups to own keys (so '%(constructor)s' % {} is a KeyError, as in Python).
 */
function run(prog: Program, args: unknown, dict: object | null, own: boolean): string {
  const items = prog.items;
  // Python's argument cursor: arglen -1 means "a single non-tuple value" (cur),
  // consumed once when argidx goes from -2 to -1. Kept in locals so rendering
  // allocates nothing but the output.
  const tuple: readonly unknown[] | null = Array.isArray(args) ? args : null;
  let cur: unknown = args;
  let arglen = tuple !== null ? tuple.length : -1;
  let argidx = tuple !== null ? 0 : -2;
  let out = '';
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if (typeof it === 'string') {
      out += it;
      continue;
    }
    const stage = it.err === null ? 99 : it.errStage;
    if (it.key !== null) {
      if (dict === null) throw new PyFormatError('TypeError', 'format requires a mapping');
      if (stage === AT_KEY) throw it.err!;
      cur = lookup(dict, it.key, own);
      arglen = -1;
      argidx = -2;
    }
    if (stage === AT_WIDTH) throw it.err!;
    let width = it.width;
    let flags = it.flags;
    if (width === STAR) {
      if (argidx >= arglen) throw notEnough();
      width = starValue(arglen < 0 ? cur : tuple![argidx]);
      argidx++;
      if (width < 0) {
        flags |= F_MINUS;
        width = -width;
      }
    }
    if (stage === AT_PREC) throw it.err!;
    let prec = it.prec;
    if (prec === STAR) {
      if (argidx >= arglen) throw notEnough();
      prec = starValue(arglen < 0 ? cur : tuple![argidx]);
      argidx++;
      if (prec < 0) prec = 0;
    }
    if (stage === AT_END) throw it.err!;
    if (argidx >= arglen) throw notEnough();
    const v = arglen < 0 ? cur : tuple![argidx];
    argidx++;
    if (stage === AT_CONV) throw it.err!;
    out += convert(flags === it.flags ? it : { ...it, flags }, v, width, prec);
  }
  if (argidx < arglen && dict === null) {
    throw new PyFormatError('TypeError', 'not all arguments converted during string formatting');
  }
  return out;
}

// Bounded by count and by the characters of the formats it holds: a template
// longer than CACHE_MAX_FORMAT is compiled per use (such templates are rare, and
// caching 512 of them could pin hundreds of MiB), and the cache evicts oldest
// first past CACHE_MAX entries or CACHE_MAX_CHARS characters.
const cache = new Map<string, Program>();
const CACHE_MAX = 512;
const CACHE_MAX_FORMAT = 16 * 1024;
const CACHE_MAX_CHARS = 2 * 1024 * 1024;
let cachedChars = 0;

/** @internal the cached program for `fmt` (log calls read its arity; the lenient renderer walks it). */
export function compiled(fmt: string): Program {
  let prog = cache.get(fmt);
  if (prog === undefined) {
    prog = parsePercent(fmt);
    const fast = makeTupleFast(prog.items, (spec, v) => run({ items: [spec], keys: [], arity: 1, node: spec.node }, [v], null, true));
    prog.fast = fast?.fn ?? null;
    prog.fastArity = fast?.arity ?? -1;
    if (fmt.length > CACHE_MAX_FORMAT) return prog;
    while (cache.size > 0 && (cache.size >= CACHE_MAX || cachedChars + fmt.length > CACHE_MAX_CHARS)) {
      const oldest = cache.keys().next().value!;
      cachedChars -= oldest.length;
      cache.delete(oldest);
    }
    cache.set(fmt, prog);
    cachedChars += fmt.length;
  }
  return prog;
}

/**
 * Whether `fmt % args` is certain to succeed for this tuple of numbers, so the
 * merge may be done later, elsewhere, with the same result (the queue sends
 * such a message's parts and its listener merges them). Only plain positional
 * conversions qualify: %s %r %a take any number, %d %i %u a finite one,
 * %f %e %g (any case) any number, %x %X %o an integer; %c, '*', mapping keys
 * '%%' with flags and parse errors never qualify.
 */
export function numbersFormatSafely(fmt: string, args: readonly unknown[]): boolean {
  const prog = compiled(fmt);
  let sig = prog.numSig;
  if (sig === undefined) sig = prog.numSig = numberSignature(prog);
  if (sig === null || sig.length !== args.length) return false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'number') return false;
    const k = sig.charCodeAt(i);
    if (k === 0x6e /* n: finite */ ? !Number.isFinite(a) : k === 0x69 /* i: integer */ ? !Number.isInteger(a) : false) return false;
  }
  return true;
}

function numberSignature(prog: Program): string | null {
  let sig = '';
  for (const it of prog.items) {
    if (typeof it === 'string') continue;
    if (it.err !== null || it.key !== null || it.width === STAR || it.prec === STAR) return null;
    const c = it.conv;
    if (c === 's' || c === 'r' || c === 'a' || c === 'f' || c === 'F' || c === 'e' || c === 'E' || c === 'g' || c === 'G') sig += 'a';
    else if (c === 'd' || c === 'i' || c === 'u') sig += 'n';
    else if (c === 'x' || c === 'X' || c === 'o') sig += 'i';
    else return null;
  }
  return sig;
}

/** Python's `fmt % args`. `args` is interpreted as Python would see it: a JS array is a tuple; a plain object or Map (anything non-array, non-string object that is a mapping) is a mapping; anything else is a single value (a one-element tuple). Throws PyFormatError with Python's exact message text on misuse. Compiled formats are cached (bounded cache, e.g. 512 entries, so that a log call with a constant msg never re-parses).
 *
 * "Mapping" means a Map or an object whose prototype is Object.prototype or
 * null: class instances (Date, Error, user classes) are single values, as a
 * Python object without __getitem__ would be. Plain-object keys must be own
 * properties so inherited names like 'toString' are KeyErrors, as in Python.
 */
export function percentFormat(fmt: string, args: unknown): string {
  const prog = compiled(fmt);
  try {
    if (prog.fast && Array.isArray(args) && args.length === prog.fastArity) return prog.fast(args);
    return run(prog, args, isMapping(args) ? args : null, true);
  } catch (e) {
    throw lengthError(e);
  }
}

/** Compile a percent-style *mapping* format (logging's `%(name)s` formats) once.
 *
 * The values object is always treated as the mapping (logging formats with
 * record.__dict__), and a key is present when `name in values`, so a record's
 * prototype getters count as fields.
 */
export function compilePercentStyle(fmt: string): CompiledFormat {
  const prog = parsePercent(fmt);
  const fast = makeMappingFast(prog.items, (spec, values) => run({ items: [spec], keys: spec.key ? [spec.key] : [], arity: -1, node: spec.node }, values, values, false));
  return {
    fields: prog.keys,
    render: (values: Record<string, unknown>) => {
      try {
        return fast !== null ? fast(values) : run(prog, values, values, false);
      } catch (e) {
        throw lengthError(e);
      }
    },
  };
}
