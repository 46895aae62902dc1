/** The account a request of user data is made for: its id (the key of every user-data table), role and quota. */
import { AtpError } from '../../src-shared/protocol/index.js';
import type { Role } from './accounts.js';
import type { Queryable } from './database.js';

export interface AccountRef {
  id: number;
  name: string;
  role: Role;
  monthlyMinutes: number | null;
}

export async function findAccount(tx: Queryable, name: string): Promise<AccountRef | null> {
  const [row] = await tx.query<{ id: number; role: Role; monthly_minutes: number | null }>('SELECT id, role, monthly_minutes FROM accounts WHERE name = ?', [name]);
  if (!row) return null;
  return { id: Number(row.id), name, role: row.role, monthlyMinutes: row.monthly_minutes === null ? null : Number(row.monthly_minutes) };
}

/** A session without an account (the token of the desktop's own server, --no-auth) has nowhere to keep user data. */
export async function requireAccount(tx: Queryable, name: string): Promise<AccountRef> {
  const account = await findAccount(tx, name);
  if (!account) throw new AtpError('no-account', `${name} has no account on this server: favourites, playlists and history are kept for accounts only`);
  return account;
}

/** The UTC day of a time, YYYY-MM-DD: listening is summed per day. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first and last day of the UTC month that holds `ms`. */
export function monthOf(ms: number): { month: string; first: string; last: string } {
  const d = new Date(ms);
  const month = d.toISOString().slice(0, 7);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return { month, first: `${month}-01`, last: `${month}-${String(lastDay).padStart(2, '0')}` };
}
