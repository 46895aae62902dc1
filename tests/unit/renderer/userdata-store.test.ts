import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesktopClient } from '../../../src-renderer/desktop-client.js';
import { DesktopCallError } from '../../../src-renderer/desktop-client.js';
import { IdIndex } from '../../../src-renderer/stores/id-index.js';
import { createUserDataStore } from '../../../src-renderer/stores/userdata-store.js';
import type { Playlist, PlaylistsRequest } from '../../../src-shared/protocol/userdata.js';

/** A server's playlists in memory, refusing stale revisions as the real one does; `fail` refuses the next change. */
function fakeServer() {
  const lists = new Map<string, Playlist>();
  const sent: PlaylistsRequest[] = [];
  const favourites: { kind: string; id: string }[] = [];
  let fail: string | null = null;
  const summary = (p: Playlist) => ({ id: p.id, name: p.name, revision: p.revision, count: p.tracks.length, createdAt: 1, updatedAt: 2 });
  const api = {
    favourites: async (req: { op: string; kind?: string; id?: string }) => {
      if (fail) {
        const code = fail;
        fail = null;
        throw new DesktopCallError({ code, message: `refused: ${code}` });
      }
      if (req.op === 'add') favourites.push({ kind: req.kind!, id: req.id! });
      if (req.op === 'remove') favourites.splice(favourites.findIndex((f) => f.id === req.id), 1);
      return { changed: true, favourites: favourites.map((f) => ({ ...f, addedAt: 1 })) };
    },
    playlists: async (req: PlaylistsRequest) => {
      sent.push(req);
      if (req.op === 'list') return { playlists: [...lists.values()].map(summary) };
      if (req.op === 'create') {
        const p = { ...summary({ id: `p${lists.size + 1}`, name: req.name, revision: 1, tracks: [] } as unknown as Playlist), tracks: req.tracks ?? [] };
        lists.set(p.id, p);
        return { playlist: summary(p) };
      }
      const p = lists.get(req.id)!;
      if (req.op === 'get') return { playlist: { ...p, tracks: p.tracks.slice(), count: p.tracks.length } };
      if (fail) {
        const code = fail;
        fail = null;
        throw new DesktopCallError({ code, message: `refused: ${code}` });
      }
      if (req.revision !== p.revision) throw new DesktopCallError({ code: 'stale-revision', message: 'stale' });
      p.revision++;
      if (req.op === 'add') p.tracks.push(...req.tracks);
      if (req.op === 'remove') p.tracks = p.tracks.filter((_, i) => !req.positions.includes(i));
      if (req.op === 'move') p.tracks.splice(req.to, 0, ...p.tracks.splice(req.from, 1));
      if (req.op === 'rename') p.name = req.name;
      if (req.op === 'delete') lists.delete(p.id);
      return { playlist: summary(p) };
    },
  } as unknown as DesktopClient;
  return { api, lists, sent, favourites, failNext: (code: string) => (fail = code) };
}

