// str.format-style formats (logging's style '{'), compiled once.
//
// Unlike '%' formats, syntax errors are thrown by compileBraceStyle itself:
// they do not depend on the values, and a Formatter should fail when it is
// built rather than on every record. Errors that do depend on the values
// (missing keys, a spec that does not suit the value's type) are raised at
// render time, as Python raises them.
import { type ParsedSpec, decimalValue, formatParsed, formatValue, getSpec } from './pyformat.format-spec.js';
import { type CompiledFormat, PyFormatError, isMapping, pyAscii, pyRepr, pyStr, pyTypeName, lengthError } from './pyformat.values.js';

type Step = { attr: string } | { index: string | number };

interface Field {
  name: string;
  steps: Step[];
  conv: '' | 'r' | 's' | 'a';
  /** static spec, or null when the spec has nested fields */
  spec: ParsedSpec | null;
  nested: Item[] | null;
}

type Item = string | Field;

function syntax(msg: string): PyFormatError {
  return new PyFormatError('ValueError', msg);
}

/** Python's rendering of an odd character in "Unknown conversion specifier" messages. */
function convCharRepr(cp: number): string {
  return cp > 32 && cp < 127 ? String.fromCodePoint(cp) : '\\x' + cp.toString(16);
}

/** Integer value if `s` is all decimal digits (any script, as Python accepts), else -1. */
function asIndex(s: string): number {
  if (s === '') return -1;
  let acc = 0;
  for (const ch of s) {
    const d = decimalValue(ch.codePointAt(0)!);
    if (d < 0) return -1;
    acc = acc * 10 + d;
    // Python's limit is 2 ** 63 - 1 (Py_ssize_t); as a double that literal is 2 ** 63.
    if (acc > 2 ** 63) throw syntax('Too many decimal digits in format string');
  }
  return acc;
}

function positional(index: number): PyFormatError {
  return new PyFormatError('IndexError', `Replacement index ${index} out of range for positional args tuple`);
}

/** Split 'a.b[0][k]' into its first name and access steps, with Python's errors. */
function parseFieldName(text: string): { name: string; steps: Step[] } {
  let i = 0;
  while (i < text.length && text[i] !== '.' && text[i] !== '[') i++;
  const name = text.slice(0, i);
  // Positional and auto-numbered fields cannot be satisfied: logging passes keywords only.
  if (name === '') throw positional(0);
  const idx = asIndex(name);
  if (idx >= 0) throw positional(idx);
  const steps: Step[] = [];
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      let j = i + 1;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const attr = text.slice(i + 1, j);
      if (attr === '') throw syntax('Empty attribute in format string');
      steps.push({ attr });
      i = j;
    } else if (c === '[') {
      const j = text.indexOf(']', i + 1);
      if (j < 0) throw syntax("Missing ']' in format string");
      const key = text.slice(i + 1, j);
      if (key === '') throw syntax('Empty attribute in format string');
      const n = asIndex(key);
      steps.push({ index: n >= 0 ? n : key });
      i = j + 1;
      if (i < text.length && text[i] !== '.' && text[i] !== '[') {
        throw syntax("Only '.' or '[' may follow ']' in format field specifier");
      }
    } else {
      throw syntax("Only '.' or '[' may follow ']' in format field specifier");
    }
  }
  return { name, steps };
}

/** One replacement field as the scanner found it, before its parts are interpreted. */
export interface RawField {
  nameText: string;
  /** code point after '!', or -1 */
  convCp: number;
  specText: string;
  /** the spec contains '{' and must itself be formatted first */
  needsExpand: boolean;
}

/**
 * Scan from `i`: literal text (with '{{'/'}}' unescaped) up to the next
 * replacement field, and that field. Shared by compilation and by
 * validation, which must agree on syntax errors.
 */
export function scanPiece(s: string, i: number): { lit: string; field: RawField | null; next: number } {
  const n = s.length;
  let lit = '';
  for (;;) {
    let j = i;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === 123 || c === 125) break;
      j++;
    }
    lit += s.slice(i, j);
    if (j >= n) return { lit, field: null, next: n };
    const brace = s[j]!;
    if (j + 1 < n && s[j + 1] === brace) {
      lit += brace;
      i = j + 2;
      continue;
    }
    if (brace === '}') throw syntax("Single '}' encountered in format string");
    if (j + 1 >= n) throw syntax("Single '{' encountered in format string");
    // Field name: ends at '}', ':' or '!'; '[...]' may contain anything but ']'.
    let k = j + 1;
    let term = '';
    while (k < n) {
      const c = s[k++]!;
      if (c === '{') throw syntax("unexpected '{' in field name");
      if (c === '[') {
        while (k < n && s[k] !== ']') k++;
        continue;
      }
      if (c === '}' || c === ':' || c === '!') {
        term = c;
        break;
      }
    }
    if (term === '') throw syntax("expected '}' before end of string");
    const nameText = s.slice(j + 1, k - 1);
    let convCp = -1;
    let specText = '';
    let needsExpand = false;
    if (term !== '}') {
      let done = false;
      if (term === '!') {
        if (k >= n) throw syntax('end of string while looking for conversion specifier');
        convCp = s.codePointAt(k)!;
        k += convCp > 0xffff ? 2 : 1;
        if (k < n) {
          const c = s[k++];
          if (c === '}') done = true;
          else if (c !== ':') throw syntax("expected ':' after conversion specifier");
        }
      }
      if (!done) {
        const start = k;
        let count = 1;
        while (k < n) {
          const c = s[k++];
          if (c === '{') {
            needsExpand = true;
            count++;
          } else if (c === '}' && --count === 0) break;
        }
        if (count !== 0) throw syntax("unmatched '{' in format spec");
        specText = s.slice(start, k - 1);
      }
    }
    return { lit, field: { nameText, convCp, specText, needsExpand }, next: k };
  }
}

