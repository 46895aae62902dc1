import { useEffect, useState } from 'react';
import { isShownArtworkType, type Artwork } from '../../src-shared/ipc/contract.js';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { useApp } from './app-context.js';

/** Object URLs of covers already fetched, by album (or by track for one without an album): once per session. */
const cache = new Map<string, Promise<string | null>>();

/** The tracks of one album share one cover: the key it is fetched and kept under. */
export function coverKey(track: TrackInfo): string {
  return track.album ? `album\u0001${track.albumArtist ?? track.artist ?? ''}\u0001${track.album}` : `track\u0001${track.id}`;
}

/**
 * The URL to show a cover from, or null for the placeholder tile: no cover, or one of a type the app does not show
 * (the main process already answers null for those; checked again here, where the image is decoded).
 */
export function coverUrl(art: Artwork | null, makeUrl: (blob: Blob) => string = (b) => URL.createObjectURL(b)): string | null {
  if (!art || !isShownArtworkType(art.mime)) return null;
  return makeUrl(new Blob([art.bytes as Uint8Array<ArrayBuffer>], { type: art.mime }));
}

/** The track's cover, or a plain tile with its initial when it has none or its image cannot be decoded. */
export function CoverArt({ track, size }: { track: TrackInfo | null; size: number }) {
  const { api } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  // An image that fails to decode shows the tile, never the browser's broken-image icon.
  const [broken, setBroken] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (!track?.artwork) return;
    let live = true;
    const key = coverKey(track);
    let pending = cache.get(key);
    if (!pending) {
      pending = api.artwork(track.album ? { track: track.id, album: key } : { track: track.id }).then((art) => coverUrl(art), () => {
        // Not kept: a cover that failed (disconnected, say) is asked for again next time it is shown.
        cache.delete(key);
        return null;
      });
      cache.set(key, pending);
    }
    void pending.then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [api, track?.id, track?.artwork, track?.album, track?.albumArtist, track?.artist]);
  const style = { width: size, height: size };
  if (url && url !== broken) return <img className="cover" src={url} alt="" style={style} width={size} height={size} onError={() => setBroken(url)} />;
  return (
    <div className="cover cover-blank" style={style} aria-hidden="true">
      {(track?.album ?? track?.title ?? '').replace(/^[\d\s.-]+/, '').slice(0, 1)}
    </div>
  );
}
