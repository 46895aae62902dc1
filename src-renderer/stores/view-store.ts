/**
 * Which view the library area shows (tracks, albums, artists, genres, search, or one album's, artist's or genre's
 * page) and the way back. Moving between views never touches the queue: what plays, plays on.
 */
import { createStore } from 'zustand/vanilla';

export type ListView = 'tracks' | 'albums' | 'artists' | 'genres' | 'search' | 'favourites' | 'playlists' | 'recent' | 'most' | 'added';
export const LIST_VIEWS: readonly ListView[] = ['tracks', 'albums', 'artists', 'genres', 'search', 'favourites', 'playlists', 'recent', 'most', 'added'];

export type PageKind = 'album' | 'artist' | 'genre' | 'playlist';
const PAGE_KINDS: readonly string[] = ['album', 'artist', 'genre', 'playlist'];

export type View =
  | { kind: ListView }
  | { kind: PageKind; id: string; name: string };

/** Pages opened one from another; older ones are dropped beyond this. */
const MAX_BACK = 50;

export interface ViewStore {
  view: View;
  back: View[];
  /** The large now-playing view is open over the library. */
  nowPlayingOpen: boolean;
  /** Shows `view`; a list view starts a new trail, a page can be gone back from. */
  open(view: View): void;
  goBack(): void;
  setNowPlayingOpen(open: boolean): void;
}

export function sameView(a: View, b: View): boolean {
  return a.kind === b.kind && ('id' in a ? 'id' in b && a.id === b.id : true);
}

export function createViewStore(initial: View = { kind: 'tracks' }) {
  return createStore<ViewStore>()((set, get) => ({
    view: initial,
    back: [],
    nowPlayingOpen: false,
    open(view) {
      const { view: now, back } = get();
      if (sameView(now, view)) return set({ nowPlayingOpen: false });
      const isPage = 'id' in view;
      set({ view, back: isPage ? [...back, now].slice(-MAX_BACK) : [], nowPlayingOpen: false });
    },
    goBack() {
      const back = get().back.slice();
      const view = back.pop();
      if (view) set({ view, back });
    },
    setNowPlayingOpen(open) {
      set({ nowPlayingOpen: open });
    },
  }));
}

/** A view read back from a saved session: checked member by member; anything else is the track list. */
export function parseView(raw: unknown): View {
  if (typeof raw !== 'object' || raw === null) return { kind: 'tracks' };
  const v = raw as Record<string, unknown>;
  if (LIST_VIEWS.includes(v.kind as ListView)) return { kind: v.kind as ListView };
  if (PAGE_KINDS.includes(v.kind as string) && typeof v.id === 'string' && typeof v.name === 'string'
    && v.id.length <= 256 && v.name.length <= 2000) {
    return { kind: v.kind as PageKind, id: v.id, name: v.name };
  }
  return { kind: 'tracks' };
}
