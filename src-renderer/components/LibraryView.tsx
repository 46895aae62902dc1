import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { SortKey, TrackInfo } from '../../src-shared/protocol/messages.js';
import { errorText, t, tn } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from './app-context.js';
import { CoverArt } from './CoverArt.js';
import { AddIcon, PlayNextIcon } from './Icons.js';
import { rovingKey } from './roving.js';
import { AddToPlaylistButton, FavouriteButton } from '../views/UserDataParts.js';

const ROW_HEIGHT = 44;
const COLUMNS: { key: SortKey; label: 'title' | 'artist' | 'album' | 'duration' }[] = [
  { key: 'title', label: 'title' },
  { key: 'artist', label: 'artist' },
  { key: 'album', label: 'album' },
  { key: 'duration', label: 'duration' },
];

/**
 * The library: a virtualised grid, searched and sorted by the server. Clicking a row (or Enter on it) queues the
 * whole list, every page of it, and plays that row. The grid is one tab stop: arrows, Page Up/Down, Home and
 * End move the focused row.
 */
export function LibraryView({ searchRef }: { searchRef: React.RefObject<HTMLInputElement | null> }) {
  const { library, player } = useApp();
  const rows = useStore(library, (s) => s.rows);
  const total = useStore(library, (s) => s.total);
  const sort = useStore(library, (s) => s.sort);
  const order = useStore(library, (s) => s.order);
  const scan = useStore(library, (s) => s.scan);
  const loading = useStore(library, (s) => s.loading);
  const error = useStore(library, (s) => s.error);
  const listedQuery = useStore(library, (s) => s.query);
  const playingId = useStore(player, (s) => s.queue[s.index]?.id ?? null);
  const [query, setQuery] = useState(library.getState().query);
  const [active, setActive] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const focusPending = useRef(false);

  // Search as the person types, once they pause: one request per thought, not per key.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (query !== library.getState().query) void library.getState().setQuery(query);
    }, 200);
    return () => clearTimeout(timer);
  }, [library, query]);

  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total > 0) void library.getState().ensureRange(first, last + 1);
  }, [library, first, last, total]);

  const focused = Math.min(active, Math.max(0, total - 1));
  // Moving with the keyboard scrolls the row into view; it gets the focus once it is rendered.
  useEffect(() => {
    if (!focusPending.current) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-row="${focused}"]`);
    if (row) {
      focusPending.current = false;
      row.focus({ preventScroll: true });
    }
  });

  function play(index: number) {
    void player.getState().playList(() => library.getState().queueFrom(index));
  }

  function onGridKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Enter') {
      const track = rows[focused];
      if (track?.playable) play(focused);
      e.preventDefault();
      return;
    }
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const to = rovingKey(e.key, focused, total, page);
    if (to === null) return;
    e.preventDefault();
    setActive(to);
    focusPending.current = true;
    virtualizer.scrollToIndex(to, { align: 'auto' });
  }

  const scanning = scan?.state === 'scanning';
  return (
    <section className="library" aria-label={t('library')}>
      <div className="library-toolbar">
        <input
          ref={searchRef}
          type="search"
          className="search"
          placeholder={t('search')}
          aria-label={t('search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="count" data-testid="track-count">
          {scanning ? t('scanning', { scanned: scan.scanned, total: scan.total }) : tn('tracks', total)}
        </span>
      </div>
      {error && (
        <div className="list-error" role="alert" data-testid="list-error">
          <span>{t('listError', { reason: errorText(error.code, error.message) })}</span>
          <button type="button" onClick={() => void library.getState().reload()}>{t('retry')}</button>
        </div>
      )}
      {total === 0 && !loading && !error && !scanning && (
        <p className="empty" data-testid="empty-list">{listedQuery ? t('noTracks', { query: listedQuery }) : t('emptyLibrary')}</p>
      )}
      <div className="track-grid" role="grid" aria-label={t('trackList')} aria-rowcount={total + 1} aria-colcount={6}>
        <div className="track-header" role="row" aria-rowindex={1}>
          <span className="col-cover" role="columnheader" aria-label={t('album')} />
          {COLUMNS.map((c) => (
            <span key={c.key} role="columnheader" className={`col-${c.label}`} aria-sort={sort === c.key ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
              <button type="button" className="sort" title={t(c.label)} onClick={() => void library.getState().setSort(c.key)}>
                {t(c.label)}{sort === c.key ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            </span>
          ))}
          <span className="col-actions" role="columnheader" aria-label={t('queue')} />
        </div>
        <div className="track-scroller" ref={scroller} role="rowgroup" data-roving onKeyDown={onGridKey}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => (
              <TrackRow
                key={item.key}
                index={item.index}
                track={rows[item.index]}
                top={item.start}
                playing={rows[item.index]?.id === playingId}
                tabbable={item.index === focused}
                onFocus={() => setActive(item.index)}
                onPlay={() => play(item.index)}
              />
            ))}
          </div>
        </div>
      </div>
    </section>
  );
}

interface RowProps {
  index: number;
  track: TrackInfo | undefined;
  top: number;
  playing: boolean;
  tabbable: boolean;
  onFocus: () => void;
  onPlay: () => void;
}

function TrackRow({ index, track, top, playing, tabbable, onFocus, onPlay }: RowProps) {
  const { player } = useApp();
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  if (!track) return <div className="track-row placeholder" style={style} role="row" aria-rowindex={index + 2} data-row={index} tabIndex={tabbable ? 0 : -1} onFocus={onFocus} />;
  const label = [track.title, track.artist, track.album].filter(Boolean).join(' — ');
  return (
    <div
      className={`track-row${playing ? ' playing' : ''}${track.playable ? '' : ' unplayable'}`}
      style={style}
      role="row"
      aria-rowindex={index + 2}
      aria-label={label}
      aria-current={playing ? 'true' : undefined}
      aria-disabled={track.playable ? undefined : true}
      data-track-id={track.id}
      data-row={index}
      tabIndex={tabbable ? 0 : -1}
      title={track.playable ? undefined : track.reason}
      onFocus={onFocus}
      onDoubleClick={onPlay}
    >
      <span className="col-cover" role="gridcell"><CoverArt track={track} size={32} /></span>
      <span className="title-cell" role="gridcell">
        <button type="button" className="col-title link" tabIndex={-1} title={track.title} onClick={onPlay} disabled={!track.playable}>{track.title}</button>
      </span>
      <span className="col-artist" role="gridcell" title={track.artist ?? ''}>{track.artist ?? ''}</span>
      <span className="col-album" role="gridcell" title={track.album ?? ''}>{track.album ?? ''}</span>
      <span className="col-duration" role="gridcell">{formatDuration(track.durationMs)}</span>
      <span className="col-actions" role="gridcell">
        <FavouriteButton kind="track" id={track.id} tabbable={false} />
        <AddToPlaylistButton tracks={[track]} tabbable={false} />
        <button type="button" className="icon" tabIndex={-1} title={t('playNext')} aria-label={t('playNext')} disabled={!track.playable} onClick={() => player.getState().playNext(track)}><PlayNextIcon /></button>
        <button type="button" className="icon" tabIndex={-1} title={t('addToQueue')} aria-label={t('addToQueue')} disabled={!track.playable} onClick={() => player.getState().addToQueue(track)}><AddIcon /></button>
      </span>
    </div>
  );
}
