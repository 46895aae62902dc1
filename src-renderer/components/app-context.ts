import { createContext, useContext } from 'react';
import type { AudioEngine } from '../audio/audio-engine.js';
import type { DesktopClient } from '../desktop-client.js';
import type { createConnectionStore } from '../stores/connection-store.js';
import type { createLibraryStore } from '../stores/library-store.js';
import type { createPlayerStore } from '../stores/player-store.js';
import type { createUiStore } from '../stores/ui-store.js';
import type { BrowseLists } from '../stores/browse-lists.js';
import type { createViewStore } from '../stores/view-store.js';
import type { LibraryIndex } from '../stores/id-index.js';
import type { createUserDataStore } from '../stores/userdata-store.js';

/** The stores and services the screens share, made once in main.tsx. */
export interface AppServices {
  api: DesktopClient;
  engine: AudioEngine;
  connection: ReturnType<typeof createConnectionStore>;
  library: ReturnType<typeof createLibraryStore>;
  player: ReturnType<typeof createPlayerStore>;
  ui: ReturnType<typeof createUiStore>;
  /** The view shown (tracks, albums, an album's page…) and the lists of artists, albums and genres. */
  views: ReturnType<typeof createViewStore>;
  browse: BrowseLists;
  /** Favourites and playlists, kept on the server. */
  userData: ReturnType<typeof createUserDataStore>;
  /** Tracks, albums and artists by id, for what the user's data names by id. */
  index: LibraryIndex;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('AppContext is missing');
  return services;
}
