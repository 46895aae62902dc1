/**
 * The original encoding against a real server process: for every format the server sends coded frames for, the
 * PCM the client decodes equals the pcm stream's, from the start and after 20 seeks; what it cannot send as
 * coded frames (AAC through ffmpeg, chained Ogg) comes back as a PCM stream.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { openPcmStream } from '../../src-main/atp-client/decoding-stream.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import type { Encoding, TrackInfo } from '../../src-shared/protocol/index.js';
import { playToEnd } from '../helpers/decoded-pcm.js';
import { fixtureSession } from '../helpers/fixture-session.js';

const SEEKS = 20;

/** Every file of one link the server sends as its own frames, by the codec its SETUP reply names. */
const ORIGINAL: Record<string, string> = {
  'pcm16-stereo-44k.wav': 'pcm',
  'pcm24-stereo-96k.wav': 'pcm',
  'pcm8-mono-8k.wav': 'pcm',
  'float32-6ch-48k.wav': 'pcm',
  'flac16-stereo-44k.flac': 'flac',
  'flac24-stereo-96k.flac': 'flac',
  'flac16-6ch-48k.flac': 'flac',
  'mp3-cbr128-stereo-44k.mp3': 'mp3',
  'mp3-vbr-stereo-44k.mp3': 'mp3',
  'mp3-noxing-stereo-44k.mp3': 'mp3',
  'mp3-mono-22k.mp3': 'mp3',
  'vorbis-stereo-44k.ogg': 'vorbis',
  'vorbis-mono-22k.ogg': 'vorbis',
  'opus-stereo-48k.opus': 'opus',
  'opus-mono-44k.opus': 'opus',
};

/** A small deterministic generator, so a failure names positions that can be tried again. */
function positions(seed: number, durationMs: number): number[] {
  let x = seed >>> 0 || 1;
  return Array.from({ length: SEEKS }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % Math.max(1, durationMs);
  });
}

const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);

describe('original streams decode to the pcm stream, sample for sample', () => {
  const session = fixtureSession();

  async function fetchAll(track: TrackInfo, encoding: Encoding): Promise<Buffer> {
    const parts: Buffer[] = [];
    await fetchTrack(session.client, track.id, { encoding, write: (p) => void parts.push(Buffer.from(p)) });
    return Buffer.concat(parts);
  }

  for (const [file, codec] of Object.entries(ORIGINAL)) {
    test(`${file}: sent as ${codec}; the whole track, then ${SEEKS} seeks`, async () => {
      const track = session.tracks.get(file);
      assert.ok(track, `${file} is in the library`);
      const setup = await session.client.setup(track.id, { window: 0, encoding: 'original' });
      assert.equal(setup.codec?.name, codec);
      await setup.teardown();

      const [pcm, original] = await Promise.all([fetchAll(track, 'pcm'), fetchAll(track, 'original')]);
      assert.ok(pcm.length > 0);
      assert.equal(original.length, pcm.length, 'same length from the start');
      assert.equal(digest(original), digest(pcm), 'same samples from the start');

      // One original stream seeks 20 times; each pcm reference is a stream of its own, seeking once, so it does
      // not depend on the decoder history of earlier seeks (Opus settles to within a few LSB, not exactly).
      const decoded = await openPcmStream(session.client, track.id, { window: 1 << 20, encoding: 'original' });
      try {
        for (const positionMs of positions(file.length * 7919, track.durationMs!)) {
          const reference = await openPcmStream(session.client, track.id, { window: 1 << 20 });
          const want = await playToEnd(reference, positionMs);
          await reference.teardown();
          const got = await playToEnd(decoded, positionMs);
          const where = `${file} from ${positionMs} ms`;
          assert.equal(got.startFrame, want.startFrame, where);
          assert.equal(got.endFrames, want.endFrames, where);
          assert.equal(got.pcm.length, want.pcm.length, where);
          assert.ok(got.pcm.equals(want.pcm), `${where}: the samples differ`);
        }
      } finally {
        await decoded.teardown();
      }
    });
  }

  for (const file of ['mp3-vbr-stereo-44k.mp3', 'vorbis-stereo-44k.ogg', 'flac16-stereo-44k.flac']) {
  test(`${file}: a pause and a resume continue the decoded samples without a gap or a repeat`, async () => {
    const track = session.tracks.get(file)!;
    const whole = await fetchAll(track, 'pcm');
    // A window far smaller than the file, so the pause comes while most of the track is still on the server.
    const stream = await openPcmStream(session.client, track.id, { window: 8 * 1024, encoding: 'original' });
    const parts: Buffer[] = [];
    let frames = 0;
    const done = new Promise<void>((res) => stream.once('end', () => res()));
    let paused: Promise<unknown> | null = null;
    stream.on('data', (chunk) => {
      parts.push(Buffer.from(chunk.pcm));
      frames += chunk.pcm.length / 4;
      // Credit later while paused: the data buffered before the pause is still played after it.
      setTimeout(() => stream.credit(chunk.pcm.length), 1);
      if (!paused && frames > 20000) paused = stream.pause().then(async (reply) => (await stream.play(), reply));
    });
    await stream.play({ positionMs: 0, window: 8 * 1024 });
    await done;
    const pause = (await paused) as { frame: number } | null;
    await stream.teardown();
    const total = Math.round((track.durationMs! * track.sampleRate!) / 1000);
    assert.ok(pause && pause.frame > 0, 'paused after some audio');
    // An Ogg stream's window is at least two 64 KiB pages, which hold this short file whole; the others pause mid-track.
    if (!file.endsWith('.ogg')) assert.ok(pause.frame < total, `paused mid-track, at ${pause.frame} of ${total}`);
    assert.ok(Buffer.concat(parts).equals(whole), 'the paused and resumed stream is the whole track');
  });
  }

  for (const file of ['aac-stereo-44k.m4a', 'vorbis-chained-22k.ogg', 'opus-chained-48k.opus']) {
    test(`${file}: asked for original, the server sends PCM and says so`, async () => {
      const track = session.tracks.get(file)!;
      const stream = await session.client.setup(track.id, { window: 0, encoding: 'original' });
      assert.equal(stream.codec, null);
      await stream.teardown();
      if (file.endsWith('.m4a') && !track.playable) return; // no ffmpeg here: the track is listed as unplayable
      assert.ok((await fetchAll(track, 'original')).equals(await fetchAll(track, 'pcm')));
    });
  }
});
