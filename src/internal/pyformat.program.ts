// The compiled form of a printf-style format (see pyformat.percent.ts): flags,
// the width/precision sentinels and the spec/program shapes. Kept apart so that
// the generated fast paths (pyformat.fast.ts) and the interpreter share them
// without importing each other.
import type { PyFormatError } from './pyformat.values.js';

export const F_MINUS = 1;
export const F_PLUS = 2;
export const F_SPACE = 4;
export const F_ALT = 8;
export const F_ZERO = 16;

export const STAR = -2;
export const NONE = -1;

export interface Spec {
  /** mapping key, or null for positional; undefined when '(' was not closed */
  key: string | null;
  flags: number;
  width: number;
  prec: number;
  conv: string;
  err: PyFormatError | null;
  errStage: number;
  /** The spec's own text in the format ('%-8s'); to the end of the format when parsing stopped at an error. */
  src: string;
  /** A Node `util.format` conversion (`%j`, `%O`): an error for Python, rendered only by log calls (see pyformat.lenient.ts). */
  node: boolean;
}

export type Item = string | Spec;

export interface Program {
  items: Item[];
  /** keys in order of first use */
  keys: string[];
  /** generated fast path for a tuple of exactly `fastArity` args (see pyformat.fast.ts), or null */
  fast?: ((args: readonly unknown[]) => string) | null;
  fastArity?: number;
  /** per positional spec, what number it accepts without raising (see numbersFormatSafely); null: not applicable */
  numSig?: string | null;
  /** values the positional specs consume (a '*' counts); -1 for a mapping format, -2 when keys and positions mix */
  arity: number;
  /** uses a Node conversion (%j, %O) */
  node: boolean;
  /** has a spec Python rejects (other than %j/%O): `fmt % args` raises whatever the arguments */
  broken?: boolean;
}
