/** The view store (open, back, restore) and the paged lists of albums, artists and genres. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlbumInfo, BrowseReply, BrowseRequest } from '../../../src-shared/protocol/messages.js';
import { BROWSE_PAGE, createBrowseListStore } from '../../../src-renderer/stores/browse-list-store.js';
import { createViewStore, parseView } from '../../../src-renderer/stores/view-store.js';
import { parseSession } from '../../../src-renderer/session.js';
import { signalPath, signalPathText } from '../../../src-renderer/views/signal-path.js';
import { fakeApi, track } from './store-fakes.js';

const album = (i: number): AlbumInfo => ({
  id: `a${i}`, title: `Album ${i}`, artist: 'X', artistId: 'x', year: null, tracks: 1, discs: 1, durationMs: 0, artworkTrack: null,
});

function albumsApi(total: number, calls: BrowseRequest[], fail = false) {
  return fakeApi({
    browse: async (req: BrowseRequest): Promise<BrowseReply> => {
      calls.push(req);
      if (fail) throw Object.assign(new Error('gone away'), { code: 'disconnected' });
      const offset = req.offset ?? 0;
      const n = Math.max(0, Math.min(req.limit ?? 50, total - offset));
      return { kind: req.kind, total, offset, items: Array.from({ length: n }, (_, k) => album(offset + k)), scan: { state: 'idle', scanned: 0, total: 0 } };
    },
  }).api;
}

test('pages are asked for as they come into view, once each', async () => {
  const calls: BrowseRequest[] = [];
  const list = createBrowseListStore(albumsApi(1000, calls), 'albums');
  await list.getState().reload();
  assert.equal(list.getState().total, 1000);
  assert.equal(list.getState().rows.filter(Boolean).length, BROWSE_PAGE);
  await list.getState().ensureRange(BROWSE_PAGE * 3 + 5, BROWSE_PAGE * 4 + 1);
  await list.getState().ensureRange(BROWSE_PAGE * 3 + 5, BROWSE_PAGE * 4 + 1);
  assert.deepEqual(calls.map((c) => c.offset), [0, BROWSE_PAGE * 3, BROWSE_PAGE * 4]);
  assert.equal((list.getState().rows[BROWSE_PAGE * 3 + 5] as AlbumInfo).id, `a${BROWSE_PAGE * 3 + 5}`);
  assert.equal(list.getState().rows[BROWSE_PAGE + 1], undefined, 'pages not seen are not loaded');
});

test('a filter or sort asks the server again, and the reply to an older one is dropped', async () => {
  const calls: BrowseRequest[] = [];
  const list = createBrowseListStore(albumsApi(10, calls), 'albums');
  const older = list.getState().reload();
  const newer = list.getState().setSort('added', 'desc');
  await Promise.all([older, newer]);
  assert.deepEqual(calls[1], { kind: 'albums', offset: 0, limit: BROWSE_PAGE, order: 'desc', sort: 'added' });
  await list.getState().setQuery('blue');
  assert.equal(calls[2]!.query, 'blue');
});

test('a failed page is said, and asked for again on reload', async () => {
  const calls: BrowseRequest[] = [];
  const list = createBrowseListStore(albumsApi(10, calls, true), 'albums');
  await list.getState().reload();
  assert.equal(list.getState().error?.code, 'disconnected');
  await list.getState().reload();
  assert.equal(calls.length, 2);
});

test('views: pages can be gone back from, list views start afresh, and the queue is no part of it', () => {
  const views = createViewStore();
  views.getState().open({ kind: 'albums' });
  views.getState().open({ kind: 'album', id: 'a1', name: 'One' });
  views.getState().open({ kind: 'artist', id: 'x', name: 'X' });
  assert.equal(views.getState().back.length, 2);
  views.getState().goBack();
  assert.deepEqual(views.getState().view, { kind: 'album', id: 'a1', name: 'One' });
  views.getState().open({ kind: 'genres' });
  assert.deepEqual(views.getState().back, []);
  views.getState().setNowPlayingOpen(true);
  views.getState().open({ kind: 'genres' });
  assert.equal(views.getState().nowPlayingOpen, false, 'choosing a view closes now playing');
});

test('a saved view is read back member by member; anything else is the track list', () => {
  assert.deepEqual(parseView({ kind: 'album', id: 'a1', name: 'One' }), { kind: 'album', id: 'a1', name: 'One' });
  assert.deepEqual(parseView({ kind: 'albums' }), { kind: 'albums' });
  for (const bad of [null, 7, { kind: 'album' }, { kind: 'album', id: 3, name: 'x' }, { kind: 'nonsense' }]) assert.deepEqual(parseView(bad), { kind: 'tracks' });
  const session = { version: 1, player: {}, library: {}, ui: {} };
  assert.deepEqual(parseSession(JSON.stringify(session))?.view, { kind: 'tracks' }, 'a session of part one opens the track list');
  assert.deepEqual(parseSession(JSON.stringify({ ...session, view: { kind: 'artist', id: 'x', name: 'X' } }))?.view, { kind: 'artist', id: 'x', name: 'X' });
});

test('the signal path names the source, the transport and the output', () => {
  const t = track('t', { codec: 'flac', sampleRate: 96000, bitsPerSample: 24, channels: 2 });
  const stream = { streamId: 1, trackId: 't', epoch: 1, startFrame: 0, positionMs: 0, paused: false, format: { sampleRate: 96000, channels: 2, sampleFormat: 's16le', bytesPerFrame: 4, totalFrames: 1, durationMs: 1 } } as const;
  assert.equal(signalPathText(signalPath(t, stream, 48000)), 'FLAC 24-bit 96 kHz stereo → PCM 16-bit 96 kHz → 48 kHz');
  assert.equal(signalPathText(signalPath(t, stream, 96000, 'Opus 128 kbit/s')), 'FLAC 24-bit 96 kHz stereo → Opus 128 kbit/s → 96 kHz');
  assert.equal(signalPathText(signalPath(t, null, null)), 'FLAC 24-bit 96 kHz stereo');
});
