import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { wavData, writeWav } from '../helpers/wav-file.js';

const CLIENTS = 20;

describe('many clients at once', () => {
  let server: RunningServer;
  let library: string;

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-lib-'));
    // Twenty distinct tracks, so a mixed-up stream could not pass for the right one.
    for (let i = 0; i < CLIENTS; i++) {
      const rate = [8000, 22050, 44100, 48000][i % 4]!;
      writeWav(join(library, `tone-${String(i).padStart(2, '0')}.wav`), { sampleRate: rate, channels: 1 + (i % 2), bits: 16, frames: rate }, (f, c) =>
        0.5 * Math.sin((2 * Math.PI * (220 + 37 * i + 3 * c) * f) / rate),
      );
    }
    server = await startServer({ library });
  });
  after(async () => {
    await server?.stop();
  });

  test(`${CLIENTS} clients on different tracks each receive their file exactly`, async () => {
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
        await client.login({ user: `listener${i}` });
        const page = await client.list({ query: `tone-${String(i).padStart(2, '0')}` });
        assert.equal(page.total, 1);
        const parts: Buffer[] = [];
        // A small window makes the streams interleave on the server.
        await fetchTrack(client, page.tracks[0]!.id, { window: 8192, write: (pcm) => void parts.push(Buffer.from(pcm)) });
        await client.logout();
        return { i, path: page.tracks[0]!.path, pcm: Buffer.concat(parts), uid: client.uid };
      }),
    );
    const uids = new Set(results.map((r) => r.uid));
    assert.equal(uids.size, CLIENTS, 'each connection has its own uid');
    for (const r of results) assert.ok(r.pcm.equals(wavData(join(library, r.path)).data), `client ${r.i} got ${r.path} exactly`);
  });

  test('a stalled client costs nothing to the others', async () => {
    const stalled = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    const reply = await stalled.login({ user: 'stalled' });
    const s = await stalled.setup(reply.library.tracks[0]!.id, { window: 4096 });
    await s.play({ positionMs: 0 }); // never credits again
    const other = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    await other.login({ user: 'other' });
    const parts: Buffer[] = [];
    const t = reply.library.tracks[5]!;
    await fetchTrack(other, t.id, { write: (pcm) => void parts.push(Buffer.from(pcm)) });
    assert.ok(Buffer.concat(parts).equals(wavData(join(library, t.path)).data));
    stalled.close();
    other.close();
  });
});
