import { useStore } from 'zustand';
import { t } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from './app-context.js';
import { CoverArt } from './CoverArt.js';
import { NextIcon, PauseIcon, PlayIcon, PreviousIcon, VolumeIcon } from './Icons.js';

/** Play/pause, previous/next, the seek bar with elapsed and total time, volume, buffering. */
export function NowPlayingBar({ onToggleQueue }: { onToggleQueue: () => void }) {
  const { player } = useApp();
  const track = useStore(player, (s) => s.queue[s.index] ?? null);
  const status = useStore(player, (s) => s.status);
  const positionMs = useStore(player, (s) => s.positionMs);
  const durationMs = useStore(player, (s) => s.durationMs);
  const buffering = useStore(player, (s) => s.buffering);
  const underruns = useStore(player, (s) => s.underruns);
  const volume = useStore(player, (s) => s.volume);
  const p = player.getState();
  const playing = status === 'playing' || status === 'loading';
  return (
    <footer className="now-playing" aria-label="now playing">
      <div className="np-track">
        <CoverArt track={track} size={48} />
        <div className="np-text">
          <div className="np-title" data-testid="np-title">{track?.title ?? t('nothingPlaying')}</div>
          <div className="np-artist">{[track?.artist, track?.album].filter(Boolean).join(' — ')}</div>
        </div>
      </div>
      <div className="np-controls">
        <div className="np-buttons">
          <button type="button" className="icon" aria-label={t('previous')} title={t('previous')} onClick={() => void p.previous()}><PreviousIcon /></button>
          <button type="button" className="icon play" aria-label={playing ? t('pause') : t('play')} title={playing ? t('pause') : t('play')} data-testid="play-pause" onClick={() => void p.togglePlay()}>
            {playing ? <PauseIcon size={26} /> : <PlayIcon size={26} />}
          </button>
          <button type="button" className="icon" aria-label={t('next')} title={t('next')} onClick={() => void p.next()}><NextIcon /></button>
        </div>
        <div className="np-seek">
          <span className="time" data-testid="elapsed">{formatDuration(positionMs)}</span>
          <input
            type="range"
            aria-label="position"
            min={0}
            max={Math.max(1, durationMs)}
            step={100}
            value={Math.min(positionMs, durationMs)}
            disabled={!track}
            onChange={(e) => void p.seek(Number(e.target.value))}
          />
          <span className="time" data-testid="total">{formatDuration(durationMs)}</span>
        </div>
        <div className="np-status" aria-live="polite">
          {buffering && <span className="buffering" data-testid="buffering">{t('buffering')}</span>}
          {underruns > 0 && <span className="underruns">{t('underruns', { n: underruns })}</span>}
        </div>
      </div>
      <div className="np-side">
        <label className="volume">
          <VolumeIcon />
          <input type="range" aria-label={t('volume')} min={0} max={1} step={0.01} value={volume} onChange={(e) => p.setVolume(Number(e.target.value))} />
        </label>
        <button type="button" className="secondary" onClick={onToggleQueue}>{t('queue')}</button>
      </div>
    </footer>
  );
}
