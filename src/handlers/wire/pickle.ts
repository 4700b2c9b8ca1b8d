/**
 * Python pickle, reduced to what a dict of plain values needs. `pickleDumps`
 * writes protocol 1 (what `logging.handlers.SocketHandler` sends:
 * `pickle.dumps(d, 1)`); `pickleLoads` reads protocols 0–5 but only the
 * opcodes that build None, bools, ints, floats, str, bytes, lists, tuples and
 * dicts, plus safe stand-ins for the datetime, Decimal, bytes, set and
 * application objects CPython pickles from a record's extra (GLOBAL, REDUCE,
 * NEWOBJ and BUILD of those become text or bytes, nothing is imported or
 * called: see pickle-standins.ts). Any other call, and INST, OBJ, EXT*,
 * PERSID, …, is a ProtocolError: a pickle is decoded as data, never executed.
 */
import { ProtocolError } from './errors.js';
import { build, globalText, newobj, reduce } from './pickle-standins.js';

/** A value that crosses the wire unchanged (Python tuples arrive as arrays). */
export type PlainValue = null | boolean | number | bigint | string | Uint8Array | PlainValue[] | { [k: string]: PlainValue };

/** Bounds applied while decoding; every one is enforced before memory is used. */
export interface PickleLimits {
  /** Deepest container nesting accepted (default 32). */
  maxDepth?: number;
  /**
   * Total string/bytes length the decoded value may expand to (default 4 MiB):
   * every use of a shared value (DUP, memo GET) is charged again, at least
   * one byte each.
   */
  maxExpandedBytes?: number;
}

// ---------------------------------------------------------------- encoder

/**
 * A growable byte buffer with the pickler's memo: one allocation per record in
 * the common case.
 */
class Out {
  buf = Buffer.allocUnsafe(1024);
  pos = 0;
  /** Next memo index (every str, list and dict gets one, as CPython's pickler gives them). */
  memo = 0;
  /** Memo index of each one-character Latin-1 string and of '' (CPython's singletons), by char code; -1 for ''. */
  shared: Map<number, number> | null = null;
  /** Top-level dict keys whose number values go as floats (a JS number has no int/float distinction). */
  floatKeys: ReadonlySet<string> | null = null;
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  ascii(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }
  /** BINPUT / LONG_BINPUT of the next memo index, as CPython writes after each memoised object. */
  put(): number {
    const i = this.memo++;
    this.ensure(5);
    if (i < 0x100) {
      this.buf[this.pos] = 0x71; // q BINPUT
      this.buf[this.pos + 1] = i;
      this.pos += 2;
    } else {
      this.buf[this.pos] = 0x72; // r LONG_BINPUT
      this.buf.writeUInt32LE(i, this.pos + 1);
      this.pos += 5;
    }
    return i;
  }
  /** BINGET / LONG_BINGET of memo index `i`. */
  get(i: number): void {
    this.ensure(5);
    if (i < 0x100) {
      this.buf[this.pos] = 0x68; // h BINGET
      this.buf[this.pos + 1] = i;
      this.pos += 2;
    } else {
      this.buf[this.pos] = 0x6a; // j LONG_BINGET
      this.buf.writeUInt32LE(i, this.pos + 1);
      this.pos += 5;
    }
  }
}

// CPython's pickler writes containers in batches of this many items (MARK … APPENDS/SETITEMS); a container of exactly one item gets APPEND/SETITEM.
const BATCH = 1000;

function dumpFloat(o: Out, v: number): void {
  o.ensure(9);
  o.buf[o.pos] = 0x47; // G BINFLOAT
  o.buf.writeDoubleBE(v, o.pos + 1);
  o.pos += 9;
}

function dumpString(o: Out, v: string): void {
  // CPython shares '' and one-character Latin-1 strings (they are singletons
  // there), so a repeat of one is a memo reference. Longer equal strings are
  // distinct objects in a record's dict and are written again, as CPython does.
  const single = v.length === 0 ? -1 : v.length === 1 && v.charCodeAt(0) < 0x100 ? v.charCodeAt(0) : -2;
  if (single !== -2) {
    const at = o.shared?.get(single);
    if (at !== undefined) return o.get(at);
  }
  const n = Buffer.byteLength(v, 'utf8');
  o.ensure(5 + n);
  o.buf[o.pos] = 0x58; // X BINUNICODE
  o.buf.writeUInt32LE(n, o.pos + 1);
  o.pos += 5;
  o.pos += o.buf.write(v, o.pos, 'utf8');
  const i = o.put();
  if (single !== -2) (o.shared ??= new Map()).set(single, i);
}

