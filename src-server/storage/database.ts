/**
 * What the stores need from a SQL database, whichever engine holds it. SQL is written once with `?` placeholders
 * (the PostgreSQL adapter numbers them); where the engines differ, a migration gives each dialect its own text.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

/** Statements inside one transaction. */
export interface Queryable {
  readonly dialect: Dialect;
  query<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
}

export interface Database {
  readonly dialect: Dialect;
  /** Where the data is, for messages: a file path, or a PostgreSQL URL without its password. */
  readonly location: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type StorageErrorCode = 'database-locked' | 'database-corrupt' | 'database-too-new' | 'database-unreachable' | 'database-failed';

/** A database that cannot be used: `message` is one sentence saying what and where. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** A single-statement read or write in its own transaction. */
export function query<T = Row>(db: Database, sql: string, params: SqlValue[] = []): Promise<T[]> {
  return db.transaction((tx) => tx.query<T>(sql, params));
}
