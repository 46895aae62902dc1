/**
 * Opens the server's database: SQLite at STATE_DIR/atp.db unless `--database` names a PostgreSQL URL (or another
 * SQLite file), brings its schema up to date and imports an old users.json. Whatever is wrong (a damaged file, a
 * lock held by another process, a newer schema, an unreachable PostgreSQL) is a StorageError saying what and where.
 */
import { join } from 'node:path';
import { AccountStore } from './accounts.js';
import type { Database } from './database.js';
import { migrate } from './migrations.js';
import { PostgresDatabase } from './postgres-database.js';
import { SqliteDatabase } from './sqlite-database.js';
import { UserDataStore } from './user-data.js';
import { importUsersJson, type ImportOutcome } from './users-json-import.js';

export interface StorageOptions {
  stateDir: string;
  /** A postgres:// URL, a SQLite file, or undefined for STATE_DIR/atp.db. */
  database: string | undefined;
  /** The accounts file of earlier versions, imported once if it is there. */
  usersFile: string;
  /** How long to wait for another process holding the SQLite file. */
  lockWaitMs: number;
}

export interface Storage {
  db: Database;
  accounts: AccountStore;
  userData: UserDataStore;
  /** The schema versions applied at this start, and what became of users.json. */
  migrated: number[];
  imported: ImportOutcome;
}

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

export function databaseFile(stateDir: string, database: string | undefined): string {
  return database ?? join(stateDir, 'atp.db');
}

export async function openDatabase(o: Pick<StorageOptions, 'stateDir' | 'database' | 'lockWaitMs'>): Promise<Database> {
  if (o.database !== undefined && isPostgresUrl(o.database)) return PostgresDatabase.open(o.database);
  return SqliteDatabase.open(databaseFile(o.stateDir, o.database), { lockWaitMs: o.lockWaitMs });
}

export async function openStorage(o: StorageOptions): Promise<Storage> {
  const db = await openDatabase(o);
  try {
    const migrated = await migrate(db);
    const imported = await importUsersJson(db, o.usersFile);
    return { db, accounts: new AccountStore(db), userData: new UserDataStore(db), migrated, imported };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
