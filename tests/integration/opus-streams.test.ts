/**
 * The `opus` encoding against a real server process (docs/PROTOCOL.md §8.11): the server decodes, resamples to
 * 48 kHz and encodes Opus; the client decodes and resamples back. Lossy, so the test holds the audio to the pcm
 * stream's within a signal-to-noise ratio that a misplaced sample would break, and the timeline exactly: the
 * same frame count from the start and after seeks, PLAY's startFrame and END's totalFrames in source frames, a
 * pause and resume without a gap or a repeat, and the bytes the bitrate promises.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openPcmStream, type PcmStream } from '../../src-main/atp-client/decoding-stream.js';
import { AtpError } from '../../src-shared/protocol/index.js';
import { playToEnd, samples, snr } from '../helpers/decoded-pcm.js';
import { fixtureSession } from '../helpers/fixture-session.js';

/** Stereo and mono, 44.1, 22.05, 48 and 96 kHz, lossless and lossy sources. */
const FILES = ['pcm16-stereo-44k.wav', 'flac24-stereo-96k.flac', 'mp3-mono-22k.mp3', 'opus-stereo-48k.opus'];

/** The played PCM as s16 samples: the SNR and the frame counts below are in samples. */
async function playSamplesToEnd(stream: PcmStream, positionMs: number): Promise<{ startFrame: number; endFrames: number; pcm: Int16Array }> {
  const played = await playToEnd(stream, positionMs);
  return { ...played, pcm: samples(played.pcm) };
}

describe('opus streams: transcoded on the server, placed exactly in the source timeline', () => {
  const session = fixtureSession();

  for (const file of FILES) {
    test(`${file}: the whole track and four seeks match the pcm stream's frames`, async () => {
      const track = session.tracks.get(file)!;
      const raw = await session.client.setup(track.id, { window: 0, encoding: 'opus', bitrate: 128 });
      assert.equal(raw.encoding, 'opus');
      assert.equal(raw.codec?.name, 'opus');
      assert.equal(raw.codec?.bitrate, 128);
      const pcmRaw = await session.client.setup(track.id, { window: 0 });
      assert.deepEqual(raw.format, pcmRaw.format, 'an opus stream announces the source format');
      await raw.teardown();
      await pcmRaw.teardown();

      const opus = await openPcmStream(session.client, track.id, { window: 1 << 20, encoding: 'opus', bitrate: 128 });
      const pcm = await openPcmStream(session.client, track.id, { window: 1 << 20 });
      try {
        const { channels, sampleRate } = opus.format;
        for (const positionMs of [0, 137, Math.floor(track.durationMs! / 2), track.durationMs! - 300, track.durationMs! + 1000]) {
          const want = await playSamplesToEnd(pcm, positionMs);
          const got = await playSamplesToEnd(opus, positionMs);
          const where = `${file} from ${positionMs} ms`;
          assert.equal(got.startFrame, want.startFrame, `${where}: startFrame`);
          assert.equal(got.endFrames, opus.format.totalFrames, `${where}: END's totalFrames`);
          assert.equal(got.pcm.length, want.pcm.length, `${where}: frames from startFrame to the end`);
          if (want.pcm.length < sampleRate * channels * 0.05) continue;
          // 10 ms at each end: the filters' edges on the first and last frames of the track.
          const ratio = snr(want.pcm, got.pcm, Math.round(sampleRate * 0.01) * channels);
          assert.ok(ratio > 20, `${where}: ${ratio.toFixed(1)} dB against the pcm stream`);
          // A frame early or late loses several dB: the samples sit where the pcm stream has them.
          for (const shift of [-1, 1]) {
            const a = want.pcm.subarray(Math.max(0, shift) * channels);
            const b = got.pcm.subarray(Math.max(0, -shift) * channels);
            const shifted = snr(a, b.subarray(0, a.length), Math.round(sampleRate * 0.01) * channels);
            assert.ok(ratio > shifted + 1, `${where}: ${ratio.toFixed(1)} dB in place, ${shifted.toFixed(1)} dB ${shift} frame off`);
          }
        }
      } finally {
        await opus.teardown();
        await pcm.teardown();
      }
    });
  }

  test('a pause and a resume go on without a gap or a repeat', async () => {
    const track = session.tracks.get('pcm16-stereo-44k.wav')!;
    const pcm = await openPcmStream(session.client, track.id, { window: 1 << 20 });
    const whole = await playSamplesToEnd(pcm, 0);
    await pcm.teardown();
    // A coded window of a few packets, so the pause comes with most of the track still on the server.
    const stream = await openPcmStream(session.client, track.id, { window: 4096, encoding: 'opus', bitrate: 96 });
    const parts: Buffer[] = [];
    let frames = 0;
    let paused: Promise<{ frame: number }> | null = null;
    const done = new Promise<number>((res) => stream.once('end', (n) => res(n.totalFrames)));
    stream.on('data', (chunk) => {
      parts.push(Buffer.from(chunk.pcm));
      frames += chunk.pcm.length / 4;
      setTimeout(() => stream.credit(chunk.pcm.length), 1);
      if (!paused && frames > 20000) paused = stream.pause().then(async (reply) => (await stream.play(), reply));
    });
    await stream.play({ positionMs: 0, window: 4096 });
    const endFrames = await done;
    const pause = await paused!;
    await stream.teardown();
    assert.ok(pause.frame > 20000 && pause.frame < stream.format.totalFrames, `paused mid-track at ${pause.frame}`);
    assert.equal(endFrames, stream.format.totalFrames);
    const got = samples(Buffer.concat(parts));
    assert.equal(got.length, whole.pcm.length, 'as many frames as the track');
    const ratio = snr(whole.pcm, got, 441 * 2);
    assert.ok(ratio > 20, `${ratio.toFixed(1)} dB against the pcm stream across the pause`);
  });

  test('the bitrate asked for is what the link carries', async () => {
    const track = session.tracks.get('pcm16-stereo-44k.wav')!;
    for (const bitrate of [64, 256]) {
      const stream = await session.client.setup(track.id, { window: 1 << 20, encoding: 'opus', bitrate });
      let bytes = 0;
      const done = new Promise<void>((res) => stream.once('end', () => res()));
      stream.on('data', (chunk) => (bytes += chunk.pcm.length));
      await stream.play({ positionMs: 0 });
      await done;
      await stream.teardown();
      const kbits = (bytes * 8) / track.durationMs!;
      assert.ok(kbits > bitrate * 0.6 && kbits < bitrate * 1.3, `${bitrate} kbit/s asked, ${kbits.toFixed(0)} kbit/s sent`);
    }
  });

  test('a track of more than two channels is set up as PCM, and says so', async () => {
    const track = session.tracks.get('flac16-6ch-48k.flac')!;
    const stream = await session.client.setup(track.id, { window: 0, encoding: 'opus' });
    assert.equal(stream.encoding, 'pcm');
    assert.equal(stream.codec, null);
    await stream.teardown();
  });

  test('a bitrate outside 64–256 kbit/s is refused, and the connection serves on', async () => {
    const track = session.tracks.get('pcm16-stereo-44k.wav')!;
    for (const bitrate of [63, 257]) {
      await assert.rejects(session.client.setup(track.id, { window: 0, encoding: 'opus', bitrate }), (err: unknown) => err instanceof AtpError && err.code === 'bad-payload');
    }
    const stream = await session.client.setup(track.id, { window: 0, encoding: 'opus', bitrate: 64 });
    assert.equal(stream.codec?.bitrate, 64);
    await stream.teardown();
  });
});
