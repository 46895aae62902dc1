/**
 * Covers: kept on disk under a size cap, the least recently used going first; fetched once per album, not per
 * track, and again by no later run; fetched after the list pages, never before them. Against a real server
 * serving 300 tracks of 25 albums.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AtpClient } from '../../../src-main/atp-client/client.js';
import { ArtworkCache } from '../../../src-main/desktop/artwork-cache.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { Settings } from '../../../src-main/desktop/settings.js';
import type { TrackInfo } from '../../../src-shared/protocol/messages.js';
import { makeUiLibrary } from '../../e2e/ui-library.js';
import { TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from './atp-server-process.js';

const art = (n: number, size: number) => ({ mime: 'image/png', bytes: new Uint8Array(size).fill(n) });

describe('artwork cache on disk', () => {
  it('keeps covers across runs, and drops the least recently used past the cap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-art-'));
    const cache = new ArtworkCache(dir, 1000);
    cache.put('a', art(1, 300));
    cache.put('b', art(2, 300));
    cache.put('c', art(3, 300));
    assert.deepEqual(cache.get('a')?.bytes, art(1, 300).bytes);
    cache.put('d', art(4, 300));
    assert.equal(cache.get('b'), undefined, 'b, used longest ago, went');
    assert.ok(cache.get('a') && cache.get('c') && cache.get('d'));
    assert.ok(cache.size <= 1000);
    assert.equal(readdirSync(dir).length, 3);
    // Another run: the files are read back in the order of their last use (mtime).
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, ArtworkCache.fileName('c')), old, old);
    const again = new ArtworkCache(dir, 1000);
    assert.equal(again.get('d')?.mime, 'image/png');
    again.put('e', art(5, 300));
    assert.equal(again.get('c'), undefined);
    assert.ok(again.get('a') && again.get('e'));
  });

  it('drops a damaged file instead of answering it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-art-'));
    const cache = new ArtworkCache(dir, 1000);
    cache.put('a', art(1, 10));
    const file = join(dir, ArtworkCache.fileName('a'));
    writeFileSync(file, Buffer.from('no newline in the first 64 bytes'.repeat(4)));
    assert.equal(new ArtworkCache(dir, 1000).get('a'), undefined);
  });
});

describe('covers through the controller (real server, 300 tracks of 25 albums)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ library: makeUiLibrary({ covers: 'all', artists: 5, albumsPerArtist: 5 }).root });
  });
  after(async () => {
    await server?.stop();
  });

  async function connected(cacheDir: string): Promise<DesktopController> {
    const c = new DesktopController({ settings: new Settings(null, null), artworkCacheDir: cacheDir });
    await c.handlers.connect({ host: server.host, port: server.port, user: TEST_USER, password: TEST_PASSWORD, remember: false });
    return c;
  }

  /** Every track's cover, asked for as the list shows them (the renderer names each track's album). */
  function coversOf(c: DesktopController, tracks: TrackInfo[]) {
    return Promise.all(tracks.map((t) => c.handlers.artwork({ track: t.id, album: `${t.artist}\u0001${t.album}` })));
  }

  it('fetches each album’s cover once, and none on the next run', async () => {
    const fetched: string[] = [];
    const real = AtpClient.prototype.artwork;
    AtpClient.prototype.artwork = function (this: AtpClient, id: string) {
      fetched.push(id);
      return real.call(this, id);
    };
    const cacheDir = mkdtempSync(join(tmpdir(), 'atp-art-'));
    try {
      let c = await connected(cacheDir);
      const tracks = (await c.handlers.list({ limit: 500 })).tracks;
      assert.equal(tracks.length, 300);
      const covers = await coversOf(c, tracks);
      assert.ok(covers.every((a) => a?.mime === 'image/png'));
      assert.equal(fetched.length, 25, 'one fetch per album');
      await c.dispose();
      c = await connected(cacheDir);
      await coversOf(c, tracks);
      assert.equal(fetched.length, 25, 'the next run reads them from disk');
      await c.dispose();
    } finally {
      AtpClient.prototype.artwork = real;
    }
  });

  it('answers a list page before the covers asked for ahead of it', async () => {
    const c = await connected(mkdtempSync(join(tmpdir(), 'atp-art-')));
    try {
      const tracks = (await c.handlers.list({ limit: 500 })).tracks;
      let coversDone = 0;
      const covers = tracks.map((t) => c.handlers.artwork({ track: t.id, album: t.album! }).then(() => coversDone++));
      const page = await c.handlers.list({ offset: 100, limit: 100 });
      assert.equal(page.tracks.length, 100);
      assert.equal(coversDone, 0, 'no cover was fetched before the page');
      await Promise.all(covers);
    } finally {
      await c.dispose();
    }
  });
});
