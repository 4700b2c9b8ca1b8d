// Python's format-specification mini-language (format(value, spec)) for JS values.
// Specs are parsed once into a ParsedSpec (cached per distinct spec string) so
// that compiled '{}' formats render without re-parsing.
import { floatBody } from './pyformat.float.js';
import { PyFormatError, cpLen, cpSlice, fillOf, pyStr, pyTypeName } from './pyformat.values.js';

/** A parsed format spec. Fields mirror Python's; -1 / '' mean "not given". */
export interface ParsedSpec {
  readonly raw: string;
  readonly fill: string;
  readonly fillSpecified: boolean;
  readonly align: '' | '<' | '>' | '^' | '=';
  readonly sign: '' | '+' | '-' | ' ';
  readonly z: boolean;
  readonly alt: boolean;
  readonly zero: boolean;
  readonly width: number;
  readonly group: '' | ',' | '_';
  readonly prec: number;
  /** '' or a single code point */
  readonly type: string;
  /** Python reports some parse errors only once the value's type is known. */
  readonly error?: (typeName: string) => PyFormatError | undefined;
}

const ALIGNS = '<>=^';

/** Decimal value of a Unicode decimal digit (Python accepts any Nd digit in specs), or -1. */
export function decimalValue(cp: number): number {
  if (cp >= 48 && cp <= 57) return cp - 48;
  if (cp < 0x660) return -1;
  if (!ND.test(String.fromCodePoint(cp))) return -1;
  // Nd digits come in aligned runs of ten starting at a zero.
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}
const ND = /^\p{Nd}$/u;

/** How Python quotes a presentation-type character in error messages. */
export function typeCharRepr(t: string): string {
  const c = t.codePointAt(0)!;
  return c > 32 && c < 128 ? t : '\\x' + c.toString(16);
}

const PSSIZE_MAX = 9223372036854775807n;

/** Parse a spec. Never throws: errors are recorded on the result because Python raises them only when formatting. */
export function parseSpec(spec: string): ParsedSpec {
  const cps = Array.from(spec);
  const n = cps.length;
  let pos = 0;
  let fill = ' ';
  let fillSpecified = false;
  let align: ParsedSpec['align'] = '';
  let sign: ParsedSpec['sign'] = '';
  let z = false;
  let alt = false;
  let zero = false;
  let width = -1;
  let group: ParsedSpec['group'] = '';
  let prec = -1;
  let type = '';
  const fail = (error: (t: string) => PyFormatError | undefined): ParsedSpec => ({
    raw: spec, fill, fillSpecified, align, sign, z, alt, zero, width, group, prec, type, error,
  });
  const valueError = (msg: string) => fail(() => new PyFormatError('ValueError', msg));

  if (n >= 2 && ALIGNS.includes(cps[1]!)) {
    fill = cps[0]!;
    fillSpecified = true;
    align = cps[1] as ParsedSpec['align'];
    pos = 2;
  } else if (n >= 1 && ALIGNS.includes(cps[0]!)) {
    align = cps[0] as ParsedSpec['align'];
    pos = 1;
  }
  if (pos < n && (cps[pos] === '+' || cps[pos] === '-' || cps[pos] === ' ')) sign = cps[pos++] as ParsedSpec['sign'];
  if (pos < n && cps[pos] === 'z') {
    z = true;
    pos++;
  }
  if (pos < n && cps[pos] === '#') {
    alt = true;
    pos++;
  }
  if (!fillSpecified && pos < n && cps[pos] === '0') {
    zero = true;
    pos++;
  }
  const readInt = (): number | 'overflow' | -1 => {
    let acc = 0n;
    let any = false;
    while (pos < n) {
      const d = decimalValue(cps[pos]!.codePointAt(0)!);
      if (d < 0) break;
      acc = acc * 10n + BigInt(d);
      if (acc > PSSIZE_MAX) return 'overflow';
      any = true;
      pos++;
    }
    return any ? Number(acc) : -1;
  };
  const w = readInt();
  if (w === 'overflow') return valueError('Too many decimal digits in format string');
  width = w;
  if (pos < n && (cps[pos] === ',' || cps[pos] === '_')) {
    group = cps[pos++] as ParsedSpec['group'];
    if (pos < n && (cps[pos] === ',' || cps[pos] === '_') && cps[pos] !== group) {
      return valueError("Cannot specify both ',' and '_'.");
    }
  }
  if (pos < n && cps[pos] === '.') {
    pos++;
    const p = readInt();
    if (p === 'overflow') return valueError('Too many decimal digits in format string');
    if (p === -1) return valueError('Format specifier missing precision');
    prec = p;
  }
  if (n - pos > 1) {
    return fail((t) => new PyFormatError('ValueError', `Invalid format specifier '${spec}' for object of type '${t}'`));
  }
  if (n - pos === 1) type = cps[pos]!;
  if (group !== '') {
    // Python validates the separator against the type, defaulting the type per value kind.
    const g = group;
    const check = (t: string): PyFormatError | undefined => {
      if ('defgEGF%'.includes(t) && t !== '') return undefined;
      if (g === '_' && 'boxX'.includes(t) && t !== '') return undefined;
      return new PyFormatError('ValueError', `Cannot specify '${g}' with '${typeCharRepr(t)}'.`);
    };
    if (type !== '') {
      const err = check(type);
      if (err) return fail(() => err);
    } else {
      // Only strings reject an omitted type (it defaults to 's' for them).
      return fail((t) => (t === 'str' ? check('s') : undefined));
    }
  }
  return { raw: spec, fill, fillSpecified, align, sign, z, alt, zero, width, group, prec, type };
}

