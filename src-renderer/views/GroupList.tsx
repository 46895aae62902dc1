import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { ArtistInfo, GenreInfo } from '../../src-shared/protocol/messages.js';
import { t, tn } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import { rovingKey } from '../components/roving.js';
import { ErrorLine } from './ErrorLine.js';
import { FilterBox } from './FilterBox.js';

const ROW = 44;

/** Artists or genres, a virtualised list paged from the server; a row opens its page. One tab stop. */
export function GroupList({ kind }: { kind: 'artists' | 'genres' }) {
  const { browse, views } = useApp();
  const list = browse[kind];
  const rows = useStore(list, (s) => s.rows);
  const total = useStore(list, (s) => s.total);
  const loading = useStore(list, (s) => s.loading);
  const error = useStore(list, (s) => s.error);
  const query = useStore(list, (s) => s.query);
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);

  useEffect(() => {
    if (!list.getState().loaded) void list.getState().reload();
  }, [list]);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total > 0) void list.getState().ensureRange(first, last + 1);
  }, [list, first, last, total]);
  const focused = Math.min(active, Math.max(0, total - 1));
  useEffect(() => {
    if (!focusPending.current) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-row="${focused}"]`);
    if (row) {
      focusPending.current = false;
      row.focus({ preventScroll: true });
    }
  });

  const open = (g: ArtistInfo | GenreInfo) => views.getState().open({ kind: kind === 'artists' ? 'artist' : 'genre', id: g.id, name: g.name });
  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW * 10) / ROW) - 1);
    const to = rovingKey(e.key, focused, total, page);
    if (to === null) return;
    e.preventDefault();
    setActive(to);
    focusPending.current = true;
    virtualizer.scrollToIndex(to, { align: 'auto' });
  }

  const label = t(kind === 'artists' ? 'view.artists' : 'view.genres');
  return (
    <section className="library browse-view" aria-label={label} data-testid={`${kind}-view`}>
      <div className="library-toolbar">
        <FilterBox value={query} onChange={(q) => void list.getState().setQuery(q)} />
        <span className="count">{tn(kind, total)}</span>
      </div>
      {error && <ErrorLine code={error.code} message={error.message} retry={() => void list.getState().reload()} />}
      {total === 0 && !loading && !error && <p className="empty" data-testid="empty-list">{query ? t('noMatches', { query }) : t('emptyGroups')}</p>}
      <div className="group-scroller" ref={scroller} role="list" aria-label={label} data-roving onKeyDown={onKey}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const g = rows[item.index] as ArtistInfo | GenreInfo | undefined;
            const counts = g ? `${tn('albums', g.albums)} · ${tn('tracks', g.tracks)}` : '';
            return (
              <div key={item.key} role="listitem" className="group-item" style={{ transform: `translateY(${item.start}px)`, height: ROW }}>
                <button
                  type="button"
                  className="link group-row"
                  data-row={item.index}
                  tabIndex={item.index === focused ? 0 : -1}
                  disabled={!g}
                  onFocus={() => setActive(item.index)}
                  onClick={() => g && open(g)}
                >
                  <span className="group-name" title={g?.name}>{g?.name ?? ''}</span>
                  <span className="group-counts">{counts}</span>
                </button>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
