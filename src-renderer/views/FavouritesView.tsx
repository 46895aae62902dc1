/** Favourites: the user's tracks, albums and artists, newest first, each group as the library shows it. */
import { useStore } from 'zustand';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { t, tn } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import { AlbumCards, Status } from './GroupPages.js';
import { TrackTable } from './TrackTable.js';
import { useLoad } from './use-load.js';
import { FavouriteButton } from './UserDataParts.js';

/** Stands for an id the library no longer lists: shown, never played. */
export function missingTrack(id: string): TrackInfo {
  return {
    id, path: '', title: t('missingTrack'), artist: null, album: null, albumArtist: null, trackNo: null, discNo: null, year: null, genre: null,
    durationMs: null, codec: '', sampleRate: 0, channels: 0, bitsPerSample: null, playable: false, artwork: false,
  } as unknown as TrackInfo;
}

export function FavouritesView() {
  const { userData, index, views } = useApp();
  const favourites = useStore(userData, (s) => s.favourites);
  const loadedOnce = useStore(userData, (s) => s.favouritesLoaded);
  const ids = (kind: string) => favourites.filter((f) => f.kind === kind).map((f) => f.id);
  const [trackIds, albumIds, artistIds] = [ids('track'), ids('album'), ids('artist')];
  const key = `fav:${trackIds.join(',')}|${albumIds.join(',')}|${artistIds.join(',')}`;
  const [loaded, retry] = useLoad(key, async () => {
    const [tracks, albums, artists] = await Promise.all([index.tracks.resolve(trackIds), index.albums.resolve(albumIds), index.artists.resolve(artistIds)]);
    return {
      tracks: tracks.map((x, i) => x ?? missingTrack(trackIds[i]!)),
      albums: albums.filter((x) => x !== undefined),
      artists: artists.filter((x) => x !== undefined),
    };
  });
  const got = loaded.state === 'done' ? loaded.value : null;
  return (
    <section className="library browse-view page" aria-label={t('view.favourites')} data-testid="favourites-view">
      <header className="page-head">
        <div className="page-head-text">
          <h2 className="page-title">{t('view.favourites')}</h2>
          <p className="page-facts">{tn('tracks', trackIds.length)} · {tn('albums', albumIds.length)} · {tn('artists', artistIds.length)}</p>
        </div>
      </header>
      <Status loaded={loaded} retry={retry} />
      {loadedOnce && favourites.length === 0 && <p className="empty" data-testid="no-favourites">{t('noFavourites')}</p>}
      <div className="page-body">
        {got && got.tracks.length > 0 && (
          <>
            <h3 className="section-title">{t('view.tracks')}</h3>
            <TrackTable tracks={got.tracks} label={t('view.tracks')} testId="favourite-tracks" />
          </>
        )}
        {got && got.albums.length > 0 && (
          <>
            <h3 className="section-title">{t('view.albums')}</h3>
            <AlbumCards albums={got.albums} label={t('view.albums')} />
          </>
        )}
        {got && got.artists.length > 0 && (
          <>
            <h3 className="section-title">{t('view.artists')}</h3>
            <ul className="artist-chips" aria-label={t('view.artists')} data-testid="favourite-artists">
              {got.artists.map((a) => (
                <li key={a.id}>
                  <button type="button" className="link" title={a.name} onClick={() => views.getState().open({ kind: 'artist', id: a.id, name: a.name })}>{a.name}</button>
                  <FavouriteButton kind="artist" id={a.id} />
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
