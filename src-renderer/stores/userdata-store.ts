/**
 * The user's data on the server: favourites and playlists. Every change shows at once and is sent after; when the
 * server refuses it, the change is taken back and `notice` says why. A playlist change made on a revision another
 * device has moved past (`stale-revision`) reloads the playlist as the server holds it now and says so.
 */
import { createStore } from 'zustand/vanilla';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import type { Favourite, FavouriteKind, Playlist, PlaylistSummary, PlaylistsRequest } from '../../src-shared/protocol/userdata.js';
import type { DesktopClient } from '../desktop-client.js';

/** What to tell the user: an i18n key and its values (the words follow the language chosen when shown). */
export interface UserDataNotice {
  key: 'notice.staleRevision' | 'notice.refused' | 'notice.loadFailed';
  values: Record<string, string>;
  /** Counts up, so the same notice twice is announced twice. */
  serial: number;
}

export interface UserDataStore {
  /** Favourites by `kind:id`, newest first in `favourites`. */
  favourites: Favourite[];
  favouritesLoaded: boolean;
  playlists: PlaylistSummary[];
  playlistsLoaded: boolean;
  /** The playlist whose page is open, with its entries. */
  open: Playlist | null;
  notice: UserDataNotice | null;
  /** Tracks the "Add to playlist" dialog is open for. */
  adding: TrackInfo[] | null;
  askPlaylistFor(tracks: TrackInfo[] | null): void;
  isFavourite(kind: FavouriteKind, id: string): boolean;
  loadFavourites(): Promise<void>;
  toggleFavourite(kind: FavouriteKind, id: string): Promise<void>;
  loadPlaylists(): Promise<void>;
  openPlaylist(id: string): Promise<void>;
  createPlaylist(name: string, tracks?: string[]): Promise<PlaylistSummary | null>;
  renamePlaylist(id: string, name: string): Promise<void>;
  deletePlaylist(id: string): Promise<void>;
  addToPlaylist(id: string, tracks: string[]): Promise<void>;
  /** Removes entries of the open playlist, by their positions. */
  removeEntries(positions: number[]): Promise<void>;
  /** Moves the open playlist's entry `from` to `to` (its position once moved). */
  moveEntry(from: number, to: number): Promise<void>;
  dismissNotice(): void;
  /** Another server or account: nothing of the last one is kept. */
  reset(): void;
}

const describe = (err: unknown) => ({ code: (err as { code?: string }).code ?? 'internal', message: (err as Error).message ?? String(err) });

