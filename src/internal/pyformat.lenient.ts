// The forgiving renderer behind two Node habits that Python's `msg % args` does
// not know: `%j` / `%O` (Node's util.format conversions), and a message whose
// arguments do not fit its format, which must still be delivered. It walks the
// same compiled program as percentFormat, applying each conversion with
// Python's rules, and where Python would raise it keeps what it can: a
// conversion without a value stays as its text, a value without a conversion
// (or one that cannot take it) is appended after the text, as util.format
// appends extra arguments.
import { inspect } from 'node:util';
import { compiled, convert, starValue } from './pyformat.percent.js';
import { STAR, F_MINUS, type Spec } from './pyformat.program.js';
import { isMapping, pyRepr, pyStr } from './pyformat.values.js';

/** A rendered message, and whether Python's own rules (plus %j/%O) produced it unchanged. */
export interface LenientText {
  text: string;
  /**
   * True when nothing was dropped, kept as text or guessed beyond the Node
   * conversions and util.format's number coercion (`%d` of '3'): the result a
   * Node developer meant, so no fault is worth reporting.
   */
  clean: boolean;
}

const NUMERIC = new Set(['d', 'i', 'u', 'o', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G']);

/** Text of any value that never throws: str(), then repr(), then a placeholder. */
export function safeText(v: unknown): string {
  try {
    return pyStr(v);
  } catch {
    try {
      return pyRepr(v);
    } catch {
      return '<unprintable value>';
    }
  }
}

/** util.format's %j: JSON text, '[Circular]' for a cycle, and the JS text where JSON has none. */
function jsonText(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    return s === undefined ? String(v) : s;
  } catch (e) {
    if (e instanceof TypeError && /circular/i.test(e.message)) return '[Circular]';
    return safeText(v);
  }
}

function nodeText(spec: Spec, v: unknown): string {
  if (spec.conv === 'j') return jsonText(v);
  try {
    return inspect(v, { depth: 4, breakLength: Infinity, compact: true });
  } catch {
    return safeText(v);
  }
}

/**
 * `fmt % args`, forgiving: never throws. Node conversions render as
 * util.format does; a numeric string given to a numeric conversion is read as
 * the number (util.format's rule); anything else Python would reject keeps
 * its text and its argument, and `clean` turns false.
 */
export function lenientFormat(fmt: string, args: unknown): LenientText {
  const items = compiled(fmt).items;
  const mapping = isMapping(args) ? (args as object) : null;
  const tuple: readonly unknown[] | null = Array.isArray(args) ? args : mapping !== null ? null : [args];
  let idx = 0;
  let mappingUsed = false;
  let out = '';
  let clean = true;
  const unused: unknown[] = [];
  const take = (): { ok: boolean; v: unknown } => {
    if (tuple !== null) return idx < tuple.length ? { ok: true, v: tuple[idx++] } : { ok: false, v: undefined };
    // a mapping given to positional conversions is the one value, as in Python
    if (mappingUsed) return { ok: false, v: undefined };
    mappingUsed = true;
    return { ok: true, v: args };
  };
  // A '*' width or precision: its int, or null. A value that is not an int is kept
  // (appended), never dropped; the ints taken go into `taken`, so they can be kept
  // too if the conversion then finds no value.
  const takeStar = (taken: unknown[]): number | null => {
    const a = take();
    const n = a.ok ? starOrNull(a.v) : null;
    if (n === null) {
      if (a.ok) unused.push(a.v);
      clean = false;
    } else taken.push(a.v);
    return n;
  };
  for (const it of items) {
    if (typeof it === 'string') {
      out += it;
      continue;
    }
    let v: unknown;
    let width = it.width;
    let prec = it.prec;
    let spec = it;
    const starVals: unknown[] = []; // the widths/precisions taken for this conversion
    if (it.key !== null) {
      const got = mapping === null || it.key === undefined ? undefined : lookup(mapping, it.key);
      if (got === undefined) {
        out += it.src;
        clean = false;
        continue;
      }
      v = got.v;
      if (width === STAR || prec === STAR) clean = false; // Python: '* wants int' with a mapping
      if (width === STAR) width = -1;
      if (prec === STAR) prec = -1;
    } else {
      if (width === STAR) {
        const n = takeStar(starVals);
        if (n === null) width = -1;
        else if (n < 0) {
          spec = { ...it, flags: it.flags | F_MINUS };
          width = -n;
        } else width = n;
      }
      if (prec === STAR) {
        const n = takeStar(starVals);
        prec = n === null ? -1 : Math.max(0, n);
      }
      const x = take();
      if (!x.ok) {
        // the conversion stays as its text, and a width it took is kept as an argument
        unused.push(...starVals);
        out += it.src;
        clean = false;
        continue;
      }
      v = x.v;
    }
    if (it.node) {
      out += pad(nodeText(it, v), width, spec);
      continue;
    }
    if (it.err !== null) {
      out += it.src;
      unused.push(v);
      clean = false;
      continue;
    }
    try {
      out += convert(spec, v, width, prec);
    } catch {
      const n = typeof v === 'string' && NUMERIC.has(it.conv) && v.trim() !== '' ? Number(v) : NaN;
      let done = false;
      if (n === n) {
        try {
          out += convert(spec, n, width, prec);
          done = true;
        } catch {
          /* fall through to the text */
        }
      }
      if (!done) {
        out += safeText(v);
        clean = false;
      }
    }
  }
  if (tuple !== null) for (; idx < tuple.length; idx++) unused.push(tuple[idx]);
  if (unused.length > 0) clean = false;
  for (const u of unused) out += ' ' + safeText(u);
  return { text: out, clean };
}

function lookup(mapping: object, key: string): { v: unknown } | undefined {
  if (mapping instanceof Map) return mapping.has(key) ? { v: mapping.get(key) } : undefined;
  return Object.prototype.hasOwnProperty.call(mapping, key) ? { v: (mapping as Record<string, unknown>)[key] } : undefined;
}

function starOrNull(v: unknown): number | null {
  try {
    return starValue(v);
  } catch {
    return null;
  }
}

function pad(s: string, width: number, spec: Spec): string {
  if (width <= s.length) return s;
  const fill = ' '.repeat(width - s.length);
  return spec.flags & F_MINUS ? s + fill : fill + s;
}