const specCache = new Map<string, ParsedSpec>();

/** Parsed spec from a bounded cache: logging formats reuse a handful of specs forever. */
export function getSpec(spec: string): ParsedSpec {
  let ps = specCache.get(spec);
  if (ps === undefined) {
    ps = parseSpec(spec);
    if (specCache.size >= 512) specCache.delete(specCache.keys().next().value!);
    specCache.set(spec, ps);
  }
  return ps;
}

function raiseIfError(ps: ParsedSpec, typeName: string): void {
  if (ps.error) {
    const e = ps.error(typeName);
    if (e) throw e;
  }
}

function unknownType(t: string, typeName: string): PyFormatError {
  return new PyFormatError('ValueError', `Unknown format code '${typeCharRepr(t)}' for object of type '${typeName}'`);
}

/** Insert `sep` every `size` digits from the right, zero-padding first so the result is at least `minWidth` long. */
function groupDigits(digits: string, sep: string, size: number, minWidth: number): string {
  let n = digits.length;
  if (minWidth > 0) {
    const grouped = (k: number) => k + Math.floor((k - 1) / size);
    if (grouped(n) < minWidth) {
      n = Math.max(n, Math.floor((minWidth * size) / (size + 1)) - 1);
      while (grouped(n) < minWidth) n++;
      digits = fillOf('0', n - digits.length) + digits;
    }
  }
  if (n <= size) return digits;
  let head = n % size || size;
  let out = digits.slice(0, head);
  for (; head < n; head += size) out += sep + digits.slice(head, head + size);
  return out;
}

/**
 * Lay out a number: sign, prefix ('0x'), integer digits (grouped), the rest
 * ('.5e+10', '%', 'inf'), then fill/align. Python's '0' + '=' padding is
 * grouped too, which is why zero padding is handled inside the digits.
 */
function layoutNumber(
  ps: ParsedSpec,
  negative: boolean,
  prefix: string,
  digits: string,
  rest: string,
  groupSize: number,
): string {
  const signStr = negative ? '-' : ps.sign === '+' ? '+' : ps.sign === ' ' ? ' ' : '';
  let fill = ps.fill;
  let align = ps.align;
  if (ps.zero) {
    fill = '0';
    if (align === '') align = '=';
  }
  if (align === '') align = '>';
  let grouped = digits;
  if (ps.group !== '' && groupSize > 0) {
    const minWidth = fill === '0' && align === '=' ? ps.width - signStr.length - prefix.length - cpLen(rest) : 0;
    grouped = groupDigits(digits, ps.group, groupSize, minWidth);
  }
  const body = prefix + grouped + rest;
  const pad = ps.width - signStr.length - cpLen(body);
  if (pad <= 0) return signStr + body;
  switch (align) {
    case '<':
      return signStr + body + fillOf(fill, pad);
    case '^': {
      const left = pad >> 1;
      return fillOf(fill, left) + signStr + body + fillOf(fill, pad - left);
    }
    case '=':
      return signStr + prefix + fillOf(fill, pad) + grouped + rest;
    default:
      return fillOf(fill, pad) + signStr + body;
  }
}

