import { useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { t } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from '../components/app-context.js';
import { AddIcon, PlayNextIcon } from '../components/Icons.js';
import { rovingKey } from '../components/roving.js';
import { AddToPlaylistButton, FavouriteButton } from './UserDataParts.js';

/**
 * A short list of tracks (an album's, an artist's first page, a search's): a click or Enter plays the list from
 * that track. One tab stop; arrows move. `numbered` shows track numbers instead of the artist.
 */
export function TrackTable({ tracks, label, numbered = false, testId }: { tracks: TrackInfo[]; label: string; numbered?: boolean; testId?: string }) {
  const { player, index } = useApp();
  index.tracks.remember(tracks);
  const playingId = useStore(player, (s) => s.queue[s.index]?.id ?? null);
  const [active, setActive] = useState(0);
  const playable = tracks.filter((x) => x.playable);
  const play = (track: TrackInfo) => {
    const at = playable.indexOf(track);
    if (at >= 0) void player.getState().playTracks(playable, at);
  };
  function onKey(e: KeyboardEvent<HTMLOListElement>) {
    if (e.key === 'Enter' && (e.target as HTMLElement).dataset.row !== undefined) {
      const track = tracks[Number((e.target as HTMLElement).dataset.row)];
      if (track) play(track);
      e.preventDefault();
      return;
    }
    const to = rovingKey(e.key, active, tracks.length, 10);
    if (to === null) return;
    e.preventDefault();
    setActive(to);
    e.currentTarget.querySelector<HTMLElement>(`[data-row="${to}"]`)?.focus();
  }
  return (
    <ol className="track-table" aria-label={label} data-roving data-testid={testId} onKeyDown={onKey}>
      {tracks.map((track, i) => (
        <li
          key={track.id}
          className={`track-line${track.id === playingId ? ' playing' : ''}${track.playable ? '' : ' unplayable'}`}
          data-row={i}
          data-track-id={track.id}
          tabIndex={i === Math.min(active, tracks.length - 1) ? 0 : -1}
          aria-current={track.id === playingId ? 'true' : undefined}
          aria-label={[track.title, track.artist].filter(Boolean).join(' — ')}
          onFocus={() => setActive(i)}
          onDoubleClick={() => play(track)}
        >
          <span className="track-no">{numbered ? (track.trackNo ?? '') : ''}</span>
          <button type="button" className="link track-line-title" tabIndex={-1} title={track.title} disabled={!track.playable} onClick={() => play(track)}>{track.title}</button>
          <span className="track-line-artist" title={track.artist ?? ''}>{track.artist ?? ''}</span>
          <span className="track-line-time">{formatDuration(track.durationMs)}</span>
          <span className="track-line-actions">
            {track.playable && <FavouriteButton kind="track" id={track.id} tabbable={false} />}
            <AddToPlaylistButton tracks={track.playable ? [track] : []} tabbable={false} />
            <button type="button" className="icon" tabIndex={-1} title={t('playNext')} aria-label={t('playNext')} disabled={!track.playable} onClick={() => player.getState().playNext(track)}><PlayNextIcon /></button>
            <button type="button" className="icon" tabIndex={-1} title={t('addToQueue')} aria-label={t('addToQueue')} disabled={!track.playable} onClick={() => player.getState().addToQueue(track)}><AddIcon /></button>
          </span>
        </li>
      ))}
    </ol>
  );
}
