/**
 * SQLite in one file, through node-sqlite3-wasm: SQLite compiled to WebAssembly with a VFS on node:fs, so it runs on
 * plain Node and on Electron's Node with nothing to rebuild.
 *
 * That VFS locks a database by creating the folder `FILE.lock` (SQLite's "dotfile" locking): one lock for readers
 * and writers alike, which a killed process leaves behind, and under which SQLite cannot tell a crashed writer's
 * rollback journal from its own (it never rolls such a journal back). So a connection here is opened for one
 * transaction at a time, under a lock file of our own that names its owner (FILE.owner, file-lock.ts), in WAL mode
 * with `locking_mode=EXCLUSIVE` (WAL needs no shared memory then, and recovers from the log alone, committed frames
 * only), `synchronous=FULL` (the log is fsynced at every commit), and closed after it, which checkpoints the log
 * into the file and fsyncs that too. A `FILE.lock` folder found while holding FILE.owner was left by a process that
 * died, and is removed. docs/DATA.md has the evidence.
 *
 * Opening, locking, two fsyncs and closing cost milliseconds, so transactions are committed in groups: those that
 * ask while a group is being written wait for it, then go in the next group together, each inside a savepoint of
 * one SQLite transaction. One that throws rolls back to its savepoint alone; each caller is answered only after the
 * COMMIT that holds its writes, so an acknowledged write is as durable as before. Two thousand listeners starting
 * or recording their play time at once cost a few groups a second, not two thousand file opens.
 */
import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite from 'node-sqlite3-wasm';
import { LockTimeoutError, withFileLock } from '../server/file-lock.js';
import { StorageError, type Database, type Queryable, type Row, type SqlValue } from './database.js';

export interface SqliteOptions {
  /** How long to wait for another process's transaction before giving up with database-locked. */
  lockWaitMs: number;
}

/** Enough to share one commit among a burst of requests, few enough that one group never holds the lock for long. */
const MAX_GROUP = 256;

interface Waiting {
  work: (tx: Queryable) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite';
  /** Transactions of this process waiting for the next group; a connection is never shared by two groups. */
  private readonly waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;
  private groups = 0;

  private constructor(
    readonly location: string,
    private readonly options: SqliteOptions,
  ) {}

  /** Opens (or creates) the database file and checks that it is an intact SQLite database. */
  static async open(path: string, options: SqliteOptions): Promise<SqliteDatabase> {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StorageError('database-failed', `the folder of the database ${path} cannot be made: ${(err as Error).message}`);
    }
    const db = new SqliteDatabase(path, options);
    const [check] = await db.transaction((tx) => tx.query<{ quick_check: string }>('PRAGMA quick_check'));
    if (check?.quick_check !== 'ok') {
      throw new StorageError('database-corrupt', `the database ${path} is damaged (${check?.quick_check ?? 'no answer'}): restore it from a backup or move it aside`);
    }
    return db;
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.startWriting();
    });
  }

  private startWriting(): void {
    if (this.writing) return;
    // One that asked after the last group was taken, but before this settled, is not left waiting.
    this.writing = this.writeGroups().finally(() => {
      this.writing = null;
      if (this.waiting.length > 0) this.startWriting();
    });
  }

  /** Groups committed (or rolled back) so far: how many times the file was opened, locked and synced. */
  get groupsWritten(): number {
    return this.groups;
  }

  async close(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeGroups(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_GROUP);
      this.groups++;
      let outcomes: Outcome[];
      try {
        outcomes = await this.runLocked(group);
      } catch (err) {
        for (const w of group) w.reject(err);
        continue;
      }
      outcomes.forEach((o, i) => (o.ok ? group[i]!.resolve(o.value) : group[i]!.reject(o.error)));
    }
  }

  private async runLocked(group: Waiting[]): Promise<Outcome[]> {
    try {
      return await withFileLock(`${this.location}.owner`, () => this.runOpen(group), { staleAfterMs: null, waitLimitMs: this.options.lockWaitMs });
    } catch (err) {
      if (err instanceof LockTimeoutError) {
        const holder = err.holderPid === null ? 'another process' : `process ${err.holderPid}`;
        throw new StorageError('database-locked', `the database ${this.location} is locked by ${holder} (${this.location}.owner): is another atp-server using this state folder?`);
      }
      throw err;
    }
  }

  private async runOpen(group: Waiting[]): Promise<Outcome[]> {
    removeAbandonedLock(`${this.location}.lock`);
    let conn: sqlite.Database;
    try {
      conn = new sqlite.Database(this.location);
    } catch (err) {
      throw this.explain(err);
    }
    try {
      conn.exec('PRAGMA locking_mode=EXCLUSIVE');
      conn.exec('PRAGMA journal_mode=WAL');
      conn.exec('PRAGMA synchronous=FULL');
      conn.exec('PRAGMA foreign_keys=ON');
      conn.exec('BEGIN IMMEDIATE');
      const tx = new SqliteTransaction(conn);
      const outcomes: Outcome[] = [];
      for (const { work } of group) {
        conn.exec('SAVEPOINT one');
        try {
          outcomes.push({ ok: true, value: await work(tx) });
          conn.exec('RELEASE one');
        } catch (err) {
          conn.exec('ROLLBACK TO one');
          conn.exec('RELEASE one');
          outcomes.push({ ok: false, error: this.explain(err) });
        }
      }
      conn.exec('COMMIT');
      return outcomes;
    } catch (err) {
      if (conn.inTransaction) conn.exec('ROLLBACK');
      throw this.explain(err);
    } finally {
      conn.close();
    }
  }

  /** SQLite's own words for a file that is not a database, in a sentence that says which file and what to do. */
  private explain(err: unknown): Error {
    if (!(err instanceof sqlite.SQLite3Error)) return err as Error;
    const text = err.message;
    if (/not a database|malformed|corrupt/i.test(text)) {
      return new StorageError('database-corrupt', `the database ${this.location} is damaged or not an SQLite database (${text}): restore it from a backup or move it aside`);
    }
    if (/unable to open|cannot open|readonly|read-only|permission/i.test(text)) {
      return new StorageError('database-failed', `the database ${this.location} cannot be opened for writing (${text})`);
    }
    return err;
  }
}

/** Holding FILE.owner, a FILE.lock folder can only be one a killed process left: no live one holds it. */
function removeAbandonedLock(dotLock: string): void {
  try {
    rmdirSync(dotLock);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new StorageError('database-locked', `${dotLock} cannot be removed (${code}): remove it if no atp-server is running`);
  }
}

class SqliteTransaction implements Queryable {
  readonly dialect = 'sqlite';

  constructor(private readonly conn: sqlite.Database) {}

  async query<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.conn.all(sql, params) as T[];
  }

  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.conn.run(sql, params).changes;
  }
}
