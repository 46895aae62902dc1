/**
 * The library list: server-side search and sort, loaded a page at a time as the virtual list scrolls, so a
 * library of a hundred thousand tracks costs no more than the rows on screen.
 */
import { createStore } from 'zustand/vanilla';
import type { ScanStatus, SortKey, TrackInfo } from '../../src-shared/protocol/messages.js';
import type { DesktopClient } from '../desktop-client.js';

export const PAGE_SIZE = 100;

export interface LibraryStore {
  query: string;
  sort: SortKey;
  order: 'asc' | 'desc';
  total: number;
  /** Loaded rows by index; holes are pages not fetched yet. */
  rows: (TrackInfo | undefined)[];
  scan: ScanStatus | null;
  loading: boolean;
  error: string | null;
  setQuery(query: string): Promise<void>;
  /** Sorts by `key`; the same key again flips the order. */
  setSort(key: SortKey): Promise<void>;
  reload(): Promise<void>;
  /** Fetches the pages covering rows [from, to). */
  ensureRange(from: number, to: number): Promise<void>;
  /** Loaded tracks from `index` on, up to `count`: what clicking a row queues. */
  tracksFrom(index: number, count: number): TrackInfo[];
  clear(): void;
}

export function createLibraryStore(api: DesktopClient) {
  /** Bumped by every new query or sort, so answers to older ones are thrown away. */
  let generation = 0;
  const requested = new Set<number>();
  return createStore<LibraryStore>()((set, get) => {
    async function loadPage(page: number, gen: number): Promise<void> {
      if (requested.has(page)) return;
      requested.add(page);
      const { query, sort, order } = get();
      try {
        const reply = await api.list({ offset: page * PAGE_SIZE, limit: PAGE_SIZE, sort, order, ...(query ? { query } : {}) });
        if (gen !== generation) return;
        const rows = get().rows.slice();
        rows.length = reply.total;
        reply.tracks.forEach((track, i) => {
          rows[reply.offset + i] = track;
        });
        set({ rows, total: reply.total, scan: reply.scan, loading: false, error: null });
      } catch (err) {
        requested.delete(page);
        if (gen === generation) set({ loading: false, error: (err as Error).message });
      }
    }
    return {
      query: '',
      sort: 'album',
      order: 'asc',
      total: 0,
      rows: [],
      scan: null,
      loading: false,
      error: null,
      async setQuery(query) {
        set({ query });
        await get().reload();
      },
      async setSort(key) {
        const { sort, order } = get();
        set({ sort: key, order: sort === key && order === 'asc' ? 'desc' : 'asc' });
        await get().reload();
      },
      async reload() {
        generation++;
        requested.clear();
        set({ rows: [], loading: true });
        await loadPage(0, generation);
      },
      async ensureRange(from, to) {
        const gen = generation;
        const first = Math.floor(Math.max(0, from) / PAGE_SIZE);
        const last = Math.floor(Math.max(from, to - 1) / PAGE_SIZE);
        const loads: Promise<void>[] = [];
        for (let p = first; p <= last && p * PAGE_SIZE < Math.max(get().total, 1); p++) loads.push(loadPage(p, gen));
        await Promise.all(loads);
      },
      tracksFrom(index, count) {
        const out: TrackInfo[] = [];
        const rows = get().rows;
        for (let i = index; i < rows.length && out.length < count; i++) {
          const track = rows[i];
          if (!track) break;
          if (track.playable) out.push(track);
        }
        return out;
      },
      clear() {
        generation++;
        requested.clear();
        set({ rows: [], total: 0, scan: null, query: '' });
      },
    };
  });
}
