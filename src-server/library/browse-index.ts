/**
 * The library's artists, albums and genres, grouped from the catalog's tracks once (at the first BROWSE after a
 * scan) and kept with the catalog, so that BROWSE pages, sorts and searches groups as LIST does tracks.
 *
 * Grouping follows the tags, folded as searches fold them ("Émile" and "emile" are one artist):
 * - an album is its title and its album artist, else the artist of its tracks (the key the desktop app keeps its
 *   covers under), so two albums of one name by different artists stay apart; tracks without an album tag are in
 *   no album;
 * - a track belongs to its artist and, when it differs, to its album artist;
 * - a genre is its folded name.
 * Ids are hashes of the folded keys: stable across rescans and restarts while the tags stay.
 */
import { createHash } from 'node:crypto';
import type { AlbumInfo, ArtistInfo, GenreInfo } from '../../src-shared/protocol/index.js';
import { fold, type LibraryEntry } from './catalog.js';

interface Group {
  id: string;
  name: string;
  folded: string;
  /** Entry indices, in the order they were met (entry order). */
  members: number[];
  /** Albums with a member track (artists, genres), as indices into `albums`. */
  albumSet: Set<number>;
}

interface Album extends Group {
  artist: string | null;
  artistFolded: string;
  year: number | null;
  discs: number;
  durationMs: number;
  addedAt: number;
  artworkTrack: string | null;
}

function groupId(kind: string, key: string): string {
  return createHash('sha256').update(`${kind}\u0000${key}`).digest('base64url').slice(0, 16);
}

function byFolded(a: { folded: string }, b: { folded: string }): number {
  return a.folded < b.folded ? -1 : a.folded > b.folded ? 1 : 0;
}

export class BrowseIndex {
  readonly artists: Group[] = [];
  readonly albums: Album[] = [];
  readonly genres: Group[] = [];
  private readonly artistById = new Map<string, number>();
  private readonly albumById = new Map<string, number>();
  private readonly genreById = new Map<string, number>();
  /** Per entry: its album's index, or -1. */
  readonly albumOf: Int32Array;
  readonly genreOf: Int32Array;
  /** Per entry: its artist's and its album artist's index (the same, or -1, when there is one or none). */
  readonly artistOf: Int32Array;
  readonly albumArtistOf: Int32Array;
  private readonly sorted = new Map<string, Uint32Array>();

