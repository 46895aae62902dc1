import type { BrowseReply, BrowseRequest, ListReply, ListRequest, ScanStatus, TrackInfo } from '../../src-shared/protocol/index.js';
import type { TrackPlays } from '../storage/listening.js';

/** A track as the server holds it: what clients see, plus where it lies on disk. */
export interface TrackRecord extends TrackInfo {
  /** Absolute, real path inside the library root. Never sent to clients. */
  absPath: string;
}

export interface Artwork {
  mime: string;
  image: Uint8Array;
}

/** A value now, or later: the library answers at once in its own process, and through IPC in a cluster worker. */
export type Awaitable<T> = T | Promise<T>;

/** What sessions need from the music library; the implementation owns scanning, the index and search. */
export interface Library {
  /** The real path of the library folder; nothing outside it is ever served. */
  readonly root: string;
  /** A page of tracks; `plays` are the session's account's played tracks, which the sorts `plays` and `played` rank. */
  list(req: ListRequest, plays?: readonly TrackPlays[]): Awaitable<ListReply>;
  /** Artists, albums, genres, or the tracks of one of them (BROWSE). */
  browse(req: BrowseRequest): Awaitable<BrowseReply>;
  get(id: string): Awaitable<TrackRecord | undefined>;
  artwork(id: string): Promise<Artwork | null>;
  scanStatus(): Awaitable<ScanStatus>;
  close(): Promise<void>;
}
