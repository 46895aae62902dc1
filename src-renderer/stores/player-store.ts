/**
 * The player: the play queue, what plays, and where. The position comes from the engine's reports of frames
 * rendered, never from a timer. Once the server has sent the whole of a track (the engine holds its last
 * seconds) the next one is opened as a second stream whose frames queue behind it in the engine's ring, so an
 * album at one sample rate plays without a gap. Opening it earlier would interleave the two streams' data.
 * The queue's edits (add, move, remove, shuffle) are built in queue-actions.
 */
import { createStore } from 'zustand/vanilla';
import type { DesktopEvent, SeekResult, StreamStarted } from '../../src-shared/ipc/contract.js';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import type { EngineStatus } from '../audio/audio-engine.js';
import type { DesktopClient } from '../desktop-client.js';
import { createQueueActions } from './queue-actions.js';
import { followingIndex, nextRepeatMode, previousIndex, shuffleAround, skipIndex, type RepeatMode } from './queue-order.js';

/** What the store needs of the audio engine (tests pass a fake). */
export interface PlaybackEngine {
  readonly sampleRate: number | null;
  prepare(sampleRate: number): Promise<void>;
  start(stream: StreamStarted, fade: boolean): Promise<void>;
  queue(stream: StreamStarted): void;
  drop(streamId: number): void;
  pause(): void;
  resume(): void;
  hold(): void;
  seeked(r: SeekResult, playing: boolean): void;
  replaced(oldStreamId: number, stream: StreamStarted, playing: boolean): void;
  stop(): void;
  setVolume(volume: number): void;
}

export type PlayStatus = 'idle' | 'loading' | 'playing' | 'paused';

/** "Previous" restarts the track instead when past this point. */
const RESTART_AFTER_MS = 3000;

