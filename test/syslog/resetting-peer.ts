import * as net from 'node:net';

/** Splits a connection's bytes into complete frames; returns the frames and the unread rest. */
export type FrameSplitter = (buf: Buffer) => { frames: Buffer[]; rest: Buffer };

/** RFC 6587 octet counting: `LEN SP MSG`. */
export const octetCounted: FrameSplitter = (buf) => {
  const frames: Buffer[] = [];
  let off = 0;
  for (;;) {
    const sp = buf.indexOf(0x20, off);
    if (sp < 0) break;
    const n = Number(buf.subarray(off, sp).toString('ascii'));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`bad octet count at ${off}: ${JSON.stringify(buf.subarray(off, sp + 8).toString())}`);
    if (buf.length < sp + 1 + n) break;
    frames.push(buf.subarray(sp + 1, sp + 1 + n));
    off = sp + 1 + n;
  }
  return { frames, rest: buf.subarray(off) };
};

/** SocketHandler's frames: a 4-byte big-endian length, then the payload. */
export const lengthPrefixed: FrameSplitter = (buf) => {
  const frames: Buffer[] = [];
  let off = 0;
  while (buf.length >= off + 4) {
    const n = buf.readUInt32BE(off);
    if (buf.length < off + 4 + n) break;
    frames.push(buf.subarray(off + 4, off + 4 + n));
    off += 4 + n;
  }
  return { frames, rest: buf.subarray(off) };
};

/**
 * A stream peer that, on each of its first `resets` connections, reads
 * `perRound` complete frames and then resets the connection (RST, unread
 * bytes discarded) — the sender then has writes in flight that fail. Later
 * connections read everything. `frames` holds every complete frame received,
 * in arrival order, with the connection it came on; a frame cut by a reset is
 * not complete and is not kept.
 */
export class ResettingPeer {
  readonly frames: { conn: number; data: Buffer }[] = [];
  connections = 0;
  readonly #srv: net.Server;

  private constructor(split: FrameSplitter, resets: number, perRound: number) {
    this.#srv = net.createServer((sock) => {
      const conn = this.connections++;
      let rest = Buffer.alloc(0);
      let got = 0;
      sock.on('error', () => {});
      sock.on('data', (chunk) => {
        if (sock.destroyed) return;
        const r = split(rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk);
        rest = Buffer.from(r.rest);
        for (const f of r.frames) {
          if (conn < resets && got >= perRound) break;
          this.frames.push({ conn, data: Buffer.from(f) });
          got++;
        }
        if (conn < resets && got >= perRound) sock.resetAndDestroy();
      });
    });
  }

  static async start(split: FrameSplitter, resets: number, perRound: number): Promise<ResettingPeer> {
    const peer = new ResettingPeer(split, resets, perRound);
    await new Promise<void>((r) => peer.#srv.listen(0, '127.0.0.1', r));
    return peer;
  }

  get port(): number {
    return (this.#srv.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((r) => this.#srv.close(() => r()));
  }
}

/**
 * Checks a replay: sequence numbers strictly increasing over all connections
 * (in logged order, none twice) and the last one present. Returns how many arrived.
 */
export function checkOrder(seqs: number[], last: number): number {
  for (let i = 1; i < seqs.length; i++) {
    if (!(seqs[i]! > seqs[i - 1]!)) throw new Error(`out of order or repeated at ${i}: ${seqs[i - 1]} then ${seqs[i]} (…${seqs.slice(Math.max(0, i - 3), i + 3).join(',')}…)`);
  }
  if (seqs[seqs.length - 1] !== last) throw new Error(`the last record (${last}) did not arrive; last seen ${seqs[seqs.length - 1]}`);
  return seqs.length;
}
