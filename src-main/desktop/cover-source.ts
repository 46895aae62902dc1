/**
 * Covers for the renderer: one per album (or per track when the album is not known), from the disk cache when it
 * has it, else from the server one at a time behind list pages (ArtworkScheduler), and only of the raster types a
 * page decodes without running anything; an SVG or an unknown type is shown as the placeholder.
 */
import type { AtpClient } from '../atp-client/client.js';
import { isShownArtworkType, type Artwork } from '../../src-shared/ipc/contract.js';
import { ArtworkCache, ArtworkScheduler } from './artwork-cache.js';

export class CoverSource {
  private readonly cache: ArtworkCache;
  private readonly queue = new ArtworkScheduler();

  constructor(dir: string | null, maxBytes?: number) {
    this.cache = new ArtworkCache(dir, maxBytes);
  }

  /** A list page, which covers wait behind. */
  page<T>(load: () => Promise<T>): Promise<T> {
    return this.queue.list(load);
  }

  /** `server` names the server the covers come from, so two servers' albums of one name keep their own covers. */
  async cover(client: AtpClient, server: string, req: { track: string; album?: string }): Promise<Artwork | null> {
    const key = `${server}\u0001${req.album !== undefined ? `album\u0001${req.album}` : `track\u0001${req.track}`}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    return this.queue.fetch(key, async () => {
      let art: Artwork | null = null;
      try {
        const got = await client.artwork(req.track);
        if (isShownArtworkType(got.mime)) art = { mime: got.mime.trim().toLowerCase(), bytes: new Uint8Array(got.image) };
      } catch (err) {
        if ((err as { code?: string }).code !== 'no-artwork') throw err;
      }
      // A missing cover is not kept: one added to the folder later shows up.
      if (art) this.cache.put(key, art);
      return art;
    });
  }
}
