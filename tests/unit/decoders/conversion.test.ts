/** The float-to-s16 conversion: lrint's ties to even, and the same bytes whatever the output buffer's alignment. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { roundHalfEven } from '../../../src-codecs/block-source.js';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { AUDIO, decodeAll } from '../../fixtures/fixtures.js';

test('rounding is to nearest, ties to even, as lrintf', () => {
  const cases: [number, number][] = [
    [0.5, 0], [1.5, 2], [2.5, 2], [-0.5, 0], [-1.5, -2], [-2.5, -2], [32766.5, 32766], [-32767.5, -32768],
    [0.49999999999999994, 0], [1.4999999, 1], [-1.5000001, -2], [12345, 12345], [-7, -7],
  ];
  for (const [x, want] of cases) assert.equal(roundHalfEven(x) + 0, want, String(x));
});

test('reads at an odd byte offset, and a frame at a time, give the same samples', async () => {
  // The lossy path, the 24-bit lossless path, the generic one (6 channels) and mono.
  for (const name of ['vorbis-stereo-44k.ogg', 'flac24-stereo-96k.flac', 'flac16-6ch-48k.flac', 'mp3-mono-22k.mp3']) {
    const { format, pcm } = await decodeAll(name);
    const want = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const bytesPerFrame = format.channels * 2;
    for (const chunk of [4096, 1]) {
      const source = await openPcmSource(join(AUDIO, name));
      const out = Buffer.alloc(1 + want.length);
      let frames = 0;
      for (let n; (n = await source.read(out, 1 + frames * bytesPerFrame, Math.min(chunk, format.totalFrames - frames))) > 0; ) frames += n;
      await source.close();
      assert.equal(frames, format.totalFrames, `${name}, ${chunk} at a time`);
      assert.ok(out.subarray(1).equals(want), `${name}, ${chunk} at a time`);
    }
  }
});