export interface PlayerStore {
  queue: TrackInfo[];
  index: number;
  stream: StreamStarted | null;
  /** The next track's stream, opened ahead for gapless play. */
  upcoming: { stream: StreamStarted; trackId: string } | null;
  status: PlayStatus;
  positionMs: number;
  durationMs: number;
  buffering: boolean;
  underruns: number;
  volume: number;
  /** Silent without forgetting the volume. */
  muted: boolean;
  shuffle: boolean;
  repeat: RepeatMode;
  /** While shuffled: the queue in its own order, which turning shuffle off brings back. */
  unshuffled: TrackInfo[] | null;
  error: { code: string; message: string } | null;
  current(): TrackInfo | null;
  /** Replaces the queue with `tracks` and plays entry `index` (the first of the shuffled order when shuffled). */
  playTracks(tracks: TrackInfo[], index: number): Promise<void>;
  /**
   * Like playTracks, for a list that has to be loaded first (every row of a search, an album): while disconnected,
   * or when loading fails, the queue and what plays are left as they are and the error says why.
   */
  playList(load: () => Promise<{ tracks: TrackInfo[]; index: number } | null>): Promise<void>;
  /** Plays queue entry `index`, from `fromMs` (where a restored queue left off) or the start. */
  playAt(index: number, fromMs?: number): Promise<void>;
  /** Puts tracks right after the current entry, in their order. */
  playNext(tracks: TrackInfo | TrackInfo[]): void;
  addToQueue(tracks: TrackInfo | TrackInfo[]): void;
  /** Puts tracks right after the current entry and plays the first; the rest of the queue stays. */
  playNow(tracks: TrackInfo[]): Promise<void>;
  /** Moves queue entries (in their order) right after the current one and plays the first of them. */
  playEntries(positions: number[]): Promise<void>;
  move(from: number, to: number): void;
  /** Rearranges the queue: order[newPosition] = oldPosition. The current entry keeps playing wherever it lands. */
  reorder(order: number[]): void;
  removeAt(index: number): void;
  /** Removes entries; the one playing stays. */
  removeEntries(positions: number[]): void;
  clearQueue(): void;
  togglePlay(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  next(): Promise<void>;
  previous(): Promise<void>;
  seek(positionMs: number): Promise<void>;
  seekBy(deltaMs: number): Promise<void>;
  setVolume(volume: number): void;
  toggleMute(): void;
  toggleShuffle(): void;
  /** off → all → one → off. */
  cycleRepeat(): void;
  /** Puts back a queue saved at the last quit, without playing it. */
  restore(saved: SavedPlayer): void;
  onEngineStatus(status: EngineStatus): void;
  onTrackStarted(streamId: number): void;
  onDrained(streamId: number): void;
  handleEvent(event: DesktopEvent): void;
}

/** What is kept across restarts. */
export interface SavedPlayer {
  queue: TrackInfo[];
  index: number;
  positionMs: number;
  volume: number;
  muted: boolean;
  shuffle: boolean;
  repeat: RepeatMode;
}

export interface PlayerOptions {
  /** Whether requests can reach a server now; while not, nothing that would replace the queue is tried. */
  isConnected?: () => boolean;
  /** [0, 1), for the shuffled order. */
  random?: () => number;
}

/** The error shown for an action that needs the server while there is none; the queue stays as it was. */
export const OFFLINE_ERROR = { code: 'offline-queue-kept', message: 'not connected to a server; the queue is kept' };

export function createPlayerStore(api: DesktopClient, engine: PlaybackEngine, options: PlayerOptions = {}) {
  const connected = options.isConnected ?? (() => true);
  const random = options.random ?? Math.random;
  /** Bumped by every new play, so a slow answer to an older click cannot take over. */
  let playToken = 0;
  let seeking = false;
  let prefetching = false;
  return createStore<PlayerStore>()((set, get) => {
    function fail(err: unknown): void {
      const e = err as { code?: string; message?: string };
      set({ error: { code: e.code ?? 'internal', message: e.message ?? String(err) } });
    }

    /** The entry that follows the current one by itself, under the repeat mode; undefined at the end. */
    function following(): TrackInfo | undefined {
      const { queue, index, repeat } = get();
      return queue[followingIndex(index, queue.length, repeat)];
    }

    /** Refuses an action that needs a server while disconnected, saying why; true when refused. */
    function offline(): boolean {
      if (connected()) return false;
      set({ error: OFFLINE_ERROR });
      return true;
    }

    /** Forgets the prefetched stream if it is no longer the track after the current one. */
    function checkUpcoming(): void {
      const { upcoming } = get();
      if (upcoming && following()?.id !== upcoming.trackId) {
        set({ upcoming: null });
        engine.drop(upcoming.stream.streamId);
        void api.release({ streamId: upcoming.stream.streamId }).catch(() => {});
      }
    }

    async function prefetchNext(): Promise<void> {
      const { stream, upcoming } = get();
      const next = following();
      if (prefetching || upcoming || !stream || !next || next.sampleRate !== stream.format.sampleRate) return;
      prefetching = true;
      try {
        const s = await api.prefetch({ track: next.id });
        if (get().stream?.streamId !== stream.streamId || following()?.id !== next.id) {
          void api.release({ streamId: s.streamId }).catch(() => {});
          return;
        }
        engine.queue(s);
        set({ upcoming: { stream: s, trackId: next.id } });
      } catch {
        // Not fatal: the next track will start the ordinary way, with a gap.
      } finally {
        prefetching = false;
      }
    }

    const queueActions = createQueueActions({ set, get, checkUpcoming, offline, random });

    return {
      queue: [],
      index: -1,
      stream: null,
      upcoming: null,
      status: 'idle',
      positionMs: 0,
      durationMs: 0,
      buffering: false,
      underruns: 0,
      volume: 1,
      muted: false,
      shuffle: false,
      repeat: 'off',
      unshuffled: null,
      error: null,
      current() {
        const { queue, index } = get();
        return queue[index] ?? null;
      },
      async playTracks(tracks, index) {
        if (offline() || !tracks[index]) return;
        if (get().shuffle) {
          set({ queue: shuffleAround(tracks, index, random), unshuffled: tracks.slice(), index: -1 });
          await get().playAt(0);
        } else {
          set({ queue: tracks.slice(), unshuffled: null, index: -1 });
          await get().playAt(index);
        }
      },
      async playList(load) {
        if (offline()) return;
        let list: { tracks: TrackInfo[]; index: number } | null;
        try {
          list = await load();
        } catch (err) {
          fail(err);
          return;
        }
        if (list) await get().playTracks(list.tracks, list.index);
      },
      async playAt(index, fromMs = 0) {
        const track = get().queue[index];
        if (!track || offline()) return;
        const token = ++playToken;
        const old = get().upcoming;
        // Fade in only when cutting into music already playing; a track's own start needs no ramp.
        const cutting = get().status === 'playing';
        set({ index, status: 'loading', positionMs: fromMs, durationMs: track.durationMs ?? 0, buffering: true, error: null, upcoming: null });
        if (old) engine.drop(old.stream.streamId);
        try {
          // The sound device is set up at the track's rate while the data is asked for: a graph being built holds
          // what arrives until it is ready, so no data is lost, and a click does not wait for the device first.
          const ready = track.sampleRate ? engine.prepare(track.sampleRate) : null;
          ready?.catch(() => {}); // awaited below, unless the play fails first
          const stream = await api.play(fromMs > 0 ? { track: track.id, positionMs: fromMs } : { track: track.id });
          await ready;
          if (token !== playToken) return;
          const rateChanged = engine.sampleRate !== stream.format.sampleRate;
          await engine.start(stream, cutting);
          set({ stream, status: 'playing', durationMs: stream.format.durationMs, positionMs: stream.positionMs });
          if (rateChanged) {
            // The stream's first data went to the graph that was replaced: ask for it again.
            const r = await api.seek({ streamId: stream.streamId, positionMs: stream.positionMs });
            engine.seeked(r, true);
          }
        } catch (err) {
          if (token === playToken) {
            set({ status: 'idle', buffering: false });
            fail(err);
          }
        }
      },
      ...queueActions,
      async togglePlay() {
        const { status, index } = get();
        if (status === 'playing') await get().pause();
        else if (status === 'paused') await get().resume();
        else if (status === 'idle' && index >= 0) await get().playAt(index, get().stream ? 0 : get().positionMs);
        else if (status === 'idle' && get().queue.length > 0) await get().playAt(0);
      },
      async pause() {
        const { stream, status } = get();
        if (!stream || status !== 'playing') return;
        engine.pause();
        set({ status: 'paused', buffering: false });
        try {
          await api.pause({ streamId: stream.streamId });
        } catch (err) {
          fail(err);
        }
      },
      async resume() {
        const { stream, status } = get();
        if (!stream || status !== 'paused') return;
        engine.resume();
        set({ status: 'playing' });
        try {
          await api.resume({ streamId: stream.streamId });
        } catch (err) {
          fail(err);
        }
      },
      async next() {
        const { index, queue, repeat } = get();
        const to = skipIndex(index, queue.length, repeat);
        if (to >= 0) await get().playAt(to);
      },
      async previous() {
        const { index, queue, repeat, positionMs, stream } = get();
        const to = previousIndex(index, queue.length, repeat);
        if (stream && (positionMs > RESTART_AFTER_MS || to < 0)) await get().seek(0);
        else if (to >= 0) await get().playAt(to);
      },
      async seek(positionMs) {
        const { stream, status, durationMs } = get();
        if (!stream) return;
        const target = Math.max(0, Math.min(Math.round(positionMs), Math.max(0, durationMs - 1)));
        seeking = true;
        engine.hold();
        set({ positionMs: target });
        try {
          const r = await api.seek({ streamId: stream.streamId, positionMs: target });
          if (get().stream?.streamId !== stream.streamId) return;
          engine.seeked(r, status !== 'paused');
          set({ positionMs: r.positionMs });
        } catch (err) {
          fail(err);
        } finally {
          seeking = false;
        }
      },
      async seekBy(deltaMs) {
        await get().seek(get().positionMs + deltaMs);
      },
      setVolume(volume) {
        const v = Math.max(0, Math.min(1, volume));
        // Moving the volume is asking to hear it: it unmutes.
        engine.setVolume(v);
        set({ volume: v, muted: false });
      },
      toggleMute() {
        const muted = !get().muted;
        engine.setVolume(muted ? 0 : get().volume);
        set({ muted });
      },
      cycleRepeat() {
        set({ repeat: nextRepeatMode(get().repeat) });
        checkUpcoming();
      },
      restore(saved) {
        const index = saved.queue[saved.index] ? saved.index : -1;
        engine.setVolume(saved.muted ? 0 : saved.volume);
        set({
          queue: saved.queue, index, positionMs: index >= 0 ? saved.positionMs : 0, durationMs: saved.queue[index]?.durationMs ?? 0,
          volume: saved.volume, muted: saved.muted, shuffle: saved.shuffle, repeat: saved.repeat, unshuffled: null,
        });
      },
      onEngineStatus(s) {
        const { stream, status, positionMs, buffering, underruns } = get();
        if (!stream || s.streamId !== stream.streamId || seeking) return;
        const pos = Math.round((s.frame * 1000) / s.sampleRate);
        const showBuffering = status === 'playing' && s.buffering;
        // Re-render at most every 100 ms of position: smooth enough for a seek bar, cheap for the renderer.
        if (Math.abs(pos - positionMs) >= 100 || showBuffering !== buffering || s.underruns !== underruns) {
          set({ positionMs: pos, buffering: showBuffering, underruns: s.underruns });
        }
        if (status === 'playing' && s.fullyReceived) void prefetchNext();
      },
      onTrackStarted(streamId) {
        const { upcoming, index, queue, repeat } = get();
        if (upcoming && upcoming.stream.streamId === streamId) {
          const to = followingIndex(index, queue.length, repeat);
          set({ stream: upcoming.stream, upcoming: null, index: to, positionMs: 0, durationMs: upcoming.stream.format.durationMs });
        }
      },
      onDrained(streamId) {
        const { stream, upcoming, index, queue, repeat } = get();
        if (!stream || stream.streamId !== streamId || upcoming) return;
        const to = followingIndex(index, queue.length, repeat);
        if (to >= 0 && connected()) void get().playAt(to);
        else set({ status: 'idle', buffering: false, positionMs: get().durationMs });
      },
      handleEvent(event) {
        if (event.type === 'stream-transport') {
          // Stepped down for a slower link: the same stream and frames, shown as it travels now.
          const { stream } = get();
          if (stream?.streamId === event.streamId) set({ stream: { ...stream, transport: event.transport } });
          return;
        }
        if (event.type !== 'stream-replaced') return;
        const { stream, upcoming, status } = get();
        if (!stream || stream.streamId !== event.replaces) return;
        // The prefetched stream died with the old connection.
        if (upcoming) engine.drop(upcoming.stream.streamId);
        engine.replaced(event.replaces, event.stream, status === 'playing');
        set({ stream: event.stream, upcoming: null, positionMs: event.stream.positionMs });
      },
    };
  });
}
