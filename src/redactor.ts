import { addPath, newNode, parsePath, seal, type PathNode } from './internal/redact-path.js';
import { toMessagePattern, type MessagePattern } from './redaction-patterns.js';
import { errorToJson } from './json-formatter.serialize.js';
import { isRequestLike, isResponseLike, serializeRequest, serializeResponse } from './internal/http-serialize.js';

/** What replaces a redacted value: a fixed value, or a function of the value and its path. */
export type Censor = unknown | ((value: unknown, path: readonly string[]) => unknown);

/** Options of {@link Redactor}. */
export interface RedactorOptions {
  /**
   * Paths of the values to hide, relative to the record's fields (or the
   * output object): `password`, `headers.authorization`, `*.token`,
   * `users[*].ssn`, `req.headers["x-api-key"]`. Keys are case-sensitive.
   */
  paths?: readonly string[];
  /** Replacement text or function. Default `'[Redacted]'`. */
  censor?: Censor;
  /** Delete matched keys instead of censoring them (array elements are dropped). Default false. */
  remove?: boolean;
  /** Message text patterns: names from `redactionPatterns`, RegExps, regex strings or `{ pattern, replacement }`. */
  patterns?: readonly (string | RegExp | MessagePattern)[];
}

/** Marks a value `remove: true` deletes. */
export const REMOVED: unique symbol = Symbol('removed');
const FAILED = '[Redaction failed]';

/**
 * Hides secrets in values before they are written: path-based (copy on
 * write — the caller's objects are never changed, and only the objects on a
 * matched path are copied) and pattern-based for message text. A value the
 * walk cannot read (a throwing getter, a hostile Proxy) is censored whole:
 * redaction fails closed. Paths are parsed into a trie once; nothing is
 * compiled into code. Used by RedactingFilter and JsonFormatter's `redact`.
 *
 * @example
 * const r = new Redactor({ paths: ['password', 'headers.authorization', 'users[*].ssn'] });
 * r.redact({ password: 'x', headers: { authorization: 'Bearer y' } });
 * // { password: '[Redacted]', headers: { authorization: '[Redacted]' } }
 */
export class Redactor {
  /** The configured paths, as given. */
  readonly paths: readonly string[];
  /** The replacement (ignored when `remove`). */
  readonly censor: Censor;
  /** Delete matched keys instead of censoring. */
  readonly remove: boolean;
  /** Message patterns, compiled (all global). */
  readonly patterns: readonly MessagePattern[];
  readonly #root: PathNode = newNode();
  readonly #censorFn: ((value: unknown, path: readonly string[]) => unknown) | null;

  /** @throws TypeError naming the bad path or pattern. */
  constructor(options: RedactorOptions = {}) {
    this.paths = [...(options.paths ?? [])];
    for (let i = 0; i < this.paths.length; i++) addPath(this.#root, parsePath(this.paths[i]!));
    seal(this.#root);
    this.censor = options.censor === undefined ? '[Redacted]' : options.censor;
    this.#censorFn = typeof this.censor === 'function' ? (this.censor as (v: unknown, p: readonly string[]) => unknown) : null;
    this.remove = options.remove ?? false;
    this.patterns = (options.patterns ?? []).map((p, i) => toMessagePattern(p, `patterns[${i}]`));
  }

  /** Whether any path is configured. */
  get hasPaths(): boolean {
    return this.paths.length > 0;
  }

  /** Whether a path may match below (or at) the top-level key `key`. */
  touches(key: string): boolean {
    const r = this.#root;
    return r.wild !== null || (r.keys !== null && r.keys.has(key));
  }

  /**
   * The value of the top-level field `key` with the paths below it applied:
   * the same value when nothing matched, a censored copy otherwise, or
   * {@link REMOVED} when the field itself is to be removed.
   */
  redactField(key: string, value: unknown): unknown {
    const r = this.#root;
    const a = r.keys?.get(key);
    const b = r.wild;
    if (a === undefined && b === null) return value;
    // the path is only kept for a censor function, which receives it
    const path = this.#censorFn === null ? null : [key];
    try {
      return b === null ? this.#walkOne(value, a!, path) : this.#walk(value, a ?? null, b, path);
    } catch {
      return this.remove ? REMOVED : FAILED;
    }
  }

  /** A copy of the object `obj` with every path applied (the object itself when nothing matched). */
  redact<T>(obj: T): T {
    if (typeof obj !== 'object' || obj === null || !this.hasPaths) return obj;
    try {
      const out = this.#walkOne(obj, this.#root, this.#censorFn === null ? null : []);
      return (out === REMOVED ? {} : out) as T;
    } catch {
      return { redaction: FAILED } as T;
    }
  }

  /** `text` with every message pattern applied. */
  redactText(text: string): string {
    const ps = this.patterns;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i]!;
      p.pattern.lastIndex = 0;
      if (!p.pattern.test(text)) continue;
      p.pattern.lastIndex = 0;
      text = text.replace(p.pattern, p.replacement as string);
    }
    return text;
  }

