import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectRequest, DesktopSnapshot } from '../../../src-shared/ipc/contract.js';
import type { ListRequest } from '../../../src-shared/protocol/messages.js';
import { DesktopCallError, type DesktopClient } from '../../../src-renderer/desktop-client.js';
import { createConnectionStore } from '../../../src-renderer/stores/connection-store.js';
import { createLibraryStore, PAGE_SIZE } from '../../../src-renderer/stores/library-store.js';
import { track } from './store-fakes.js';

function libraryApi(total: number) {
  const requests: ListRequest[] = [];
  const api = {
    list: async (req: ListRequest) => {
      requests.push(req);
      const offset = req.offset ?? 0;
      const count = Math.max(0, Math.min(req.limit ?? 50, total - offset));
      const tracks = Array.from({ length: count }, (_, i) => track(`t${offset + i}`, { playable: (offset + i) % 10 !== 3 }));
      return { total, offset, tracks, scan: { state: 'idle', scanned: total, total } };
    },
  } as unknown as DesktopClient;
  return { api, requests };
}

describe('library store', () => {
  it('loads the first page, then only the pages the list scrolls to', async () => {
    const { api, requests } = libraryApi(1000);
    const library = createLibraryStore(api);
    await library.getState().reload();
    assert.equal(library.getState().total, 1000);
    await library.getState().ensureRange(250, 320);
    await library.getState().ensureRange(260, 270);
    assert.deepEqual(requests.map((r) => r.offset), [0, 200, 300]);
    assert.equal(library.getState().rows[305]?.id, 't305');
    assert.equal(library.getState().rows[150], undefined);
  });

  it('asks the server to search and sort; the same column twice flips the order', async () => {
    const { api, requests } = libraryApi(5);
    const library = createLibraryStore(api);
    await library.getState().setQuery('blue  moon');
    assert.deepEqual(requests.at(-1), { offset: 0, limit: PAGE_SIZE, sort: 'album', order: 'asc', query: 'blue  moon' });
    await library.getState().setSort('title');
    await library.getState().setSort('title');
    assert.equal(requests.at(-1)?.sort, 'title');
    assert.equal(requests.at(-1)?.order, 'desc');
  });

  it('queues from a row on, skipping unplayable tracks', async () => {
    const library = createLibraryStore(libraryApi(8).api);
    await library.getState().reload();
    assert.deepEqual(library.getState().tracksFrom(2, 3).map((t) => t.id), ['t2', 't4', 't5']);
  });
});

describe('connection store', () => {
  const snapshot = (over: Partial<DesktopSnapshot> = {}): DesktopSnapshot => ({
    connection: { status: 'disconnected' }, recent: [], localServer: { available: true, phase: 'idle', running: false, stoppedByUser: false, library: null, address: null }, keychain: { available: true }, pinned: [], ...over,
  });

  it('on a first start logs in to the local server by itself', async () => {
    let local = 0;
    const api = { snapshot: async () => snapshot(), connectLocal: async () => (local++, null) } as unknown as DesktopClient;
    await createConnectionStore(api).getState().init();
    assert.equal(local, 1);
  });

  it('does not start the local server when there are recent servers, or none can be started', async () => {
    let local = 0;
    const recent = [{ host: 'h', port: 1, user: 'u', savedPassword: false }];
    for (const snap of [snapshot({ recent }), snapshot({ localServer: { available: false, phase: 'idle', running: false, stoppedByUser: false, library: null, address: null } })]) {
      const api = { snapshot: async () => snap, connectLocal: async () => (local++, null) } as unknown as DesktopClient;
      await createConnectionStore(api).getState().init();
    }
    assert.equal(local, 0);
  });

  it('keeps a failed login’s code and address for the connect screen', async () => {
    const api = {
      connect: async (_: ConnectRequest) => {
        throw new DesktopCallError({ code: 'bad-credentials', message: 'no' });
      },
    } as unknown as DesktopClient;
    const store = createConnectionStore(api);
    const ok = await store.getState().connect({ host: 'music.local', port: 2333, user: 'a', password: 'b', remember: false });
    assert.equal(ok, false);
    assert.deepEqual(store.getState().error, { code: 'bad-credentials', message: 'no', address: 'music.local:2333', host: 'music.local' });
    assert.equal(store.getState().busy, false);
  });

  it('follows pushed connection state and opens the connect screen from the menu', () => {
    const store = createConnectionStore({} as DesktopClient);
    store.getState().handleEvent({ type: 'connection', state: { status: 'connecting', address: 'a:1' } });
    assert.equal(store.getState().connection.status, 'connecting');
    store.getState().handleEvent({ type: 'menu', command: 'show-connect' });
    assert.equal(store.getState().connectOpen, true);
  });
});
