/**
 * The OS media overlay and media keys, through the MediaSession API: metadata of the current track, the
 * position (so the overlay's seek bar is right) and the actions wired to the player store.
 */
import type { createPlayerStore } from './stores/player-store.js';

export function bindMediaSession(player: ReturnType<typeof createPlayerStore>): void {
  if (!('mediaSession' in navigator)) return;
  const session = navigator.mediaSession;
  const p = () => player.getState();
  // Play from a stop (a restored queue, the end of the queue) as well as from a pause.
  session.setActionHandler('play', () => void (p().status === 'paused' ? p().resume() : p().togglePlay()));
  session.setActionHandler('pause', () => void p().pause());
  session.setActionHandler('previoustrack', () => void p().previous());
  session.setActionHandler('nexttrack', () => void p().next());
  session.setActionHandler('seekto', (d) => {
    if (d.seekTime !== undefined) void p().seek(d.seekTime * 1000);
  });
  session.setActionHandler('seekbackward', (d) => void p().seekBy(-(d.seekOffset ?? 10) * 1000));
  session.setActionHandler('seekforward', (d) => void p().seekBy((d.seekOffset ?? 10) * 1000));
  let lastTrack: string | null = null;
  let lastState: MediaSessionPlaybackState | null = null;
  // The overlay moves its seek bar on its own from the last position stated while playing, so the position is
  // stated again only when that guess goes wrong (a seek, a pause, a stall, a new track), not as it moves.
  let stated: { at: number; positionMs: number; playing: boolean; durationMs: number } | null = null;
  player.subscribe((s) => {
    const track = s.queue[s.index];
    if (track && track.id !== lastTrack) {
      lastTrack = track.id;
      session.metadata = new MediaMetadata({ title: track.title, artist: track.artist ?? '', album: track.album ?? '' });
    }
    const state: MediaSessionPlaybackState = s.status === 'playing' ? 'playing' : s.status === 'paused' ? 'paused' : 'none';
    if (state !== lastState) session.playbackState = lastState = state;
    if (s.durationMs <= 0) return;
    const now = performance.now();
    const playing = s.status === 'playing' && !s.buffering;
    const guess = stated ? stated.positionMs + (stated.playing ? now - stated.at : 0) : 0;
    if (stated && stated.playing === playing && stated.durationMs === s.durationMs && Math.abs(guess - s.positionMs) < 1000) return;
    stated = { at: now, positionMs: s.positionMs, playing, durationMs: s.durationMs };
    try {
      session.setPositionState({ duration: s.durationMs / 1000, position: Math.min(s.positionMs, s.durationMs) / 1000, playbackRate: 1 });
    } catch {
      // The position can pass the duration for a moment at a track change; the next update fixes it.
    }
  });
}
