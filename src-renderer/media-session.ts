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
  let lastSecond = -1;
  player.subscribe((s) => {
    const track = s.queue[s.index];
    if (track && track.id !== lastTrack) {
      lastTrack = track.id;
      session.metadata = new MediaMetadata({ title: track.title, artist: track.artist ?? '', album: track.album ?? '' });
    }
    session.playbackState = s.status === 'playing' ? 'playing' : s.status === 'paused' ? 'paused' : 'none';
    const second = Math.floor(s.positionMs / 1000);
    if (second !== lastSecond && s.durationMs > 0) {
      lastSecond = second;
      try {
        session.setPositionState({ duration: s.durationMs / 1000, position: Math.min(s.positionMs, s.durationMs) / 1000, playbackRate: 1 });
      } catch {
        // The position can pass the duration for a moment at a track change; the next update fixes it.
      }
    }
  });
}
