/**
 * The tracks in memory, and LIST on them: pages, sorts and case- and accent-insensitive search done here, so a
 * client never loads the whole library to show one screen.
 *
 * Memory is the constraint at 100,000 tracks, so a catalog holds one small object per track (no absolute path: it
 * is the root joined with the relative path; strings that repeat, like artist, album, genre and codec, shared), the
 * folded search text of every track in one string, and each sort order, once asked for, as a Uint32Array of entry
 * indices. Nothing is cached per track beyond that.
 */
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  LIBRARY_SORT_KEYS,
  type HistorySortKey,
  type LibrarySortKey,
  type ListReply,
  type ListRequest,
  type ScanStatus,
  type TrackInfo,
} from '../../src-shared/protocol/index.js';
import type { TrackPlays } from '../storage/listening.js';
import { BrowseIndex } from './browse-index.js';
import type { TrackFields } from './tags.js';

/** One track as the index file and the catalog hold it. */
export interface LibraryEntry extends TrackFields {
  id: string;
  /** Relative path with '/' separators. */
  path: string;
  size: number;
  mtimeMs: number;
  /** When the track was first seen (ms since the epoch): the 'added' sort. */
  addedAt: number;
  /** Real path of the folder's cover image, if any. */
  folderArt: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Stable id of a track: derived from its path inside the library, so it survives restarts and rescans. */
export function trackIdFor(relPath: string): string {
  return createHash('sha256').update(relPath).digest('base64url').slice(0, 16);
}

const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}/gu;

/** Case- and accent-insensitive form: "Ärtist Ünïcode" and "artist unicode" match. */
export function fold(s: string): string {
  // Most tags are ASCII, for which NFKD changes nothing and no mark can occur.
  return ASCII.test(s) ? s.toLowerCase() : s.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/**
 * Shares equal strings among entries: a library repeats each artist, album, genre and folder image across many
 * tracks, and strings read from tags or from the index file are otherwise separate copies. Used while a catalog's
 * entries are built, then dropped.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  intern<T extends string | null | undefined>(s: T): T {
    if (typeof s !== 'string') return s;
    const known = this.strings.get(s);
    if (known !== undefined) return known as T;
    this.strings.set(s, s);
    return s;
  }
}

/**
 * A track's fields in a fresh object of one fixed shape, with repeated strings shared through `pool`; whatever else
 * `e` carries (an older index file's absPath, for one) is left behind.
 */
export function compactEntry(e: LibraryEntry, pool: StringPool): LibraryEntry {
  // Every entry has every key (reason and warning may be undefined), so all share one hidden class and stay compact.
  return {
    id: e.id,
    path: e.path,
    title: e.title,
    artist: pool.intern(e.artist),
    album: pool.intern(e.album),
    albumArtist: pool.intern(e.albumArtist),
    trackNo: e.trackNo,
    discNo: e.discNo,
    year: e.year,
    genre: pool.intern(e.genre),
    durationMs: e.durationMs,
    codec: pool.intern(e.codec),
    sampleRate: e.sampleRate,
    channels: e.channels,
    bitsPerSample: e.bitsPerSample,
    playable: e.playable,
    reason: pool.intern(e.reason),
    warning: e.warning,
    embeddedArt: e.embeddedArt,
    size: e.size,
    mtimeMs: e.mtimeMs,
    addedAt: e.addedAt,
    folderArt: pool.intern(e.folderArt),
  };
}

/** Folds with a cache, for values that repeat across tracks (artist, album). */
function foldCached(s: string | null, cache: Map<string, string>): string {
  if (s === null) return '';
  let f = cache.get(s);
  if (f === undefined) {
    f = fold(s);
    cache.set(s, f);
  }
  return f;
}

/**
 * The folded folders and file name (without its extension) of a track, so that words of its name find it whatever
 * its tags say. The name is left out when it is the title already (an untagged file's title is its name).
 */
function pathWords(path: string, foldedTitle: string, cache: Map<string, string>): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const name = fold(path.slice(slash + 1, dot > slash + 1 ? dot : path.length));
  const folders = slash < 0 ? '' : foldCached(path.slice(0, slash), cache);
  return name === foldedTitle ? folders : `${folders}/${name}`;
}

/** Sorts unique values by their folded form and gives each track its value's rank; null ranks first or last. */
function ranks(values: readonly (string | null)[], nullLast: boolean): Int32Array {
  const folded = new Map<string, string>();
  for (const v of values) if (v !== null && !folded.has(v)) folded.set(v, fold(v));
  const unique = [...new Set(folded.values())].sort();
  const rankOf = new Map<string, number>();
  unique.forEach((u, i) => rankOf.set(u, i));
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v === null ? (nullLast ? unique.length : -1) : rankOf.get(folded.get(v)!)!;
  }
  return out;
}

