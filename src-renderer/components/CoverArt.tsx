import { useEffect, useState } from 'react';
import { isShownArtworkType, type Artwork } from '../../src-shared/ipc/contract.js';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { useApp } from './app-context.js';

/** Object URLs of covers already fetched, by track id; a cover is fetched once per session. */
const cache = new Map<string, Promise<string | null>>();

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
    let pending = cache.get(track.id);
    if (!pending) {
      pending = api.artwork({ track: track.id }).then((art) => coverUrl(art), () => null);
      cache.set(track.id, pending);
    }
    void pending.then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [api, track?.id, track?.artwork]);
  const style = { width: size, height: size };
  if (url && url !== broken) return <img className="cover" src={url} alt="" style={style} onError={() => setBroken(url)} />;
  return (
    <div className="cover cover-blank" style={style} aria-hidden="true">
      {(track?.album ?? track?.title ?? '').replace(/^[\d\s.-]+/, '').slice(0, 1)}
    </div>
  );
}
