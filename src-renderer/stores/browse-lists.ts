import type { DesktopClient } from '../desktop-client.js';
import { createBrowseListStore } from './browse-list-store.js';

/** The three lists of groups; each keeps its pages, filter and sort while other views are shown. */
export interface BrowseLists {
  albums: ReturnType<typeof createBrowseListStore>;
  artists: ReturnType<typeof createBrowseListStore>;
  genres: ReturnType<typeof createBrowseListStore>;
}

export function createBrowseLists(api: DesktopClient): BrowseLists {
  return {
    albums: createBrowseListStore(api, 'albums'),
    artists: createBrowseListStore(api, 'artists'),
    genres: createBrowseListStore(api, 'genres'),
  };
}
