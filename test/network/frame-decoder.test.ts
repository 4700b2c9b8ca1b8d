import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, encodeFrame } from '../../src/handlers/wire/frame.js';

test('FrameDecoder.push() – frames are views of the chunk; only a frame whose body was split is copied', () => {
  const frames = Array.from({ length: 50 }, (_, i) => encodeFrame(Buffer.from(`{"n":${i},"pad":"${'x'.repeat(i * 37)}"}`)));
  const stream = Buffer.concat(frames);
  const dec = new FrameDecoder(1 << 20);
  const got: Buffer[] = [];
  // Cut in the middle of a header (2 bytes in), then in the middle of a body.
  const cut1 = frames[0]!.length + 2;
  const cut2 = cut1 + 500;
  for (const [a, b] of [
    [0, cut1],
    [cut1, cut2],
    [cut2, stream.length],
  ] as const) {
    const chunk = Buffer.from(stream.subarray(a, b)); // a fresh allocation per chunk, as a socket delivers
    const out = dec.push(chunk);
    out.forEach((f, j) => {
      const view = f.buffer === chunk.buffer && f.byteOffset >= chunk.byteOffset && f.byteOffset + f.length <= chunk.byteOffset + chunk.length;
      // Only a frame whose *body* was split is assembled (a split header costs 4 bytes); the rest point into the chunk.
      assert.equal(view, a !== cut2 || j > 0, `frame ${got.length} (${j} of this chunk) ${view ? 'is' : 'is not'} a view`);
      got.push(f);
    });
    assert.ok(dec.buffered <= 4 + 1 + Math.max(...frames.map((x) => x.length)), 'holds at most one frame');
  }
  assert.deepEqual(
    got.map((f) => f.toString()),
    frames.map((f) => f.subarray(4).toString()),
  );
  assert.equal(dec.inFrame, false);
});

test('FrameDecoder.push() – a header split one byte at a time, then a zero or oversized length, is refused', () => {
  const dec = new FrameDecoder(100);
  const f = encodeFrame(Buffer.from('{"a":1}'));
  for (const byte of f) assert.deepEqual(dec.push(Buffer.from([byte])).length <= 1, true);
  assert.equal(dec.inFrame, false);
  const z = new FrameDecoder(100);
  z.push(Buffer.from([0, 0]));
  assert.throws(() => z.push(Buffer.from([0, 0, 1])), /zero length/);
  const big = new FrameDecoder(100);
  big.push(Buffer.from([0]));
  assert.throws(() => big.push(Buffer.from([0, 0, 101])), /exceeds maxFrameSize 100/);
});
