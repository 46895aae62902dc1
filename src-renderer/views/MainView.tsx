import { useStore } from 'zustand';
import { useApp } from '../components/app-context.js';
import { LibraryView } from '../components/LibraryView.js';
import { AlbumGrid } from './AlbumGrid.js';
import { GroupList } from './GroupList.js';
import { AlbumPage, ArtistPage, GenrePage } from './GroupPages.js';
import { NowPlayingView } from './NowPlayingView.js';
import { SearchView } from './SearchView.js';
import { ViewNav } from './ViewNav.js';
import { FavouritesView } from './FavouritesView.js';
import { PlaylistPage, PlaylistsView } from './PlaylistViews.js';
import { MostPlayedView, RecentlyAddedView, RecentlyPlayedView } from './HistoryViews.js';
import './views.css';

/** The library area: the views' buttons, then the view chosen (or the large now-playing view over it). */
export function MainView({ searchRef }: { searchRef: React.RefObject<HTMLInputElement | null> }) {
  const { views } = useApp();
  const view = useStore(views, (s) => s.view);
  const nowPlayingOpen = useStore(views, (s) => s.nowPlayingOpen);
  let body;
  if (nowPlayingOpen) body = <NowPlayingView />;
  else if (view.kind === 'albums') body = <AlbumGrid />;
  else if (view.kind === 'artists' || view.kind === 'genres') body = <GroupList key={view.kind} kind={view.kind} />;
  else if (view.kind === 'search') body = <SearchView />;
  else if (view.kind === 'album') body = <AlbumPage key={view.id} id={view.id} name={view.name} />;
  else if (view.kind === 'artist') body = <ArtistPage key={view.id} id={view.id} name={view.name} />;
  else if (view.kind === 'playlist') body = <PlaylistPage key={view.id} id={view.id} name={view.name} />;
  else if (view.kind === 'playlists') body = <PlaylistsView />;
  else if (view.kind === 'favourites') body = <FavouritesView />;
  else if (view.kind === 'recent') body = <RecentlyPlayedView />;
  else if (view.kind === 'most') body = <MostPlayedView />;
  else if (view.kind === 'added') body = <RecentlyAddedView />;
  else if (view.kind === 'genre') body = <GenrePage key={view.id} id={view.id} name={view.name} />;
  else body = <LibraryView searchRef={searchRef} />;
  return (
    <div className="main-view">
      <ViewNav />
      {body}
    </div>
  );
}
