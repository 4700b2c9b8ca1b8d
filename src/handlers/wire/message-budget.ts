/**
 * An upper bound on the length of `msg % args`, computed without formatting:
 * the receiver merges a received record's arguments only when this bound fits
 * its budget, so `"%536870000s"` in a 100-byte frame cannot make it build half
 * a gigabyte. The bound is cheap (one scan of the template, each argument's
 * size measured once) and never below the real length: widths and precisions
 * count in full, `*` takes its value from the arguments, and a value counts as
 * its largest rendering (repr escapes included).
 */

/** Longest text a number renders to under %d/%o/%f/%e/%g without a precision (a double in octal has 342 digits; sign, prefix, point, exponent). */
const NUMBER_TEXT = 360;

/**
 * Upper bound, in UTF-16 units, of the text a decoded wire value (plain data
 * only) renders to under `%r`/`%a`, or nested inside a container under `%s`
 * (Python repr escapes at \uXXXX per unit at worst; a container as
 * `util.inspect` lays it out, whose column alignment pads an item to at most
 * ~27 units, so each item is given 32 units of overhead).
 */
export function textBound(v: unknown, depth = 0): number {
  if (v === null || v === undefined) return 9;
  switch (typeof v) {
    case 'string':
      return 6 * v.length + 2;
    case 'number':
      return 32; // the longest rendering of a double is 24 units (-1.2345678901234568e-300)
    case 'bigint':
      return v.toString().length + 2;
    case 'boolean':
      return 5;
    case 'object':
      break;
    default:
      return 64;
  }
  if (depth > 64) return Number.POSITIVE_INFINITY;
  if (v instanceof Uint8Array) return 4 * v.length + 40;
  let n = 24;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) n += textBound(v[i], depth + 1) + 32;
    return n;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) n += textBound(k, depth + 1) + textBound(x, depth + 1) + 32;
    return n;
  }
  for (const k of Object.keys(v as object)) n += 6 * k.length + 2 + textBound((v as Record<string, unknown>)[k], depth + 1) + 32;
  return n;
}

/**
 * Upper bound on the length of the message `getMessage()` builds from
 * template `msg` and `args` (Python's `msg % args`) when that succeeds; a
 * format that fails stops within the same bound (the caller then keeps the
 * arguments unmerged). Stops early, returning a value above `limit`, as soon
 * as the bound passes `limit`.
 */