export function createUserDataStore(api: DesktopClient) {
  let serial = 0;
  /** Playlist changes go out one at a time, each on the revision the one before it made. */
  let changes: Promise<unknown> = Promise.resolve();
  return createStore<UserDataStore>()((set, get) => {
    const say = (key: UserDataNotice['key'], values: Record<string, string> = {}) => set({ notice: { key, values, serial: ++serial } });
    const summary = (id: string) => get().playlists.find((p) => p.id === id) ?? (get().open?.id === id ? get().open : undefined);
    const storeSummary = (s: PlaylistSummary) => set((st) => ({
      playlists: st.playlists.map((p) => (p.id === s.id ? s : p)),
      open: st.open?.id === s.id ? { ...st.open, ...s, tracks: st.open.tracks } : st.open,
    }));

    /** Reads the playlist (and the list) again as the server holds it. */
    async function reload(id: string): Promise<void> {
      try {
        const [list, one] = await Promise.all([api.playlists({ op: 'list' }), get().open?.id === id ? api.playlists({ op: 'get', id }) : null]);
        set({ playlists: list.playlists ?? [] });
        if (one?.playlist && 'tracks' in one.playlist) set({ open: one.playlist });
      } catch (err) {
        say('notice.loadFailed', { reason: describe(err).message });
      }
    }

    /**
     * Applies `local` now and sends the change made on the playlist's revision at the time it goes out; a refusal
     * puts back the server's copy.
     */
    function change(
      id: string, local: () => void, request: (revision: number) => PlaylistsRequest, name: string, done: (s: PlaylistSummary) => void = storeSummary,
    ): Promise<void> {
      const before = { playlists: get().playlists, open: get().open };
      const known = summary(id);
      local();
      const run = changes.then(async () => {
        // The revision the changes before this one left (a deleted playlist is no longer listed: the one known then).
        const at = summary(id) ?? known;
        if (!at) return;
        try {
          const reply = await api.playlists(request(at.revision));
          if (reply.playlist) done(reply.playlist);
        } catch (err) {
          const { code, message } = describe(err);
          set(before);
          if (code === 'stale-revision') {
            say('notice.staleRevision', { name });
            await reload(id);
          } else {
            say('notice.refused', { reason: message });
            if (code !== 'not-connected' && code !== 'disconnected') await reload(id);
          }
        }
      });
      changes = run.catch(() => {});
      return run;
    }

    return {
      favourites: [],
      favouritesLoaded: false,
      playlists: [],
      playlistsLoaded: false,
      open: null,
      notice: null,
      adding: null,
      askPlaylistFor: (tracks) => set({ adding: tracks && tracks.length > 0 ? tracks : null }),
      isFavourite: (kind, id) => get().favourites.some((f) => f.kind === kind && f.id === id),
      async loadFavourites() {
        try {
          const reply = await api.favourites({ op: 'list' });
          set({ favourites: reply.favourites ?? [], favouritesLoaded: true });
        } catch (err) {
          say('notice.loadFailed', { reason: describe(err).message });
        }
      },
      async toggleFavourite(kind, id) {
        const was = get().isFavourite(kind, id);
        const drop = (list: Favourite[]) => list.filter((f) => !(f.kind === kind && f.id === id));
        set((s) => ({ favourites: was ? drop(s.favourites) : [{ kind, id, addedAt: Date.now() }, ...s.favourites] }));
        try {
          await api.favourites({ op: was ? 'remove' : 'add', kind, id });
        } catch (err) {
          // Back as it was: a favourite removed goes back where it stood, one added goes.
          set((s) => ({ favourites: was ? [...drop(s.favourites), { kind, id, addedAt: Date.now() }] : drop(s.favourites) }));
          if (was) await get().loadFavourites();
          say('notice.refused', { reason: describe(err).message });
        }
      },
      async loadPlaylists() {
        try {
          const reply = await api.playlists({ op: 'list' });
          set({ playlists: reply.playlists ?? [], playlistsLoaded: true });
        } catch (err) {
          say('notice.loadFailed', { reason: describe(err).message });
        }
      },
      async openPlaylist(id) {
        if (get().open?.id !== id) set({ open: null });
        try {
          const reply = await api.playlists({ op: 'get', id });
          if (reply.playlist && 'tracks' in reply.playlist) set({ open: reply.playlist });
        } catch (err) {
          say('notice.loadFailed', { reason: describe(err).message });
        }
      },
      async createPlaylist(name, tracks) {
        try {
          const reply = await api.playlists(tracks ? { op: 'create', name, tracks } : { op: 'create', name });
          const made = reply.playlist ?? null;
          if (made) set((s) => ({ playlists: [...s.playlists.filter((p) => p.id !== made.id), made] }));
          return made;
        } catch (err) {
          say('notice.refused', { reason: describe(err).message });
          return null;
        }
      },
      renamePlaylist(id, name) {
        const old = summary(id)?.name ?? name;
        return change(id, () => set((s) => ({
          playlists: s.playlists.map((p) => (p.id === id ? { ...p, name } : p)),
          open: s.open?.id === id ? { ...s.open, name } : s.open,
        })), (revision) => ({ op: 'rename', id, revision, name }), old);
      },
      async deletePlaylist(id) {
        const name = summary(id)?.name ?? '';
        const gone = () => set((s) => ({ playlists: s.playlists.filter((p) => p.id !== id), open: s.open?.id === id ? null : s.open }));
        await change(id, gone, (revision) => ({ op: 'delete', id, revision }), name, gone);
      },
      addToPlaylist(id, tracks) {
        const name = summary(id)?.name ?? '';
        return change(id, () => set((s) => ({
          playlists: s.playlists.map((p) => (p.id === id ? { ...p, count: p.count + tracks.length } : p)),
          open: s.open?.id === id ? { ...s.open, tracks: [...s.open.tracks, ...tracks], count: s.open.count + tracks.length } : s.open,
        })), (revision) => ({ op: 'add', id, revision, tracks }), name);
      },
      removeEntries(positions) {
        const open = get().open;
        if (!open || positions.length === 0) return Promise.resolve();
        const gone = new Set(positions);
        const tracks = open.tracks.filter((_, i) => !gone.has(i));
        return change(open.id, () => set((s) => ({
          open: s.open && { ...s.open, tracks, count: tracks.length },
          playlists: s.playlists.map((p) => (p.id === open.id ? { ...p, count: tracks.length } : p)),
        })), (revision) => ({ op: 'remove', id: open.id, revision, positions }), open.name);
      },
      moveEntry(from, to) {
        const open = get().open;
        if (!open || from === to || from < 0 || to < 0 || from >= open.tracks.length || to >= open.tracks.length) return Promise.resolve();
        const tracks = open.tracks.slice();
        const [moved] = tracks.splice(from, 1);
        tracks.splice(to, 0, moved!);
        return change(open.id, () => set((s) => ({ open: s.open && { ...s.open, tracks } })), (revision) => ({ op: 'move', id: open.id, revision, from, to }), open.name);
      },
      dismissNotice: () => set({ notice: null }),
      reset: () => set({ favourites: [], favouritesLoaded: false, playlists: [], playlistsLoaded: false, open: null, notice: null }),
    };
  });
}
