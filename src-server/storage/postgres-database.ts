/**
 * PostgreSQL through the `pg` client, for more than one server on one set of accounts. A pool of connections; each
 * transaction takes one connection for its whole length. BIGINT columns come back as numbers (they hold counts and
 * milliseconds, far below 2^53), not as pg's default strings.
 */
import pg from 'pg';
import { StorageError, type Database, type Queryable, type Row, type SqlValue } from './database.js';

const INT8_OID = 20;

/** `postgres://user:secret@host/db` as `postgres://user@host/db`: for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(an address that cannot be read)';
  }
}

/** `?` placeholders numbered the PostgreSQL way; the stores never put a `?` inside a string literal. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres';

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
  ) {}

  /** Connects once, so that a wrong address or password is reported at start rather than at the first login. */
  static async open(url: string): Promise<PostgresDatabase> {
    const location = describeUrl(url);
    const types = { getTypeParser: (oid: number, format?: string) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text')) };
    const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 10_000, types: types as pg.CustomTypesConfig });
    // An idle connection that the server drops must not crash the process; the next query opens another.
    pool.on('error', () => {});
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end().catch(() => {});
      throw new StorageError('database-unreachable', `the PostgreSQL database ${location} cannot be reached: ${(err as Error).message}`);
    }
    return new PostgresDatabase(location, pool);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new StorageError('database-unreachable', `the PostgreSQL database ${this.location} cannot be reached: ${(err as Error).message}`);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(new PostgresTransaction(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class PostgresTransaction implements Queryable {
  readonly dialect = 'postgres';

  constructor(private readonly client: pg.PoolClient) {}

  async query<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.client.query(numberPlaceholders(sql), params)).rows as T[];
  }

  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return (await this.client.query(numberPlaceholders(sql), params)).rowCount ?? 0;
  }
}
