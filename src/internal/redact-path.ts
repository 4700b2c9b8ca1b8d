/**
 * Redaction path syntax, parsed once into a trie the Redactor walks.
 * `a.b`, `a["x-y"]`, `a['x']`, `a[0]`, `*` (any key at that level),
 * `a[*].b`. No code is generated from paths: they are data, so a path taken
 * from configuration can never run as code.
 */

/** A segment matching every key (or index) at its level. */
export const WILDCARD: unique symbol = Symbol('wildcard');
export type Segment = string | typeof WILDCARD;

/** One trie node: children by key, a wildcard child, and whether a path ends here. */
export interface PathNode {
  keys: Map<string, PathNode> | null;
  /** The keys of `keys` and their nodes as arrays (filled by `seal`), for iteration without a Map iterator. */
  list: string[];
  kids: PathNode[];
  wild: PathNode | null;
  /** A path ends at this node: the value here is censored or removed. */
  end: boolean;
}

export function newNode(): PathNode {
  return { keys: null, wild: null, end: false, list: [], kids: [] };
}

/** Parse one path; throws a TypeError naming the path and the offset of the problem. */
export function parsePath(path: string): Segment[] {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`redaction path must be a non-empty string (got ${JSON.stringify(path)})`);
  const out: Segment[] = [];
  let i = 0;
  const n = path.length;
  const bad = (why: string): never => {
    throw new TypeError(`redaction path ${JSON.stringify(path)}: ${why} at offset ${i}`);
  };
  let expectKey = true;
  while (i < n) {
    const c = path[i]!;
    if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) bad("'[' without ']'");
      let inner = path.slice(i + 1, close).trim();
      if (inner === '*') out.push(WILDCARD);
      else if (/^\d+$/.test(inner)) out.push(inner);
      else if ((inner.startsWith('"') && inner.endsWith('"')) || (inner.startsWith("'") && inner.endsWith("'"))) {
        if (inner.length < 2) bad('unterminated quote');
        inner = inner.slice(1, -1);
        out.push(inner);
      } else bad('brackets take *, an index or a quoted key');
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (c === '.') {
      if (expectKey) bad("empty segment before '.'");
      i++;
      expectKey = true;
      if (i === n) bad("path ends with '.'");
      continue;
    }
    if (!expectKey) bad("expected '.' or '['");
    let j = i;
    while (j < n && path[j] !== '.' && path[j] !== '[') j++;
    const key = path.slice(i, j);
    out.push(key === '*' ? WILDCARD : key);
    i = j;
    expectKey = false;
  }
  if (out.length === 0) bad('no segments');
  return out;
}

/** Add a parsed path to the trie rooted at `root`. */
export function addPath(root: PathNode, segs: readonly Segment[]): void {
  let node = root;
  for (const s of segs) {
    let next: PathNode | null | undefined;
    if (s === WILDCARD) {
      next = node.wild ?? (node.wild = newNode());
    } else {
      node.keys ??= new Map();
      next = node.keys.get(s);
      if (next === undefined) node.keys.set(s, (next = newNode()));
    }
    node = next;
  }
  node.end = true;
}

/** Fill every node's `list`/`kids` arrays once all paths are added. */
export function seal(node: PathNode): void {
  node.list = node.keys === null ? [] : [...node.keys.keys()];
  node.kids = node.keys === null ? [] : [...node.keys.values()];
  for (const k of node.kids) seal(k);
  if (node.wild !== null) seal(node.wild);
}
