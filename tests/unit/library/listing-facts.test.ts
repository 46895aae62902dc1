/**
 * The listing says what SETUP streams: MP3 at its gapless length, Opus at 48 kHz, a chained Ogg file's whole length
 * (or why it cannot play), a truncated FLAC file's real length with a warning; and tag text written as UTF-8 into
 * formats read as Latin-1 comes out as written.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { openLibrary } from '../../../src-server/library/music-library.js';
import { createLogger } from '../../../src-server/log.js';
import type { TrackInfo } from '../../../src-shared/protocol/index.js';
import { ffmpegDecode } from '../../fixtures/ffmpeg-reference.js';
import { AUDIO, hasFfmpeg, readFrames, REFS } from '../../fixtures/fixtures.js';

const base = mkdtempSync(join(tmpdir(), 'atp-listing-'));
after(() => rmSync(base, { recursive: true, force: true }));

async function listFolder(files: Record<string, Buffer>): Promise<Map<string, TrackInfo>> {
  const root = mkdtempSync(join(base, 'music-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), bytes);
  }
  const lib = await openLibrary({ root, stateDir: mkdtempSync(join(base, 'state-')), log: createLogger('error', () => {}), rescanIntervalMs: 0 });
  const tracks = new Map((await lib.list({ limit: 100 })).tracks.map((t) => [t.path, t]));
  await lib.close();
  return tracks;
}

const fixture = (name: string) => readFileSync(join(AUDIO, name));

test('MP3 is listed at its gapless length, Opus at the 48 kHz it streams', async () => {
  const tracks = await listFolder({ 'a.mp3': fixture('mp3-cbr128-stereo-44k.mp3'), 'b.mp3': fixture('mp3-mono-22k.mp3'), 'c.opus': fixture('opus-mono-44k.opus') });
  assert.equal(tracks.get('a.mp3')!.durationMs, Math.round((REFS['mp3-cbr128-stereo-44k.mp3']!.sourceFrames! * 1000) / 44100));
  assert.equal(tracks.get('b.mp3')!.durationMs, Math.round((REFS['mp3-mono-22k.mp3']!.sourceFrames! * 1000) / 22050));
  assert.equal(tracks.get('c.opus')!.sampleRate, 48000);
  assert.equal(tracks.get('c.opus')!.sampleRate, REFS['opus-mono-44k.opus']!.sampleRate, "ffmpeg's decode is at 48 kHz too");
});

test('a chained Ogg file is listed with its whole length and its first link’s title; one that changes rate is unplayable', async () => {
  const rateChange = Buffer.concat([fixture('vorbis-mono-22k.ogg'), fixture('vorbis-stereo-44k.ogg')]);
  const tracks = await listFolder({ 'v.ogg': fixture('vorbis-chained-22k.ogg'), 'o.opus': fixture('opus-chained-48k.opus'), 'bad.ogg': rateChange });
  const v = tracks.get('v.ogg')!;
  assert.deepEqual([v.title, v.durationMs, v.playable], ['Chain One', (REFS['vorbis-chained-22k.ogg']!.frames * 1000) / 22050, true]);
  assert.deepEqual([tracks.get('o.opus')!.durationMs, tracks.get('o.opus')!.sampleRate], [(REFS['opus-chained-48k.opus']!.frames * 1000) / 48000, 48000]);
  const bad = tracks.get('bad.ogg')!;
  assert.deepEqual([bad.playable, bad.reason], [false, 'the Ogg links change sample rate (22050 → 44100 Hz)']);
});

test('a truncated FLAC file is listed at the length it plays, with a warning; a whole one has none', async () => {
  const whole = fixture('flac16-stereo-44k.flac');
  const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
  const tracks = await listFolder({ 'cut.flac': cut, 'whole.flac': whole });
  const path = join(base, 'cut.flac');
  writeFileSync(path, cut);
  const source = await openPcmSource(path);
  const played = (await readFrames(source)).length / 2;
  await source.close();
  assert.equal(source.format.totalFrames, played, 'the stream announces what it plays');
  assert.ok(played > 0 && played < REFS['flac16-stereo-44k.flac']!.frames, `${played} frames`);
  if (hasFfmpeg) assert.equal(played, ffmpegDecode(path, 2).length / 4, "ffmpeg's decode of the cut file is as long");
  const t = tracks.get('cut.flac')!;
  assert.equal(t.durationMs, Math.round((played * 1000) / 44100));
  assert.equal(t.playable, true);
  assert.match(t.warning!, /^the file is truncated: its audio ends at 0:01\.\d of the 0:02\.0 its header announces$/);
  assert.equal(tracks.get('whole.flac')!.warning, undefined);
  assert.equal(tracks.get('whole.flac')!.durationMs, 2000);
});

/** A RIFF LIST/INFO chunk appended to a WAV file, its values as the given bytes. */
function withRiffInfo(wav: Buffer, tags: Record<string, Buffer>): Buffer {
  const items = Object.entries(tags).map(([id, value]) => {
    const v = Buffer.concat([value, Buffer.alloc(value.length % 2 === 0 ? 2 : 1)]);
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(value.length + 1, 4);
    return Buffer.concat([h, v]);
  });
  const body = Buffer.concat([Buffer.from('INFO'), ...items]);
  const list = Buffer.alloc(8);
  list.write('LIST', 0, 'latin1');
  list.writeUInt32LE(body.length, 4);
  const out = Buffer.concat([wav, list, body]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/** An ID3v1 tag (title, artist, album as raw bytes) appended to an MP3. */
function withId3v1(mp3: Buffer, title: Buffer, artist: Buffer): Buffer {
  const tag = Buffer.alloc(128);
  tag.write('TAG', 0, 'latin1');
  title.copy(tag, 3);
  artist.copy(tag, 33);
  tag[127] = 255;
  return Buffer.concat([mp3, tag]);
}

/** An ID3v2.3 tag whose TIT2 and TPE1 frames say ISO-8859-1 (encoding byte 0) but hold the given bytes. */
function withId3v2Latin1Frames(mp3: Buffer, title: Buffer, artist: Buffer): Buffer {
  const frame = (id: string, value: Buffer) => {
    const h = Buffer.alloc(10);
    h.write(id, 0, 'latin1');
    h.writeUInt32BE(value.length + 1, 4);
    return Buffer.concat([h, Buffer.from([0]), value]);
  };
  const frames = Buffer.concat([frame('TIT2', title), frame('TPE1', artist)]);
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]);
  const n = frames.length;
  header.set([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f], 6);
  return Buffer.concat([header, frames, mp3]);
}

