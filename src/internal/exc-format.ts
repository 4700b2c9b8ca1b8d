import { types } from 'node:util';
import { pyRepr } from './pyformat.js';

/** Whether `v` is an Error, also one from another realm (node:vm, a worker's structured clone); never throws. */
export function isError(v: unknown): v is Error {
  try {
    return typeof v === 'object' && v !== null && (v instanceof Error || types.isNativeError(v));
  } catch {
    return false;
  }
}

function read(o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

const CAUSE_SEP = '\n\nThe above exception was the direct cause of the following exception:\n\n';

/**
 * Text of a thrown value for log output: the JS stack of an Error, preceded by
 * its `cause` chain in Python's order (oldest first, joined by Python's
 * "direct cause" sentence), with AggregateError members listed. Never throws;
 * a value that cannot be rendered is described instead. `null`/`undefined`
 * give Python's "NoneType: None".
 */
export function formatThrown(err: unknown): string {
  const chain: unknown[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== undefined && !seen.has(cur) && chain.length < 32) {
    seen.add(cur);
    chain.push(cur);
    try {
      cur = isError(cur) ? (cur as { cause?: unknown }).cause : undefined;
    } catch {
      break; // a cause getter that throws (or a revoked proxy) ends the chain
    }
    if (cur === undefined) break;
  }
  let out = '';
  for (let i = chain.length - 1; i >= 0; i--) {
    out += one(chain[i]);
    if (i > 0) out += CAUSE_SEP;
  }
  return out;
}

function one(e: unknown): string {
  if (e === null || e === undefined || e === true) return 'NoneType: None';
  try {
    if (isError(e)) {
      // each field read on its own: a getter that throws costs that field, not the error's text
      const name = read(e, 'name');
      const message = read(e, 'message');
      // a format error's frames are logflume's own; Python's type and text say it all
      const pyType = read(e, 'pyType');
      if (name === 'PyFormatError' && typeof pyType === 'string') return `${pyType}: ${String(message)}`;
      const stack = read(e, 'stack');
      let s = typeof stack === 'string' && stack.length > 0 ? stack : `${typeof name === 'string' ? name : 'Error'}: ${typeof message === 'string' ? message : '<unreadable message>'}`;
      if (s.endsWith('\n')) s = s.slice(0, -1);
      if (e instanceof AggregateError && Array.isArray(e.errors)) {
        e.errors.forEach((sub, i) => {
          s += `\n  [errors][${i}]: ` + one(sub).split('\n').join('\n  ');
        });
      }
      return s;
    }
    return `Uncaught ${typeof e}: ${pyRepr(e)}`;
  } catch {
    return `Uncaught value (unprintable ${typeof e})`;
  }
}
