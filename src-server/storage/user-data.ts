/**
 * What users keep, for the request handlers: favourites, playlists, history, usage and quotas, each call one
 * transaction, made for the account the session logged in as. A cluster worker reaches the same calls through the
 * primary (user-data-relay.ts), so the interface carries only what crosses IPC.
 */
import {
  AtpError,
  type FavouritesReply,
  type FavouritesRequest,
  type HistoryReply,
  type HistoryRequest,
  type PlaylistsReply,
  type PlaylistsRequest,
  type Quota,
  type UsageReply,
  type UsageRequest,
} from '../../src-shared/protocol/index.js';
import type { Database } from './database.js';
import { favourites } from './favourites.js';
import { history, playedTracks, quotaOf, recordPlay, usageDays, type PlayWrite, type TrackPlays } from './listening.js';
import { playlists } from './playlists.js';
import { dayOf, findAccount, monthOf, requireAccount } from './user-accounts.js';

export interface UserData {
  favourites(user: string, req: FavouritesRequest): Promise<FavouritesReply>;
  playlists(user: string, req: PlaylistsRequest): Promise<PlaylistsReply>;
  history(user: string, req: HistoryRequest): Promise<HistoryReply>;
  usage(user: string, req: UsageRequest): Promise<UsageReply>;
  /** Every track the user played, for LIST's history sorts; `no-account` when the user has no account. */
  playedTracks(user: string): Promise<TrackPlays[]>;
  /** The user's quota, null when it has none or no account. */
  quota(user: string): Promise<Quota | null>;
  /** What LOGIN needs: null when the user has no account (nothing is recorded for it), else its quota or null. */
  accountAtLogin(user: string): Promise<{ quota: Quota | null } | null>;
  recordPlay(user: string, write: PlayWrite): Promise<void>;
}

export class UserDataStore implements UserData {
  constructor(
    readonly db: Database,
    private readonly clock: () => number = Date.now,
  ) {}

  favourites(user: string, req: FavouritesRequest): Promise<FavouritesReply> {
    return this.db.transaction(async (tx) => favourites(tx, (await requireAccount(tx, user)).id, req, this.clock()));
  }

  playlists(user: string, req: PlaylistsRequest): Promise<PlaylistsReply> {
    return this.db.transaction(async (tx) => playlists(tx, (await requireAccount(tx, user)).id, req, this.clock()));
  }

  history(user: string, req: HistoryRequest): Promise<HistoryReply> {
    return this.db.transaction(async (tx) => history(tx, (await requireAccount(tx, user)).id, req));
  }

  playedTracks(user: string): Promise<TrackPlays[]> {
    return this.db.transaction(async (tx) => playedTracks(tx, (await requireAccount(tx, user)).id));
  }

  /** A listener reads their own usage; an admin anyone's, or with user `*` everyone's. */
  usage(user: string, req: UsageRequest): Promise<UsageReply> {
    const now = this.clock();
    const from = req.from ?? monthOf(now).first;
    const to = req.to ?? dayOf(now);
    return this.db.transaction(async (tx) => {
      const caller = await requireAccount(tx, user);
      const whose = req.user ?? caller.name;
      if (whose !== caller.name && caller.role !== 'admin') throw new AtpError('forbidden', 'only an admin may read the usage of other accounts');
      let quota: Quota | null = null;
      if (whose !== '*') {
        const account = await findAccount(tx, whose);
        if (!account) throw new AtpError('no-account', `no account ${whose}`);
        quota = await quotaOf(tx, account, now);
      }
      const days = await usageDays(tx, whose === '*' ? null : whose, from, to);
      const totalMs = days.reduce((sum, d) => sum + Math.round(d.seconds * 1000), 0);
      return { from, to, days, totalSeconds: totalMs / 1000, quota };
    });
  }

  quota(user: string): Promise<Quota | null> {
    return this.db.transaction(async (tx) => {
      const account = await findAccount(tx, user);
      return account ? quotaOf(tx, account, this.clock()) : null;
    });
  }

  accountAtLogin(user: string): Promise<{ quota: Quota | null } | null> {
    return this.db.transaction(async (tx) => {
      const account = await findAccount(tx, user);
      return account ? { quota: await quotaOf(tx, account, this.clock()) } : null;
    });
  }

  recordPlay(user: string, write: PlayWrite): Promise<void> {
    return this.db.transaction(async (tx) => {
      const account = await findAccount(tx, user);
      // A session without an account (token, --no-auth) plays, but has no history to keep.
      if (account) await recordPlay(tx, account, write);
    });
  }
}
