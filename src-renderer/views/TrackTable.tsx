import { useId, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useStore } from 'zustand';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { t, tn } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from '../components/app-context.js';
import { ContextMenu, type MenuItem } from '../components/ContextMenu.js';
import { AddIcon, PlayNextIcon } from '../components/Icons.js';
import { useSelection } from '../components/use-selection.js';
import { AddToPlaylistButton, FavouriteButton } from './UserDataParts.js';

/**
 * A short list of tracks (an album's, an artist's first page, a search's): a click on a title or Enter plays the
 * list from that track. One tab stop; arrows move. Rows can be selected (click, Ctrl/Cmd+click, Shift+click, Space,
 * Shift+arrows, Ctrl+A) and the selection played now, next, added to the queue or to a playlist from the context
 * menu (right click, the Menu key, Shift+F10). `numbered` shows track numbers.
 */
export function TrackTable({ tracks, label, numbered = false, testId }: { tracks: TrackInfo[]; label: string; numbered?: boolean; testId?: string }) {
  const { player, index, userData } = useApp();
  index.tracks.remember(tracks);
  const playingId = useStore(player, (s) => s.queue[s.index]?.id ?? null);
  const grid = useRef<HTMLDivElement>(null);
  const hint = useId();
  const { chosen, rowProps, onKey: selectionKey, menu, setMenu } = useSelection(tracks.length, grid, tracks.map((x) => x.id).join());
  const [said, say] = useState('');
  const playable = tracks.filter((x) => x.playable);
  const p = player.getState();
  const play = (track: TrackInfo) => {
    const at = playable.indexOf(track);
    if (at >= 0) void p.playTracks(playable, at);
  };
  const picked = chosen.map((i) => tracks[i]!).filter((x) => x?.playable);
  const queued = (n: number) => say(tn('queueAdded', n));

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    if (selectionKey(e)) {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    if (e.key === 'Enter' && (e.target as HTMLElement).dataset.row !== undefined) {
      const track = tracks[Number((e.target as HTMLElement).dataset.row)];
      if (track) play(track);
      e.preventDefault();
    }
  }
  const items: MenuItem[] = [
    { label: t('playNow'), testId: 'menu-play-now', disabled: picked.length === 0, run: () => void p.playNow(picked) },
    { label: t('playNext'), testId: 'menu-play-next', disabled: picked.length === 0, run: () => { p.playNext(picked); queued(picked.length); } },
    { label: t('addToQueue'), testId: 'menu-add-to-queue', disabled: picked.length === 0, run: () => { p.addToQueue(picked); queued(picked.length); } },
    { label: t('addToPlaylist'), testId: 'menu-add-to-playlist', disabled: picked.length === 0, run: () => userData.getState().askPlaylistFor(picked) },
  ];
  const stop = (e: MouseEvent) => e.stopPropagation();
  return (
    <>
      <div ref={grid} className="track-table" role="grid" aria-label={label} aria-describedby={hint} aria-multiselectable="true" aria-rowcount={tracks.length}
        data-roving data-testid={testId} onKeyDown={onKey}>
        {tracks.map((track, i) => {
          const row = rowProps(i);
          return (
            <div
              key={track.id}
              role="row"
              className={`track-line${track.id === playingId ? ' playing' : ''}${track.playable ? '' : ' unplayable'}${row['aria-selected'] ? ' selected' : ''}`}
              aria-rowindex={i + 1}
              data-track-id={track.id}
              aria-current={track.id === playingId ? 'true' : undefined}
              aria-label={[track.title, track.artist].filter(Boolean).join(' — ')}
              {...row}
              onDoubleClick={() => play(track)}
            >
              <span role="gridcell" className="track-no">{numbered ? (track.trackNo ?? '') : ''}</span>
              <span role="gridcell" className="track-line-title">
                <button type="button" className="link" tabIndex={-1} title={track.title} disabled={!track.playable}
                  onClick={(e) => {
                    // With a modifier the click selects (the row takes it); without, it plays.
                    if (!e.ctrlKey && !e.metaKey && !e.shiftKey) play(track);
                  }}>{track.title}</button>
              </span>
              <span role="gridcell" className="track-line-artist" title={track.artist ?? ''}>{track.artist ?? ''}</span>
              <span role="gridcell" className="track-line-time">{formatDuration(track.durationMs)}</span>
              <span role="gridcell" className="track-line-actions" onClick={stop} onDoubleClick={stop}>
                {track.playable && <FavouriteButton kind="track" id={track.id} tabbable={false} />}
                <AddToPlaylistButton tracks={track.playable ? [track] : []} tabbable={false} />
                <button type="button" className="icon" tabIndex={-1} title={t('playNext')} aria-label={t('playNext')} disabled={!track.playable} onClick={() => p.playNext(track)}><PlayNextIcon /></button>
                <button type="button" className="icon" tabIndex={-1} title={t('addToQueue')} aria-label={t('addToQueue')} disabled={!track.playable} onClick={() => p.addToQueue(track)}><AddIcon /></button>
              </span>
            </div>
          );
        })}
      </div>
      <p id={hint} className="visually-hidden">{t('trackListHint')}</p>
      <p className="visually-hidden" aria-live="polite">{said}</p>
      {menu && <ContextMenu at={menu} label={t('queueActions', { n: chosen.length })} items={items} testId="track-menu" onClose={() => setMenu(null)} />}
    </>
  );
}
