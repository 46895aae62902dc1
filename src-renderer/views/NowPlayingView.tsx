import { useStore } from 'zustand';
import { t } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import { CoverArt } from '../components/CoverArt.js';
import { findAlbumOf, findArtist } from './page-loaders.js';
import { signalPath, signalPathText } from './signal-path.js';
import { StreamQualitySelect } from './StreamQualitySelect.js';

/**
 * The large now-playing view: the cover as large as the area allows, the title, artist and album as links to their
 * pages, and the signal path. The transport part of the path is the stream's unless `transport` names another.
 */
export function NowPlayingView({ transport }: { transport?: string }) {
  const { player, views, api, engine } = useApp();
  const track = useStore(player, (s) => s.queue[s.index] ?? null);
  const stream = useStore(player, (s) => s.stream);
  const close = () => views.getState().setNowPlayingOpen(false);
  const openAlbum = async () => {
    if (!track) return;
    const album = await findAlbumOf(api, track).catch(() => null);
    if (album) views.getState().open({ kind: 'album', id: album.id, name: album.title });
  };
  const openArtist = async (name: string | null) => {
    if (!name) return;
    const artist = await findArtist(api, name).catch(() => null);
    if (artist) views.getState().open({ kind: 'artist', id: artist.id, name: artist.name });
  };
  const path = track ? signalPath(track, stream, engine.sampleRate, transport) : null;
  return (
    <section className="library now-playing-view" aria-label={t('nowPlaying')} data-testid="now-playing-view">
      <div className="npv-toolbar">
        <button type="button" data-testid="close-now-playing" onClick={close}>{t('closeNowPlaying')}</button>
        <StreamQualitySelect />
      </div>
      <div className="npv-body">
        <div className="npv-cover"><CoverArt track={track} size={320} /></div>
        <div className="npv-text">
          {track ? (
            <>
              <button type="button" className="link npv-title" title={track.title} data-testid="npv-title" onClick={() => void openAlbum()}>{track.title}</button>
              {track.artist && <button type="button" className="link npv-artist" title={track.artist} data-testid="npv-artist" onClick={() => void openArtist(track.artist)}>{track.artist}</button>}
              {track.album && <button type="button" className="link npv-album" title={track.album} data-testid="npv-album" onClick={() => void openAlbum()}>{track.album}</button>}
              {path && (
                <p className="signal-path" data-testid="signal-path" title={t('signalPath')}>
                  <span className="visually-hidden">{t('signalPath')}: </span>{signalPathText(path)}
                </p>
              )}
            </>
          ) : (
            <p className="npv-title">{t('nothingPlaying')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
