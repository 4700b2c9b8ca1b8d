// string.Template-style formats (logging's style '$'), compiled once.
import { type CompiledFormat, PyFormatError, cpLen, pyRepr, pyStr } from './pyformat.values.js';

interface Placeholder {
  name: string;
}
/** An invalid placeholder: Python raises only when substitution reaches it. */
interface Invalid {
  error: PyFormatError;
}
type Item = string | Placeholder | Invalid;

function isIdStart(c: number): boolean {
  return c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

// str.splitlines() boundaries, which Template uses to locate errors.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** Python's "Invalid placeholder in string: line L, col C" for an invalid '$' ending just before `at`. */
function invalidAt(fmt: string, at: number): PyFormatError {
  const head = fmt.slice(0, at);
  let line = 1;
  let lineStart = 0;
  LINE_BREAK.lastIndex = 0;
  for (let m = LINE_BREAK.exec(head); m !== null; m = LINE_BREAK.exec(head)) {
    // A break at the very end of `head` cannot happen: `head` ends with '$'.
    line++;
    lineStart = m.index + m[0].length;
  }
  const col = cpLen(head.slice(lineStart));
  return new PyFormatError('ValueError', `Invalid placeholder in string: line ${line}, col ${col}`);
}

/** Scan a template into literals, placeholders and invalid markers (shared with validation). */
export function parseDollar(fmt: string): Item[] {
  const items: Item[] = [];
  const n = fmt.length;
  let lit = '';
  let i = 0;
  while (i < n) {
    const j = fmt.indexOf('$', i);
    if (j < 0) {
      lit += fmt.slice(i);
      break;
    }
    lit += fmt.slice(i, j);
    let k = j + 1;
    const c = k < n ? fmt.charCodeAt(k) : -1;
    let item: Item;
    if (c === 36) {
      lit += '$';
      i = k + 1;
      continue;
    } else if (isIdStart(c)) {
      while (k < n && isIdChar(fmt.charCodeAt(k))) k++;
      item = { name: fmt.slice(j + 1, k) };
    } else if (c === 123 && k + 1 < n && isIdStart(fmt.charCodeAt(k + 1))) {
      let e = k + 1;
      while (e < n && isIdChar(fmt.charCodeAt(e))) e++;
      if (e < n && fmt.charCodeAt(e) === 125) {
        item = { name: fmt.slice(k + 1, e) };
        k = e + 1;
      } else {
        item = { error: invalidAt(fmt, j + 1) };
      }
    } else {
      item = { error: invalidAt(fmt, j + 1) };
    }
    if (lit !== '') {
      items.push(lit);
      lit = '';
    }
    items.push(item);
    i = k;
  }
  if (lit !== '') items.push(lit);
  return items;
}

/** Compile a `$` string.Template-style format once: $name, ${name}, $$; substitute (KeyError on missing) semantics.
 *
 * Never throws: like Template.substitute, an invalid '$' is reported when
 * rendering reaches it, after any earlier missing key.
 */
export function compileDollarStyle(fmt: string): CompiledFormat {
  const items = parseDollar(fmt);
  const fields: string[] = [];
  for (const it of items) if (typeof it !== 'string' && 'name' in it && !fields.includes(it.name)) fields.push(it.name);
  return {
    fields,
    render(values: Record<string, unknown>): string {
      let out = '';
      for (let k = 0; k < items.length; k++) {
        const it = items[k]!;
        if (typeof it === 'string') out += it;
        else if ('name' in it) {
          if (!(it.name in values)) throw new PyFormatError('KeyError', pyRepr(it.name));
          out += pyStr(values[it.name]);
        } else throw it.error;
      }
      return out;
    },
  };
}
