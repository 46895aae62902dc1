/** Favourite tracks, albums and artists of an account. Adding one twice, or removing one that is not there, changes nothing. */
import type { Favourite, FavouriteKind, FavouritesReply, FavouritesRequest } from '../../src-shared/protocol/index.js';
import type { Queryable } from './database.js';

/** Far more than anyone marks by hand; a bound on what one reply carries. */
export const MAX_FAVOURITES = 20_000;

export async function favourites(tx: Queryable, accountId: number, req: FavouritesRequest, now: number): Promise<FavouritesReply> {
  switch (req.op) {
    case 'add': {
      const changed = await tx.run('INSERT INTO favourites (account_id, kind, item_id, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [accountId, req.kind, req.id, now]);
      return { changed: changed > 0 };
    }
    case 'remove':
      return { changed: (await tx.run('DELETE FROM favourites WHERE account_id = ? AND kind = ? AND item_id = ?', [accountId, req.kind, req.id])) > 0 };
    default: {
      const rows = await tx.query<{ kind: FavouriteKind; item_id: string; added_at: number }>(
        `SELECT kind, item_id, added_at FROM favourites WHERE account_id = ?${req.kind ? ' AND kind = ?' : ''} ORDER BY added_at DESC, kind, item_id LIMIT ${MAX_FAVOURITES}`,
        req.kind ? [accountId, req.kind] : [accountId],
      );
      return { favourites: rows.map((r): Favourite => ({ kind: r.kind, id: r.item_id, addedAt: Number(r.added_at) })) };
    }
  }
}
