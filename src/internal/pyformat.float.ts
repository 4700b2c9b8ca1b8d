// Correctly rounded decimal conversion of doubles, with Python's rules.
//
// Python rounds exact decimal ties to even ('%.2f' % 0.125 == '0.12'); JS's
// toFixed/toExponential round ties away from zero and stop at 100 digits /
// 1e21. So: use the (exact, fast) JS builtins whenever the value provably is
// not a tie at the requested position, and fall back to an exact BigInt
// expansion of the double otherwise. A tie is only possible when the double's
// exact decimal expansion ends exactly one digit after the rounding position,
// which we can tell from the binary exponent in O(1).

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Which 32-bit half holds the sign/exponent depends on platform endianness.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/**
 * Number of fractional decimal digits in the exact expansion of finite x > 0
 * (equal to the number of fractional binary digits, since 2^-k = 5^k / 10^k).
 */
function fracDigitCount(x: number): number {
  F64[0] = x;
  const hi = U32[HI]!;
  const lo = U32[LO]!;
  const bexp = (hi >>> 20) & 0x7ff;
  const e = (bexp === 0 ? 1 : bexp) - 1075;
  const him = (hi & 0xfffff) | (bexp === 0 ? 0 : 0x100000);
  const tz = lo !== 0 ? ctz32(lo) : 32 + ctz32(him);
  const k = -(e + tz);
  return k > 0 ? k : 0;
}

/** Exact decimal expansion of finite x > 0 as digits (no leading/trailing zeros) and decimal-point position. */
function exactDecimal(x: number): { d: string; p: number } {
  let s: string;
  let p: number;
  if (Number.isInteger(x)) {
    // String() gives the shortest round-trip digits, which are exact only up to 2^53.
    s = x <= Number.MAX_SAFE_INTEGER ? String(x) : BigInt(x).toString();
    p = s.length;
  } else {
    F64[0] = x;
    const hi = U32[HI]!;
    const lo = U32[LO]!;
    const bexp = (hi >>> 20) & 0x7ff;
    const e = (bexp === 0 ? 1 : bexp) - 1075;
    const him = (hi & 0xfffff) | (bexp === 0 ? 0 : 0x100000);
    let m = (BigInt(him) << 32n) | BigInt(lo);
    const tz = lo !== 0 ? ctz32(lo) : 32 + ctz32(him);
    m >>= BigInt(tz);
    const k = -(e + tz); // > 0 because x is not an integer
    s = (m * 5n ** BigInt(k)).toString();
    p = s.length - k;
  }
  let end = s.length;
  while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
  return { d: end === s.length ? s : s.slice(0, end), p };
}

/**
 * Round the digit string `d` (value 0.d × 10^p) keeping `keep` leading digits,
 * ties to even. Returns the kept digits (zero-padded to `keep`, one longer on
 * carry-out) and the new point position; '' when everything rounds away.
 */
function roundDigits(d: string, p: number, keep: number): { d: string; p: number } {
  if (keep >= d.length) return { d: d + '0'.repeat(keep - d.length), p };
  if (keep < 0) return { d: '', p };
  const next = d.charCodeAt(keep) - 48;
  let up: boolean;
  if (next !== 5) up = next > 5;
  else if (keep + 1 < d.length) up = true; // trailing zeros were stripped, so the rest is nonzero
  else up = keep > 0 && (d.charCodeAt(keep - 1) - 48) % 2 === 1;
  const head = d.slice(0, keep);
  if (!up) return { d: head, p };
  let i = keep - 1;
  while (i >= 0 && head.charCodeAt(i) === 57) i--;
  if (i < 0) return { d: '1' + '0'.repeat(keep), p: p + 1 };
  return { d: head.slice(0, i) + String.fromCharCode(head.charCodeAt(i) + 1) + '0'.repeat(keep - 1 - i), p };
}

/** |x| in fixed point with `f` fractional digits, correctly rounded (half-even). x must be finite and >= 0. */
export function fixedString(x: number, f: number): string {
  if (x < 1e21 && f <= 100 && (x === 0 || fracDigitCount(x) !== f + 1)) return x.toFixed(f);
  const e = exactDecimal(x);
  const r = roundDigits(e.d, e.p, e.p + f);
  // r.d holds the digits of round(x * 10^f) starting at position r.p.
  const intLen = r.p; // digits before the point
  let intPart: string;
  let frac: string;
  if (intLen <= 0) {
    intPart = '0';
    frac = ('0'.repeat(-intLen) + r.d).padEnd(f, '0').slice(0, f);
  } else {
    intPart = r.d.slice(0, intLen).padEnd(intLen, '0');
    frac = r.d.slice(intLen).padEnd(f, '0');
  }
  return f > 0 ? intPart + '.' + frac : intPart;
}

