import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PcmRing } from '../../../src-renderer/audio/pcm-ring.js';

/** Stereo samples whose values say which frame they are: left = frame, right = -frame. */
function frames(first: number, count: number): Int16Array {
  const s = new Int16Array(count * 2);
  for (let i = 0; i < count; i++) {
    s[i * 2] = first + i;
    s[i * 2 + 1] = -(first + i);
  }
  return s;
}

function readAll(ring: PcmRing, max = 1000): { left: number[]; right: number[] } {
  const l = new Float32Array(max);
  const r = new Float32Array(max);
  let n = 0;
  for (let got = 1; got > 0; n += got) got = ring.read(l, r, n, max - n);
  return { left: [...l.subarray(0, n)].map((x) => Math.round(x * 32768)), right: [...r.subarray(0, n)].map((x) => Math.round(x * 32768)) };
}

describe('PcmRing', () => {
  it('gives back what was written, in order, across the wrap-around', () => {
    const ring = new PcmRing(10);
    assert.ok(ring.write(1, 1, 0, 2, frames(0, 7)));
    const l = new Float32Array(5);
    const r = new Float32Array(5);
    assert.equal(ring.read(l, r, 0, 5), 5);
    assert.ok(ring.write(1, 1, 7, 2, frames(7, 6)), 'wraps past the end of the block');
    assert.equal(ring.bufferedFrames, 8);
    assert.deepEqual(readAll(ring).left, [5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('refuses a chunk that does not fit, writing nothing', () => {
    const ring = new PcmRing(4);
    assert.ok(ring.write(1, 1, 0, 2, frames(0, 3)));
    assert.equal(ring.write(1, 1, 3, 2, frames(3, 2)), false);
    assert.equal(ring.bufferedFrames, 3);
  });

  it('plays mono on both sides and keeps the first two of many channels', () => {
    const ring = new PcmRing(8);
    ring.write(1, 1, 0, 1, Int16Array.from([100, 200]));
    ring.write(2, 1, 0, 3, Int16Array.from([1, 2, 3, 4, 5, 6]));
    const a = readAll(ring);
    assert.deepEqual(a.left, [100, 200, 1, 4]);
    assert.deepEqual(a.right, [100, 200, 2, 5]);
  });

  it('keeps runs per stream and epoch, merging contiguous chunks, and never reads across a run', () => {
    const ring = new PcmRing(100);
    ring.write(1, 1, 0, 2, frames(0, 4));
    ring.write(1, 1, 4, 2, frames(4, 4));
    ring.write(1, 2, 8, 2, frames(8, 2));
    ring.write(2, 1, 0, 1, new Int16Array(3));
    assert.deepEqual(ring.listRuns().map((r) => [r.streamId, r.epoch, r.startFrame, r.frames, r.bytesPerFrame]), [
      [1, 1, 0, 8, 4], [1, 2, 8, 2, 4], [2, 1, 0, 3, 2],
    ]);
    const l = new Float32Array(20);
    assert.equal(ring.read(l, new Float32Array(20), 0, 20), 8, 'stops at the end of the first run');
    assert.equal(ring.head()?.epoch, 2);
  });

  it('drops runs from the middle and closes the gap', () => {
    const ring = new PcmRing(12);
    ring.write(1, 1, 0, 2, frames(0, 6));
    const l = new Float32Array(4);
    ring.read(l, new Float32Array(4), 0, 4); // read position is now 4: the next writes wrap
    ring.write(2, 1, 100, 2, frames(100, 5));
    ring.write(3, 1, 200, 2, frames(200, 3));
    const removed = ring.dropRuns((r) => r.streamId === 2);
    assert.deepEqual(removed.map((r) => r.streamId), [2]);
    assert.equal(ring.bufferedFrames, 5);
    assert.deepEqual(readAll(ring).left, [4, 5, 200, 201, 202]);
    assert.ok(ring.write(4, 1, 0, 2, frames(0, 12)), 'all the space is free again');
  });
});
