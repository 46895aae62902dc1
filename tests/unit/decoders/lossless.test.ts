import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { AUDIO, decodeAll, fixtures, hasFfmpeg, REFS } from '../../fixtures/fixtures.js';

const sha = (pcm: Int16Array) => createHash('sha256').update(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)).digest('hex');

for (const name of fixtures(/\.(wav|flac)$/)) {
  test(`${name} decodes bit-exact to ffmpeg's s16 reference`, async () => {
    const ref = REFS[name]!;
    const { format, pcm } = await decodeAll(name);
    assert.equal(format.sampleRate, ref.sampleRate);
    assert.equal(format.channels, ref.channels);
    assert.equal(format.totalFrames, ref.frames);
    assert.equal(pcm.length / format.channels, ref.frames);
    assert.equal(sha(pcm), ref.sha256);
  });
}

test('committed lossless references still match what ffmpeg decodes', { skip: !hasFfmpeg && 'ffmpeg not installed' }, () => {
  for (const name of fixtures(/\.(wav|flac)$/)) {
    const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', join(AUDIO, name), '-f', 's16le', '-acodec', 'pcm_s16le', '-']);
    assert.equal(createHash('sha256').update(pcm).digest('hex'), REFS[name]!.sha256, name);
  }
});
