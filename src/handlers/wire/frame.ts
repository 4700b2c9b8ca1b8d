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

/**
 * Incremental frame reader for one connection. `push(chunk)` returns the
 * frame bodies completed by that chunk (tag included when signing is on) or
 * throws ProtocolError; after an error the decoder must be discarded.
 */
export class FrameDecoder {
  /** Largest body accepted (tag included). */
  readonly maxFrameSize: number;
  #buf: Buffer = Buffer.alloc(0);
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

  push(chunk: Buffer): Buffer[] {
    let buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: Buffer[] = [];
    let pos = 0;
    while (true) {
      if (this.#need < 0) {
        if (buf.length - pos < 4) break;
        const n = buf.readUInt32BE(pos);
        if (n === 0) throw new ProtocolError('frame: zero length');
        if (n > this.maxFrameSize) throw new ProtocolError(`frame: length ${n} exceeds maxFrameSize ${this.maxFrameSize}`);
        this.#need = n;
        pos += 4;
      }
      if (buf.length - pos < this.#need) break;
      out.push(buf.subarray(pos, pos + this.#need));
      pos += this.#need;
      this.#need = -1;
    }
    if (pos > 0) buf = buf.subarray(pos);
    // Copy a small remainder so it does not pin a large chunk in memory.
    this.#buf = buf.length > 0 && buf.length < 4096 && buf.buffer.byteLength > 65536 ? Buffer.from(buf) : buf;
    return out;
  }
}
