/**
 * Decoding threads in a real server process: a `pcm` stream of a compressed file is decoded in one of them, sample
 * for sample what the same decoders give in the test's own thread; a 16-bit WAV is served by the serving thread
 * and starts none; `--decode-threads 0` decodes in the serving thread; a damaged file's stream fails with a clear
 * error while the thread goes on decoding for the other streams.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { openPcmSource } from '../../src-codecs/registry.js';
import type { TrackInfo } from '../../src-shared/protocol/index.js';
import { FIXTURE_LIBRARY } from '../helpers/fixture-session.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';

const COMPRESSED = ['flac16-stereo-44k.flac', 'mp3-vbr-stereo-44k.mp3', 'vorbis-stereo-44k.ogg', 'opus-stereo-48k.opus'];
const WAV = 'pcm16-stereo-44k.wav';
const DAMAGED = 'damaged.flac';

/** Every sample frame of a file, decoded in this thread. */
async function decodeHere(path: string): Promise<Buffer> {
  const source = await openPcmSource(path);
  const parts: Buffer[] = [];
  const chunk = Buffer.alloc(4096 * source.format.channels * 2);
  try {
    for (let got; (got = await source.read(chunk, 0, 4096)) > 0; ) parts.push(Buffer.from(chunk.subarray(0, got * source.format.channels * 2)));
  } finally {
    await source.close();
  }
  return Buffer.concat(parts);
}

const threadStarts = (server: RunningServer) => server.logs.filter((l) => l.event === 'decode-thread-started');

async function startOn(library: string, args: string[] = []) {
  const server = await startServer({ library, args });
  const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
  const login = await client.login({ user: 't', pageSize: 100 });
  const tracks = new Map<string, TrackInfo>(login.library.tracks.map((t) => [t.path, t]));
  return { server, client, tracks };
}

async function fetchPcm(client: AtpClient, track: TrackInfo): Promise<Buffer> {
  const parts: Buffer[] = [];
  await fetchTrack(client, track.id, { encoding: 'pcm', write: (p) => void parts.push(Buffer.from(p)) });
  return Buffer.concat(parts);
}

describe('decoding threads', () => {
  let library: string;
  let s: Awaited<ReturnType<typeof startOn>>;

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-decode-threads-'));
    for (const name of [...COMPRESSED, WAV]) copyFileSync(join(FIXTURE_LIBRARY, name), join(library, name));
    // A FLAC whose frames are overwritten with noise past its first tenth: its head still lists it as playable.
    const flac = readFileSync(join(FIXTURE_LIBRARY, 'flac16-stereo-44k.flac'));
    for (let i = Math.floor(flac.length / 10); i < flac.length; i++) flac[i] = (i * 7919) & 0xff;
    writeFileSync(join(library, DAMAGED), flac);
    s = await startOn(library);
  });
  after(async () => {
    s?.client.close();
    await s?.server.stop();
    rmSync(library, { recursive: true, force: true });
  });

  test('a 16-bit WAV is served without a decoding thread', async () => {
    const pcm = await fetchPcm(s.client, s.tracks.get(WAV)!);
    assert.deepEqual(pcm, await decodeHere(join(library, WAV)));
    assert.equal(threadStarts(s.server).length, 0, 'no thread started for a WAV');
  });

  test('each compressed format decodes in a thread, sample for sample as in this one', async () => {
    for (const name of COMPRESSED) {
      const pcm = await fetchPcm(s.client, s.tracks.get(name)!);
      assert.ok(pcm.length > 0, `${name}: some PCM`);
      assert.ok(pcm.equals(await decodeHere(join(library, name))), `${name}: the same samples`);
    }
    const starts = threadStarts(s.server).length;
    assert.ok(starts >= 1 && starts <= availableParallelism(), `between 1 and one thread per core started (${starts})`);
  });

  test('streams at once share the threads, and each gets its own samples', async () => {
    const got = await Promise.all(COMPRESSED.map((name) => fetchPcm(s.client, s.tracks.get(name)!)));
    for (const [i, name] of COMPRESSED.entries()) assert.ok(got[i]!.equals(await decodeHere(join(library, name))), `${name}: the same samples`);
    assert.equal(threadStarts(s.server).length, Math.min(availableParallelism(), COMPRESSED.length), 'one thread per core once streams overlap');
  });

  test('a damaged file fails its own stream with a clear error; the thread decodes on for the others', async () => {
    const damaged = s.tracks.get(DAMAGED);
    assert.ok(damaged?.playable, 'the damaged FLAC is listed as playable');
    await assert.rejects(fetchPcm(s.client, damaged), (err: Error) => /decode|FLAC|damaged|truncated|sync/i.test(err.message));
    const flac = s.tracks.get(COMPRESSED[0]!)!;
    assert.ok((await fetchPcm(s.client, flac)).equals(await decodeHere(join(library, COMPRESSED[0]!))), 'the next stream is whole');
    assert.equal(s.server.logs.filter((l) => l.event === 'decode-thread-stopped').length, 0, 'no thread stopped');
  });
});

describe('--decode-threads 0', () => {
  test('the serving thread decodes, and the samples are the same', async () => {
    const s = await startOn(FIXTURE_LIBRARY, ['--decode-threads', '0']);
    try {
      const name = COMPRESSED[1]!;
      const pcm = await fetchPcm(s.client, s.tracks.get(name)!);
      assert.ok(pcm.equals(await decodeHere(join(FIXTURE_LIBRARY, name))));
      assert.equal(threadStarts(s.server).length, 0);
    } finally {
      s.client.close();
      await s.server.stop();
    }
  });
});
