/**
 * BROWSE on a catalog: pages of artists, albums, genres, or the tracks of one of them, sorted and searched here as
 * LIST pages tracks, so a client shows an album grid of a hundred thousand tracks a screen at a time.
 */
import {
  BROWSE_SORTS,
  type BrowseReply,
  type BrowseRequest,
  type ScanStatus,
  type LibrarySortKey,
  type TrackInfo,
} from '../../src-shared/protocol/index.js';
import type { BrowseIndex } from './browse-index.js';
import { DEFAULT_LIMIT, MAX_LIMIT, publicInfo, queryWords, type Catalog } from './catalog.js';

export function browseCatalog(catalog: Catalog, req: BrowseRequest, scan: ScanStatus): BrowseReply {
  const offset = Math.max(0, Math.floor(req.offset ?? 0));
  const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(req.limit ?? DEFAULT_LIMIT)));
  const words = queryWords(req.query);
  const desc = req.order === 'desc';
  const index = catalog.groups;
  const reply: BrowseReply = { kind: req.kind, total: 0, offset, items: [], scan };
  // The groups a request names: -1 for one the library does not hold (then nothing belongs to it).
  const named = (id: string | undefined, find: (id: string) => number | undefined) => (id === undefined ? undefined : (find(id) ?? -1));
  const artist = named(req.artist, (id) => index.artistIndex(id));
  const album = named(req.album, (id) => index.albumIndex(id));
  const genre = named(req.genre, (id) => index.genreIndex(id));
  if (artist !== undefined) reply.artist = artist < 0 ? null : index.artistInfo(artist);
  if (album !== undefined) reply.album = album < 0 ? null : index.albumInfo(album);
  if (genre !== undefined) reply.genre = genre < 0 ? null : index.genreInfo(genre);
  if (artist === -1 || album === -1 || genre === -1) return reply;

  if (req.kind === 'tracks') {
    const page = trackPage(catalog, index, { artist, album, genre }, (req.sort ?? 'album') as LibrarySortKey, words, desc, offset, limit);
    reply.total = page.total;
    reply.items = page.tracks;
    return reply;
  }

  const kind = req.kind;
  const order = index.order(kind, req.sort ?? BROWSE_SORTS[kind][0]);
  const keep = (g: number): boolean => {
    if (words.length > 0 && !index.matches(kind, g, words)) return false;
    if (kind === 'albums') {
      if (artist !== undefined && !index.artists[artist]!.albumSet.has(g)) return false;
      if (genre !== undefined && !index.genres[genre]!.albumSet.has(g)) return false;
    }
    if (kind === 'artists' && genre !== undefined && !artistHasGenre(index, g, genre)) return false;
    return true;
  };
  const info = (g: number) => (kind === 'artists' ? index.artistInfo(g) : kind === 'albums' ? index.albumInfo(g) : index.genreInfo(g));
  const items: ReturnType<typeof info>[] = [];
  const n = order.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const g = order[desc ? n - 1 - i : i]!;
    if (!keep(g)) continue;
    if (total >= offset && total < offset + limit) items.push(info(g));
    total++;
  }
  reply.total = total;
  reply.items = items as BrowseReply['items'];
  return reply;
}

function artistHasGenre(index: BrowseIndex, artist: number, genre: number): boolean {
  for (const i of index.artists[artist]!.members) if (index.genreOf[i] === genre) return true;
  return false;
}

/**
 * The tracks of an album, artist or genre (or of the whole library), in the order of `sort`: the named group's
 * tracks are few next to the library, so they are ranked by their place in the catalog's order rather than
 * walking all of it.
 */
function trackPage(
  catalog: Catalog,
  index: BrowseIndex,
  filter: { artist?: number; album?: number; genre?: number },
  sort: LibrarySortKey,
  words: readonly string[],
  desc: boolean,
  offset: number,
  limit: number,
): { total: number; tracks: TrackInfo[] } {
  const { artist, album, genre } = filter;
  const found = words.length > 0 ? catalog.matchCounts(words) : null;
  const keep = (i: number) =>
    (found === null || found[i] === words.length) &&
    (album === undefined || index.albumOf[i] === album) &&
    (genre === undefined || index.genreOf[i] === genre) &&
    (artist === undefined || index.byArtist(i, artist));
  let members: readonly number[] | Uint32Array;
  if (album !== undefined && sort === 'album') members = index.albums[album]!.members; // disc and track order already
  else if (album !== undefined || artist !== undefined || genre !== undefined) {
    const smallest = [album !== undefined ? index.albums[album]! : null, artist !== undefined ? index.artists[artist]! : null, genre !== undefined ? index.genres[genre]! : null]
      .filter((g) => g !== null)
      .sort((a, b) => a.members.length - b.members.length)[0]!;
    const rank = catalog.rankOf(sort);
    members = smallest.members.filter(keep).sort((a, b) => rank[a]! - rank[b]!);
  } else members = catalog.ordered(sort);
  const tracks: TrackInfo[] = [];
  const n = members.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const i = members[desc ? n - 1 - k : k]!;
    if (!keep(i)) continue;
    if (total >= offset && total < offset + limit) tracks.push(publicInfo(catalog.entries[i]!));
    total++;
  }
  return { total, tracks };
}