function dumpValue(o: Out, v: unknown, depth: number): void {
  if (depth > 64) throw new TypeError('value nested too deeply to pickle');
  if (v === null || v === undefined) return o.byte(0x4e); // N NONE
  switch (typeof v) {
    case 'boolean':
      return o.ascii(v ? 'I01\n' : 'I00\n'); // protocol 1 bools, as Python writes them
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return dumpInt(o, v);
      return dumpFloat(o, v);
    case 'bigint':
      return o.ascii(`L${v.toString()}L\n`);
    case 'string':
      return dumpString(o, v);
    case 'object':
      break;
    default:
      throw new TypeError(`cannot pickle a ${typeof v}`);
  }
  if (v instanceof Uint8Array) {
    // Protocol 1 has no bytes opcode (Python 3 writes a _codecs.encode call there); send latin-1 text instead.
    return dumpValue(o, Buffer.from(v).toString('latin1'), depth);
  }
  if (Array.isArray(v)) {
    o.byte(0x5d); // ] EMPTY_LIST
    o.put();
    if (v.length === 1) {
      dumpValue(o, v[0], depth + 1);
      return o.byte(0x61); // a APPEND
    }
    for (let i = 0; i < v.length; i += BATCH) {
      const end = Math.min(v.length, i + BATCH);
      o.byte(0x28); // ( MARK
      for (let j = i; j < end; j++) dumpValue(o, v[j], depth + 1);
      o.byte(0x65); // e APPENDS
    }
    return;
  }
  o.byte(0x7d); // } EMPTY_DICT
  o.put();
  const entries: [string, unknown][] = [];
  if (v instanceof Map) for (const [k, val] of v) entries.push([String(k), val]);
  else for (const k of Object.keys(v as object)) entries.push([k, (v as Record<string, unknown>)[k]]);
  const floats = depth === 0 ? o.floatKeys : null;
  for (let i = 0; i < entries.length; i += BATCH) {
    const end = Math.min(entries.length, i + BATCH);
    const one = entries.length === 1;
    if (!one) o.byte(0x28); // ( MARK
    for (let j = i; j < end; j++) {
      const [k, val] = entries[j]!;
      dumpString(o, k);
      if (floats !== null && typeof val === 'number' && floats.has(k)) dumpFloat(o, val);
      else dumpValue(o, val, depth + 1);
    }
    o.byte(one ? 0x73 : 0x75); // s SETITEM / u SETITEMS
  }
}

function dumpInt(o: Out, n: number): void {
  o.ensure(5);
  const b = o.buf;
  if (n >= 0 && n < 0x100) {
    b[o.pos] = 0x4b; // K BININT1
    b[o.pos + 1] = n;
    o.pos += 2;
  } else if (n >= 0 && n < 0x10000) {
    b[o.pos] = 0x4d; // M BININT2
    b.writeUInt16LE(n, o.pos + 1);
    o.pos += 3;
  } else if (n >= -0x80000000 && n <= 0x7fffffff) {
    b[o.pos] = 0x4a; // J BININT
    b.writeInt32LE(n, o.pos + 1);
    o.pos += 5;
  } else o.ascii(`L${n}L\n`); // LONG, as protocol 1 writes big ints
}

/**
 * Python's `pickle.dumps(value, 1)` for plain values, byte for byte (memo
 * opcodes included): null/undefined → None, booleans, numbers (integers as
 * int, others as float), bigint, strings, arrays → list, plain objects and
 * Maps → dict. Throws TypeError on anything else; callers convert such values
 * to strings first. `reserve` bytes are left free at the start (for a frame
 * header). Numbers under a top-level key in `floatKeys` go as floats (a
 * record's `created`, `msecs`, `relativeCreated` are floats in Python even
 * when they hold a whole number).
 */
export function pickleDumps(value: unknown, reserve = 0, floatKeys: ReadonlySet<string> | null = null): Buffer {
  const o = new Out();
  o.pos = reserve;
  o.floatKeys = floatKeys;
  dumpValue(o, value, 0);
  o.byte(0x2e); // . STOP
  return o.buf.subarray(0, o.pos);
}

// ---------------------------------------------------------------- decoder

const MARK = Symbol('mark');
type StackItem = unknown;

function isContainer(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array);
}

const FORBIDDEN: Record<number, string> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x92: 'NEWOBJ_EX',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
};

/**
 * Decode a pickle of plain values without executing anything. Throws
 * ProtocolError on a forbidden or unknown opcode, on truncation, on trailing
 * bytes, or when a limit is exceeded. Dicts decode to null-prototype objects
 * (keys are data, never prototype setters); tuples to frozen arrays.
 */
