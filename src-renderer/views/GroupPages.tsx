/** The album, artist and genre pages: each loads what it shows in a few BROWSE requests. */
import type { AlbumInfo, TrackInfo } from '../../src-shared/protocol/messages.js';
import { t, tn } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { useApp } from '../components/app-context.js';
import { CoverArt } from '../components/CoverArt.js';
import { AlbumCard } from './AlbumCard.js';
import { ErrorLine } from './ErrorLine.js';
import { albumCoverTrack, loadAlbumPage, loadArtistPage, loadGenrePage } from './page-loaders.js';
import { TrackTable } from './TrackTable.js';
import { useLoad, type Loaded } from './use-load.js';
import { AddToPlaylistButton, FavouriteButton } from './UserDataParts.js';

export function Status<T>({ loaded, retry }: { loaded: Loaded<T>; retry: () => void }) {
  if (loaded.state === 'loading') return <p className="empty" aria-busy="true">{t('loading')}</p>;
  if (loaded.state === 'failed') return <ErrorLine code={loaded.code} message={loaded.message} retry={retry} />;
  return null;
}

/** The discs of an album, each with its tracks; one list when there is one disc. */
function discsOf(tracks: TrackInfo[]): [number, TrackInfo[]][] {
  const discs = new Map<number, TrackInfo[]>();
  for (const track of tracks) {
    const d = track.discNo ?? 1;
    if (!discs.has(d)) discs.set(d, []);
    discs.get(d)!.push(track);
  }
  return [...discs];
}

export function AlbumPage({ id, name }: { id: string; name: string }) {
  const { api, player, views, index } = useApp();
  const [loaded, retry] = useLoad(`album:${id}`, () => loadAlbumPage(api, id));
  const page = loaded.state === 'done' ? loaded.value : null;
  const album = page?.album ?? null;
  if (album) index.albums.remember([album]);
  const playable = page?.tracks.filter((x) => x.playable) ?? [];
  const discs = page ? discsOf(page.tracks) : [];
  const facts = album ? [album.year, tn('tracks', album.tracks), formatDuration(album.durationMs)].filter(Boolean).join(' · ') : '';
  return (
    <section className="library browse-view page" aria-label={`${t('album')}: ${album?.title ?? name}`} data-testid="album-page">
      <header className="page-head">
        {album && <CoverArt track={albumCoverTrack(album)} size={160} />}
        <div className="page-head-text">
          <h2 className="page-title" title={album?.title ?? name}>{album?.title ?? name}</h2>
          {album?.artist && album.artistId && (
            <button type="button" className="link page-sub" onClick={() => views.getState().open({ kind: 'artist', id: album.artistId!, name: album.artist! })}>{album.artist}</button>
          )}
          <p className="page-facts" data-testid="album-facts">{facts}</p>
          <div className="page-actions">
            <button type="button" className="primary" data-testid="play-album" disabled={playable.length === 0} onClick={() => void player.getState().playTracks(playable, 0)}>{t('playAlbum')}</button>
            <button type="button" disabled={playable.length === 0} onClick={() => playable.forEach((x) => player.getState().addToQueue(x))}>{t('addAlbum')}</button>
            <FavouriteButton kind="album" id={id} testId="favourite-album" />
            <AddToPlaylistButton tracks={playable} />
          </div>
        </div>
      </header>
      <Status loaded={loaded} retry={retry} />
      {page && !album && <p className="empty" data-testid="gone">{t('gone')}</p>}
      <div className="page-body">
        {discs.map(([disc, tracks]) => (
          <div key={disc} className="disc">
            {discs.length > 1 && <h3 className="disc-title">{t('disc', { n: disc })}</h3>}
            <TrackTable tracks={tracks} numbered label={discs.length > 1 ? t('disc', { n: disc }) : t('trackList')} testId="album-tracks" />
          </div>
        ))}
      </div>
    </section>
  );
}

export function AlbumCards({ albums, label }: { albums: AlbumInfo[]; label: string }) {
  return (
    <div className="album-cards" role="list" aria-label={label}>
      {albums.map((a, i) => <div role="listitem" key={a.id} className="album-slot"><AlbumCard album={a} tabbable={i === 0} /></div>)}
    </div>
  );
}

export function ArtistPage({ id, name }: { id: string; name: string }) {
  const { api, player, index } = useApp();
  const [loaded, retry] = useLoad(`artist:${id}`, () => loadArtistPage(api, id));
  const page = loaded.state === 'done' ? loaded.value : null;
  if (page?.artist) index.artists.remember([page.artist]);
  const playable = page?.tracks.filter((x) => x.playable) ?? [];
  return (
    <section className="library browse-view page" aria-label={`${t('artist')}: ${page?.artist?.name ?? name}`} data-testid="artist-page">
      <header className="page-head">
        <div className="page-head-text">
          <h2 className="page-title" title={page?.artist?.name ?? name}>{page?.artist?.name ?? name}</h2>
          {page?.artist && <p className="page-facts">{tn('albums', page.artist.albums)} · {tn('tracks', page.artist.tracks)}</p>}
          <div className="page-actions">
            <button type="button" className="primary" data-testid="play-artist" disabled={playable.length === 0} onClick={() => void player.getState().playTracks(playable, 0)}>{t('playAll')}</button>
            <FavouriteButton kind="artist" id={id} testId="favourite-artist" />
          </div>
        </div>
      </header>
      <Status loaded={loaded} retry={retry} />
      {page && !page.artist && <p className="empty" data-testid="gone">{t('gone')}</p>}
      <div className="page-body">
        {page && page.albums.length > 0 && (
          <>
            <h3 className="section-title">{t('view.albums')}</h3>
            <AlbumCards albums={page.albums} label={t('view.albums')} />
          </>
        )}
        {page && page.tracks.length > 0 && (
          <>
            <h3 className="section-title">{t('trackList')}</h3>
            <TrackTable tracks={page.tracks} label={t('trackList')} testId="artist-tracks" />
          </>
        )}
      </div>
    </section>
  );
}

export function GenrePage({ id, name }: { id: string; name: string }) {
  const { api } = useApp();
  const [loaded, retry] = useLoad(`genre:${id}`, () => loadGenrePage(api, id));
  const page = loaded.state === 'done' ? loaded.value : null;
  return (
    <section className="library browse-view page" aria-label={`${t('view.genres')}: ${page?.genre?.name ?? name}`} data-testid="genre-page">
      <header className="page-head">
        <div className="page-head-text">
          <h2 className="page-title">{page?.genre?.name ?? name}</h2>
          {page?.genre && <p className="page-facts">{tn('albums', page.genre.albums)} · {tn('tracks', page.genre.tracks)}</p>}
        </div>
      </header>
      <Status loaded={loaded} retry={retry} />
      {page && !page.genre && <p className="empty" data-testid="gone">{t('gone')}</p>}
      <div className="page-body">{page && <AlbumCards albums={page.albums} label={t('view.albums')} />}</div>
    </section>
  );
}