  constructor(private readonly entries: readonly LibraryEntry[]) {
    const n = entries.length;
    this.albumOf = new Int32Array(n).fill(-1);
    this.genreOf = new Int32Array(n).fill(-1);
    this.artistOf = new Int32Array(n).fill(-1);
    this.albumArtistOf = new Int32Array(n).fill(-1);
    const artistKeys = new Map<string, number>();
    const albumKeys = new Map<string, number>();
    const genreKeys = new Map<string, number>();
    const folds = new Map<string, string>();
    const folded = (s: string) => {
      let f = folds.get(s);
      if (f === undefined) folds.set(s, (f = fold(s)));
      return f;
    };
    const join = (groups: Group[], keys: Map<string, number>, byId: Map<string, number>, kind: string, name: string, i: number): number => {
      const key = folded(name);
      let g = keys.get(key);
      if (g === undefined) {
        g = groups.length;
        const id = groupId(kind, key);
        groups.push({ id, name, folded: key, members: [], albumSet: new Set() });
        keys.set(key, g);
        byId.set(id, g);
      }
      groups[g]!.members.push(i);
      return g;
    };
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      if (e.artist !== null) this.artistOf[i] = join(this.artists, artistKeys, this.artistById, 'artist', e.artist, i);
      if (e.albumArtist !== null && (e.artist === null || folded(e.albumArtist) !== folded(e.artist))) {
        this.albumArtistOf[i] = join(this.artists, artistKeys, this.artistById, 'artist', e.albumArtist, i);
      }
      if (e.genre !== null) this.genreOf[i] = join(this.genres, genreKeys, this.genreById, 'genre', e.genre, i);
      if (e.album !== null) {
        const artist = e.albumArtist ?? e.artist;
        const artistFolded = artist === null ? '' : folded(artist);
        const key = `${artistFolded}\u0001${folded(e.album)}`;
        let a = albumKeys.get(key);
        if (a === undefined) {
          a = this.albums.length;
          const id = groupId('album', key);
          this.albums.push({
            id, name: e.album, folded: folded(e.album), members: [], albumSet: new Set(), artist, artistFolded,
            year: null, discs: 0, durationMs: 0, addedAt: 0, artworkTrack: null,
          });
          albumKeys.set(key, a);
          this.albumById.set(id, a);
        }
        this.albums[a]!.members.push(i);
        this.albumOf[i] = a;
      }
    }
    for (let i = 0; i < n; i++) {
      const a = this.albumOf[i]!;
      if (a < 0) continue;
      for (const g of [this.artistOf[i]!, this.albumArtistOf[i]!]) if (g >= 0) this.artists[g]!.albumSet.add(a);
      if (this.genreOf[i]! >= 0) this.genres[this.genreOf[i]!]!.albumSet.add(a);
    }
    for (const album of this.albums) this.describeAlbum(album);
  }

  /** Orders an album's tracks by disc and track number (then path), and sums up what its page shows. */
  private describeAlbum(album: Album): void {
    const es = this.entries;
    album.members.sort(
      (a, b) => (es[a]!.discNo ?? 0) - (es[b]!.discNo ?? 0) || (es[a]!.trackNo ?? 0) - (es[b]!.trackNo ?? 0) || (es[a]!.path < es[b]!.path ? -1 : 1),
    );
    const discs = new Set<number>();
    for (const i of album.members) {
      const e = es[i]!;
      discs.add(e.discNo ?? 1);
      album.durationMs += e.durationMs ?? 0;
      album.addedAt = Math.max(album.addedAt, e.addedAt);
      album.year ??= e.year;
      if (album.artworkTrack === null && (e.embeddedArt || e.folderArt !== null)) album.artworkTrack = e.id;
    }
    album.discs = discs.size;
  }

  artistIndex(id: string): number | undefined {
    return this.artistById.get(id);
  }

  albumIndex(id: string): number | undefined {
    return this.albumById.get(id);
  }

  genreIndex(id: string): number | undefined {
    return this.genreById.get(id);
  }

  artistInfo(g: number): ArtistInfo {
    const a = this.artists[g]!;
    return { id: a.id, name: a.name, albums: a.albumSet.size, tracks: a.members.length };
  }

  genreInfo(g: number): GenreInfo {
    const a = this.genres[g]!;
    return { id: a.id, name: a.name, albums: a.albumSet.size, tracks: a.members.length };
  }

  albumInfo(g: number): AlbumInfo {
    const a = this.albums[g]!;
    const artistId = a.artist === null ? null : (this.artists[this.artistKeyIndex(a)]?.id ?? null);
    return {
      id: a.id, title: a.name, artist: a.artist, artistId, year: a.year, tracks: a.members.length, discs: a.discs,
      durationMs: a.durationMs, artworkTrack: a.artworkTrack,
    };
  }

  /** The artist group of an album's artist: the album artist of its first track, else that track's artist. */
  private artistKeyIndex(a: Album): number {
    const first = a.members[0]!;
    return this.albumArtistOf[first]! >= 0 ? this.albumArtistOf[first]! : this.artistOf[first]!;
  }

  /** Group indices of `kind` in the order of `sort`, ascending; computed once per sort. */
  order(kind: 'artists' | 'albums' | 'genres', sort: string): Uint32Array {
    const key = `${kind}:${sort}`;
    let order = this.sorted.get(key);
    if (order) return order;
    const groups: readonly (Group | Album)[] = this[kind];
    order = new Uint32Array(groups.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const albums = this.albums;
    // Albums of one title: by artist.
    const artistOf = (g: number) => (kind === 'albums' ? albums[g]!.artistFolded : '');
    const name = (a: number, b: number) =>
      byFolded(groups[a]!, groups[b]!) || (artistOf(a) < artistOf(b) ? -1 : artistOf(a) > artistOf(b) ? 1 : a - b);
    const compare: Record<string, (a: number, b: number) => number> = {
      name,
      title: name,
      tracks: (a, b) => groups[a]!.members.length - groups[b]!.members.length || name(a, b),
      albums: (a, b) => groups[a]!.albumSet.size - groups[b]!.albumSet.size || name(a, b),
      artist: (a, b) => {
        const x = albums[a]!.artistFolded, y = albums[b]!.artistFolded;
        // No artist sorts last.
        return (x === '' ? 1 : 0) - (y === '' ? 1 : 0) || (x < y ? -1 : x > y ? 1 : 0) || (albums[a]!.year ?? 0) - (albums[b]!.year ?? 0) || name(a, b);
      },
      // No year first, as LIST puts no duration first.
      year: (a, b) => (albums[a]!.year ?? -1) - (albums[b]!.year ?? -1) || name(a, b),
      // When its newest track was first seen; `desc` gives "recently added".
      added: (a, b) => albums[a]!.addedAt - albums[b]!.addedAt || name(a, b),
    };
    order.sort(compare[sort] ?? name);
    this.sorted.set(key, order);
    return order;
  }

  /** Whether every word occurs in the group's folded name (and an album's artist). */
  matches(kind: 'artists' | 'albums' | 'genres', g: number, words: readonly string[]): boolean {
    const group = this[kind][g]!;
    const text = kind === 'albums' ? `${group.folded}\n${(group as Album).artistFolded}` : group.folded;
    return words.every((w) => text.includes(w));
  }

  /** Whether entry `i` belongs to artist group `g`. */
  byArtist(i: number, g: number): boolean {
    return this.artistOf[i] === g || this.albumArtistOf[i] === g;
  }
}
