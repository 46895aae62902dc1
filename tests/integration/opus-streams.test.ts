/**
 * The `opus` encoding against a real server process (docs/PROTOCOL.md §8.11): the server decodes, resamples to
 * 48 kHz and encodes Opus; the client decodes and resamples back. Lossy, so the test holds the audio to the pcm
 * stream's within a signal-to-noise ratio that a misplaced sample would break, and the timeline exactly: the
 * same frame count from the start and after seeks, PLAY's startFrame and END's totalFrames in source frames, a
 * pause and resume without a gap or a repeat, and the bytes the bitrate promises.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { openPcmStream, type PcmStream } from '../../src-main/atp-client/decoding-stream.js';
import { AtpError, type TrackInfo } from '../../src-shared/protocol/index.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';

const LIBRARY = resolve('tests/fixtures/audio');
/** Stereo and mono, 44.1, 22.05, 48 and 96 kHz, lossless and lossy sources. */
const FILES = ['pcm16-stereo-44k.wav', 'flac24-stereo-96k.flac', 'mp3-mono-22k.mp3', 'opus-stereo-48k.opus'];

interface Played {
  startFrame: number;
  endFrames: number;
  pcm: Int16Array;
}

/** Plays one epoch to its END, crediting everything at once. DATA may arrive before the PLAY reply is awaited. */
async function playToEnd(stream: PcmStream, positionMs: number, window = 1 << 20): Promise<Played> {
  const parts = new Map<number, Buffer[]>();
  const ends = new Map<number, number>();
  let onEnd: () => void = () => {};
  const data = (chunk: { epoch: number; pcm: Uint8Array }) => {
    parts.set(chunk.epoch, [...(parts.get(chunk.epoch) ?? []), Buffer.from(chunk.pcm)]);
    stream.credit(chunk.pcm.length);
  };
  const end = (n: { epoch: number; totalFrames: number }) => {
    ends.set(n.epoch, n.totalFrames);
    onEnd();
  };
  stream.on('data', data);
  stream.on('end', end);
  try {
    const reply = await stream.play({ positionMs, window });
    while (!ends.has(reply.epoch)) await new Promise<void>((res) => (onEnd = res));
    const all = Buffer.concat(parts.get(reply.epoch) ?? []);
    return { startFrame: reply.startFrame, endFrames: ends.get(reply.epoch)!, pcm: new Int16Array(all.buffer, all.byteOffset, all.length / 2) };
  } finally {
    stream.off('data', data);
    stream.off('end', end);
  }
}

/** Signal-to-noise ratio of `got` against `want` in dB, skipping `edge` samples at each end. */
function snr(want: Int16Array, got: Int16Array, edge: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = edge; i < want.length - edge; i++) {
    signal += want[i]! ** 2;
    noise += (want[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1));
}

describe('opus streams: transcoded on the server, placed exactly in the source timeline', () => {
  let server: RunningServer;
  let client: AtpClient;
  let tracks: Map<string, TrackInfo>;
  before(async () => {
    server = await startServer({ library: LIBRARY });
    client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    const login = await client.login({ user: 't', pageSize: 100 });
    tracks = new Map(login.library.tracks.map((t) => [t.path, t]));
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  for (const file of FILES) {
    test(`${file}: the whole track and four seeks match the pcm stream's frames`, async () => {
      const track = tracks.get(file)!;
      const raw = await client.setup(track.id, { window: 0, encoding: 'opus', bitrate: 128 });
      assert.equal(raw.encoding, 'opus');
      assert.equal(raw.codec?.name, 'opus');
      assert.equal(raw.codec?.bitrate, 128);
      const pcmRaw = await client.setup(track.id, { window: 0 });
      assert.deepEqual(raw.format, pcmRaw.format, 'an opus stream announces the source format');
      await raw.teardown();
      await pcmRaw.teardown();

      const opus = await openPcmStream(client, track.id, { window: 1 << 20, encoding: 'opus', bitrate: 128 });
      const pcm = await openPcmStream(client, track.id, { window: 1 << 20 });
      try {
        const { channels, sampleRate } = opus.format;
        for (const positionMs of [0, 137, Math.floor(track.durationMs! / 2), track.durationMs! - 300, track.durationMs! + 1000]) {
          const want = await playToEnd(pcm, positionMs);
          const got = await playToEnd(opus, positionMs);
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
    const track = tracks.get('pcm16-stereo-44k.wav')!;
    const pcm = await openPcmStream(client, track.id, { window: 1 << 20 });
    const whole = await playToEnd(pcm, 0);
    await pcm.teardown();
    // A coded window of a few packets, so the pause comes with most of the track still on the server.
    const stream = await openPcmStream(client, track.id, { window: 4096, encoding: 'opus', bitrate: 96 });
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
    const all = Buffer.concat(parts);
    const got = new Int16Array(all.buffer, all.byteOffset, all.length / 2);
    assert.equal(got.length, whole.pcm.length, 'as many frames as the track');
    const ratio = snr(whole.pcm, got, 441 * 2);
    assert.ok(ratio > 20, `${ratio.toFixed(1)} dB against the pcm stream across the pause`);
  });

  test('the bitrate asked for is what the link carries', async () => {
    const track = tracks.get('pcm16-stereo-44k.wav')!;
    for (const bitrate of [64, 256]) {
      const stream = await client.setup(track.id, { window: 1 << 20, encoding: 'opus', bitrate });
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
    const track = tracks.get('flac16-6ch-48k.flac')!;
    const stream = await client.setup(track.id, { window: 0, encoding: 'opus' });
    assert.equal(stream.encoding, 'pcm');
    assert.equal(stream.codec, null);
    await stream.teardown();
  });

  test('a bitrate outside 64–256 kbit/s is refused, and the connection serves on', async () => {
    const track = tracks.get('pcm16-stereo-44k.wav')!;
    for (const bitrate of [63, 257]) {
      await assert.rejects(client.setup(track.id, { window: 0, encoding: 'opus', bitrate }), (err: unknown) => err instanceof AtpError && err.code === 'bad-payload');
    }
    const stream = await client.setup(track.id, { window: 0, encoding: 'opus', bitrate: 64 });
    assert.equal(stream.codec?.bitrate, 64);
    await stream.teardown();
  });
});
