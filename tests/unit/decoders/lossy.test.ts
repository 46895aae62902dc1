/**
 * Lossy decodes against ffmpeg's (committed as PCM; Opus against ffmpeg's libopus decoder, since ffmpeg's own Opus
 * decoder departs from libopus in SILK mode). The bounds are the ones docs/LIBRARY.md states: MP3 and Vorbis at most
 * 2 LSB apart (we measured 1: float rounding), Opus at most 8 (we measured 4: another libopus build), and every file
 * at least 80 dB signal-to-difference.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ffmpegDecode } from '../../fixtures/ffmpeg-reference.js';
import { AUDIO, compare, decodeAll, fixtures, hasFfmpeg, refPcm, REFS } from '../../fixtures/fixtures.js';

const MIN_SNR_DB = 80;

for (const name of fixtures(/\.(mp3|ogg|opus)$/)) {
  const MAX_LSB = name.endsWith('.opus') ? 8 : 2;
  test(`${name} decodes within ${MAX_LSB} LSB of ffmpeg, same length`, async () => {
    const ref = REFS[name]!;
    const { format, pcm } = await decodeAll(name);
    assert.equal(format.sampleRate, ref.sampleRate);
    assert.equal(format.channels, ref.channels);
    assert.equal(pcm.length / format.channels, ref.frames);
    const { maxDiff, snrDb } = compare(pcm, refPcm(name));
    assert.ok(maxDiff <= MAX_LSB, `max difference ${maxDiff} LSB`);
    assert.ok(snrDb >= MIN_SNR_DB, `SNR ${snrDb.toFixed(1)} dB`);
  });
}

for (const name of fixtures(/\.mp3$/).filter((n) => !n.includes('noxing'))) {
  test(`${name}: gapless, the decoded length is the encoded source's`, async () => {
    const { format, pcm } = await decodeAll(name);
    assert.equal(format.totalFrames, REFS[name]!.sourceFrames);
    assert.equal(pcm.length / format.channels, REFS[name]!.sourceFrames);
  });
}

test('an MP3 without a LAME tag keeps every decoded sample, as ffmpeg does', async () => {
  const name = 'mp3-noxing-stereo-44k.mp3';
  const { format } = await decodeAll(name);
  assert.equal(format.totalFrames, REFS[name]!.frames);
  assert.equal(format.totalFrames % 1152, 0);
});

test('committed lossy references still match what ffmpeg decodes', { skip: !hasFfmpeg && 'ffmpeg not installed' }, () => {
  for (const name of fixtures(/\.(mp3|ogg|opus)$/)) {
    const b = ffmpegDecode(join(AUDIO, name), REFS[name]!.channels);
    const live = new Int16Array(b.buffer, b.byteOffset, b.length / 2);
    assert.equal(compare(live, refPcm(name)).maxDiff, 0, name);
  }
});
