/**
 * Chained Ogg: every link plays, one after another with no gap, seeks land exactly on either side of the joins, and
 * a chain whose links change the stream's format is refused with the reason. (Each chained fixture's decode against
 * ffmpeg's, link by link, is in lossy.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { linkFormat, linkFrames, readOggLinks } from '../../../src-codecs/ogg-links.js';
import { DecodeError } from '../../../src-codecs/pcm-source.js';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { AUDIO, compare, decodeAll, readFrames, REFS } from '../../fixtures/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'atp-ogg-chain-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function links(path: string) {
  const fh = await open(path, 'r');
  try {
    return await readOggLinks(fh, (await fh.stat()).size);
  } finally {
    await fh.close();
  }
}

for (const name of ['vorbis-chained-22k.ogg', 'opus-chained-48k.opus']) {
  test(`${name}: both links play, the length is the sum of theirs`, async () => {
    const found = await links(join(AUDIO, name));
    assert.equal(found.length, 2);
    const lengths = found.map((l) => linkFrames(l, linkFormat(l.idHeader)!));
    const { format, pcm } = await decodeAll(name);
    assert.equal(format.totalFrames, lengths[0]! + lengths[1]!);
    assert.equal(pcm.length / format.channels, REFS[name]!.frames);
    // The second link is not silence: the stream did not stop or pad at the join.
    const second = pcm.subarray(lengths[0]! * format.channels);
    assert.ok(second.some((s) => Math.abs(s) > 1000), 'the second link has sound');
  });

  test(`${name}: seeks on either side of the join land exactly`, async () => {
    const full = await decodeAll(name);
    const { channels } = full.format;
    const [firstLink] = await links(join(AUDIO, name));
    const join1 = linkFrames(firstLink!, linkFormat(firstLink!.idHeader)!);
    const source = await openPcmSource(join(AUDIO, name));
    try {
      for (const p of [join1 + 1, join1 - 700, join1, 5, join1 + 3000, join1 - 1]) {
        await source.seek(p);
        const got = await readFrames(source, 1500, 700);
        const want = full.pcm.subarray(p * channels, (p + 1500) * channels);
        assert.equal(got.length, want.length, `length after seek to ${p}`);
        if (name.endsWith('.opus')) {
          const { snrDb, maxDiff } = compare(got, want);
          assert.ok(snrDb >= 40 || maxDiff <= 64, `seek to ${p}: ${snrDb.toFixed(1)} dB, ${maxDiff} LSB`);
        } else assert.deepEqual(got, want, `samples after seek to ${p}`);
      }
    } finally {
      await source.close();
    }
  });
}

test('a chain whose links change sample rate is refused with the reason', async () => {
  const path = join(dir, 'rate-change.ogg');
  writeFileSync(path, Buffer.concat([readFileSync(join(AUDIO, 'vorbis-mono-22k.ogg')), readFileSync(join(AUDIO, 'vorbis-stereo-44k.ogg'))]));
  await assert.rejects(openPcmSource(path), (err: unknown) => {
    assert.ok(err instanceof DecodeError);
    assert.equal(err.code, 'unsupported-format');
    assert.equal(err.message, 'the Ogg links change sample rate (22050 → 44100 Hz)');
    return true;
  });
});

test('a chain whose links change channel count is refused with the reason', async () => {
  const path = join(dir, 'channel-change.opus');
  writeFileSync(path, Buffer.concat([readFileSync(join(AUDIO, 'opus-stereo-48k.opus')), readFileSync(join(AUDIO, 'opus-mono-44k.opus'))]));
  await assert.rejects(openPcmSource(path), /the Ogg links change channel count \(2 → 1\)/);
});
