/**
 * Seeks land exactly: the samples after seek(p) equal the same span of a full decode, for every format. Opus, whose
 * decoder state converges after a restart rather than being rebuilt, is held to 40 dB signal-to-difference or, for
 * spans too short or quiet for a ratio to mean much, 64 LSB (-54 dBFS); we measured 50 dB and 53 LSB at worst.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { AUDIO, compare, decodeAll, fixtures, readFrames } from '../../fixtures/fixtures.js';

const SPAN = 2000;

for (const name of fixtures(/\.(wav|flac|mp3|ogg|opus)$/)) {
  test(`${name}: reads after a seek equal the full decode's samples`, async () => {
    const full = await decodeAll(name);
    const { channels, totalFrames } = full.format;
    const positions = [0, 1, 577, 1153, Math.floor(totalFrames / 3), Math.floor(totalFrames / 2) + 7, totalFrames - SPAN, totalFrames - 1];
    const source = await openPcmSource(join(AUDIO, name));
    try {
      // Out of order and backwards on purpose: each seek must stand alone.
      for (const p of [...positions].reverse().concat(positions)) {
        await source.seek(p);
        const got = await readFrames(source, SPAN, 1000);
        const want = full.pcm.subarray(p * channels, Math.min(totalFrames, p + SPAN) * channels);
        assert.equal(got.length, want.length, `length after seek to ${p}`);
        if (name.endsWith('.opus')) {
          const { snrDb, maxDiff } = compare(got, want);
          assert.ok(snrDb >= 40 || maxDiff <= 64, `seek to ${p}: ${snrDb.toFixed(1)} dB, ${maxDiff} LSB`);
        } else {
          assert.deepEqual(got, want, `samples after seek to ${p}`);
        }
      }
    } finally {
      await source.close();
    }
  });
}

test('a seek to or past the end reads nothing', async () => {
  for (const name of ['flac16-stereo-44k.flac', 'mp3-cbr128-stereo-44k.mp3', 'vorbis-stereo-44k.ogg', 'opus-stereo-48k.opus', 'pcm16-stereo-44k.wav']) {
    const source = await openPcmSource(join(AUDIO, name));
    await source.seek(source.format.totalFrames);
    assert.equal((await readFrames(source)).length, 0, name);
    await source.seek(source.format.totalFrames + 12345);
    assert.equal((await readFrames(source)).length, 0, name);
    await source.close();
  }
});
