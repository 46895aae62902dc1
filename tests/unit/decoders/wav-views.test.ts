import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BLOCK_BYTES } from '../../../src-codecs/file-blocks.js';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { wavData, writeWav } from '../../helpers/wav-file.js';

const dir = mkdtempSync(join(tmpdir(), 'atp-wav-views-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a 16-bit WAV gives its frames as views of the shared blocks: across block boundaries, byte for byte, from any frame', async () => {
  const path = join(dir, 'pcm16.wav');
  const frames = 3 * (BLOCK_BYTES / 4) + 1234;
  writeWav(path, { sampleRate: 44100, channels: 2, bits: 16, frames }, (f, c) => Math.sin((f + 1) * (c + 1) * 0.001));
  const { data } = wavData(path);
  const source = await openPcmSource(path);
  try {
    assert.ok(source.views, 'a 16-bit PCM WAV needs no conversion, so it offers views');
    // From a frame just before a block's end, more frames than one block holds: the views end where asked.
    for (const [from, want] of [[BLOCK_BYTES / 4 - 3, 20000], [0, BLOCK_BYTES / 4], [2 * (BLOCK_BYTES / 4) + 7, 40000], [frames - 10, 100]] as const) {
      await source.seek(from);
      const views = await source.views(want);
      const bytes = Buffer.concat(views);
      const expected = data.subarray(from * 4, Math.min(frames, from + want) * 4);
      assert.equal(bytes.length, expected.length, `from ${from}`);
      assert.ok(bytes.equals(expected), `the bytes of frames ${from}… are the file's`);
      const last = Math.min(frames, from + want) - 1;
      const blocks = Math.floor((last * 4) / BLOCK_BYTES) - Math.floor((from * 4) / BLOCK_BYTES) + 1;
      assert.equal(views.length, blocks, `one view per block that frames ${from}…${last} lie in`);
    }
    assert.deepEqual(await source.views(10), [], 'at the end: no views');
    // Blocks read once are cached: a stream that follows gets its views at once, with no promise to wait for.
    await source.seek(0);
    const again = source.views(BLOCK_BYTES / 4 + 100);
    assert.ok(Array.isArray(again), 'cached blocks answer synchronously');
    assert.ok(Buffer.concat(again).equals(data.subarray(0, (BLOCK_BYTES / 4 + 100) * 4)), 'with the same bytes');
  } finally {
    await source.close();
  }
});

test('a WAV whose samples are converted (24-bit, float) offers no views: its PCM is decoded', async () => {
  for (const [name, opts] of [['pcm24.wav', { bits: 24 as const }], ['float.wav', { bits: 32 as const, float: true }]] as const) {
    const path = join(dir, name);
    writeWav(path, { sampleRate: 48000, channels: 2, frames: 1000, ...opts }, () => 0.25);
    const source = await openPcmSource(path);
    assert.equal(source.views, undefined, name);
    await source.close();
  }
});
