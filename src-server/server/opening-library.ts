import type { BrowseReply, BrowseRequest, ListReply, ListRequest, ScanStatus } from '../../src-shared/protocol/index.js';
import type { Artwork, Awaitable, Library, TrackRecord } from '../library/library.js';
import type { TrackPlays } from '../storage/listening.js';

/**
 * The library as the server serves it from the moment it listens. The server binds its port before the first scan
 * (so a port in use is reported at once, not after minutes of scanning); until the music library is open, clients
 * that log in see an empty library whose scan is in progress, as PROTOCOL.md describes, and every request after
 * that goes to the library itself.
 */
export class OpeningLibrary implements Library {
  private library: Library | null = null;
  private closed = false;

  constructor(readonly root: string) {}

  /** The opened library: from now on every request goes to it. */
  opened(library: Library): void {
    this.library = library;
    if (this.closed) void library.close();
  }

  list(req: ListRequest, plays?: readonly TrackPlays[]): Awaitable<ListReply> {
    if (this.library) return this.library.list(req, plays);
    return { total: 0, offset: req.offset ?? 0, tracks: [], scan: { state: 'scanning', scanned: 0, total: 0 } };
  }

  browse(req: BrowseRequest): Awaitable<BrowseReply> {
    if (this.library) return this.library.browse(req);
    return { kind: req.kind, total: 0, offset: req.offset ?? 0, items: [], scan: { state: 'scanning', scanned: 0, total: 0 } };
  }

  get(id: string): Awaitable<TrackRecord | undefined> {
    return this.library?.get(id);
  }

  artwork(id: string): Promise<Artwork | null> {
    return this.library ? this.library.artwork(id) : Promise.resolve(null);
  }

  scanStatus(): Awaitable<ScanStatus> {
    // Before the first scan has counted anything, nothing is known: 0 of 0.
    return this.library ? this.library.scanStatus() : { state: 'scanning', scanned: 0, total: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.library?.close();
  }
}
