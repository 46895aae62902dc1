import { useState } from 'react';
import { t } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import { AlbumCard } from './AlbumCard.js';
import { ErrorLine } from './ErrorLine.js';
import { FilterBox } from './FilterBox.js';
import { searchAll } from './page-loaders.js';
import { TrackTable } from './TrackTable.js';
import { useLoad } from './use-load.js';

/** One search, its results grouped: artists, albums, tracks, each searched by the server. */
export function SearchView() {
  const { api, views } = useApp();
  const [query, setQuery] = useState('');
  const [loaded, retry] = useLoad(`search:${query}`, () => (query.trim() ? searchAll(api, query) : Promise.resolve(null)));
  const found = loaded.state === 'done' ? loaded.value : null;
  const nothing = found && found.totals.artists + found.totals.albums + found.totals.tracks === 0;
  return (
    <section className="library browse-view page" aria-label={t('view.search')} data-testid="search-view">
      <div className="library-toolbar">
        <FilterBox value={query} onChange={setQuery} label={t('searchAll')} testId="search-all" />
      </div>
      {loaded.state === 'failed' && <ErrorLine code={loaded.code} message={loaded.message} retry={retry} />}
      {!query.trim() && <p className="empty">{t('searchPrompt')}</p>}
      {nothing && <p className="empty" data-testid="empty-list">{t('noMatches', { query })}</p>}
      {found && (
        <div className="page-body">
          {found.artists.length > 0 && (
            <>
              <h3 className="section-title">{t('view.artists')}</h3>
              <ul className="chips" aria-label={t('view.artists')} data-testid="found-artists">
                {found.artists.map((a) => (
                  <li key={a.id}><button type="button" className="chip" onClick={() => views.getState().open({ kind: 'artist', id: a.id, name: a.name })}>{a.name}</button></li>
                ))}
              </ul>
            </>
          )}
          {found.albums.length > 0 && (
            <>
              <h3 className="section-title">{t('view.albums')}</h3>
              <div className="album-cards" role="list" aria-label={t('view.albums')} data-testid="found-albums">
                {found.albums.map((a, i) => <div role="listitem" className="album-slot" key={a.id}><AlbumCard album={a} tabbable={i === 0} /></div>)}
              </div>
            </>
          )}
          {found.tracks.length > 0 && (
            <>
              <h3 className="section-title">{t('view.tracks')}</h3>
              <TrackTable tracks={found.tracks} label={t('view.tracks')} testId="found-tracks" />
            </>
          )}
        </div>
      )}
    </section>
  );
}
