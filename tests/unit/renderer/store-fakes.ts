/** Fakes of the desktop client and the audio engine for the store tests: they record what they were asked. */
import type { DesktopEvent, SeekResult, StreamStarted } from '../../../src-shared/ipc/contract.js';
import type { TrackInfo } from '../../../src-shared/protocol/messages.js';
import type { DesktopClient } from '../../../src-renderer/desktop-client.js';
import type { PlaybackEngine } from '../../../src-renderer/stores/player-store.js';

export function track(id: string, extra: Partial<TrackInfo> = {}): TrackInfo {
  return {
    id, path: `${id}.wav`, title: `Title ${id}`, artist: null, album: null, albumArtist: null, trackNo: null, discNo: null, year: null,
    genre: null, durationMs: 10000, codec: 'pcm', sampleRate: 44100, channels: 2, bitsPerSample: 16, playable: true, artwork: false, ...extra,
  };
}

export function fakeApi(overrides: Partial<DesktopClient> = {}) {
  const calls: [string, unknown][] = [];
  let nextStream = 1;
  const stream = (trackId: string, positionMs = 0): StreamStarted => ({
    streamId: nextStream++, trackId, epoch: 1, startFrame: Math.round(positionMs * 44.1), positionMs, paused: false,
    format: { sampleRate: 44100, channels: 2, sampleFormat: 's16le', bytesPerFrame: 4, totalFrames: 441000, durationMs: 10000 },
  });
  const listeners = new Set<(e: DesktopEvent) => void>();
  const api = {
    onEvent: (l: (e: DesktopEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    play: async (arg: { track: string; positionMs?: number }) => (calls.push(['play', arg]), stream(arg.track, arg.positionMs)),
    prefetch: async (arg: { track: string }) => (calls.push(['prefetch', arg]), stream(arg.track)),
    pause: async (arg: { streamId: number }) => (calls.push(['pause', arg]), { positionMs: 0 }),
    resume: async (arg: { streamId: number }): Promise<SeekResult> => (calls.push(['resume', arg]), { streamId: arg.streamId, epoch: 2, startFrame: 0, positionMs: 0 }),
    seek: async (arg: { streamId: number; positionMs: number }): Promise<SeekResult> => (
      calls.push(['seek', arg]), { streamId: arg.streamId, epoch: 3, startFrame: Math.round(arg.positionMs * 44.1), positionMs: arg.positionMs }
    ),
    release: async (arg: { streamId: number }) => (calls.push(['release', arg]), null),
    ...overrides,
  } as unknown as DesktopClient;
  return { api, calls, emit: (e: DesktopEvent) => listeners.forEach((l) => l(e)) };
}

export function fakeEngine() {
  const log: string[] = [];
  const engine: PlaybackEngine & { log: string[] } = {
    log,
    sampleRate: 44100,
    prepare: async (rate) => void log.push(`prepare ${rate}`),
    start: async (s, fade) => void log.push(`start ${s.streamId}${fade ? ' fade' : ''}`),
    queue: (s) => void log.push(`queue ${s.streamId}`),
    drop: (id) => void log.push(`drop ${id}`),
    pause: () => void log.push('pause'),
    resume: () => void log.push('resume'),
    hold: () => void log.push('hold'),
    seeked: (r, playing) => void log.push(`seeked ${r.streamId}@${r.startFrame}${playing ? '' : ' paused'}`),
    replaced: (old, s, playing) => void log.push(`replaced ${old}->${s.streamId}${playing ? '' : ' paused'}`),
    stop: () => void log.push('stop'),
    setVolume: (v) => void log.push(`volume ${v}`),
  };
  return engine;
}