/**
 * Parse a format string into items. `depth` is Python's recursion budget:
 * 2 at top level, so a spec may contain fields but their specs may not.
 */
function parseTemplate(s: string, depth: number, fields: string[]): Item[] {
  if (depth <= 0) throw syntax('Max string recursion exceeded');
  const items: Item[] = [];
  let i = 0;
  while (i < s.length) {
    const piece = scanPiece(s, i);
    i = piece.next;
    if (piece.lit !== '') items.push(piece.lit);
    const raw = piece.field;
    if (raw === null) break;
    const { name, steps } = parseFieldName(raw.nameText);
    let conv: Field['conv'] = '';
    const cp = raw.convCp;
    if (cp >= 0) {
      if (cp === 114) conv = 'r';
      else if (cp === 115) conv = 's';
      else if (cp === 97) conv = 'a';
      else throw syntax(`Unknown conversion specifier ${convCharRepr(cp)}`);
    }
    if (!fields.includes(name)) fields.push(name);
    items.push(
      raw.needsExpand
        ? { name, steps, conv, spec: null, nested: parseTemplate(raw.specText, depth - 1, fields) }
        : { name, steps, conv, spec: getSpec(raw.specText), nested: null },
    );
  }
  return items;
}

function keyError(key: unknown): PyFormatError {
  return new PyFormatError('KeyError', typeof key === 'string' ? pyRepr(key) : String(key));
}

function getAttr(obj: unknown, attr: string): unknown {
  if (obj === null || obj === undefined || !(attr in Object(obj))) {
    throw new PyFormatError('AttributeError', `'${pyTypeName(obj)}' object has no attribute '${attr}'`);
  }
  return (obj as Record<string, unknown>)[attr];
}

function getItem(obj: unknown, key: string | number): unknown {
  if (typeof obj === 'string' || Array.isArray(obj) || ArrayBuffer.isView(obj)) {
    const what = typeof obj === 'string' ? 'string' : pyTypeName(obj);
    if (typeof key !== 'number') {
      throw new PyFormatError('TypeError', `${what} indices must be integers or slices, not str`);
    }
    const len = (obj as ArrayLike<unknown>).length;
    if (key >= len) throw new PyFormatError('IndexError', `${what} index out of range`);
    return (obj as ArrayLike<unknown>)[key];
  }
  if (obj instanceof Map) {
    if (obj.has(key)) return obj.get(key);
    if (typeof key === 'number' && obj.has(String(key))) return obj.get(String(key));
    throw keyError(key);
  }
  if (typeof obj === 'object' && obj !== null) {
    const k = String(key);
    if (isMapping(obj) ? Object.prototype.hasOwnProperty.call(obj, k) : k in obj) {
      return (obj as Record<string, unknown>)[k];
    }
    throw keyError(key);
  }
  throw new PyFormatError('TypeError', `'${pyTypeName(obj)}' object is not subscriptable`);
}

function renderItems(items: readonly Item[], values: Record<string, unknown>): string {
  let out = '';
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    out += typeof it === 'string' ? it : renderField(it, values);
  }
  return out;
}

function renderField(f: Field, values: Record<string, unknown>): string {
  const name = f.name;
  if (!(name in values)) throw keyError(name);
  let v: unknown = values[name];
  const steps = f.steps;
  for (let k = 0; k < steps.length; k++) {
    const st = steps[k]!;
    v = 'attr' in st ? getAttr(v, st.attr) : getItem(v, st.index);
  }
  if (f.conv !== '') v = f.conv === 'r' ? pyRepr(v) : f.conv === 's' ? pyStr(v) : pyAscii(v);
  return f.spec !== null ? formatParsed(v, f.spec) : formatValue(v, renderItems(f.nested!, values));
}

/** Compile a `{}` str.format-style format once (logging's style '{'): fields like {name}, {levelname:<8}, {created:.3f}, {msecs:03.0f}, {x!r}, {x!s:>10}, {{ and }} escapes, nested {width} inside a spec allowed only as Python allows. Attribute/index access ({a.b}, {a[0]}) supported. Positional/auto-numbered fields ({} / {0}) are a compile-time PyFormatError like Python's logging validate would give — see below.
 *
 * Syntax errors and positional fields throw here (ValueError; for positional
 * fields Python's IndexError text "Replacement index 0 out of range for
 * positional args tuple") because they can never render successfully.
 * `{a.b}` is JS property access (Python would need a real attribute), and a
 * failed attribute/index lookup is reported as a KeyError.
 */
export function compileBraceStyle(fmt: string): CompiledFormat {
  const fields: string[] = [];
  const items = parseTemplate(fmt, 2, fields);
  if (items.length === 1 && typeof items[0] === 'string') {
    const text = items[0];
    return { fields, render: () => text };
  }
  return {
    fields,
    render: (values: Record<string, unknown>) => {
      try {
        return renderItems(items, values);
      } catch (e) {
        throw lengthError(e);
      }
    },
  };
}