/** An APEv2 tag (UTF-8 by specification) appended to an MP3. */
function withApeTag(mp3: Buffer, tags: Record<string, string>): Buffer {
  const items = Object.entries(tags).map(([key, value]) => {
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(8);
    h.writeUInt32LE(v.length, 0);
    return Buffer.concat([h, Buffer.from(`${key}\0`, 'latin1'), v]);
  });
  const body = Buffer.concat(items);
  const footer = Buffer.alloc(32);
  footer.write('APETAGEX', 0, 'latin1');
  footer.writeUInt32LE(2000, 8);
  footer.writeUInt32LE(body.length + 32, 12);
  footer.writeUInt32LE(items.length, 16);
  return Buffer.concat([mp3, body, footer]);
}

test('tag text written as UTF-8 where Latin-1 is expected reads as written; real Latin-1 stays Latin-1', async () => {
  const u = (s: string) => Buffer.from(s, 'utf8');
  const l = (s: string) => Buffer.from(s, 'latin1');
  const wav = fixture('pcm8-mono-8k.wav');
  const mp3 = fixture('mp3-noxing-stereo-44k.mp3');
  const tracks = await listFolder({
    'riff-utf8.wav': withRiffInfo(wav, { INAM: u('Café Ünïcode'), IART: u('Crème 中文歌手') }),
    'riff-latin1.wav': withRiffInfo(wav, { INAM: l('Déjà vu'), IART: l('Crème') }),
    'id3v1-utf8.mp3': withId3v1(mp3, u('Ärger'), u('Crème')),
    'id3v2-utf8-in-latin1.mp3': withId3v2Latin1Frames(mp3, u('Sœur 中文'), u('Mötley')),
    'id3v2-latin1.mp3': withId3v2Latin1Frames(mp3, l('Señor'), l('Björk')),
    'ape.mp3': withApeTag(mp3, { Title: 'Ça va 中文', Artist: 'Zoë' }),
  });
  const got = (path: string) => [tracks.get(path)!.title, tracks.get(path)!.artist];
  assert.deepEqual(got('riff-utf8.wav'), ['Café Ünïcode', 'Crème 中文歌手']);
  assert.deepEqual(got('riff-latin1.wav'), ['Déjà vu', 'Crème']);
  assert.deepEqual(got('id3v1-utf8.mp3'), ['Ärger', 'Crème']);
  assert.deepEqual(got('id3v2-utf8-in-latin1.mp3'), ['Sœur 中文', 'Mötley']);
  assert.deepEqual(got('id3v2-latin1.mp3'), ['Señor', 'Björk']);
  assert.deepEqual(got('ape.mp3'), ['Ça va 中文', 'Zoë']);
});

test('a search in Chinese finds a RIFF INFO artist written as UTF-8', async () => {
  const root = mkdtempSync(join(base, 'music-'));
  writeFileSync(join(root, 'x.wav'), withRiffInfo(fixture('pcm8-mono-8k.wav'), { IART: Buffer.from('中文歌手', 'utf8') }));
  copyFileSync(join(AUDIO, 'pcm16-stereo-44k.wav'), join(root, 'other.wav'));
  const lib = await openLibrary({ root, stateDir: mkdtempSync(join(base, 'state-')), log: createLogger('error', () => {}), rescanIntervalMs: 0 });
  assert.deepEqual((await lib.list({ query: '中文' })).tracks.map((t) => t.path), ['x.wav']);
  await lib.close();
});
