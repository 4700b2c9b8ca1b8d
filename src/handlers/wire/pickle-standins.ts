/**
 * Safe stand-ins for the non-plain values CPython's SocketHandler pickles
 * when a record's `extra` holds them (`datetime`, `Decimal`, `bytes`, `set`,
 * an application object). Nothing is imported, called or looked up: a
 * GLOBAL becomes the text `<class 'module.name'>`, and REDUCE / NEWOBJ /
 * BUILD on such a text produce data from a short list of known value types —
 * readable text as Python's `repr()` prints it (`datetime.datetime(2024, 1,
 * 1, 0, 0)`, `Decimal('1.5')`, `{1, 'a'}`), real bytes for `bytes`, or a
 * placeholder naming the class (`<__main__.App object>`). Any other call
 * (`os.system`, `builtins.eval`, …) is refused: the frame is a ProtocolError.
 */

const GLOBAL_RE = /^<class '([A-Za-z_][\w.]*)\.([A-Za-z_]\w*)'>$/;

/** The stand-in for `GLOBAL module name`. */
export function globalText(module: string, name: string, fail: (why: string) => never): string {
  if (!/^[A-Za-z_][\w.]*$/.test(module) || !/^[A-Za-z_]\w*$/.test(name)) fail('bad GLOBAL name');
  return `<class '${module}.${name}'>`;
}

function className(callable: unknown, fail: (why: string) => never): string {
  const m = typeof callable === 'string' ? GLOBAL_RE.exec(callable) : null;
  if (!m) fail('REDUCE of something that is not a class');
  return `${m![1]}.${m![2]}`;
}

/** Python's repr() of a decoded plain value (for the texts of sets and the like). */
export function pyReprPlain(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    return q + v.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), '\\' + q).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + q;
  }
  if (v instanceof Uint8Array) {
    let out = "b'";
    for (const b of v) out += b === 0x27 ? "\\'" : b === 0x5c ? '\\\\' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
    return out + "'";
  }
  if (Array.isArray(v)) {
    const items = v.map(pyReprPlain);
    if (!Object.isFrozen(v)) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  return '{' + Object.entries(v as object).map(([k, x]) => `${pyReprPlain(k)}: ${pyReprPlain(x)}`).join(', ') + '}';
}

function bytesArg(v: unknown, n: number, fail: (why: string) => never): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== n) fail('bad datetime state');
  return v as Uint8Array;
}

/** `h, m[, s[, us]]` as Python's time/datetime repr prints them (trailing zeros left out). */
function clock(h: number, m: number, s: number, us: number): string {
  return us ? `${h}, ${m}, ${s}, ${us}` : s ? `${h}, ${m}, ${s}` : `${h}, ${m}`;
}

/** The value of `callable(*args)` for the known value types; anything else is refused. */
export function reduce(callable: unknown, args: unknown, fail: (why: string) => never): unknown {
  const cls = className(callable, fail);
  if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple');
  const a = args as unknown[];
  switch (cls) {
    case '_codecs.encode': {
      // how protocol 0-2 pickle bytes: _codecs.encode(text, 'latin1')
      if (typeof a[0] !== 'string' || (a[1] !== 'latin1' && a[1] !== 'latin-1')) fail('unsupported _codecs.encode');
      return Uint8Array.from(a[0] as string, (c) => c.charCodeAt(0) & 0xff);
    }
    case '__builtin__.set':
    case 'builtins.set':
    case '__builtin__.frozenset':
    case 'builtins.frozenset': {
      const items = Array.isArray(a[0]) ? (a[0] as unknown[]) : [];
      const inner = items.map(pyReprPlain).join(', ');
      const frozen = cls.endsWith('frozenset');
      if (items.length === 0) return frozen ? 'frozenset()' : 'set()';
      return frozen ? `frozenset({${inner}})` : `{${inner}}`;
    }
    case 'decimal.Decimal':
      return `Decimal(${pyReprPlain(typeof a[0] === 'string' ? a[0] : String(a[0]))})`;
    case 'datetime.datetime': {
      const b = bytesArg(a[0], 10, fail);
      const us = (b[7]! << 16) | (b[8]! << 8) | b[9]!;
      const tz = a.length > 1 && a[1] !== null ? `, tzinfo=${String(a[1])}` : '';
      return `datetime.datetime(${(b[0]! << 8) | b[1]!}, ${b[2]}, ${b[3]}, ${clock(b[4]!, b[5]!, b[6]!, us)}${tz})`;
    }
    case 'datetime.date': {
      const b = bytesArg(a[0], 4, fail);
      return `datetime.date(${(b[0]! << 8) | b[1]!}, ${b[2]}, ${b[3]})`;
    }
    case 'datetime.time': {
      const b = bytesArg(a[0], 6, fail);
      const tz = a.length > 1 && a[1] !== null ? `, tzinfo=${String(a[1])}` : '';
      return `datetime.time(${clock(b[0]!, b[1]!, b[2]!, (b[3]! << 16) | (b[4]! << 8) | b[5]!)}${tz})`;
    }
    case 'datetime.timedelta': {
      const [d, s, us] = a.map((x) => (typeof x === 'number' ? x : 0));
      const parts = [d ? `days=${d}` : '', s ? `seconds=${s}` : '', us ? `microseconds=${us}` : ''].filter(Boolean);
      return `datetime.timedelta(${parts.length > 0 ? parts.join(', ') : '0'})`;
    }
    case 'datetime.timezone':
      return a[0] === 'datetime.timedelta(0)' && a.length === 1 ? 'datetime.timezone.utc' : `datetime.timezone(${a.map((x) => (typeof x === 'string' && x.startsWith('datetime.') ? x : pyReprPlain(x))).join(', ')})`;
    case 'copy_reg._reconstructor':
    case 'copyreg._reconstructor':
      // an application object: only the class's name is kept; its state (BUILD) is dropped
      return `<${className(a[0], fail)} object>`;
    default:
      return fail(`refused call of ${cls} (only known value types are decoded)`);
  }
}

/** NEWOBJ (protocol 2+): `cls.__new__(cls, *args)` of an application class becomes a placeholder naming it. */
export function newobj(cls: unknown, fail: (why: string) => never): string {
  return `<${className(cls, fail)} object>`;
}

/** BUILD sets an object's state: on a placeholder the state is dropped (no attribute is ever set). */
export function build(target: unknown, fail: (why: string) => never): unknown {
  if (typeof target !== 'string' || !/^<[\w.]+ object>$/.test(target)) fail('BUILD on something that is not an object placeholder');
  return target;
}
