/**
 * What CPython's HTTPHandler sends, back to a record dict: its form holds
 * `str()` of every attribute (`urllib.parse.urlencode(record.__dict__)`), so
 * numbers arrive as text, `None` as the word, and `args` as the repr of a
 * tuple. The repr is read by a literal parser (strings, numbers, None,
 * True/False, tuples, lists, dicts) — never evaluated; anything else (an
 * object's `<…>` repr, a call such as `datetime.datetime(…)`) is not parsed.
 */

/** Attributes Python sends as numbers (ints or floats), read back as numbers. */
const NUMERIC = new Set(['levelno', 'lineno', 'created', 'msecs', 'relativeCreated', 'thread', 'process']);
/** Attributes whose `None` means null (any other `'None'` is kept as text: it may be a message). */
const NULLABLE = new Set(['exc_info', 'exc_text', 'stack_info', 'thread', 'threadName', 'process', 'processName', 'taskName', 'args', 'funcName']);

class Unparsable extends Error {}

/** Parse one Python literal repr (as `repr()` prints str, int, float, None, bool, tuple, list, dict). */
export function parsePyLiteral(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n')) i++;
  };
  const value = (depth: number): unknown => {
    if (depth > 32) throw new Unparsable('too deep');
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (c === '(' || c === '[') return seq(c === '(' ? ')' : ']', depth);
    if (c === '{') return dict(depth);
    const m = /^(?:None|True|False|-?inf|nan|-?\d+(?:\.\d*)?(?:e[+-]?\d+)?)/.exec(text.slice(i, i + 40));
    if (!m) throw new Unparsable(`at ${i}`);
    i += m[0].length;
    const w = m[0];
    if (w === 'None') return null;
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'nan') return NaN;
    if (w.endsWith('inf')) return w.startsWith('-') ? -Infinity : Infinity;
    return Number(w);
  };
  const str = (): string => {
    const q = text[i++];
    let out = '';
    while (i < text.length && text[i] !== q) {
      const ch = text[i++]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const e = text[i++];
      const hex = (n: number): string => {
        const h = text.slice(i, i + n);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new Unparsable('bad escape');
        i += n;
        return String.fromCodePoint(parseInt(h, 16));
      };
      if (e === 'n') out += '\n';
      else if (e === 'r') out += '\r';
      else if (e === 't') out += '\t';
      else if (e === '\\' || e === "'" || e === '"') out += e;
      else if (e === 'x') out += hex(2);
      else if (e === 'u') out += hex(4);
      else if (e === 'U') out += hex(8);
      else throw new Unparsable('bad escape');
    }
    if (text[i++] !== q) throw new Unparsable('unterminated string');
    return out;
  };
  const seq = (close: string, depth: number): unknown[] => {
    i++;
    const out: unknown[] = [];
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        return out;
      }
      out.push(value(depth + 1));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== close) throw new Unparsable(`expected , or ${close}`);
    }
  };
  const dict = (depth: number): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      const k = value(depth + 1);
      ws();
      if (text[i++] !== ':') throw new Unparsable('expected :');
      const v = value(depth + 1);
      if (k !== '__proto__') out[String(k)] = v;
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') throw new Unparsable('expected , or }');
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) throw new Unparsable('trailing text');
  return v;
}

/**
 * A CPython HTTPHandler form (query or body) as a record dict: numeric
 * attributes as numbers, `None` as null where Python meant None, `args`
 * parsed from its repr. When `args` cannot be parsed the message is kept
 * unmerged (`args` null) and the text goes to `args_repr`.
 */
export function formToRecordDict(form: URLSearchParams): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  for (const [k, v] of form) {
    if (NUMERIC.has(k) && v !== 'None' && v.trim() !== '' && Number.isFinite(Number(v))) d[k] = Number(v);
    else if (v === 'None' && NULLABLE.has(k)) d[k] = null;
    else d[k] = v;
  }
  if (typeof d.args === 'string') {
    const text = d.args;
    try {
      const a = parsePyLiteral(text);
      d.args = Array.isArray(a) ? a : a !== null && typeof a === 'object' ? a : [a];
      if (Array.isArray(d.args) && d.args.length === 0) d.args = null;
    } catch (e) {
      if (!(e instanceof Unparsable)) throw e;
      d.args = null;
      d.args_repr = text;
    }
  }
  return d;
}
