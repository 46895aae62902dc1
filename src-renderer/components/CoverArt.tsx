import { useEffect, useState } from 'react';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { useApp } from './app-context.js';

/** Object URLs of covers already fetched, by track id; a cover is fetched once per session. */
const cache = new Map<string, Promise<string | null>>();

/** The track's cover, or a plain tile with its initial when it has none. */
export function CoverArt({ track, size }: { track: TrackInfo | null; size: number }) {
  const { api } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (!track?.artwork) return;
    let live = true;
    let pending = cache.get(track.id);
    if (!pending) {
      pending = api.artwork({ track: track.id }).then(
        (art) => (art ? URL.createObjectURL(new Blob([art.bytes as Uint8Array<ArrayBuffer>], { type: art.mime })) : null),
        () => null,
      );
      cache.set(track.id, pending);
    }
    void pending.then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [api, track?.id, track?.artwork]);
  const style = { width: size, height: size };
  if (url) return <img className="cover" src={url} alt="" style={style} />;
  return (
    <div className="cover cover-blank" style={style} aria-hidden="true">
      {(track?.album ?? track?.title ?? '').replace(/^[\d\s.-]+/, '').slice(0, 1)}
    </div>
  );
}
