/**
 * USERDATA requests (docs/PROTOCOL.md §14): favourites, playlists, history and usage of the logged-in account. The
 * store (or in a cluster worker, the primary that owns it) does the work in one transaction per request; the ACK
 * is sent only after that transaction committed, so an acknowledged change is on disk.
 */
import {
  AtpError,
  UserDataFunc,
  build,
  parseFavouritesRequest,
  parseHistoryRequest,
  parsePlaylistsRequest,
  parseUsageRequest,
  type Frame,
  type ListRequest,
} from '../../src-shared/protocol/index.js';
import type { TrackPlays } from '../storage/listening.js';
import type { UserData } from '../storage/user-data.js';
import type { Connection } from './connection.js';

type Func = (typeof UserDataFunc)[keyof typeof UserDataFunc];

/** The reply of one USERDATA request, computed for the connection's user. */
async function reply(store: UserData, user: string, f: Frame): Promise<object> {
  switch (f.func as Func) {
    case UserDataFunc.FAVOURITES:
      return store.favourites(user, parseFavouritesRequest(f.payload));
    case UserDataFunc.PLAYLISTS:
      return store.playlists(user, parsePlaylistsRequest(f.payload));
    case UserDataFunc.HISTORY:
      return store.history(user, parseHistoryRequest(f.payload));
    default:
      return store.usage(user, parseUsageRequest(f.payload));
  }
}

export function userDataHandler(store: UserData | null) {
  return async (conn: Connection, f: Frame): Promise<void> => {
    if (!store) throw new AtpError('unsupported', 'this server keeps no user data');
    conn.send(build.userDataAck(conn.uid, f.func as Func, await reply(store, conn.user!, f)));
  };
}

/**
 * The account's played tracks when a LIST sorts by its history (`plays`, `played`), else undefined: the library
 * ranks them. A session without an account is refused with `no-account`, as its USERDATA requests are.
 */
export async function playsForList(store: UserData | null, user: string, req: ListRequest): Promise<TrackPlays[] | undefined> {
  if (req.sort !== 'plays' && req.sort !== 'played') return undefined;
  if (!store) throw new AtpError('unsupported', 'this server keeps no play history to sort by');
  return store.playedTracks(user);
}