  #censored(value: unknown, path: readonly string[] | null): unknown {
    if (this.remove) return REMOVED;
    if (this.#censorFn === null) return this.censor;
    try {
      return this.#censorFn(value, [...(path ?? [])]);
    } catch {
      return FAILED;
    }
  }

  /** One trie node (the common case: no wildcard meets a named key at this level). */
  #walkOne(value: unknown, node: PathNode, path: string[] | null): unknown {
    if (node.end) return this.#censored(value, path);
    if (typeof value !== 'object' || value === null) return value;
    if (node.wild !== null) return this.#walk(value, node, null, path);
    const src = plainShape(value);
    const obj = src as Record<string, unknown>;
    let copy: Record<string, unknown> | unknown[] | null = src === value ? null : obj;
    let removed = false;
    const list = node.list;
    const kids = node.kids;
    for (let i = 0; i < list.length; i++) {
      const k = list[i]!;
      if (!Object.hasOwn(obj, k)) continue;
      let cur: unknown;
      try {
        cur = obj[k];
      } catch {
        cur = FAILED;
      }
      path?.push(k);
      const nv = this.#walkOne(cur, kids[i]!, path);
      path?.pop();
      if (nv === cur) continue;
      copy = withChange(copy, obj, k, nv);
      if (nv === REMOVED) removed = true;
    }
    if (copy === null) return value;
    if (removed && Array.isArray(copy)) return copy.filter((x) => x !== REMOVED);
    return copy;
  }

  /** Apply the trie nodes `a` and `b` (either may be null) to `value`, copying on write. */
  #walk(value: unknown, a: PathNode | null, b: PathNode | null, path: string[] | null): unknown {
    if ((a !== null && a.end) || (b !== null && b.end)) return this.#censored(value, path);
    if (typeof value !== 'object' || value === null) return value;
    const anyWild = (a !== null && a.wild !== null) || (b !== null && b.wild !== null);
    const src = plainShape(value);
    let copy: Record<string, unknown> | unknown[] | null = src === value ? null : (src as Record<string, unknown>);
    const obj = src as Record<string, unknown>;
    let removed = false;
    const visit = (k: string): void => {
      const ca = a?.keys?.get(k) ?? null;
      const cb = b?.keys?.get(k) ?? null;
      const wa = a?.wild ?? null;
      const wb = b?.wild ?? null;
      if (ca === null && cb === null && wa === null && wb === null) return;
      if (!Object.prototype.hasOwnProperty.call(obj, k)) return;
      path?.push(k);
      let cur: unknown;
      let nv: unknown;
      try {
        cur = obj[k];
      } catch {
        cur = FAILED;
      }
      // up to four nodes can meet at one key; fold them pairwise (a path set is a small trie)
      nv = cur;
      if (ca !== null || cb !== null) nv = this.#walk(nv, ca, cb, path);
      if (nv !== REMOVED && (wa !== null || wb !== null)) nv = this.#walk(nv, wa, wb, path);
      path?.pop();
      if (nv === cur) return;
      copy = withChange(copy, obj, k, nv);
      if (nv === REMOVED) removed = true;
    };
    if (anyWild) {
      const keys = Array.isArray(obj) ? Array.from(obj.keys(), String) : Object.keys(obj);
      for (let i = 0; i < keys.length; i++) visit(keys[i]!);
    } else {
      if (a?.keys) for (const k of a.keys.keys()) visit(k);
      if (b?.keys) for (const k of b.keys.keys()) if (a?.keys?.has(k) !== true) visit(k);
    }
    if (copy === null) return value;
    if (removed && Array.isArray(copy)) return copy.filter((x) => x !== REMOVED);
    return copy;
  }
}

/** Objects whose data sits behind prototypes, as the plain shape the JSON output has; others as they are. */
function plainShape(value: object): object {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Error) return errorToJson(value);
  if (isRequestLike(value)) return serializeRequest(value);
  if (isResponseLike(value)) return serializeResponse(value);
  return value;
}

/** `obj` copied on its first change (an array stays an array), with `k` set to `nv`, or marked for removal. */
function withChange(copy: Record<string, unknown> | unknown[] | null, obj: Record<string, unknown>, k: string, nv: unknown): Record<string, unknown> | unknown[] {
  const c = copy ?? (Array.isArray(obj) ? (obj as unknown[]).slice() : { ...obj });
  if (nv === REMOVED) {
    if (Array.isArray(c)) c[Number(k)] = REMOVED;
    else delete c[k];
  } else (c as Record<string, unknown>)[k] = nv;
  return c;
}
