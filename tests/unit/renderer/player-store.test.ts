import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPlayerStore } from '../../../src-renderer/stores/player-store.js';
import { fakeApi, fakeEngine, track } from './store-fakes.js';

const status = (streamId: number, frame: number, extra: Partial<{ buffering: boolean; underruns: number; fullyReceived: boolean }> = {}) => ({
  streamId, frame, sampleRate: 44100, buffering: false, underruns: 0, bufferedFrames: 0, fullyReceived: false, ...extra,
});

describe('player store', () => {
  it('plays a track: the engine is prepared at its rate, then started on the stream the controller opened', async () => {
    const { api, calls } = fakeApi();
    const engine = fakeEngine();
    const player = createPlayerStore(api, engine);
    await player.getState().playTracks([track('a'), track('b')], 0);
    const s = player.getState();
    assert.equal(s.status, 'playing');
    assert.equal(s.stream?.trackId, 'a');
    assert.deepEqual(calls[0], ['play', { track: 'a' }]);
    assert.deepEqual(engine.log, ['prepare 44100', 'start 1']);
  });

  it('takes the position from rendered frames, and ignores reports of other streams', async () => {
    const { api } = fakeApi();
    const player = createPlayerStore(api, fakeEngine());
    await player.getState().playTracks([track('a')], 0);
    player.getState().onEngineStatus(status(1, 44100 * 2));
    assert.equal(player.getState().positionMs, 2000);
    player.getState().onEngineStatus(status(99, 44100 * 7));
    assert.equal(player.getState().positionMs, 2000);
    player.getState().onEngineStatus(status(1, 44100 * 3, { buffering: true, underruns: 1 }));
    assert.equal(player.getState().buffering, true);
    assert.equal(player.getState().underruns, 1);
  });

  it('pauses and resumes the engine and the stream', async () => {
    const { api, calls } = fakeApi();
    const engine = fakeEngine();
    const player = createPlayerStore(api, engine);
    await player.getState().playTracks([track('a')], 0);
    await player.getState().togglePlay();
    assert.equal(player.getState().status, 'paused');
    await player.getState().togglePlay();
    assert.equal(player.getState().status, 'playing');
    assert.deepEqual(calls.slice(1).map((c) => c[0]), ['pause', 'resume']);
    assert.deepEqual(engine.log.slice(2), ['pause', 'resume']);
  });

  it('seeks: holds the engine, asks the controller, then tells the engine the new epoch', async () => {
    const { api } = fakeApi();
    const engine = fakeEngine();
    const player = createPlayerStore(api, engine);
    await player.getState().playTracks([track('a')], 0);
    await player.getState().seek(4000);
    assert.deepEqual(engine.log.slice(2), ['hold', `seeked 1@${4000 * 44.1}`]);
    assert.equal(player.getState().positionMs, 4000);
  });

  it('prefetches the next track once the current one is all received, and moves on when the engine starts it', async () => {
    const { api, calls } = fakeApi();
    const engine = fakeEngine();
    const player = createPlayerStore(api, engine);
    await player.getState().playTracks([track('a'), track('b')], 0);
    player.getState().onEngineStatus(status(1, 44100 * 8));
    await new Promise((r) => setImmediate(r));
    assert.equal(calls.some((c) => c[0] === 'prefetch'), false, 'not while the server still sends the current track');
    player.getState().onEngineStatus(status(1, 44100 * 8 + 4410, { fullyReceived: true }));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls.at(-1), ['prefetch', { track: 'b' }]);
    assert.equal(player.getState().upcoming?.stream.streamId, 2);
    assert.ok(engine.log.includes('queue 2'));
    player.getState().onDrained(1);
    player.getState().onTrackStarted(2);
    assert.equal(player.getState().index, 1);
    assert.equal(player.getState().stream?.streamId, 2);
    assert.equal(calls.filter((c) => c[0] === 'play').length, 1, 'gapless: no second play');
  });

  it('does not prefetch across a change of sample rate; plays the next track when the first drains', async () => {
    const { api, calls } = fakeApi();
    const player = createPlayerStore(api, fakeEngine());
    await player.getState().playTracks([track('a'), track('b', { sampleRate: 48000 })], 0);
    player.getState().onEngineStatus(status(1, 44100 * 9, { fullyReceived: true }));
    await new Promise((r) => setImmediate(r));
    assert.equal(calls.some((c) => c[0] === 'prefetch'), false);
    player.getState().onDrained(1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls.at(-1), ['play', { track: 'b' }]);
  });

  it('edits the queue: play next, add, move, remove, clear; a prefetch that no longer fits is released', async () => {
    const { api, calls } = fakeApi();
    const engine = fakeEngine();
    const player = createPlayerStore(api, engine);
    await player.getState().playTracks([track('a'), track('b'), track('c')], 0);
    player.getState().onEngineStatus(status(1, 44100 * 9, { fullyReceived: true }));
    await new Promise((r) => setImmediate(r));
    assert.equal(player.getState().upcoming?.trackId, 'b');
    player.getState().playNext(track('x'));
    assert.deepEqual(player.getState().queue.map((t) => t.id), ['a', 'x', 'b', 'c']);
    assert.equal(player.getState().upcoming, null);
    assert.ok(engine.log.includes('drop 2'));
    assert.deepEqual(calls.at(-1), ['release', { streamId: 2 }]);
    player.getState().addToQueue(track('y'));
    player.getState().move(4, 1);
    assert.deepEqual(player.getState().queue.map((t) => t.id), ['a', 'y', 'x', 'b', 'c']);
    player.getState().move(0, 2);
    assert.equal(player.getState().index, 2, 'the current track moves with its row');
    player.getState().removeAt(0);
    assert.deepEqual(player.getState().queue.map((t) => t.id), ['x', 'a', 'b', 'c']);
    assert.equal(player.getState().index, 1);
    player.getState().clearQueue();
    assert.deepEqual(player.getState().queue.map((t) => t.id), ['a']);
    assert.equal(player.getState().index, 0);
  });

  it('follows the controller when it reopens the track after a reconnect', async () => {
    const { api } = fakeApi();
    const engine = fakeEngine();
    const player = createPlayerStore(api, engine);
    await player.getState().playTracks([track('a')], 0);
    const reopened = { ...player.getState().stream!, streamId: 7, startFrame: 44100 * 3, positionMs: 3000 };
    player.getState().handleEvent({ type: 'stream-replaced', replaces: 1, stream: reopened });
    assert.equal(player.getState().stream?.streamId, 7);
    assert.equal(player.getState().positionMs, 3000);
    assert.ok(engine.log.includes('replaced 1->7'));
  });

  it('keeps the error code when the controller refuses to play', async () => {
    const { api } = fakeApi({
      play: async () => {
        throw Object.assign(new Error('no such track'), { code: 'unknown-track' });
      },
    });
    const player = createPlayerStore(api, fakeEngine());
    await player.getState().playTracks([track('a')], 0);
    assert.equal(player.getState().status, 'idle');
    assert.equal(player.getState().error?.code, 'unknown-track');
  });
});
