/**
 * One list of artists, albums or genres, paged from the server (BROWSE) as it scrolls into view: the album grid of a
 * hundred thousand tracks holds only the pages seen.
 */
import { createStore } from 'zustand/vanilla';
import type { AlbumInfo, ArtistInfo, BrowseRequest, GenreInfo } from '../../src-shared/protocol/messages.js';
import type { DesktopClient } from '../desktop-client.js';

export const BROWSE_PAGE = 120;

export type GroupKind = 'artists' | 'albums' | 'genres';
export type GroupItem = ArtistInfo | AlbumInfo | GenreInfo;

export interface BrowseListStore {
  kind: GroupKind;
  query: string;
  sort: string | undefined;
  order: 'asc' | 'desc';
  total: number;
  rows: (GroupItem | undefined)[];
  loading: boolean;
  error: { code: string; message: string } | null;
  /** A first page has been asked for since the list was made or changed. */
  loaded: boolean;
  setQuery(query: string): Promise<void>;
  setSort(sort: string | undefined, order: 'asc' | 'desc'): Promise<void>;
  reload(): Promise<void>;
  ensureRange(from: number, to: number): Promise<void>;
}

export function createBrowseListStore(api: DesktopClient, kind: GroupKind, defaults: { sort?: string; order?: 'asc' | 'desc' } = {}) {
  let generation = 0;
  const requested = new Set<number>();
  return createStore<BrowseListStore>()((set, get) => {
    async function loadPage(page: number, gen: number): Promise<void> {
      if (requested.has(page)) return;
      requested.add(page);
      const { query, sort, order } = get();
      const req: BrowseRequest = { kind, offset: page * BROWSE_PAGE, limit: BROWSE_PAGE, order, ...(sort ? { sort } : {}), ...(query ? { query } : {}) } as BrowseRequest;
      try {
        const reply = await api.browse(req);
        if (gen !== generation) return;
        const rows = get().rows.slice();
        rows.length = reply.total;
        (reply.items as GroupItem[]).forEach((item, i) => (rows[reply.offset + i] = item));
        set({ rows, total: reply.total, loading: false, error: null });
      } catch (err) {
        requested.delete(page);
        const e = err as { code?: string; message?: string };
        if (gen === generation) set({ loading: false, error: { code: e.code ?? 'internal', message: e.message ?? String(err) } });
      }
    }
    return {
      kind,
      query: '',
      sort: defaults.sort,
      order: defaults.order ?? 'asc',
      total: 0,
      rows: [],
      loading: false,
      error: null,
      loaded: false,
      async setQuery(query) {
        set({ query });
        await get().reload();
      },
      async setSort(sort, order) {
        set({ sort, order });
        await get().reload();
      },
      async reload() {
        generation++;
        requested.clear();
        set({ rows: [], loading: true, error: null, loaded: true });
        await loadPage(0, generation);
      },
      async ensureRange(from, to) {
        const gen = generation;
        const first = Math.floor(Math.max(0, from) / BROWSE_PAGE);
        const last = Math.floor(Math.max(from, to - 1) / BROWSE_PAGE);
        const loads: Promise<void>[] = [];
        for (let p = first; p <= last && p * BROWSE_PAGE < Math.max(get().total, 1); p++) loads.push(loadPage(p, gen));
        await Promise.all(loads);
      },
    };
  });
}