describe('user data store (favourites and playlists, optimistic, rolled back on refusal)', () => {
  it('a favourite shows at once, and is taken back with a message when the server refuses', async () => {
    const server = fakeServer();
    const store = createUserDataStore(server.api);
    const adding = store.getState().toggleFavourite('track', 't1');
    assert.equal(store.getState().isFavourite('track', 't1'), true, 'shown before the server answers');
    await adding;
    assert.deepEqual(server.favourites, [{ kind: 'track', id: 't1' }]);
    server.failNext('no-account');
    const removing = store.getState().toggleFavourite('track', 't1');
    assert.equal(store.getState().isFavourite('track', 't1'), false);
    await removing;
    assert.equal(store.getState().isFavourite('track', 't1'), true, 'rolled back');
    assert.equal(store.getState().notice?.key, 'notice.refused');
    assert.match(store.getState().notice!.values.reason!, /no-account/);
  });

  it('changes go out one after another, each on the revision the last one made', async () => {
    const server = fakeServer();
    const store = createUserDataStore(server.api);
    const made = await store.getState().createPlaylist('Road');
    await store.getState().openPlaylist(made!.id);
    const a = store.getState().addToPlaylist(made!.id, ['a', 'b']);
    const b = store.getState().addToPlaylist(made!.id, ['c']);
    assert.deepEqual(store.getState().open?.tracks, ['a', 'b', 'c'], 'both shown before either is answered');
    await Promise.all([a, b]);
    await store.getState().moveEntry(2, 0);
    await store.getState().removeEntries([1]);
    assert.deepEqual(server.lists.get(made!.id)!.tracks, ['c', 'b']);
    assert.deepEqual(store.getState().open?.tracks, ['c', 'b']);
    assert.equal(store.getState().open?.revision, 5);
    assert.equal(store.getState().notice, null);
    await store.getState().renamePlaylist(made!.id, 'Night');
    assert.equal(store.getState().playlists[0]!.name, 'Night');
    await store.getState().deletePlaylist(made!.id);
    assert.deepEqual(store.getState().playlists, []);
    assert.equal(server.lists.size, 0);
  });

  it('a stale revision (a change from a second device) rolls back, reloads the playlist and says so', async () => {
    const server = fakeServer();
    const store = createUserDataStore(server.api);
    const made = await store.getState().createPlaylist('Road', ['a', 'b', 'c']);
    await store.getState().loadPlaylists();
    await store.getState().openPlaylist(made!.id);
    // The other device adds a track: the server is at revision 2, this copy still at 1.
    const held = server.lists.get(made!.id)!;
    held.tracks.push('z');
    held.revision = 2;
    const moving = store.getState().moveEntry(0, 2);
    assert.deepEqual(store.getState().open?.tracks, ['b', 'c', 'a'], 'shown at once');
    await moving;
    assert.equal(store.getState().notice?.key, 'notice.staleRevision');
    assert.equal(store.getState().notice?.values.name, 'Road');
    assert.deepEqual(store.getState().open?.tracks, ['a', 'b', 'c', 'z'], 'the server’s copy, not the refused change');
    assert.equal(store.getState().open?.revision, 2);
    assert.equal(store.getState().playlists[0]!.count, 4);
    // Made again on what it holds now, the change goes through.
    await store.getState().moveEntry(0, 2);
    assert.deepEqual(held.tracks, ['b', 'c', 'a', 'z']);
  });

  it('another refusal puts back what the server holds and gives its reason', async () => {
    const server = fakeServer();
    const store = createUserDataStore(server.api);
    const made = await store.getState().createPlaylist('Road', ['a']);
    await store.getState().openPlaylist(made!.id);
    server.failNext('playlist-full');
    await store.getState().addToPlaylist(made!.id, ['b']);
    assert.deepEqual(store.getState().open?.tracks, ['a']);
    assert.equal(store.getState().notice?.key, 'notice.refused');
    assert.match(store.getState().notice!.values.reason!, /playlist-full/);
  });
});

describe('id index', () => {
  it('finds ids it has not seen by reading the list page by page, once, and leaves unknown ids unknown', async () => {
    const all = Array.from({ length: 25 }, (_, i) => ({ id: `t${i}` }));
    const pages: number[] = [];
    const index = new IdIndex(async (offset, limit) => (pages.push(offset), { items: all.slice(offset, offset + limit), total: all.length }), 10);
    index.remember([{ id: 'seen' }]);
    assert.deepEqual(await index.resolve(['seen']), [{ id: 'seen' }]);
    assert.deepEqual(pages, [], 'nothing asked for what was seen');
    const got = await index.resolve(['t12', 'nope', 't3']);
    assert.deepEqual(got, [{ id: 't12' }, undefined, { id: 't3' }]);
    assert.deepEqual(pages, [0, 10, 20]);
    await index.resolve(['nope']);
    assert.deepEqual(pages, [0, 10, 20], 'the list is read once');
  });
});
