/**
 * JSON payloads: the default wire format (safe and language-neutral). The
 * decoder checks nesting depth with a linear scan before `JSON.parse`, so a
 * "JSON bomb" of deep brackets is rejected without recursion.
 */
import { isAscii } from 'node:buffer';
import { ProtocolError } from './errors.js';

/** Reject JSON nested deeper than `maxDepth` (strings are skipped correctly). */
export function checkJsonDepth(buf: Uint8Array, maxDepth: number): void {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inStr) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inStr = false;
    } else if (c === 0x22) inStr = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new ProtocolError(`json: nesting deeper than ${maxDepth}`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** How many `{` and `[` bytes `buf` holds, counting at most up to `limit + 1` (native memchr, no per-byte JS). */
function countOpeners(buf: Buffer, limit: number): number {
  let n = 0;
  for (const b of [0x7b, 0x5b]) {
    let i = buf.indexOf(b);
    while (i >= 0 && n <= limit) {
      n++;
      i = buf.indexOf(b, i + 1);
    }
  }
  return n;
}

/** Parse a JSON payload; throws ProtocolError on invalid UTF-8, bad JSON or excessive depth. */
export function jsonLoads(buf: Uint8Array, maxDepth = 32): unknown {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  // Nesting cannot exceed the number of openers: a record has one or two, so
  // the byte-by-byte scan only runs for payloads that could be too deep.
  if (countOpeners(b, maxDepth) > maxDepth) checkJsonDepth(buf, maxDepth);
  let text: string;
  if (isAscii(b)) text = b.toString('latin1'); // ASCII is valid UTF-8 and decodes 1:1
  else {
    try {
      text = decoder.decode(buf);
    } catch {
      throw new ProtocolError('json: invalid UTF-8');
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(`json: ${(e as Error).message}`);
  }
}

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  return v;
}

/** Serialise a dict of plain values to JSON text (bigint becomes a number when safe, else a string). */
export function jsonString(value: unknown): string {
  try {
    return JSON.stringify(value); // fast path: no replacer
  } catch {
    return JSON.stringify(value, replacer);
  }
}

/** `jsonString` as UTF-8 bytes. */
export function jsonDumps(value: unknown): Buffer {
  return Buffer.from(jsonString(value), 'utf8');
}
