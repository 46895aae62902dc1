/**
 * The library list: server-side search and sort, loaded a page at a time as the virtual list scrolls, so a
 * library of a hundred thousand tracks costs no more than the rows on screen.
 */
import { createStore } from 'zustand/vanilla';
import type { ScanStatus, SortKey, TrackInfo } from '../../src-shared/protocol/messages.js';
import { MAX_LIST_LIMIT } from '../../src-shared/protocol/payloads.js';
import type { DesktopClient } from '../desktop-client.js';

export const PAGE_SIZE = 100;
/** Lists loaded at once by loadAll: few enough that the list pages the person scrolls to still get a turn. */
const LOAD_ALL_PARALLEL = 2;

export interface LibraryStore {
  query: string;
  sort: SortKey;
  order: 'asc' | 'desc';
  total: number;
  /** Loaded rows by index; holes are pages not fetched yet. */
  rows: (TrackInfo | undefined)[];
  scan: ScanStatus | null;
  loading: boolean;
  /** Why the last page could not be loaded (shown with a retry), with its code. */
  error: { code: string; message: string } | null;
  setQuery(query: string): Promise<void>;
  /** Sorts by `key`; the same key again flips the order. */
  setSort(key: SortKey): Promise<void>;
  reload(): Promise<void>;
  /** Fetches the pages covering rows [from, to). */
  ensureRange(from: number, to: number): Promise<void>;
  /** Loaded tracks from `index` on, up to `count`. */
  tracksFrom(index: number, count: number): TrackInfo[];
  /**
   * Every row of the current list, loading from the server the ones not loaded yet; null if the list changed
   * (a new search or sort) meanwhile. Throws when the server cannot be asked.
   */
  loadAll(): Promise<(TrackInfo | undefined)[] | null>;
  /** What clicking row `index` queues: the whole list's playable tracks, and where the clicked one is among them. */
  queueFrom(index: number): Promise<{ tracks: TrackInfo[]; index: number } | null>;
  /** Sets the sort and the search without loading (restored ones, before the first list). */
  restoreView(view: { sort: SortKey; order: 'asc' | 'desc'; query: string }): void;
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
        const e = err as { code?: string; message?: string };
        if (gen === generation) set({ loading: false, error: { code: e.code ?? 'internal', message: e.message ?? String(err) } });
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
        set({ rows: [], loading: true, error: null });
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
      async loadAll() {
        const gen = generation;
        const { query, sort, order } = get();
        const missing: number[] = [];
        const rows = get().rows;
        for (let i = 0; i < get().total; i++) if (!rows[i]) missing.push(i);
        // Contiguous spans of missing rows, each fetched in requests of at most MAX_LIST_LIMIT rows.
        const spans: [number, number][] = [];
        for (const i of missing) {
          const last = spans[spans.length - 1];
          if (last && last[1] === i && last[1] - last[0] < MAX_LIST_LIMIT) last[1]++;
          else spans.push([i, i + 1]);
        }
        const fetched: { offset: number; tracks: TrackInfo[] }[] = [];
        for (let i = 0; i < spans.length; i += LOAD_ALL_PARALLEL) {
          const replies = await Promise.all(spans.slice(i, i + LOAD_ALL_PARALLEL).map(([from, to]) => (
            api.list({ offset: from, limit: to - from, sort, order, ...(query ? { query } : {}) })
          )));
          if (gen !== generation) return null;
          fetched.push(...replies);
        }
        if (gen !== generation) return null;
        const all = get().rows.slice();
        all.length = get().total;
        for (const reply of fetched) reply.tracks.forEach((t, k) => (all[reply.offset + k] = t));
        set({ rows: all });
        return all;
      },
      async queueFrom(index) {
        const all = await get().loadAll();
        if (!all) return null;
        const tracks: TrackInfo[] = [];
        let at = -1;
        all.forEach((t, i) => {
          if (i === index) at = tracks.length;
          if (t?.playable) tracks.push(t);
        });
        // An unplayable row clicked: start at the next playable one after it.
        return at >= 0 && at < tracks.length ? { tracks, index: at } : null;
      },
      restoreView({ sort, order, query }) {
        set({ sort, order, query });
      },
      clear() {
        generation++;
        requested.clear();
        set({ rows: [], total: 0, scan: null, query: '' });
      },
    };
  });
}
