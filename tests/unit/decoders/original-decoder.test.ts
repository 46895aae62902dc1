/**
 * The client's decoder of original streams, on the spec's own example and on units a server reads from real files:
 * placement, the discard before the epoch's start frame, and the end at totalFrames.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { openCodedSource } from '../../../src-codecs/original/coded-source.js';
import { OriginalDecoder } from '../../../src-codecs/original/original-decoder.js';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { FLAC_FRAME, FLAC_FRAME_SAMPLE, SETUP_ORIGINAL_REPLY } from '../protocol/original-vectors.js';

test("the spec's DATA example decodes to 1000 / -1000 from the seek's target, its first 2184 samples discarded", async () => {
  const { format, codec } = SETUP_ORIGINAL_REPLY;
  const decoder = await OriginalDecoder.open(format, codec!);
  try {
    await decoder.restart(88200);
    const out = await decoder.decode(FLAC_FRAME_SAMPLE, [FLAC_FRAME]);
    assert.equal(out.firstFrame, 88200);
    const pcm = new Int16Array(out.pcm.buffer, out.pcm.byteOffset, out.pcm.length / 2);
    assert.equal(pcm.length / 2, FLAC_FRAME_SAMPLE + 4096 - 88200);
    for (let i = 0; i < pcm.length; i += 2) assert.deepEqual([pcm[i], pcm[i + 1]], [1000, -1000]);
    assert.equal(decoder.position, FLAC_FRAME_SAMPLE + 4096);
  } finally {
    decoder.free();
  }
});

test('a damaged FLAC unit is skipped, and the span it covered is silence before the next frame', async () => {
  const { format, codec } = SETUP_ORIGINAL_REPLY;
  const decoder = await OriginalDecoder.open(format, codec!);
  try {
    await decoder.restart(FLAC_FRAME_SAMPLE - 4096);
    const damaged = FLAC_FRAME.slice();
    damaged[5] = damaged[5]! ^ 0xff; // the header's CRC-8
    const out = await decoder.decode(FLAC_FRAME_SAMPLE - 4096, [damaged.subarray(0, 6), FLAC_FRAME]);
    const pcm = new Int16Array(out.pcm.buffer, out.pcm.byteOffset, out.pcm.length / 2);
    assert.equal(pcm.length / 2, 8192);
    assert.ok(pcm.subarray(0, 8192).every((s) => s === 0));
    assert.deepEqual([pcm[8192], pcm[8193]], [1000, -1000]);
  } finally {
    decoder.free();
  }
});

for (const file of ['mp3-vbr-stereo-44k.mp3', 'opus-stereo-48k.opus', 'pcm24-stereo-96k.wav']) {
  test(`${file}: units read by the server's reader decode to the server's own PCM, to the last frame`, async () => {
    const path = resolve('tests/fixtures/audio', file);
    const coded = (await openCodedSource(path))!;
    const source = await openPcmSource(path);
    const decoder = await OriginalDecoder.open(coded.format, coded.codec);
    try {
      const start = 1000;
      await coded.restart(start);
      await decoder.restart(start);
      await source.seek(start);
      const parts: Uint8Array[] = [];
      for (let unit = await coded.next(16384); unit; unit = await coded.next(16384)) {
        parts.push((await decoder.decode(unit.position, [unit.bytes.slice()])).pcm);
      }
      const got = Buffer.concat(parts);
      const want = Buffer.alloc((coded.format.totalFrames - start) * coded.format.channels * 2);
      const bytesPerFrame = coded.format.channels * 2;
      let read = 0;
      for (let n = 1; n > 0; read += n) n = await source.read(want, read * bytesPerFrame, coded.format.totalFrames - start - read);
      assert.equal(read, coded.format.totalFrames - start);
      assert.equal(decoder.position, coded.format.totalFrames);
      assert.ok(got.equals(want));
    } finally {
      decoder.free();
      await coded.close();
      await source.close();
    }
  });
}
