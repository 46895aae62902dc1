import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { AlbumInfo } from '../../src-shared/protocol/messages.js';
import { t, tn, type MessageKey } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import { AlbumCard, CARD_HEIGHT, CARD_WIDTH, gridKey } from './AlbumCard.js';
import { ErrorLine } from './ErrorLine.js';
import { FilterBox } from './FilterBox.js';

const ALBUM_SORTS = ['title', 'artist', 'year', 'added'] as const;

/**
 * Every album as a grid of covers: rows are virtualised and pages of albums are asked of the server as they come
 * into view, so ten thousand albums cost the rows on screen. One tab stop; arrows move across and down.
 */
export function AlbumGrid() {
  const { browse } = useApp();
  const list = browse.albums;
  const rows = useStore(list, (s) => s.rows);
  const total = useStore(list, (s) => s.total);
  const loading = useStore(list, (s) => s.loading);
  const error = useStore(list, (s) => s.error);
  const query = useStore(list, (s) => s.query);
  const sort = useStore(list, (s) => s.sort ?? 'title');
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);

  useEffect(() => {
    if (!list.getState().loaded) void list.getState().reload();
  }, [list]);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  const columns = Math.max(1, Math.floor((width - 16) / CARD_WIDTH));
  const rowCount = Math.ceil(total / columns);
  const virtualizer = useVirtualizer({ count: rowCount, getScrollElement: () => scroller.current, estimateSize: () => CARD_HEIGHT, overscan: 2 });
  const items = virtualizer.getVirtualItems();
  const first = (items[0]?.index ?? 0) * columns;
  const last = ((items[items.length - 1]?.index ?? 0) + 1) * columns;
  useEffect(() => {
    if (total > 0) void list.getState().ensureRange(first, last);
  }, [list, first, last, total]);

  const focused = Math.min(active, Math.max(0, total - 1));
  useEffect(() => {
    if (!focusPending.current) return;
    const card = scroller.current?.querySelector<HTMLElement>(`[data-index="${focused}"] .album-card`);
    if (card) {
      focusPending.current = false;
      card.focus({ preventScroll: true });
    }
  });

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const perPage = Math.max(1, Math.floor((scroller.current?.clientHeight ?? CARD_HEIGHT * 3) / CARD_HEIGHT));
    const to = gridKey(e.key, focused, total, columns, perPage);
    if (to === null) return;
    e.preventDefault();
    setActive(to);
    focusPending.current = true;
    virtualizer.scrollToIndex(Math.floor(to / columns), { align: 'auto' });
  }

  return (
    <section className="library browse-view" aria-label={t('view.albums')} data-testid="albums-view">
      <div className="library-toolbar">
        <FilterBox value={query} onChange={(q) => void list.getState().setQuery(q)} />
        <label className="sort-select">
          <span>{t('sortBy')}</span>
          <select
            value={sort}
            data-testid="album-sort"
            onChange={(e) => void list.getState().setSort(e.target.value, e.target.value === 'added' ? 'desc' : 'asc')}
          >
            {ALBUM_SORTS.map((s) => <option key={s} value={s}>{t(`albumSort.${s}` as MessageKey)}</option>)}
          </select>
        </label>
        <span className="count" data-testid="album-count">{tn('albums', total)}</span>
      </div>
      {error && <ErrorLine code={error.code} message={error.message} retry={() => void list.getState().reload()} />}
      {total === 0 && !loading && !error && <p className="empty" data-testid="empty-list">{query ? t('noMatches', { query }) : t('emptyGroups')}</p>}
      <div className="album-scroller" ref={scroller} role="list" aria-label={t('view.albums')} data-roving onKeyDown={onKey}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((row) => (
            <div key={row.key} className="album-row" style={{ transform: `translateY(${row.start}px)`, height: CARD_HEIGHT }}>
              {Array.from({ length: columns }, (_, c) => {
                const i = row.index * columns + c;
                if (i >= total) return null;
                const album = rows[i] as AlbumInfo | undefined;
                return (
                  <div key={c} role="listitem" data-index={i} className="album-slot">
                    {album ? <AlbumCard album={album} tabbable={i === focused} onFocus={() => setActive(i)} /> : <div className="album-card placeholder" />}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