/** Pad a string value (default alignment left; '0' only changes the fill). */
function layoutText(ps: ParsedSpec, s: string): string {
  if (ps.width < 0) return s;
  const pad = ps.width - cpLen(s);
  if (pad <= 0) return s;
  const fill = ps.zero ? '0' : ps.fill;
  const align = ps.align === '' ? '<' : ps.align;
  switch (align) {
    case '<':
      return s + fillOf(fill, pad);
    case '^': {
      const left = pad >> 1;
      return fillOf(fill, left) + s + fillOf(fill, pad - left);
    }
    default:
      return fillOf(fill, pad) + s;
  }
}

function formatStr(s: string, ps: ParsedSpec): string {
  raiseIfError(ps, 'str');
  if (ps.type !== '' && ps.type !== 's') throw unknownType(ps.type, 'str');
  if (ps.sign === ' ') throw new PyFormatError('ValueError', 'Space not allowed in string format specifier');
  if (ps.sign !== '') throw new PyFormatError('ValueError', 'Sign not allowed in string format specifier');
  if (ps.z) throw new PyFormatError('ValueError', 'Negative zero coercion (z) not allowed in string format specifier');
  if (ps.alt) throw new PyFormatError('ValueError', 'Alternate form (#) not allowed in string format specifier');
  if (ps.align === '=') throw new PyFormatError('ValueError', "'=' alignment not allowed in string format specifier");
  if (ps.prec >= 0) s = cpSlice(s, ps.prec);
  return layoutText(ps, s);
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Decimal digits of |v| for an integral number or bigint (exact, even beyond 2^53). */
export function intDigits(v: number | bigint, radix: number): string {
  if (typeof v === 'bigint') return (v < 0n ? -v : v).toString(radix);
  const a = v < 0 ? -v : v;
  // Beyond 2^53, toString() gives shortest round-trip digits, not the exact integer.
  if (a <= MAX_SAFE) return a.toString(radix);
  return BigInt(a).toString(radix);
}

/** int → float the way Python's float(int) does, including its overflow error. */
export function intToFloat(v: number | bigint): number {
  if (typeof v === 'number') return v === 0 ? 0 : v;
  const f = Number(v);
  if (!Number.isFinite(f)) throw new PyFormatError('OverflowError', 'int too large to convert to float');
  return f;
}

function formatInt(v: number | bigint, ps: ParsedSpec, typeName: string): string {
  raiseIfError(ps, typeName);
  const t = ps.type === '' ? 'd' : ps.type;
  switch (t) {
    case 'b':
    case 'c':
    case 'd':
    case 'o':
    case 'x':
    case 'X':
    case 'n':
      break;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case '%':
      return formatFloatParsed(intToFloat(v), ps, typeName);
    default:
      throw unknownType(t, typeName);
  }
  if (ps.prec >= 0) throw new PyFormatError('ValueError', 'Precision not allowed in integer format specifier');
  if (ps.z) throw new PyFormatError('ValueError', 'Negative zero coercion (z) not allowed in integer format specifier');
  const negative = typeof v === 'bigint' ? v < 0n : v < 0;
  if (t === 'c') {
    if (ps.sign !== '') throw new PyFormatError('ValueError', "Sign not allowed with integer format specifier 'c'");
    if (ps.alt) throw new PyFormatError('ValueError', "Alternate form (#) not allowed with integer format specifier 'c'");
    const big = typeof v === 'bigint' ? v : BigInt(v);
    if (big > 9223372036854775807n || big < -9223372036854775808n) {
      throw new PyFormatError('OverflowError', 'Python int too large to convert to C long');
    }
    if (big < 0n || big > 0x10ffffn) throw new PyFormatError('OverflowError', '%c arg not in range(0x110000)');
    return layoutNumber(ps, false, '', '', String.fromCodePoint(Number(big)), 0);
  }
  let radix = 10;
  let prefix = '';
  let groupSize = 3;
  switch (t) {
    case 'b':
      radix = 2;
      prefix = '0b';
      groupSize = 4;
      break;
    case 'o':
      radix = 8;
      prefix = '0o';
      groupSize = 4;
      break;
    case 'x':
      radix = 16;
      prefix = '0x';
      groupSize = 4;
      break;
    case 'X':
      radix = 16;
      prefix = '0X';
      groupSize = 4;
      break;
  }
  let digits = intDigits(v, radix);
  if (t === 'X') digits = digits.toUpperCase();
  return layoutNumber(ps, negative, ps.alt ? prefix : '', digits, '', groupSize);
}

function formatFloatParsed(x: number, ps: ParsedSpec, typeName: string): string {
  let t = ps.type;
  switch (t) {
    case '':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case '%':
      break;
    case 'n':
      t = 'g';
      break;
    default:
      throw unknownType(t, typeName);
  }
  let addDot0 = false;
  let prec = ps.prec;
  if (t === '') {
    addDot0 = true;
    t = prec < 0 ? 'r' : 'g';
  } else if (prec < 0) {
    prec = 6;
  }
  let negative = x < 0 || Object.is(x, -0);
  const ax = negative ? -x : x;
  let body: string;
  let rest = '';
  if (t === '%') {
    body = floatBody(ax * 100, 'f', prec, ps.alt, false);
    rest = '%';
  } else {
    body = floatBody(ax, t, prec, ps.alt, addDot0);
  }
  if (x !== x) return layoutNumber(ps, false, '', '', body + rest, 0);
  if (ax === Infinity) return layoutNumber(ps, negative, '', '', body + rest, 0);
  // 'z': a value that rounded to zero drops its minus sign.
  if (ps.z && negative && !/[1-9]/.test(body.replace(/[eE].*$/, ''))) negative = false;
  if (ps.width < 0 && ps.group === '') return (negative ? '-' : ps.sign === '+' ? '+' : ps.sign === ' ' ? ' ' : '') + body + rest;
  // Split the integer-digit run off for grouping.
  let i = 0;
  while (i < body.length && body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) i++;
  return layoutNumber(ps, negative, '', body.slice(0, i), body.slice(i) + rest, 3);
}

/**
 * Format with an already-parsed spec (the compiled '{}' formats call this so
 * render never re-parses). An empty spec means str(), as in Python, which
 * for logflume is the JS rendering (pyStr).
 */
export function formatParsed(value: unknown, ps: ParsedSpec): string {
  if (ps.raw === '') return pyStr(value);
  switch (typeof value) {
    case 'string':
      return formatStr(value, ps);
    case 'number':
      if (Number.isInteger(value)) return formatInt(value, ps, 'int');
      raiseIfError(ps, 'float');
      return formatFloatParsed(value, ps, 'float');
    case 'bigint':
      return formatInt(value, ps, 'int');
    case 'boolean':
      return formatInt(value ? 1 : 0, ps, 'bool');
    default:
      throw new PyFormatError('TypeError', `unsupported format string passed to ${pyTypeName(value)}.__format__`);
  }
}

/** Python's builtin format(value, spec) for JS values: numbers (integral JS numbers behave as Python int, non-integral as float), bigint (int), boolean (as Python int? no: Python bool formats as int with a numeric spec, as 'True' with an empty or string spec — mirror that with 'true'/'false' per the JS rule), strings, and other values (empty spec → pyStr; non-empty spec → PyFormatError TypeError "unsupported format string passed to <ctor>.__format__"). Full mini-language: fill, align <>^=, sign + - space, z, #, 0, width, grouping , _, .precision, types b c d e E f F g G n o s x X %.
 *
 * Why the empty spec is pyStr for every value: Python guarantees
 * format(v, '') == str(v), and logflume's str() is the JS rendering, so
 * '{x}' and '%(x)s' agree (e.g. 1e-7 → '1e-7', Infinity → 'Infinity').
 */
export function formatValue(value: unknown, spec: string): string {
  if (spec === '') return pyStr(value);
  return formatParsed(value, getSpec(spec));
}