/**
 * |x| rounded to `n` significant digits (half-even): exactly `n` digits and
 * the decimal exponent of the first one. x must be finite and >= 0.
 */
export function sigDigits(x: number, n: number): { d: string; exp: number } {
  if (x === 0) return { d: '0'.repeat(n), exp: 0 };
  if (!Number.isInteger(x) && n <= 101) {
    const s = x.toExponential(n - 1);
    const ei = s.indexOf('e');
    const exp = +s.slice(ei + 1);
    const k = fracDigitCount(x);
    // The exact expansion has k + floor(log10 x) + 1 significant digits and
    // floor(log10 x) is exp or exp - 1; a tie needs exactly n + 1 of them.
    if (k + exp !== n && k + exp - 1 !== n) {
      return { d: n === 1 ? s.slice(0, 1) : s[0] + s.slice(2, ei), exp };
    }
  }
  const e = exactDecimal(x);
  const r = roundDigits(e.d, e.p, n);
  return { d: r.d.slice(0, n), exp: r.p - 1 };
}

/** Shortest round-tripping digits of finite x > 0 (what Python's repr(float) uses). */
export function shortestDigits(x: number): { d: string; exp: number } {
  const s = x.toExponential();
  const ei = s.indexOf('e');
  return { d: ei === 1 ? s[0]! : s[0] + s.slice(2, ei), exp: +s.slice(ei + 1) };
}

function expSuffix(exp: number, upper: boolean): string {
  const a = exp < 0 ? -exp : exp;
  return (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

/**
 * Python's float body (no sign) for presentation types e E f F g G and 'r'
 * (repr, used for an omitted type). `addDot0` is Python's "at least one
 * digit after the point" rule for an omitted type; `alt` is '#'. Shared by
 * %-formatting and format() so both round identically.
 */
export function floatBody(ax: number, type: string, prec: number, alt: boolean, addDot0: boolean): string {
  const upper = type === 'E' || type === 'F' || type === 'G';
  if (ax !== ax) return upper ? 'NAN' : 'nan';
  if (ax === Infinity) return upper ? 'INF' : 'inf';
  switch (type) {
    case 'f':
    case 'F': {
      const s = fixedString(ax, prec);
      return alt && prec === 0 ? s + '.' : s;
    }
    case 'e':
    case 'E': {
      const r = sigDigits(ax, prec + 1);
      const mant = r.d.length > 1 ? r.d[0] + '.' + r.d.slice(1) : alt ? r.d + '.' : r.d;
      return mant + expSuffix(r.exp, upper);
    }
    default: {
      // g, G, and the repr-like 'r'
      let d: string;
      let exp: number;
      let useExp: boolean;
      if (type === 'r') {
        if (ax === 0) {
          d = '0';
          exp = 0;
        } else {
          const r = shortestDigits(ax);
          d = r.d;
          exp = r.exp;
        }
        useExp = exp < -4 || exp >= 16;
      } else {
        const p = prec === 0 ? 1 : prec;
        const r = sigDigits(ax, p);
        d = r.d;
        exp = r.exp;
        useExp = exp < -4 || exp >= (addDot0 ? p - 1 : p);
        if (!alt) {
          let end = d.length;
          while (end > 1 && d.charCodeAt(end - 1) === 48) end--;
          d = d.slice(0, end);
        }
      }
      if (useExp) {
        const mant = d.length > 1 ? d[0] + '.' + d.slice(1) : alt ? d + '.' : d;
        return mant + expSuffix(exp, upper);
      }
      const decpt = exp + 1;
      let s: string;
      if (decpt <= 0) s = '0.' + '0'.repeat(-decpt) + d;
      else if (decpt >= d.length) s = d + '0'.repeat(decpt - d.length) + (alt ? '.' : '');
      else s = d.slice(0, decpt) + '.' + d.slice(decpt);
      if (addDot0 && s.charCodeAt(s.length - 1) === 46) s += '0';
      else if (addDot0 && s.indexOf('.') < 0) s += '.0';
      return s;
    }
  }
}
