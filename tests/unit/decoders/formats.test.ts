/** Format choice by content, ffmpeg-backed formats, and files no decoder should trust. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DecodeError } from '../../../src-codecs/pcm-source.js';
import { decoderFor, openPcmSource, readHead } from '../../../src-codecs/registry.js';
import { AUDIO, decodeAll, hasFfmpeg, readFrames, REFS } from '../../fixtures/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'atp-formats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('each fixture is recognised by its content', async () => {
  const expect: Record<string, string> = { wav: 'pcm', flac: 'flac', mp3: 'mp3', ogg: 'vorbis', opus: 'opus', m4a: 'ffmpeg' };
  for (const name of Object.keys(REFS)) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    assert.equal(decoderFor(await readHead(join(AUDIO, name)))?.codec, expect[ext], name);
  }
});

test('a FLAC file named .mp3 still decodes as FLAC', async () => {
  const path = join(dir, 'really-flac.mp3');
  copyFileSync(join(AUDIO, 'flac16-mono-22k.flac'), path);
  const source = await openPcmSource(path);
  assert.equal(source.format.codec, 'flac');
  assert.equal((await readFrames(source)).length, REFS['flac16-mono-22k.flac']!.frames);
  await source.close();
});

test('AAC in MP4 plays through ffmpeg, bit-exact to ffmpeg, and seeks', { skip: !hasFfmpeg && 'ffmpeg not installed' }, async () => {
  const { format, pcm } = await decodeAll('aac-stereo-44k.m4a');
  assert.equal(format.sampleRate, 44100);
  assert.equal(pcm.length / 2, REFS['aac-stereo-44k.m4a']!.frames);
  const source = await openPcmSource(join(AUDIO, 'aac-stereo-44k.m4a'));
  await source.seek(44100);
  const rest = await readFrames(source);
  await source.close();
  // ffmpeg's own -ss decides where AAC restarts; we hold it to within a frame of the request.
  assert.ok(Math.abs(rest.length / 2 - (format.totalFrames - 44100)) <= 2048, `${rest.length / 2} frames after seek`);
});

test('without ffmpeg, an AAC file is refused as an unsupported format', () => {
  const script = `import { openPcmSource } from './src-codecs/registry.ts';
    openPcmSource(${JSON.stringify(join(AUDIO, 'aac-stereo-44k.m4a'))}).then(() => console.log('opened'), (e) => console.log(e.code + ': ' + e.message));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, PATH: '/nonexistent' }, encoding: 'utf8' });
  assert.match(r.stdout, /^unsupported-format: unsupported format/);
});

async function rejects(path: string): Promise<DecodeError> {
  try {
    const s = await openPcmSource(path);
    await readFrames(s);
    await s.close();
  } catch (err) {
    assert.ok(err instanceof DecodeError, String(err));
    return err;
  }
  assert.fail(`${path} opened`);
}

test('an empty file and random bytes are refused with a DecodeError', async () => {
  writeFileSync(join(dir, 'empty.mp3'), '');
  writeFileSync(join(dir, 'noise.flac'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)));
  assert.equal((await rejects(join(dir, 'empty.mp3'))).code, 'unsupported-format');
  await rejects(join(dir, 'noise.flac'));
});

test('truncated files play what they hold and end cleanly', async () => {
  for (const name of ['flac16-stereo-44k.flac', 'mp3-vbr-stereo-44k.mp3', 'vorbis-stereo-44k.ogg', 'opus-stereo-48k.opus', 'pcm16-stereo-44k.wav']) {
    const whole = readFileSync(join(AUDIO, name));
    const path = join(dir, `cut-${name}`);
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    try {
      const source = await openPcmSource(path);
      const pcm = await readFrames(source);
      await source.close();
      assert.ok(pcm.length > 0, name);
    } catch (err) {
      // Formats whose length lives at the end may refuse instead; they must say so with a DecodeError.
      assert.ok(err instanceof DecodeError, `${name}: ${String(err)}`);
    }
  }
});

test('a corrupt middle does not stop the decode or shift time', async () => {
  for (const name of ['flac16-stereo-44k.flac', 'mp3-cbr128-stereo-44k.mp3', 'vorbis-stereo-44k.ogg']) {
    const bytes = Buffer.from(readFileSync(join(AUDIO, name)));
    for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 3000; i++) bytes[i] = (i * 31) & 0xff;
    const path = join(dir, `corrupt-${name}`);
    writeFileSync(path, bytes);
    const source = await openPcmSource(path);
    const pcm = await readFrames(source);
    await source.close();
    assert.ok(Math.abs(pcm.length / source.format.channels - source.format.totalFrames) <= 8192, `${name}: ${pcm.length / source.format.channels} of ${source.format.totalFrames}`);
  }
});

test('a truncated FLAC file plays to where its frames end, and the decoder prints nothing of its own', () => {
  // The cut frame is never handed to the WebAssembly decoder, whose complaints went to stderr as bare text.
  const whole = readFileSync(join(AUDIO, 'flac16-stereo-44k.flac'));
  const path = join(dir, 'cut-quiet.flac');
  writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const script = `import { openPcmSource } from './src-codecs/registry.ts';
    const s = await openPcmSource(${JSON.stringify(path)});
    const buf = new Uint8Array(4096 * 4);
    let frames = 0;
    for (let n; (n = await s.read(buf, 0, 4096)) > 0; ) frames += n;
    await s.close();
    process.stdout.write(frames + ' of ' + s.format.totalFrames);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  const [played, total] = r.stdout.split(' of ').map(Number);
  assert.ok(played! > 0 && played === total, r.stdout);
});
