import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { t, tn, type MessageKey } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp, type AppServices } from './app-context.js';
import { CoverArt } from './CoverArt.js';
import { FavouriteButton } from '../views/UserDataParts.js';
import {
  MutedIcon, NextIcon, PauseIcon, PlayIcon, PreviousIcon, QueueIcon, RepeatIcon, RepeatOneIcon, ShuffleIcon, VolumeIcon,
} from './Icons.js';

/**
 * The position as shown: in whole seconds, as the elapsed time reads. The player moves it four times a second, but
 * each change shown costs a layout and a paint of the bar (measured: about as much CPU as the rest of playback in
 * the page), so the bar moves once a second. While the window is hidden nothing would show it: the bar keeps the
 * value it last showed, and React renders nothing until the window is seen again.
 */
function useShownPosition(player: AppServices['player']): number {
  const shown = useRef(0);
  const subscribe = useCallback((onChange: () => void) => {
    const off = player.subscribe(onChange);
    document.addEventListener('visibilitychange', onChange);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onChange);
    };
  }, [player]);
  return useSyncExternalStore(subscribe, () => {
    if (document.visibilityState !== 'hidden') shown.current = Math.floor(player.getState().positionMs / 1000) * 1000;
    return shown.current;
  });
}

/** Elapsed time, the seek bar and the total: the only part of the bar that follows the position. */
function SeekBar({ durationMs, disabled }: { durationMs: number; disabled: boolean }) {
  const { player } = useApp();
  const positionMs = useShownPosition(player);
  return (
    <div className="np-seek">
      <span className="time" data-testid="elapsed">{formatDuration(positionMs)}</span>
      <input
        type="range"
        aria-label={t('position')}
        aria-valuetext={`${formatDuration(positionMs)} / ${formatDuration(durationMs)}`}
        min={0}
        max={Math.max(1, durationMs)}
        step={100}
        value={Math.min(positionMs, durationMs)}
        disabled={disabled}
        onChange={(e) => void player.getState().seek(Number(e.target.value))}
      />
      <span className="time" data-testid="total">{formatDuration(durationMs)}</span>
    </div>
  );
}

/**
 * Play/pause, previous/next, shuffle and repeat, the seek bar with elapsed and total time, mute and volume,
 * buffering. Every part can shrink: long titles are cut with an ellipsis (the whole text in the tooltip), and
 * the cover and the buttons keep their size.
 */
export function NowPlayingBar() {
  const { player, ui, views } = useApp();
  const track = useStore(player, (s) => s.queue[s.index] ?? null);
  const status = useStore(player, (s) => s.status);
  const durationMs = useStore(player, (s) => s.durationMs);
  const buffering = useStore(player, (s) => s.buffering);
  const underruns = useStore(player, (s) => s.underruns);
  const volume = useStore(player, (s) => s.volume);
  const muted = useStore(player, (s) => s.muted);
  const shuffle = useStore(player, (s) => s.shuffle);
  const repeat = useStore(player, (s) => s.repeat);
  const queueOpen = useStore(ui, (s) => s.queueOpen);
  const p = player.getState();
  const playing = status === 'playing' || status === 'loading';
  const title = track?.title ?? t('nothingPlaying');
  const subtitle = [track?.artist, track?.album].filter(Boolean).join(' — ');
  const repeatLabel = t(`repeat.${repeat}` as MessageKey);
  return (
    <footer className="now-playing" aria-label={t('nowPlaying')}>
      <div className="np-track">
        <button type="button" className="np-cover" aria-label={t('showNowPlaying')} title={t('showNowPlaying')} data-testid="show-now-playing" onClick={() => views.getState().setNowPlayingOpen(!views.getState().nowPlayingOpen)}>
          <CoverArt track={track} size={48} />
        </button>
        <div className="np-text">
          <div className="np-title" data-testid="np-title" title={title}>{title}</div>
          <div className="np-artist" title={subtitle}>{subtitle}</div>
        </div>
        {track && <FavouriteButton kind="track" id={track.id} testId="np-favourite" />}
      </div>
      <div className="np-controls">
        <div className="np-buttons">
          <button type="button" className={`icon toggle${shuffle ? ' on' : ''}`} aria-label={t('shuffle')} title={t('shuffle')} aria-pressed={shuffle} data-testid="shuffle" onClick={() => p.toggleShuffle()}>
            <ShuffleIcon />
          </button>
          <button type="button" className="icon" aria-label={t('previous')} title={t('previous')} data-testid="previous" onClick={() => void p.previous()}><PreviousIcon /></button>
          <button type="button" className="icon play" aria-label={playing ? t('pause') : t('play')} title={playing ? t('pause') : t('play')} data-testid="play-pause" onClick={() => void p.togglePlay()}>
            {playing ? <PauseIcon size={26} /> : <PlayIcon size={26} />}
          </button>
          <button type="button" className="icon" aria-label={t('next')} title={t('next')} data-testid="next" onClick={() => void p.next()}><NextIcon /></button>
          <button type="button" className={`icon toggle${repeat !== 'off' ? ' on' : ''}`} aria-label={repeatLabel} title={repeatLabel} data-testid="repeat" data-mode={repeat} onClick={() => p.cycleRepeat()}>
            {repeat === 'one' ? <RepeatOneIcon /> : <RepeatIcon />}
          </button>
        </div>
        <SeekBar durationMs={durationMs} disabled={!track} />
        <div className="np-status" aria-live="polite">
          {buffering && <span className="buffering" data-testid="buffering">{t('buffering')}</span>}
          {underruns > 0 && <span className="underruns" data-testid="underruns">{tn('underruns', underruns)}</span>}
        </div>
      </div>
      <div className="np-side">
        <button type="button" className={`icon toggle${muted ? ' on' : ''}`} aria-label={muted ? t('unmute') : t('mute')} title={muted ? t('unmute') : t('mute')} aria-pressed={muted} data-testid="mute" onClick={() => p.toggleMute()}>
          {muted ? <MutedIcon /> : <VolumeIcon />}
        </button>
        <input className="volume" type="range" aria-label={t('volume')} min={0} max={1} step={0.01} value={muted ? 0 : volume} onChange={(e) => p.setVolume(Number(e.target.value))} />
        <button
          type="button"
          className={`icon toggle${queueOpen ? ' on' : ''}`}
          aria-label={queueOpen ? t('hideQueue') : t('showQueue')}
          title={queueOpen ? t('hideQueue') : t('showQueue')}
          aria-pressed={queueOpen}
          aria-controls={queueOpen ? 'queue-panel' : undefined}
          data-testid="toggle-queue"
          onClick={() => ui.getState().toggleQueue()}
        >
          <QueueIcon />
        </button>
      </div>
    </footer>
  );
}
