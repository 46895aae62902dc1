/**
 * The queue as a listener uses it: a click queues the whole list (paged from the server), nothing replaces the
 * queue while disconnected, next/previous, shuffle, repeat and mute; and the reconnect countdown's deadline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionState } from '../../../src-shared/ipc/contract.js';
import type { ListRequest } from '../../../src-shared/protocol/messages.js';
import { DesktopCallError, type DesktopClient } from '../../../src-renderer/desktop-client.js';
import { createConnectionStore } from '../../../src-renderer/stores/connection-store.js';
import { createLibraryStore } from '../../../src-renderer/stores/library-store.js';
import { createPlayerStore, OFFLINE_ERROR } from '../../../src-renderer/stores/player-store.js';
import { followingIndex, nextRepeatMode, previousIndex, shuffleAround, skipIndex } from '../../../src-renderer/stores/queue-order.js';
import { fakeApi, fakeEngine, track } from './store-fakes.js';

function libraryApi(total: number) {
  const requests: ListRequest[] = [];
  const list = async (req: ListRequest) => {
    requests.push(req);
    const offset = req.offset ?? 0;
    const count = Math.max(0, Math.min(req.limit ?? 50, total - offset));
    const tracks = Array.from({ length: count }, (_, i) => track(`t${offset + i}`, { playable: (offset + i) % 10 !== 3 }));
    return { total, offset, tracks, scan: { state: 'idle' as const, scanned: total, total } };
  };
  return { list, requests };
}

/** A seeded random source, so shuffled orders are the same on every run. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('queue order rules', () => {
  it('follows by itself: next, the same under repeat-one, the first after the last under repeat-all', () => {
    assert.equal(followingIndex(1, 3, 'off'), 2);
    assert.equal(followingIndex(2, 3, 'off'), -1);
    assert.equal(followingIndex(2, 3, 'all'), 0);
    assert.equal(followingIndex(1, 3, 'one'), 1);
    assert.equal(followingIndex(-1, 3, 'all'), -1);
  });

  it('next and previous buttons skip tracks even under repeat-one, and wrap under any repeat', () => {
    assert.equal(skipIndex(1, 3, 'one'), 2);
    assert.equal(skipIndex(2, 3, 'off'), -1);
    assert.equal(skipIndex(2, 3, 'one'), 0);
    assert.equal(previousIndex(0, 3, 'off'), -1);
    assert.equal(previousIndex(0, 3, 'all'), 2);
    assert.deepEqual(['off', 'all', 'one'].map((m) => nextRepeatMode(m as 'off')), ['all', 'one', 'off']);
  });

  it('shuffles around the playing entry: it stays first, the rest is a permutation', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const s = shuffleAround(items, 7, seeded(1));
    assert.equal(s[0], 7);
    assert.deepEqual([...s].sort((a, b) => a - b), items);
    assert.notDeepEqual(s.slice(1), items.filter((i) => i !== 7));
  });
});

describe('playing a list', () => {
  it('clicking row 150 of 292 queues all 292 rows (less the unplayable), paging from the server, and plays that row', async () => {
    const lib = libraryApi(292);
    const { api, calls } = fakeApi({ list: lib.list } as Partial<DesktopClient>);
    const library = createLibraryStore(api);
    const player = createPlayerStore(api, fakeEngine());
    await library.getState().reload();
    assert.equal(library.getState().rows.filter(Boolean).length, 100, 'one page loaded before the click');
    await player.getState().playList(() => library.getState().queueFrom(150));
    const { queue, index } = player.getState();
    const playable = Array.from({ length: 292 }, (_, i) => i).filter((i) => i % 10 !== 3);
    assert.deepEqual(queue.map((t) => t.id), playable.map((i) => `t${i}`));
    assert.equal(queue[index]?.id, 't150');
    assert.deepEqual(calls.find((c) => c[0] === 'play'), ['play', { track: 't150' }]);
    assert.ok(lib.requests.slice(1).every((r) => (r.limit ?? 0) <= 500), 'no request beyond the protocol limit');
  });

  it('while disconnected a click keeps the queue and what plays, and says why', async () => {
    let online = true;
    const { api, calls } = fakeApi();
    const player = createPlayerStore(api, fakeEngine(), { isConnected: () => online });
    await player.getState().playTracks([track('a'), track('b'), track('c')], 1);
    online = false;
    let loaded = false;
    await player.getState().playList(async () => ((loaded = true), { tracks: [track('x')], index: 0 }));
    await player.getState().playTracks([track('y')], 0);
    await player.getState().next();
    await player.getState().playAt(0);
    const s = player.getState();
    assert.equal(loaded, false, 'nothing is asked of a server that is not there');
    assert.deepEqual(s.queue.map((t) => t.id), ['a', 'b', 'c']);
    assert.equal(s.index, 1);
    assert.equal(s.status, 'playing');
    assert.deepEqual(s.error, OFFLINE_ERROR);
    assert.equal(calls.filter((c) => c[0] === 'play').length, 1);
  });

  it('a list that fails to load leaves the queue and shows the error', async () => {
    const { api } = fakeApi();
    const player = createPlayerStore(api, fakeEngine());
    await player.getState().playTracks([track('a')], 0);
    await player.getState().playList(async () => {
      throw new DesktopCallError({ code: 'disconnected', message: 'gone' });
    });
    assert.deepEqual(player.getState().queue.map((t) => t.id), ['a']);
    assert.equal(player.getState().error?.code, 'disconnected');
  });
});

describe('next, previous, repeat, shuffle, mute', () => {
  const three = () => [track('a'), track('b'), track('c')];

  it('next and previous move through the queue; at the end, next stops unless repeating all', async () => {
    const { api } = fakeApi();
    const player = createPlayerStore(api, fakeEngine());
    await player.getState().playTracks(three(), 0);
    await player.getState().next();
    assert.equal(player.getState().current()?.id, 'b');
    await player.getState().previous();
    assert.equal(player.getState().current()?.id, 'a');
    await player.getState().playAt(2);
    await player.getState().next();
    assert.equal(player.getState().current()?.id, 'c');
    player.getState().cycleRepeat();
    assert.equal(player.getState().repeat, 'all');
    await player.getState().next();
    assert.equal(player.getState().current()?.id, 'a');
  });

  it('when a track ends: repeat-one plays it again, repeat-all wraps, off stops', async () => {
    const { api } = fakeApi();
    const player = createPlayerStore(api, fakeEngine());
    await player.getState().playTracks(three(), 2);
    player.getState().onDrained(player.getState().stream!.streamId);
    assert.equal(player.getState().status, 'idle');
    player.getState().cycleRepeat();
    player.getState().cycleRepeat();
    assert.equal(player.getState().repeat, 'one');
    await player.getState().playAt(1);
    player.getState().onDrained(player.getState().stream!.streamId);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(player.getState().current()?.id, 'b');
    assert.equal(player.getState().status, 'playing');
  });

  it('repeat-one prefetches the same track for a gapless loop', async () => {
    const { api, calls } = fakeApi();
    const player = createPlayerStore(api, fakeEngine());
    await player.getState().playTracks(three(), 0);
    player.getState().cycleRepeat();
    player.getState().cycleRepeat();
    const id = player.getState().stream!.streamId;
    player.getState().onEngineStatus({ streamId: id, frame: 44100, sampleRate: 44100, buffering: false, underruns: 0, bufferedFrames: 0, fullyReceived: true });
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(calls.at(-1), ['prefetch', { track: 'a' }]);
  });

  it('shuffle keeps the playing track, plays the rest in another order, and turning it off restores the order', async () => {
    const { api } = fakeApi();
    const tracks = Array.from({ length: 12 }, (_, i) => track(`t${i}`));
    const player = createPlayerStore(api, fakeEngine(), { random: seeded(3) });
    await player.getState().playTracks(tracks, 4);
    player.getState().toggleShuffle();
    let s = player.getState();
    assert.equal(s.current()?.id, 't4');
    assert.equal(s.index, 0);
    assert.notDeepEqual(s.queue.map((t) => t.id), tracks.map((t) => t.id));
    player.getState().addToQueue(track('extra'));
    player.getState().toggleShuffle();
    s = player.getState();
    assert.deepEqual(s.queue.map((t) => t.id), [...tracks.map((t) => t.id), 'extra']);
    assert.equal(s.current()?.id, 't4');
  });

  it('a list played while shuffled starts with the clicked track', async () => {
    const { api } = fakeApi();
    const player = createPlayerStore(api, fakeEngine(), { random: seeded(5) });
    player.getState().toggleShuffle();
    await player.getState().playTracks(Array.from({ length: 8 }, (_, i) => track(`t${i}`)), 5);
    assert.equal(player.getState().current()?.id, 't5');
    assert.equal(player.getState().index, 0);
  });

  it('mute silences the engine and keeps the volume; moving the volume unmutes', () => {
    const { api } = fakeApi();
    const engine = fakeEngine();
    const player = createPlayerStore(api, engine);
    player.getState().setVolume(0.6);
    player.getState().toggleMute();
    assert.equal(player.getState().muted, true);
    assert.equal(player.getState().volume, 0.6);
    player.getState().toggleMute();
    player.getState().toggleMute();
    player.getState().setVolume(0.4);
    assert.equal(player.getState().muted, false);
    assert.deepEqual(engine.log, ['volume 0.6', 'volume 0', 'volume 0.6', 'volume 0', 'volume 0.4']);
  });

  it('a restored queue plays from where it was left', async () => {
    const { api, calls } = fakeApi();
    const player = createPlayerStore(api, fakeEngine());
    player.getState().restore({ queue: three(), index: 1, positionMs: 4200, volume: 0.5, muted: false, shuffle: false, repeat: 'all' });
    assert.equal(player.getState().status, 'idle');
    await player.getState().togglePlay();
    assert.deepEqual(calls[0], ['play', { track: 'b', positionMs: 4200 }]);
    assert.equal(player.getState().positionMs, 4200);
  });
});

describe('reconnect countdown', () => {
  it('keeps when the next attempt starts, and forgets it once connected or retried now', async () => {
    let clock = 1000;
    let retried = 0;
    const { api } = fakeApi({ retryNow: async () => ((retried++), null) } as Partial<DesktopClient>);
    const store = createConnectionStore(api, () => clock);
    const reconnecting: ConnectionState = { status: 'reconnecting', address: 'a:1', attempt: 2, retryInMs: 4000, error: { code: 'disconnected', message: '' } };
    store.getState().handleEvent({ type: 'connection', state: reconnecting });
    assert.equal(store.getState().retryAt, 5000);
    clock = 2000;
    await store.getState().retryNow();
    assert.equal(retried, 1);
    assert.equal(store.getState().retryAt, null);
    store.getState().handleEvent({ type: 'connection', state: { ...reconnecting, retryInMs: 0 } });
    assert.equal(store.getState().retryAt, null, 'an attempt under way has no countdown');
  });
});

describe('the window', () => {
  it('starts with the queue panel open in a wide window and closed in a narrow one; the language can be set', async () => {
    const { createUiStore } = await import('../../../src-renderer/stores/ui-store.js');
    const { t } = await import('../../../src-renderer/i18n.js');
    assert.equal(createUiStore('en', 1280).getState().queueOpen, true);
    const narrow = createUiStore('en', 800);
    assert.equal(narrow.getState().queueOpen, false);
    narrow.getState().toggleQueue();
    assert.equal(narrow.getState().queueOpen, true);
    narrow.getState().setLanguage('zh-CN');
    assert.equal(t('queue'), '播放队列');
    narrow.getState().setLanguage('auto');
    assert.equal(t('queue'), 'Queue');
  });
});
