// BROWSE from the built server with two cluster workers: the primary groups the library and answers, the workers
// relay; bad requests are refused with bad-payload and the connection serves on.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import type { AlbumInfo, ArtistInfo, BrowseRequest, GenreInfo, TrackInfo } from '../../src-shared/protocol/index.js';
import { makeUiLibrary, type GeneratedLibrary } from '../e2e/ui-library.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { sleep } from '../helpers/wait.js';

describe('BROWSE through cluster workers', () => {
  let library: GeneratedLibrary;
  let server: RunningServer;
  let client: AtpClient;

  before(async () => {
    library = makeUiLibrary({ artists: 4, albumsPerArtist: 2 });
    server = await startServer({ library: library.root, args: ['--workers', '2'] });
    client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    await client.login({ user: 'tester' });
    for (let i = 0; i < 200 && (await client.list({ limit: 0 })).scan.state !== 'idle'; i++) await sleep(50);
  });

  after(async () => {
    client?.close();
    await server?.stop();
    rmSync(library.root, { recursive: true, force: true });
  });

  test('artists, albums and genres, and an album page by disc and track', async () => {
    const artists = await client.browse({ kind: 'artists' });
    assert.deepEqual((artists.items as ArtistInfo[]).map((a) => [a.name, a.albums]), [
      ['Artist 01', 2], ['Artist 02', 2], ['Artist 03', 2], ['Artist 04', 2],
    ]);
    const albums = await client.browse({ kind: 'albums', artist: (artists.items[1] as ArtistInfo).id });
    assert.deepEqual((albums.items as AlbumInfo[]).map((a) => a.title), ['Album 03 of Artist 02', 'Album 04 of Artist 02']);
    assert.equal(albums.artist?.name, 'Artist 02');
    const album = albums.items[0] as AlbumInfo;
    assert.equal(album.tracks, 38, '300 tracks over 8 albums: the first four hold 38');
    assert.ok(album.artworkTrack !== null, 'an even album has a cover');
    const page = await client.browse({ kind: 'tracks', album: album.id, limit: 500 });
    assert.equal(page.total, 38);
    assert.deepEqual((page.items as TrackInfo[]).map((t) => t.trackNo), Array.from({ length: 38 }, (_, i) => i + 1));
    assert.equal(page.album?.durationMs, (page.items as TrackInfo[]).reduce((s, t) => s + (t.durationMs ?? 0), 0));
    const genres = await client.browse({ kind: 'genres' });
    assert.deepEqual((genres.items as GenreInfo[]).map((g) => [g.name, g.albums]), [['Ambient', 2], ['Folk', 2], ['Jazz', 2], ['Rock', 2]]);
    const found = await client.browse({ kind: 'albums', query: 'album 07' });
    assert.deepEqual((found.items as AlbumInfo[]).map((a) => a.artist), ['Artist 04']);
  });

  test('bad requests get bad-payload, and the connection serves on', async () => {
    const bad: unknown[] = [
      { kind: 'songs' },
      {},
      { kind: 'albums', sort: 'duration' },
      { kind: 'artists', album: 'x' },
      { kind: 'tracks', limit: 501 },
      { kind: 'albums', offset: -1 },
      { kind: 'albums', query: 'x'.repeat(257) },
      { kind: 'albums', artist: 7 },
    ];
    for (const req of bad) {
      await assert.rejects(client.browse(req as BrowseRequest), (err: { code?: string }) => err.code === 'bad-payload', JSON.stringify(req).slice(0, 60));
    }
    const gone = await client.browse({ kind: 'tracks', album: 'no-such-album' });
    assert.equal(gone.album, null);
    assert.equal(gone.total, 0);
    assert.equal((await client.browse({ kind: 'albums', limit: 1 })).total, 8);
  });
});