export function mergedLengthBound(msg: string, args: unknown, limit: number): number {
  const mapping = args !== null && typeof args === 'object' && !Array.isArray(args) && !(args instanceof Uint8Array) ? (args as Record<string, unknown>) : null;
  const positional: readonly unknown[] = Array.isArray(args) ? args : [args];
  const sizes = new Map<unknown, number>(); // each argument measured once, however often the template names it
  const size = (v: unknown): number => {
    let s = sizes.get(v);
    if (s === undefined) sizes.set(v, (s = textBound(v)));
    return s;
  };
  let allArgs = -1;
  const anyArg = (): number => (allArgs >= 0 ? allArgs : (allArgs = size(args) + positional.reduce<number>((a, v) => a + size(v), 0)));
  let total = 0;
  let cursor = 0;
  const n = msg.length;
  let i = 0;
  while (i < n) {
    const pct = msg.indexOf('%', i);
    if (pct < 0) {
      total += n - i;
      break;
    }
    total += pct - i;
    i = pct + 1;
    if (i >= n) break;
    let value: unknown;
    let known = true; // false: the value is not determined here (the bound of every argument is used)
    if (msg.charCodeAt(i) === 40 /* ( */) {
      let depth = 1;
      let j = i + 1;
      while (j < n && depth > 0) {
        const c = msg.charCodeAt(j);
        if (c === 40) depth++;
        else if (c === 41) depth--;
        j++;
      }
      const key = msg.slice(i + 1, j - 1);
      i = j;
      if (mapping !== null && !(mapping instanceof Map) && Object.hasOwn(mapping, key)) value = mapping[key];
      else known = false;
    }
    while (i < n && '-+ #0'.includes(msg[i]!)) i++;
    let width = 0;
    if (msg[i] === '*') {
      const w = positional[cursor++];
      width = typeof w === 'number' ? Math.abs(w) : typeof w === 'bigint' ? Number(w < 0n ? -w : w) : 0;
      i++;
    } else {
      const s = i;
      while (i < n && msg.charCodeAt(i) >= 48 && msg.charCodeAt(i) <= 57) i++;
      if (i > s) width = Number(msg.slice(s, i));
    }
    let prec = -1;
    if (msg[i] === '.') {
      i++;
      if (msg[i] === '*') {
        const p = positional[cursor++];
        prec = typeof p === 'number' ? Math.max(0, p) : typeof p === 'bigint' ? Number(p < 0n ? 0n : p) : 0;
        i++;
      } else {
        const s = i;
        while (i < n && msg.charCodeAt(i) >= 48 && msg.charCodeAt(i) <= 57) i++;
        prec = i > s ? Number(msg.slice(s, i)) : 0;
      }
    }
    while (i < n && 'hlL'.includes(msg[i]!)) i++;
    const conv = msg[i++] ?? '';
    if (conv !== '%' && known && value === undefined) {
      // '%s' % {…} takes the mapping itself: `positional` is then [args]
      if (cursor < positional.length) value = positional[cursor++];
      else known = false;
    }
    const arg = !known ? anyArg() : conv === 's' && typeof value === 'string' ? value.length : size(value);
    let body: number;
    if (conv === '%') body = 1;
    else if (conv === 's' || conv === 'r' || conv === 'a') body = prec >= 0 ? Math.min(2 * prec, arg) : arg; // precision counts code points: ≤ 2 units each
    else if ('diuxXo'.includes(conv)) body = Math.max(prec, NUMBER_TEXT, 2 * arg) + 4; // octal of a big int: ≤ 1.2 × its decimal digits
    else if ('eEfFgG'.includes(conv)) body = NUMBER_TEXT + Math.max(prec, 6) + 8;
    else if (conv === 'c') body = 2;
    else body = anyArg();
    total += width + body; // width counts code points, so padding plus an astral body can pass max(width, body)
    if (total > limit) return total;
  }
  return total;
}

/** Templates longer than this are never merged at the receiver (each distinct one would also take a slot of the format cache). */
export const MAX_TEMPLATE = 16_384;

/** What the receiver's merge needs of a record. */
export interface MergeableRecord {
  msg: unknown;
  args: unknown;
  unmerged_args?: unknown;
  getMessage(): string;
  [k: string]: unknown;
}

/**
 * Merge a received record's arguments into `msg` (once, before any handler
 * formats it) when the merged text is sure to stay within `limit`
 * characters; returns null then (or when there was nothing to merge). Otherwise,
 * and when `msg % args` fails, `msg` stays the template, the arguments move to
 * `unmerged_args` (kept as data), `args` becomes null, and the reason is returned.
 */
export function mergeReceivedArgs(record: MergeableRecord, limit: number): string | null {
  const args = record.args;
  if (args === null || args === undefined) return null;
  if (Array.isArray(args) ? args.length === 0 : typeof args === 'object' && !(args instanceof Uint8Array) && Object.keys(args as object).length === 0) {
    record.args = null;
    return null;
  }
  const msg = record.msg;
  let why: string;
  if (typeof msg !== 'string') why = 'the message is not a string';
  else if (msg.length > MAX_TEMPLATE) why = `the template is longer than ${MAX_TEMPLATE} characters`;
  else if (mergedLengthBound(msg, args, limit) > limit) why = `the merged message could exceed ${limit} characters`;
  else {
    try {
      record.msg = record.getMessage();
      record.args = null;
      return null;
    } catch (e) {
      why = `msg % args failed: ${e instanceof Error ? `${e.name}: ${e.message}` : 'error'}`;
    }
  }
  record.unmerged_args = args;
  record.args = null;
  return why;
}
