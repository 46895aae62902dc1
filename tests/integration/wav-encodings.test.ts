// WAV in the encodings the server converts: what reaches the wire is s16le, converted as ffmpeg would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { writeWav } from '../helpers/wav-file.js';

const FRAMES = 4000;
const wave = (f: number, c: number) => 0.9 * Math.sin((2 * Math.PI * (330 + 110 * c) * f) / 44100);

describe('WAV encodings become s16le', () => {
  let server: RunningServer;
  let client: AtpClient;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-enc-'));
    writeWav(join(dir, 'int24.wav'), { sampleRate: 44100, channels: 2, bits: 24, frames: FRAMES }, wave);
    writeWav(join(dir, 'float32.wav'), { sampleRate: 44100, channels: 2, bits: 32, float: true, frames: FRAMES }, wave);
    writeWav(join(dir, 'int8.wav'), { sampleRate: 44100, channels: 1, bits: 8, frames: FRAMES }, wave);
    server = await startServer({ library: dir });
    client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    await client.login({ user: 't' });
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  async function fetch(name: string): Promise<{ pcm: Int16Array; channels: number }> {
    const page = await client.list({ query: name });
    const parts: Buffer[] = [];
    const r = await fetchTrack(client, page.tracks[0]!.id, { write: (p) => void parts.push(Buffer.from(p)) });
    const all = Buffer.concat(parts);
    return { pcm: new Int16Array(all.buffer, all.byteOffset, all.length / 2), channels: r.format.channels };
  }

  test('24-bit integer keeps the top 16 bits', async () => {
    const { pcm, channels } = await fetch('int24');
    assert.equal(pcm.length, FRAMES * channels);
    for (let i = 0; i < FRAMES; i++)
      for (let c = 0; c < 2; c++) assert.equal(pcm[i * 2 + c], Math.round(wave(i, c) * 8388607) >> 8);
  });

  // lrintf, as ffmpeg uses: halves go to the even neighbour.
  const rint = (x: number) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };

  test('32-bit float is rounded (ties to even) and clipped', async () => {
    const { pcm } = await fetch('float32');
    for (let i = 0; i < FRAMES; i++)
      for (let c = 0; c < 2; c++) assert.equal(pcm[i * 2 + c], Math.max(-32768, Math.min(32767, rint(Math.fround(wave(i, c)) * 32768))) | 0);
  });

  test('8-bit unsigned is centred and widened', async () => {
    const { pcm, channels } = await fetch('int8');
    assert.equal(channels, 1);
    for (let i = 0; i < FRAMES; i++) assert.equal(pcm[i], Math.round(wave(i, 0) * 127) << 8);
  });
});