export function pickleLoads(buf: Uint8Array, limits: PickleLimits = {}): PlainValue {
  const data = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const maxDepth = limits.maxDepth ?? 32;
  let budget = limits.maxExpandedBytes ?? 4 * 1024 * 1024;
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const fail = (why: string): never => {
    throw new ProtocolError(`pickle: ${why} at byte ${pos}`);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > data.length) fail('truncated');
  };
  const charge = (n: number): void => {
    budget -= n;
    if (budget < 0) fail('decoded value exceeds the size limit');
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 4096) fail('bad text argument');
    const s = data.toString('latin1', pos, end);
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0 || stack[stack.length - 1] === MARK) fail('stack underflow');
    return stack.pop();
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail('no mark');
    const items = stack.splice(m!);
    items.shift(); // the MARK itself
    return items;
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const pushStr = (s: string, nbytes: number): void => {
    charge(nbytes);
    stack.push(s);
  };
  const int = (s: string): number | bigint => {
    const t = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[+-]?\d{1,400}$/.test(t)) fail('bad integer');
    const b = BigInt(t);
    return b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  };
  const setItems = (d: unknown, items: unknown[]): void => {
    if (typeof d !== 'object' || d === null || Array.isArray(d) || d instanceof Uint8Array) fail('SETITEM(S) on a non-dict');
    if (items.length % 2 !== 0) fail('odd SETITEMS');
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i];
      if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'bigint' && typeof k !== 'boolean' && k !== null) fail('unhashable dict key');
      (d as Record<string, unknown>)[k === null ? 'None' : String(k)] = items[i + 1];
      nest(d, items[i + 1]);
    }
  };
  const depthOk = (): void => {
    if (marks.length > maxDepth) fail('nesting too deep');
  };
  // Nesting depth of every container built so far (an empty one is 1). A
  // container's depth is final once it sits inside another (containers are
  // never shared), so charging it at insertion bounds nesting built without
  // MARK too (TUPLE1/2/3, APPEND, SETITEM).
  const depths = new WeakMap<object, number>();
  const depthOf = (v: unknown): number => (isContainer(v) ? (depths.get(v as object) ?? 1) : 0);
  const nest = (parent: unknown, child: unknown): void => {
    if (!isContainer(child)) return;
    const d = depthOf(child) + 1;
    if (d > maxDepth) fail('nesting too deep');
    if (d > depthOf(parent)) depths.set(parent as object, d);
  };
  const nestAll = (parent: unknown, items: readonly unknown[]): void => {
    for (let i = 0; i < items.length; i++) nest(parent, items[i]);
  };
  // Each value pushed costs at least one byte of the budget, so a long run of
  // one-byte opcodes cannot build more items than the budget allows either.
  const chargeShared = (v: unknown): void => {
    if (typeof v === 'string' || v instanceof Uint8Array) charge(Math.max(1, v.length));
    else charge(1);
  };

  while (true) {
    need(1);
    const op = data[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        need(1);
        if (data[pos]! > 5) fail('unsupported protocol');
        pos += 1;
        break;
      case 0x95: // FRAME (8-byte length; framing is advisory, nothing to do)
        need(8);
        pos += 8;
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length !== 0) fail('bad stack at STOP');
        if (pos !== data.length) fail('trailing bytes after STOP');
        return stack[0] as PlainValue;
      case 0x28: // MARK
        marks.push(stack.length);
        stack.push(MARK);
        depthOk();
        break;
      case 0x30: // POP
        if (stack[stack.length - 1] === MARK) {
          stack.pop();
          marks.pop();
        } else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        {
          const v = top();
          if (v === MARK || isContainer(v)) fail('DUP of a container');
          chargeShared(v);
          stack.push(v);
        }
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x49: {
        // INT (text): also I01/I00 for bools
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : int(s));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(int(line()));
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(data.readInt32LE(pos));
        pos += 4;
        break;
      case 0x4b: // BININT1
        need(1);
        stack.push(data[pos]!);
        pos += 1;
        break;
      case 0x4d: // BININT2
        need(2);
        stack.push(data.readUInt16LE(pos));
        pos += 2;
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const lenBytes = op === 0x8a ? 1 : 4;
        need(lenBytes);
        const n = op === 0x8a ? data[pos]! : data.readInt32LE(pos);
        pos += lenBytes;
        if (n < 0 || n > 64) fail('integer too large');
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[pos + i]!);
        if (n > 0 && data[pos + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x46: {
        // FLOAT (text)
        const s = line();
        const f = Number(s);
        if (Number.isNaN(f) && !/^[+-]?nan$/i.test(s)) fail('bad float');
        stack.push(f);
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        stack.push(data.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
      case 0x8c: // SHORT_BINUNICODE
      case 0x8d: {
        // BINUNICODE8
        const lenBytes = op === 0x8c ? 1 : op === 0x58 ? 4 : 8;
        need(lenBytes);
        const n = op === 0x8c ? data[pos]! : op === 0x58 ? data.readUInt32LE(pos) : Number(data.readBigUInt64LE(pos));
        pos += lenBytes;
        need(n);
        pushStr(data.toString('utf8', pos, pos + n), n);
        pos += n;
        break;
      }
      case 0x56: {
        // UNICODE (protocol 0, raw-unicode-escape)
        const s = line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string | undefined, b: string | undefined) =>
          String.fromCodePoint(parseInt((a ?? b)!, 16)),
        );
        pushStr(s, s.length);
        break;
      }
      case 0x54: // BINSTRING (Python 2 str; decoded as latin-1 like Python 3's default)
      case 0x55: {
        // SHORT_BINSTRING
        const lenBytes = op === 0x55 ? 1 : 4;
        need(lenBytes);
        const n = op === 0x55 ? data[pos]! : data.readInt32LE(pos);
        pos += lenBytes;
        need(n);
        pushStr(data.toString('latin1', pos, pos + n), n);
        pos += n;
        break;
      }
      case 0x42: // BINBYTES
      case 0x43: // SHORT_BINBYTES
      case 0x8e: {
        // BINBYTES8
        const lenBytes = op === 0x43 ? 1 : op === 0x42 ? 4 : 8;
        need(lenBytes);
        const n = op === 0x43 ? data[pos]! : op === 0x42 ? data.readUInt32LE(pos) : Number(data.readBigUInt64LE(pos));
        pos += lenBytes;
        need(n);
        charge(n);
        stack.push(new Uint8Array(data.subarray(pos, pos + n)));
        pos += n;
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(Object.create(null));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(Object.freeze([]));
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = Object.create(null);
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 0x6c: {
        // LIST
        const l = popMark();
        nestAll(l, l);
        stack.push(l);
        break;
      }
      case 0x74: {
        // TUPLE
        const t = popMark();
        nestAll(t, t);
        stack.push(Object.freeze(t));
        break;
      }
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        if (stack.length < n) fail('stack underflow');
        const items = stack.splice(stack.length - n);
        if (items.includes(MARK)) fail('stack underflow');
        nestAll(items, items);
        stack.push(Object.freeze(items));
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (!Array.isArray(l) || Object.isFrozen(l)) fail('APPEND to a non-list');
        nest(l, v);
        (l as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l) || Object.isFrozen(l)) fail('APPENDS to a non-list');
        nestAll(l, items);
        for (const it of items) (l as unknown[]).push(it);
        break;
      }
      case 0x70: // PUT (text)
        memoPut(Number(int(line())));
        break;
      case 0x71: // BINPUT
        need(1);
        memoPut(data[pos++]!);
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memoPut(data.readUInt32LE(pos));
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memoPut(memo.size);
        break;
      case 0x67: // GET (text)
        memoGet(Number(int(line())));
        break;
      case 0x68: // BINGET
        need(1);
        memoGet(data[pos++]!);
        break;
      case 0x6a: // LONG_BINGET
        need(4);
        memoGet(data.readUInt32LE(pos));
        pos += 4;
        break;
      // what CPython pickles for datetime, Decimal, bytes, set and application objects in a
      // record's extra: decoded to safe stand-ins, nothing imported or called (pickle-standins.ts)
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        const g = globalText(module, name, fail);
        charge(g.length);
        stack.push(g);
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof name !== 'string' || typeof module !== 'string') fail('STACK_GLOBAL of non-strings');
        const g = globalText(module as string, name as string, fail);
        charge(g.length);
        stack.push(g);
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const v = reduce(pop(), args, fail);
        chargeShared(v);
        stack.push(v);
        break;
      }
      case 0x81: {
        // NEWOBJ
        pop();
        const v = newobj(pop(), fail);
        charge(v.length);
        stack.push(v);
        break;
      }
      case 0x62: // BUILD
        pop();
        build(top(), fail);
        break;
      default:
        pos -= 1;
        fail(FORBIDDEN[op] ? `forbidden opcode ${FORBIDDEN[op]}` : `unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }

  function memoPut(i: number): void {
    const v = top();
    if (v === MARK) fail('PUT of a mark');
    memo.set(i, v);
  }
  function memoGet(i: number): void {
    if (!memo.has(i)) fail('GET of an unknown memo key');
    const v = memo.get(i);
    // Sharing a container could build a cycle or an exponentially large
    // structure (a "billion laughs"); a log record never needs it, so only
    // scalars may be shared, and shared strings count against the budget each time.
    if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) fail('shared reference to a container');
    chargeShared(v);
    stack.push(v);
  }
}
