/**
 * The player: the play queue, what plays, and where. The position comes from the engine's reports of frames
 * rendered, never from a timer. Once the server has sent the whole of a track (the engine holds its last
 * seconds) the next one is opened as a second stream whose frames queue behind it in the engine's ring, so an
 * album at one sample rate plays without a gap. Opening it earlier would interleave the two streams' data.
 */
import { createStore } from 'zustand/vanilla';
import type { DesktopEvent, SeekResult, StreamStarted } from '../../src-shared/ipc/contract.js';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import type { EngineStatus } from '../audio/audio-engine.js';
import type { DesktopClient } from '../desktop-client.js';

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
  error: { code: string; message: string } | null;
  current(): TrackInfo | null;
  playTracks(tracks: TrackInfo[], index: number): Promise<void>;
  playAt(index: number): Promise<void>;
  playNext(track: TrackInfo): void;
  addToQueue(track: TrackInfo): void;
  move(from: number, to: number): void;
  removeAt(index: number): void;
  clearQueue(): void;
  togglePlay(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  next(): Promise<void>;
  previous(): Promise<void>;
  seek(positionMs: number): Promise<void>;
  seekBy(deltaMs: number): Promise<void>;
  setVolume(volume: number): void;
  onEngineStatus(status: EngineStatus): void;
  onTrackStarted(streamId: number): void;
  onDrained(streamId: number): void;
  handleEvent(event: DesktopEvent): void;
}

export function createPlayerStore(api: DesktopClient, engine: PlaybackEngine) {
  /** Bumped by every new play, so a slow answer to an older click cannot take over. */
  let playToken = 0;
  let seeking = false;
  let prefetching = false;
  return createStore<PlayerStore>()((set, get) => {
    function fail(err: unknown): void {
      const e = err as { code?: string; message?: string };
      set({ error: { code: e.code ?? 'internal', message: e.message ?? String(err) } });
    }

    /** Forgets the prefetched stream if it is no longer the track after the current one. */
    function checkUpcoming(): void {
      const { upcoming, queue, index } = get();
      if (upcoming && queue[index + 1]?.id !== upcoming.trackId) {
        set({ upcoming: null });
        engine.drop(upcoming.stream.streamId);
        void api.release({ streamId: upcoming.stream.streamId }).catch(() => {});
      }
    }

    async function prefetchNext(): Promise<void> {
      const { queue, index, stream, upcoming } = get();
      const next = queue[index + 1];
      if (prefetching || upcoming || !stream || !next || next.sampleRate !== stream.format.sampleRate) return;
      prefetching = true;
      try {
        const s = await api.prefetch({ track: next.id });
        if (get().stream?.streamId !== stream.streamId || get().queue[get().index + 1]?.id !== next.id) {
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
      error: null,
      current() {
        const { queue, index } = get();
        return queue[index] ?? null;
      },
      async playTracks(tracks, index) {
        set({ queue: tracks.slice(), index: -1 });
        await get().playAt(index);
      },
      async playAt(index) {
        const track = get().queue[index];
        if (!track) return;
        const token = ++playToken;
        const old = get().upcoming;
        // Fade in only when cutting into music already playing; a track's own start needs no ramp.
        const cutting = get().status === 'playing';
        set({ index, status: 'loading', positionMs: 0, durationMs: track.durationMs ?? 0, buffering: true, error: null, upcoming: null });
        if (old) engine.drop(old.stream.streamId);
        try {
          // The sound device is set up at the track's rate before asking for data, so no data waits on it.
          if (track.sampleRate) await engine.prepare(track.sampleRate);
          const stream = await api.play({ track: track.id });
          if (token !== playToken) return;
          const rateChanged = engine.sampleRate !== stream.format.sampleRate;
          await engine.start(stream, cutting);
          set({ stream, status: 'playing', durationMs: stream.format.durationMs });
          if (rateChanged) {
            // The stream's first data went to the graph that was replaced: ask for it again.
            const r = await api.seek({ streamId: stream.streamId, positionMs: 0 });
            engine.seeked(r, true);
          }
        } catch (err) {
          if (token === playToken) {
            set({ status: 'idle', buffering: false });
            fail(err);
          }
        }
      },
      playNext(track) {
        const { queue, index } = get();
        const q = queue.slice();
        q.splice(index + 1, 0, track);
        set({ queue: q });
        checkUpcoming();
      },
      addToQueue(track) {
        set({ queue: [...get().queue, track] });
        checkUpcoming();
      },
      move(from, to) {
        const { queue, index } = get();
        if (from === to || !queue[from] || to < 0 || to >= queue.length) return;
        const q = queue.slice();
        const [item] = q.splice(from, 1);
        q.splice(to, 0, item!);
        let i = index;
        if (from === index) i = to;
        else if (from < index && to >= index) i--;
        else if (from > index && to <= index) i++;
        set({ queue: q, index: i });
        checkUpcoming();
      },
      removeAt(at) {
        const { queue, index } = get();
        if (at === index || !queue[at]) return;
        set({ queue: queue.filter((_, i) => i !== at), index: at < index ? index - 1 : index });
        checkUpcoming();
      },
      clearQueue() {
        const cur = get().current();
        set({ queue: cur ? [cur] : [], index: cur ? 0 : -1 });
        checkUpcoming();
      },
      async togglePlay() {
        const { status, index } = get();
        if (status === 'playing') await get().pause();
        else if (status === 'paused') await get().resume();
        else if (status === 'idle' && index >= 0) await get().playAt(index);
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
        const { index, queue } = get();
        if (index + 1 < queue.length) await get().playAt(index + 1);
      },
      async previous() {
        const { index, positionMs } = get();
        if (positionMs > RESTART_AFTER_MS || index <= 0) await get().seek(0);
        else await get().playAt(index - 1);
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
        engine.setVolume(v);
        set({ volume: v });
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
        const { upcoming, index } = get();
        if (upcoming && upcoming.stream.streamId === streamId) {
          set({ stream: upcoming.stream, upcoming: null, index: index + 1, positionMs: 0, durationMs: upcoming.stream.format.durationMs });
        }
      },
      onDrained(streamId) {
        const { stream, upcoming, index, queue } = get();
        if (!stream || stream.streamId !== streamId || upcoming) return;
        if (index + 1 < queue.length) void get().playAt(index + 1);
        else set({ status: 'idle', buffering: false, positionMs: get().durationMs });
      },
      handleEvent(event) {
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
