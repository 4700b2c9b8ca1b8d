/**
 * Framing: each record is `u32be length | payload` on a stream socket (the
 * shape Python's `SocketHandler.makePickle` produces), with an optional
 * HMAC tag before the payload. `FrameDecoder` reassembles frames from
 * arbitrary chunks and never buffers more than one frame's worth: a length
 * above `maxFrameSize` is refused as soon as its 4 header bytes arrive.
 */
import { ProtocolError } from './errors.js';
import { TAG_BYTES, sign } from './hmac.js';

/** Build a frame; with a key, the HMAC tag goes between length and payload. */
export function encodeFrame(payload: Uint8Array, key?: Buffer | null): Buffer {
  const parts: Uint8Array[] = [Buffer.alloc(4)];
  let len = payload.length;
  if (key) {
    parts.push(sign(key, payload));
    len += TAG_BYTES;
  }
  parts.push(payload);
  (parts[0] as Buffer).writeUInt32BE(len, 0);
  return Buffer.concat(parts, 4 + len);
}

const EMPTY = Buffer.alloc(0);

/**
 * Incremental frame reader for one connection. `push(chunk)` returns the
 * frame bodies completed by that chunk (tag included when signing is on) or
 * throws ProtocolError; after an error the decoder must be discarded.
 */
export class FrameDecoder {
  /** Largest body accepted (tag included). */
  readonly maxFrameSize: number;
  #buf: Buffer = EMPTY;
  #need = -1;

  constructor(maxFrameSize: number) {
    this.maxFrameSize = maxFrameSize;
  }

  /** Bytes held for a frame not yet complete (bounded by 4 + maxFrameSize + one chunk). */
  get buffered(): number {
    return this.#buf.length;
  }

  /** True while part of a frame has arrived and the rest has not. */
  get inFrame(): boolean {
    return this.#buf.length > 0 || this.#need >= 0;
  }

  /** Validate a length prefix; returns it. */
  #length(n: number): number {
    if (n === 0) throw new ProtocolError('frame: zero length');
    if (n > this.maxFrameSize) throw new ProtocolError(`frame: length ${n} exceeds maxFrameSize ${this.maxFrameSize}`);
    return n;
  }

  /** The frame bodies completed by `chunk`, as views of it where possible. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.pushEach(chunk, (buf, start, end) => {
      out.push(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
    });
    return out;
  }

  /**
   * Call `onFrame(buf, start, end)` for each frame body completed by `chunk`,
   * in order, without slicing: the body is `buf[start, end)`, where `buf` is
   * the chunk itself (or, for a frame that spanned reads, the assembled body).
   * Returns how many frames completed. A throw from `onFrame` stops the
   * reading; the decoder must then be discarded, as after a framing error.
   */
  pushEach(chunk: Buffer, onFrame: (buf: Buffer, start: number, end: number) => void): number {
    let count = 0;
    let pos = 0;
    if (this.#buf.length > 0) {
      // Finish the piece left from the previous chunk with just the bytes it
      // lacks, so the new chunk itself is never copied: frames are views of it.
      if (this.#need < 0) {
        const take = Math.min(4 - this.#buf.length, chunk.length);
        const head = Buffer.concat([this.#buf, chunk.subarray(0, take)]);
        pos = take;
        if (head.length < 4) {
          this.#buf = head;
          return count;
        }
        this.#need = this.#length(head.readUInt32BE(0));
        this.#buf = EMPTY;
      }
      const missing = this.#need - this.#buf.length;
      if (this.#buf.length > 0 || missing <= chunk.length - pos) {
        if (chunk.length - pos < missing) {
          this.#buf = Buffer.concat([this.#buf, chunk.subarray(pos)]);
          return count;
        }
        const held = this.#buf;
        const at = pos;
        pos += missing;
        this.#need = -1;
        this.#buf = EMPTY;
        count++;
        if (held.length === 0) onFrame(chunk, at, at + missing);
        else {
          const body = Buffer.concat([held, chunk.subarray(at, at + missing)]);
          onFrame(body, 0, body.length);
        }
      }
    }
    const buf = chunk;
    const n = buf.length;
    while (true) {
      if (this.#need < 0) {
        if (n - pos < 4) break;
        this.#need = this.#length(((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0);
        pos += 4;
      }
      const need = this.#need;
      if (n - pos < need) break;
      this.#need = -1;
      const at = pos;
      pos += need;
      count++;
      onFrame(buf, at, pos);
    }
    const rest = pos === 0 ? buf : buf.subarray(pos);
    // Copy a small remainder so it does not pin a large chunk in memory.
    this.#buf = rest.length === 0 ? EMPTY : rest.length < 4096 && rest.buffer.byteLength > 65536 ? Buffer.from(rest) : rest;
    return count;
  }
}
