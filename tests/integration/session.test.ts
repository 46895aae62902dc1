import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { AtpError, build, type DataChunk, type TrackInfo } from '../../src-shared/protocol/index.js';
import { DEMO_LIBRARY, startServer, type RunningServer } from '../helpers/server-process.js';
import { wavData } from '../helpers/wav-file.js';
import { sleep, waitFor } from '../helpers/wait.js';

const USER = 'alice';
const PASSWORD = 'correct horse battery';

describe('a whole session against a real server', () => {
  let server: RunningServer;
  let client: AtpClient;
  let tracks: TrackInfo[];

  before(async () => {
    server = await startServer({ users: { [USER]: PASSWORD } });
    client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    const reply = await client.login({ user: USER, password: PASSWORD, client: 'test' });
    assert.ok(reply.uid > 0, 'the server assigns a uid');
    assert.equal(client.uid, reply.uid);
    assert.equal(reply.user, USER);
    assert.equal(reply.library.total, 3);
    tracks = reply.library.tracks;
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  const fileOf = (t: TrackInfo) => wavData(join(DEMO_LIBRARY, t.path));

  test('LIST pages through the library', async () => {
    const page = await client.list({ offset: 1, limit: 1 });
    assert.equal(page.total, 3);
    assert.equal(page.offset, 1);
    assert.equal(page.tracks.length, 1);
    assert.equal(page.tracks[0]!.id, tracks[1]!.id);
  });

  test('ARTWORK serves the folder cover as it is on disk', async () => {
    assert.ok(tracks.every((t) => t.artwork), 'every demo track has artwork');
    const art = await client.artwork(tracks[0]!.id);
    assert.equal(art.mime, 'image/png');
    assert.ok(Buffer.from(art.image).equals(readFileSync(join(DEMO_LIBRARY, 'cover.png'))));
    await assert.rejects(client.artwork('no-such-track'), (e: AtpError) => e.code === 'unknown-track');
  });

  test('every byte of PCM from the start equals the file', async () => {
    for (const t of tracks) {
      const parts: Uint8Array[] = [];
      const result = await fetchTrack(client, t.id, { write: (pcm) => void parts.push(Buffer.from(pcm)) });
      const { data, sampleRate, channels } = fileOf(t);
      assert.equal(result.format.sampleRate, sampleRate);
      assert.equal(result.format.channels, channels);
      assert.equal(result.format.totalFrames, data.length / (2 * channels));
      assert.ok(Buffer.concat(parts).equals(data), `${t.path}: PCM differs from the file`);
    }
  });

  test('PCM from an offset equals the file from that sample frame', async () => {
    const t = tracks[1]!;
    const { data, sampleRate, channels } = fileOf(t);
    const parts: Uint8Array[] = [];
    const fromMs = 3217;
    const result = await fetchTrack(client, t.id, { fromMs, write: (pcm) => void parts.push(Buffer.from(pcm)) });
    const startFrame = Math.round((fromMs * sampleRate) / 1000);
    assert.equal(result.startFrame, startFrame);
    assert.ok(Buffer.concat(parts).equals(data.subarray(startFrame * channels * 2)));
  });

  test('checksummed DATA arrives intact', async () => {
    const t = tracks[2]!;
    const parts: Uint8Array[] = [];
    await fetchTrack(client, t.id, { checksum: true, write: (pcm) => void parts.push(Buffer.from(pcm)) });
    assert.ok(Buffer.concat(parts).equals(fileOf(t).data));
  });

  test('the server never sends more than the window', async () => {
    const t = tracks[0]!;
    const window = 10_000;
    const stream = await client.setup(t.id, { window });
    let received = 0;
    stream.on('data', (c) => (received += c.pcm.length));
    await stream.play({ positionMs: 0 });
    await waitFor(() => received > 0, 'data comes');
    await sleep(200); // room for the server to send too much, if it would
    assert.ok(received <= window, `received ${received} bytes with a window of ${window}`);
    const before = received;
    stream.credit(received);
    await waitFor(() => received > before, 'credit lets more data through');
    await sleep(200);
    assert.ok(received <= before + window, `received ${received - before} bytes for a credit of ${before}`);
    await stream.teardown();
  });

  test('seek during play: new epoch, data from the new position, nothing stale', async () => {
    const t = tracks[0]!;
    const { data, sampleRate, channels } = fileOf(t);
    const bpf = channels * 2;
    const stream = await client.setup(t.id, { window: 64 * 1024 });
    const chunks: DataChunk[] = [];
    stream.on('data', (c) => {
      chunks.push({ ...c, pcm: Buffer.from(c.pcm) });
      stream.credit(c.pcm.length);
    });
    const first = await stream.play({ positionMs: 0 });
    await waitFor(() => chunks.length > 0, 'the first epoch plays');
    // Everything delivered from the moment the seek is asked for must be of the new epoch.
    const seen = chunks.length;
    const seek = await stream.play({ positionMs: 6000, window: 64 * 1024 });
    assert.equal(seek.epoch, first.epoch + 1);
    const target = Math.round((6000 * sampleRate) / 1000);
    assert.equal(seek.startFrame, target);
    await waitFor(() => chunks.length > seen + 2, 'data flows after the seek');
    const after = chunks.slice(seen);
    assert.ok(after.every((c) => c.epoch === seek.epoch), 'only the new epoch is delivered after the seek');
    assert.equal(after[0]!.firstFrame, target);
    for (const c of after) assert.ok(Buffer.from(c.pcm).equals(data.subarray(c.firstFrame * bpf, c.firstFrame * bpf + c.pcm.length)));
    await stream.teardown();
  });

  test('pause stops DATA; resume continues exactly where it paused', async () => {
    const t = tracks[1]!;
    const { data, channels } = fileOf(t);
    const bpf = channels * 2;
    const stream = await client.setup(t.id, { window: 8192 });
    const chunks: DataChunk[] = [];
    let playing = true;
    stream.on('data', (c) => {
      chunks.push({ ...c, pcm: Buffer.from(c.pcm) });
      // Credit slowly, like a player, so the track is still going when we pause.
      setTimeout(() => playing && stream.credit(c.pcm.length), 20);
    });
    await stream.play({ positionMs: 0 });
    await waitFor(() => chunks.length >= 2, 'the stream plays');
    const paused = await stream.pause();
    playing = false;
    const count = chunks.length;
    const last = chunks[count - 1]!;
    assert.equal(last.firstFrame + last.pcm.length / bpf, paused.frame, 'the pause reply names the next frame');
    stream.credit(65536);
    await sleep(200); // room for DATA to come, if the server wrongly sent any
    assert.equal(chunks.length, count, 'no DATA after the PAUSE reply');
    playing = true;
    const resumed = await stream.play();
    assert.equal(resumed.startFrame, paused.frame);
    await waitFor(() => chunks.length > count, 'data resumes');
    const next = chunks[count];
    assert.ok(next, 'data resumes');
    assert.equal(next.firstFrame, paused.frame);
    assert.ok(Buffer.from(next.pcm).equals(data.subarray(paused.frame * bpf, paused.frame * bpf + next.pcm.length)));
    playing = false;
    await stream.teardown();
  });

  test('unknown track and unknown stream are answered and the connection lives', async () => {
    await assert.rejects(client.setup('no-such-track', { window: 1000 }), (e: AtpError) => e.code === 'unknown-track');
    const stream = await client.setup(tracks[0]!.id, { window: 1000 });
    await stream.teardown();
    await assert.rejects(client.request(build.teardown(client.uid, stream.did), () => undefined), (e: AtpError) => e.code === 'unknown-stream');
    assert.ok((await client.ping()) >= 0);
  });

  test('logout ends the session and closes the connection', async () => {
    const other = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    await other.login({ user: USER, password: PASSWORD });
    const closed = new Promise((r) => other.once('close', r));
    await other.logout();
    await closed;
    assert.equal(other.isOpen, false);
  });
});
