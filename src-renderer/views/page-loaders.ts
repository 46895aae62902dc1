/**
 * What the album, artist, genre and search pages show, each asked of the server in a few BROWSE requests; and how
 * a track's album or artist (known by name) is found, for the links of the now-playing view.
 */
import type { AlbumInfo, ArtistInfo, GenreInfo, TrackInfo } from '../../src-shared/protocol/messages.js';
import { MAX_LIST_LIMIT } from '../../src-shared/protocol/payloads.js';
import type { DesktopClient } from '../desktop-client.js';

export interface AlbumPage {
  album: AlbumInfo | null;
  tracks: TrackInfo[];
}

export interface ArtistPage {
  artist: ArtistInfo | null;
  albums: AlbumInfo[];
  /** The artist's tracks by album, the first page of them; `trackTotal` says how many there are. */
  tracks: TrackInfo[];
  trackTotal: number;
}

export interface GenrePage {
  genre: GenreInfo | null;
  albums: AlbumInfo[];
  albumTotal: number;
}

export interface SearchResults {
  artists: ArtistInfo[];
  albums: AlbumInfo[];
  tracks: TrackInfo[];
  totals: { artists: number; albums: number; tracks: number };
}

/** Results of each group a search shows at first. */
export const SEARCH_GROUP_SIZE = { artists: 12, albums: 24, tracks: 50 } as const;

/** Every track of the album, in disc and track order: an album of more than 500 tracks is asked for page by page. */
export async function loadAlbumPage(api: DesktopClient, id: string): Promise<AlbumPage> {
  const first = await api.browse({ kind: 'tracks', album: id, limit: MAX_LIST_LIMIT });
  const tracks = first.items as TrackInfo[];
  while (tracks.length < first.total) {
    const next = await api.browse({ kind: 'tracks', album: id, offset: tracks.length, limit: MAX_LIST_LIMIT });
    if (next.items.length === 0) break;
    tracks.push(...(next.items as TrackInfo[]));
  }
  return { album: first.album ?? null, tracks };
}

export async function loadArtistPage(api: DesktopClient, id: string): Promise<ArtistPage> {
  const [albums, tracks] = await Promise.all([
    api.browse({ kind: 'albums', artist: id, sort: 'year', limit: MAX_LIST_LIMIT }),
    api.browse({ kind: 'tracks', artist: id, limit: MAX_LIST_LIMIT }),
  ]);
  return { artist: albums.artist ?? null, albums: albums.items as AlbumInfo[], tracks: tracks.items as TrackInfo[], trackTotal: tracks.total };
}

export async function loadGenrePage(api: DesktopClient, id: string): Promise<GenrePage> {
  const albums = await api.browse({ kind: 'albums', genre: id, limit: MAX_LIST_LIMIT });
  return { genre: albums.genre ?? null, albums: albums.items as AlbumInfo[], albumTotal: albums.total };
}

export async function searchAll(api: DesktopClient, query: string): Promise<SearchResults> {
  const [artists, albums, tracks] = await Promise.all([
    api.browse({ kind: 'artists', query, limit: SEARCH_GROUP_SIZE.artists }),
    api.browse({ kind: 'albums', query, limit: SEARCH_GROUP_SIZE.albums }),
    api.browse({ kind: 'tracks', query, sort: 'title', limit: SEARCH_GROUP_SIZE.tracks }),
  ]);
  return {
    artists: artists.items as ArtistInfo[],
    albums: albums.items as AlbumInfo[],
    tracks: tracks.items as TrackInfo[],
    totals: { artists: artists.total, albums: albums.total, tracks: tracks.total },
  };
}

const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').normalize('NFKD').toLowerCase() === (b ?? '').normalize('NFKD').toLowerCase();

/** The album a track is on, found by its title and artist; null when the server lists none such. */
export async function findAlbumOf(api: DesktopClient, track: TrackInfo): Promise<AlbumInfo | null> {
  if (!track.album) return null;
  const reply = await api.browse({ kind: 'albums', query: track.album, limit: MAX_LIST_LIMIT });
  const artist = track.albumArtist ?? track.artist;
  const albums = reply.items as AlbumInfo[];
  return albums.find((a) => same(a.title, track.album) && same(a.artist, artist)) ?? albums.find((a) => same(a.title, track.album)) ?? null;
}

/** The artist of that name; null when the server lists none. */
export async function findArtist(api: DesktopClient, name: string): Promise<ArtistInfo | null> {
  const reply = await api.browse({ kind: 'artists', query: name, limit: MAX_LIST_LIMIT });
  return (reply.items as ArtistInfo[]).find((a) => same(a.name, name)) ?? null;
}

/** Stand-in track for CoverArt: an album's cover is its artwork track's, kept under the album's key. */
export function albumCoverTrack(album: AlbumInfo): TrackInfo | null {
  if (album.artworkTrack === null) return { id: `album:${album.id}`, title: album.title, album: album.title, artist: album.artist, albumArtist: album.artist, artwork: false } as TrackInfo;
  return { id: album.artworkTrack, title: album.title, album: album.title, artist: album.artist, albumArtist: album.artist, artwork: true } as TrackInfo;
}
