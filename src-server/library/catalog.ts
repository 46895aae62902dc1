/**
 * The tracks in memory, and LIST on them: pages, sorts and case- and accent-insensitive search done here, so a
 * client never loads the whole library to show one screen. Each sort order is computed once (on folded keys, plain
 * string comparison: 100,000 tracks sort in about a tenth of a second) and kept until the tracks change.
 */
import { createHash } from 'node:crypto';
import type { ListReply, ListRequest, ScanStatus, SortKey, TrackInfo } from '../../src-shared/protocol/index.js';
import type { TrackRecord } from './library.js';
import type { TrackFields } from './tags.js';

/** One track as the index file and the catalog hold it. */
export interface LibraryEntry extends TrackFields {
  id: string;
  /** Relative path with '/' separators. */
  path: string;
  absPath: string;
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

/** Case- and accent-insensitive form: "Ärtist Ünïcode" and "artist unicode" match. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function pad(n: number | null): string {
  return String(n ?? 0).padStart(6, '0');
}

/** The key each sort compares, with the natural tie-breakers (album order within an artist, track within an album). */
function sortKey(key: SortKey, t: LibraryEntry): string | number {
  switch (key) {
    case 'title':
      return `${fold(t.title)}\0${t.path}`;
    case 'artist':
      return `${fold(t.artist ?? '\u{10ffff}')}\0${fold(t.album ?? '')}\0${pad(t.discNo)}${pad(t.trackNo)}\0${t.path}`;
    case 'album':
      return `${fold(t.album ?? '\u{10ffff}')}\0${pad(t.discNo)}${pad(t.trackNo)}\0${t.path}`;
    case 'duration':
      return t.durationMs ?? -1;
    case 'added':
      return t.addedAt;
    default:
      return t.path;
  }
}

export class Catalog {
  private readonly byId: Map<string, LibraryEntry>;
  private readonly orders = new Map<SortKey, LibraryEntry[]>();
  private readonly haystack = new Map<string, string>();

  constructor(readonly entries: readonly LibraryEntry[]) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): LibraryEntry | undefined {
    return this.byId.get(id);
  }

  private ordered(key: SortKey): LibraryEntry[] {
    let order = this.orders.get(key);
    if (!order) {
      const keyed = this.entries.map((e) => ({ k: sortKey(key, e), e }));
      keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.e.path < b.e.path ? -1 : a.e.path > b.e.path ? 1 : 0));
      order = keyed.map((x) => x.e);
      this.orders.set(key, order);
    }
    return order;
  }

  private searchText(e: LibraryEntry): string {
    let h = this.haystack.get(e.id);
    if (h === undefined) {
      h = fold(`${e.title}\n${e.artist ?? ''}\n${e.album ?? ''}\n${e.albumArtist ?? ''}`);
      this.haystack.set(e.id, h);
    }
    return h;
  }

  list(req: ListRequest, scan: ScanStatus): ListReply {
    const offset = Math.max(0, Math.floor(req.offset ?? 0));
    const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(req.limit ?? DEFAULT_LIMIT)));
    const words = fold(req.query ?? '').split(/\s+/).filter(Boolean);
    const desc = req.order === 'desc';
    const rows = this.ordered(req.sort ?? 'path');
    const tracks: TrackInfo[] = [];
    let total = 0;
    if (words.length === 0) {
      total = rows.length;
      for (let i = offset; i < Math.min(total, offset + limit); i++) tracks.push(publicInfo(rows[desc ? total - 1 - i : i]!));
    } else {
      // One pass in sort order: count every match, keep only those on the requested page.
      const n = rows.length;
      for (let i = 0; i < n; i++) {
        const e = rows[desc ? n - 1 - i : i]!;
        const hay = this.searchText(e);
        if (!words.every((w) => hay.includes(w))) continue;
        if (total >= offset && total < offset + limit) tracks.push(publicInfo(e));
        total++;
      }
    }
    return { total, offset, tracks, scan };
  }
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
  return info;
}

export function toRecord(e: LibraryEntry): TrackRecord {
  return { ...publicInfo(e), absPath: e.absPath };
}
