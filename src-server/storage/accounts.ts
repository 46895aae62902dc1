/**
 * The server's accounts, in the database: a name, a role and an scrypt hash. The first account of a store that has
 * no admin becomes its admin unless told otherwise; every later one is a listener unless made an admin.
 */
import type { Database, Queryable } from './database.js';
import { hashPassword, type PasswordHash } from './password-hash.js';

export type Role = 'admin' | 'listener';
export const ROLES: readonly Role[] = ['admin', 'listener'];

export interface Account {
  name: string;
  role: Role;
  createdAt: string;
}

/** What a login check needs: the hash and the role, never the password. */
export interface Credentials extends PasswordHash {
  role: Role;
}

/** Read access to accounts, which a cluster worker gets over IPC (account-relay.ts). */
export interface AccountDirectory {
  count(): Promise<number>;
  credentials(name: string): Promise<Credentials | null>;
}

const ACCOUNTS_LOCK_KEY = 0x61747032;

const NAME_PATTERN = /^[\p{L}\p{N}._@-]{1,64}$/u;

export class AccountError extends Error {
  constructor(
    readonly code: 'account-exists' | 'no-such-account' | 'bad-name' | 'bad-role',
    message: string,
  ) {
    super(message);
  }
}

export function checkName(name: string): void {
  if (!NAME_PATTERN.test(name)) throw new AccountError('bad-name', 'a user name is 1 to 64 letters, digits, or . _ @ -');
}

export function parseRole(value: string): Role {
  if (!(ROLES as string[]).includes(value)) throw new AccountError('bad-role', `a role is admin or listener, not "${value}"`);
  return value as Role;
}

interface AccountRow {
  name: string;
  role: Role;
  created_at: string;
  password_salt: string;
  password_hash: string;
  scrypt_n: number;
  scrypt_r: number;
  scrypt_p: number;
}

export class AccountStore implements AccountDirectory {
  constructor(readonly db: Database) {}

  /** Adds an account; its role is `role`, or admin when the store has no admin yet. */
  async add(name: string, password: string, role?: Role): Promise<Account> {
    checkName(name);
    const hash = await hashPassword(password);
    return this.db.transaction((tx) => insertAccount(tx, name, hash, role, new Date().toISOString()));
  }

  /** False when there is no such account. */
  async setPassword(name: string, password: string): Promise<boolean> {
    const h = await hashPassword(password);
    const changed = await this.db.transaction((tx) =>
      tx.run('UPDATE accounts SET password_salt = ?, password_hash = ?, scrypt_n = ?, scrypt_r = ?, scrypt_p = ?, password_changed_at = ? WHERE name = ?', [
        h.salt, h.hash, h.N, h.r, h.p, new Date().toISOString(), name,
      ]),
    );
    return changed > 0;
  }

  /** False when there was no such account. */
  async remove(name: string): Promise<boolean> {
    return (await this.db.transaction((tx) => tx.run('DELETE FROM accounts WHERE name = ?', [name]))) > 0;
  }

  async list(): Promise<Account[]> {
    const rows = await this.db.transaction((tx) => tx.query<AccountRow>('SELECT name, role, created_at FROM accounts ORDER BY name'));
    return rows.map((r) => ({ name: r.name, role: r.role, createdAt: r.created_at }));
  }

  async count(): Promise<number> {
    const [row] = await this.db.transaction((tx) => tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM accounts'));
    return Number(row?.n ?? 0);
  }

  async credentials(name: string): Promise<Credentials | null> {
    const [r] = await this.db.transaction((tx) => tx.query<AccountRow>('SELECT * FROM accounts WHERE name = ?', [name]));
    if (!r) return null;
    return { role: r.role, salt: r.password_salt, hash: r.password_hash, N: Number(r.scrypt_n), r: Number(r.scrypt_r), p: Number(r.scrypt_p) };
  }
}

/** Inside a transaction, so that "no admin yet" and the insert see the same store. */
export async function insertAccount(tx: Queryable, name: string, h: PasswordHash, role: Role | undefined, createdAt: string): Promise<Account> {
  // SQLite's transactions here are serial already; PostgreSQL's would each see "no admin yet" without this.
  if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?)', [ACCOUNTS_LOCK_KEY]);
  const [existing] = await tx.query('SELECT 1 AS one FROM accounts WHERE name = ?', [name]);
  if (existing) throw new AccountError('account-exists', `${name} already has an account: change its password with "atp-server user passwd ${name}"`);
  const [admin] = await tx.query("SELECT 1 AS one FROM accounts WHERE role = 'admin'");
  const given = role ?? (admin ? 'listener' : 'admin');
  await tx.run(
    'INSERT INTO accounts (name, role, password_salt, password_hash, scrypt_n, scrypt_r, scrypt_p, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [name, given, h.salt, h.hash, h.N, h.r, h.p, createdAt, createdAt],
  );
  return { name, role: given, createdAt };
}
