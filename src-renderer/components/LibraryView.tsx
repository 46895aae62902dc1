import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { SortKey, TrackInfo } from '../../src-shared/protocol/messages.js';
import { t } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from './app-context.js';
import { CoverArt } from './CoverArt.js';
import { AddIcon, PlayNextIcon } from './Icons.js';

const ROW_HEIGHT = 44;
const COLUMNS: { key: SortKey; label: 'title' | 'artist' | 'album' | 'duration' }[] = [
  { key: 'title', label: 'title' },
  { key: 'artist', label: 'artist' },
  { key: 'album', label: 'album' },
  { key: 'duration', label: 'duration' },
];

/** The library: a virtualised list, searched and sorted by the server. */
export function LibraryView({ searchRef }: { searchRef: React.RefObject<HTMLInputElement | null> }) {
  const { library, player } = useApp();
  const rows = useStore(library, (s) => s.rows);
  const total = useStore(library, (s) => s.total);
  const sort = useStore(library, (s) => s.sort);
  const order = useStore(library, (s) => s.order);
  const scan = useStore(library, (s) => s.scan);
  const loading = useStore(library, (s) => s.loading);
  const playingId = useStore(player, (s) => s.queue[s.index]?.id ?? null);
  const [query, setQuery] = useState(library.getState().query);
  const scroller = useRef<HTMLDivElement>(null);

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

  function play(index: number) {
    const tracks = library.getState().tracksFrom(index, 200);
    if (tracks.length > 0) void player.getState().playTracks(tracks, 0);
  }

  return (
    <section className="library" aria-label="library">
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
        <span className="count">
          {scan?.state === 'scanning' ? t('scanning', { scanned: scan.scanned, total: scan.total }) : t('tracks', { n: total })}
        </span>
      </div>
      <div className="track-header" role="row">
        <span className="col-cover" />
        {COLUMNS.map((c) => (
          <button key={c.key} type="button" className={`col-${c.label} sort`} onClick={() => void library.getState().setSort(c.key)} aria-sort={sort === c.key ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
            {t(c.label)} {sort === c.key ? (order === 'asc' ? '▲' : '▼') : ''}
          </button>
        ))}
        <span className="col-actions" />
      </div>
      <div className="track-scroller" ref={scroller} role="grid" aria-rowcount={total}>
        {total === 0 && !loading && <p className="empty">{t('noTracks')}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => (
            <TrackRow
              key={item.key}
              track={rows[item.index]}
              top={item.start}
              playing={rows[item.index]?.id === playingId}
              onPlay={() => play(item.index)}
            />
          ))}
        </div>
      </div>
    </section>
  );
}

function TrackRow({ track, top, playing, onPlay }: { track: TrackInfo | undefined; top: number; playing: boolean; onPlay: () => void }) {
  const { player } = useApp();
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  if (!track) return <div className="track-row placeholder" style={style} role="row" />;
  return (
    <div
      className={`track-row${playing ? ' playing' : ''}${track.playable ? '' : ' unplayable'}`}
      style={style}
      role="row"
      data-track-id={track.id}
      title={track.playable ? undefined : track.reason}
      onDoubleClick={onPlay}
    >
      <span className="col-cover"><CoverArt track={track} size={32} /></span>
      <button type="button" className="col-title link" onClick={onPlay} disabled={!track.playable}>{track.title}</button>
      <span className="col-artist">{track.artist ?? ''}</span>
      <span className="col-album">{track.album ?? ''}</span>
      <span className="col-duration">{formatDuration(track.durationMs)}</span>
      <span className="col-actions">
        <button type="button" className="icon" title={t('playNext')} aria-label={t('playNext')} disabled={!track.playable} onClick={() => player.getState().playNext(track)}><PlayNextIcon /></button>
        <button type="button" className="icon" title={t('addToQueue')} aria-label={t('addToQueue')} disabled={!track.playable} onClick={() => player.getState().addToQueue(track)}><AddIcon /></button>
      </span>
    </div>
  );
}