function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Separates tracks in the search text; fields within a track are separated by '\n'. Neither occurs in a query word. */
const TRACK_SEP = '\0';

export class Catalog {
  private readonly byId = new Map<string, number>();
  /**
   * The folded title, artist, album, album artist, folders and file name of every track, in entry order: one string
   * that a search scans with indexOf, jumping from match to match, instead of testing 100,000 small strings one by one.
   */
  private readonly text: string;
  /** Where each entry's part of `text` begins; starts[n] is text.length. */
  private readonly starts: Int32Array;
  private readonly orders = new Map<LibrarySortKey, Uint32Array>();
  private browseIndex: BrowseIndex | null = null;
  private readonly ranks = new Map<LibrarySortKey, Uint32Array>();

  constructor(readonly entries: readonly LibraryEntry[]) {
    const cache = new Map<string, string>();
    const parts = new Array<string>(entries.length + 1);
    this.starts = new Int32Array(entries.length + 1);
    let at = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      this.byId.set(e.id, i);
      const title = fold(e.title);
      const part = `${title}\n${foldCached(e.artist, cache)}\n${foldCached(e.album, cache)}\n${foldCached(e.albumArtist, cache)}\n${pathWords(e.path, title, cache)}`;
      parts[i] = part;
      this.starts[i] = at;
      at += part.length + TRACK_SEP.length;
    }
    this.starts[entries.length] = at;
    // join() makes one flat string (the last, empty part gives the final separator); adding to it would not.
    parts[entries.length] = '';
    this.text = parts.join(TRACK_SEP);
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): LibraryEntry | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.entries[i];
  }

  /**
   * Computes the sort orders no LIST has asked for yet, then the artists, albums and genres, one per turn of the event loop (each takes some tens of
   * milliseconds at 100,000 tracks), so that a first LIST by any sort finds its order ready.
   */
  async prepareSorts(): Promise<void> {
    for (const key of LIBRARY_SORT_KEYS) {
      await nextTurn();
      this.ordered(key);
    }
    // And the groups BROWSE pages, which come after the orders: a LIST is what a client asks for first.
    await nextTurn();
    void this.groups;
  }

  /** Artists, albums and genres: grouped at the first BROWSE, kept as long as this catalog. */
  get groups(): BrowseIndex {
    return (this.browseIndex ??= new BrowseIndex(this.entries));
  }

  /** Entry indices in the order of `key`, ascending, ties broken by path; computed once, at first need. */
  ordered(key: LibrarySortKey): Uint32Array {
    let order = this.orders.get(key);
    if (!order) {
      order = this.sortBy(key);
      this.orders.set(key, order);
    }
    return order;
  }

  /** Each entry's place in the order of `key`: how a group's few tracks are put in that order without a full walk. */
  rankOf(key: LibrarySortKey): Uint32Array {
    let rank = this.ranks.get(key);
    if (!rank) {
      const order = this.ordered(key);
      rank = new Uint32Array(order.length);
      for (let i = 0; i < order.length; i++) rank[order[i]!] = i;
      this.ranks.set(key, rank);
    }
    return rank;
  }

  private sortBy(key: LibrarySortKey): Uint32Array {
    const es = this.entries;
    const order = identity(es.length);
    const byPath = (a: number, b: number) => (es[a]!.path < es[b]!.path ? -1 : es[a]!.path > es[b]!.path ? 1 : 0);
    switch (key) {
      case 'title': {
        // Folded again rather than cut from the haystack: V8 compares sliced strings several times slower.
        const titles = es.map((e) => fold(e.title));
        return order.sort((a, b) => (titles[a]! < titles[b]! ? -1 : titles[a]! > titles[b]! ? 1 : byPath(a, b)));
      }
      case 'artist':
      case 'album': {
        // Artists and albums repeat: their folded forms are sorted once as unique values, tracks then compare ranks.
        // No artist sorts last; no album sorts last by album, first within an artist.
        const album = ranks(es.map((e) => e.album), key === 'album');
        const artist = key === 'artist' ? ranks(es.map((e) => e.artist), true) : null;
        return order.sort(
          (a, b) =>
            (artist ? artist[a]! - artist[b]! : 0) ||
            album[a]! - album[b]! ||
            (es[a]!.discNo ?? 0) - (es[b]!.discNo ?? 0) ||
            (es[a]!.trackNo ?? 0) - (es[b]!.trackNo ?? 0) ||
            byPath(a, b),
        );
      }
      case 'duration':
        return order.sort((a, b) => (es[a]!.durationMs ?? -1) - (es[b]!.durationMs ?? -1) || byPath(a, b));
      case 'added':
        return order.sort((a, b) => es[a]!.addedAt - es[b]!.addedAt || byPath(a, b));
      default:
        return order.sort(byPath);
    }
  }

  /**
   * The tracks an account played (`plays`), those the library holds, in the order of a history sort: `plays` by
   * number of plays, then last play, then path; `played` by last play, then path. Made per request: a user's plays
   * are few next to the library, and change with every play.
   */
  playedOrder(key: HistorySortKey, plays: readonly TrackPlays[]): Uint32Array {
    const es = this.entries;
    const known: { i: number; plays: number; last: number }[] = [];
    for (const p of plays) {
      const i = this.byId.get(p.track);
      if (i !== undefined) known.push({ i, plays: p.plays, last: p.lastPlayedAt });
    }
    known.sort(
      (a, b) =>
        (key === 'plays' ? a.plays - b.plays : 0) || a.last - b.last || (es[a.i]!.path < es[b.i]!.path ? -1 : es[a.i]!.path > es[b.i]!.path ? 1 : 0),
    );
    return Uint32Array.from(known, (k) => k.i);
  }

  /** A page of LIST; the history sorts rank `plays` (none: nothing played, an empty list). */
  list(req: ListRequest, scan: ScanStatus, plays: readonly TrackPlays[] = []): ListReply {
    const offset = Math.max(0, Math.floor(req.offset ?? 0));
    const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(req.limit ?? DEFAULT_LIMIT)));
    const words = queryWords(req.query);
    const desc = req.order === 'desc';
    const sort = req.sort ?? 'path';
    const order = sort === 'plays' || sort === 'played' ? this.playedOrder(sort, plays) : this.ordered(sort);
    const n = order.length;
    const tracks: TrackInfo[] = [];
    let total = 0;
    if (words.length === 0) {
      total = n;
      for (let i = offset; i < Math.min(total, offset + limit); i++) tracks.push(publicInfo(this.entries[order[desc ? n - 1 - i : i]!]!));
    } else {
      // Count, per track, the words found in its text; then one pass in sort order keeps the tracks that have all.
      const found = this.matchCounts(words);
      const nw = words.length;
      for (let i = 0; i < n; i++) {
        const e = order[desc ? n - 1 - i : i]!;
        if (found[e] !== nw) continue;
        if (total >= offset && total < offset + limit) tracks.push(publicInfo(this.entries[e]!));
        total++;
      }
    }
    return { total, offset, tracks, scan };
  }

  /** For each entry, how many of `words` (at most 255) its search text contains. */
  matchCounts(words: readonly string[]): Uint8Array {
    const { text, starts } = this;
    const counts = new Uint8Array(this.entries.length);
    for (const word of words) {
      let e = 0;
      for (let at = text.indexOf(word); at >= 0; ) {
        while (starts[e + 1]! <= at) e++;
        counts[e]!++;
        // Once per track: go on from the next track's text.
        at = text.indexOf(word, starts[e + 1]!);
      }
    }
    return counts;
  }
}

/** A query's folded words, at most 255 (counts are bytes); a word cannot span tracks, since the separator is dropped. */
export function queryWords(query: string | undefined): string[] {
  return fold(query ?? '').replaceAll(TRACK_SEP, '').split(/\s+/).filter(Boolean).slice(0, 255);
}

/** What clients see of a track: no server paths, no index bookkeeping. */
export function publicInfo(e: LibraryEntry): TrackInfo {
  const info: TrackInfo = {
    id: e.id,
    path: e.path,
    title: e.title,
    artist: e.artist,
    album: e.album,
    albumArtist: e.albumArtist,
    trackNo: e.trackNo,
    discNo: e.discNo,
    year: e.year,
    genre: e.genre,
    durationMs: e.durationMs,
    codec: e.codec,
    sampleRate: e.sampleRate,
    channels: e.channels,
    bitsPerSample: e.bitsPerSample,
    playable: e.playable,
    artwork: e.embeddedArt || e.folderArt !== null,
  };
  if (e.reason !== undefined) info.reason = e.reason;
  if (e.warning !== undefined) info.warning = e.warning;
  return info;
}
