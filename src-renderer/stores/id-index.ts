/**
 * Tracks, albums and artists by id. The user's data names them by id only (a favourite, a playlist entry, a
 * history line), and the server has no lookup by id, so what the app has seen in any list is kept here, and ids
 * it has not seen are found by reading the whole list a page at a time, once, until every one asked for is found.
 * An id the list does not hold stays unknown: the views show it as missing.
 */
import type { AlbumInfo, ArtistInfo, TrackInfo } from '../../src-shared/protocol/messages.js';
import { MAX_LIST_LIMIT } from '../../src-shared/protocol/payloads.js';
import type { DesktopClient } from '../desktop-client.js';

type Page<T> = (offset: number, limit: number) => Promise<{ items: T[]; total: number }>;

export class IdIndex<T extends { id: string }> {
  private readonly known = new Map<string, T>();
  /** Where the next page of the full list starts; null once it has been read to the end. */
  private nextOffset: number | null = 0;
  private reading: Promise<void> | null = null;

  constructor(private readonly page: Page<T>, private readonly pageSize = MAX_LIST_LIMIT) {}

  remember(items: readonly T[]): void {
    for (const item of items) this.known.set(item.id, item);
  }

  get(id: string): T | undefined {
    return this.known.get(id);
  }

  /** Each id's item, or undefined where the server lists none such. */
  async resolve(ids: readonly string[]): Promise<(T | undefined)[]> {
    while (ids.some((id) => !this.known.has(id)) && this.nextOffset !== null) {
      this.reading ??= this.readPage().finally(() => {
        this.reading = null;
      });
      await this.reading;
    }
    return ids.map((id) => this.known.get(id));
  }

  /** Another server, or a rescan: nothing seen before is trusted. */
  clear(): void {
    this.known.clear();
    this.nextOffset = 0;
  }

  private async readPage(): Promise<void> {
    const offset = this.nextOffset ?? 0;
    const reply = await this.page(offset, this.pageSize);
    this.remember(reply.items);
    const next = offset + reply.items.length;
    this.nextOffset = reply.items.length === 0 || next >= reply.total ? null : next;
  }
}

export interface LibraryIndex {
  tracks: IdIndex<TrackInfo>;
  albums: IdIndex<AlbumInfo>;
  artists: IdIndex<ArtistInfo>;
  clear(): void;
}

export function createLibraryIndex(api: DesktopClient): LibraryIndex {
  const index: LibraryIndex = {
    tracks: new IdIndex<TrackInfo>(async (offset, limit) => {
      const r = await api.list({ offset, limit, sort: 'path' });
      return { items: r.tracks, total: r.total };
    }),
    albums: new IdIndex<AlbumInfo>(async (offset, limit) => {
      const r = await api.browse({ kind: 'albums', offset, limit });
      return { items: r.items as AlbumInfo[], total: r.total };
    }),
    artists: new IdIndex<ArtistInfo>(async (offset, limit) => {
      const r = await api.browse({ kind: 'artists', offset, limit });
      return { items: r.items as ArtistInfo[], total: r.total };
    }),
    clear() {
      index.tracks.clear();
      index.albums.clear();
      index.artists.clear();
    },
  };
  return index;
}
