/**
 * Databases of their own on the test PostgreSQL (.ci/run starts one and names it in ATP_TEST_POSTGRES_URL, whose
 * user may CREATE DATABASE), so that no test reads rows another test or an earlier run left.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';

const POSTGRES_URL = process.env.ATP_TEST_POSTGRES_URL;

/** A PostgreSQL test's `skip`: false where there is a PostgreSQL to test against, else the reason there is none. */
export const skipWithoutPostgres: string | false = POSTGRES_URL
  ? false
  : 'no PostgreSQL: ATP_TEST_POSTGRES_URL is not set (.ci/run starts one and sets it)';

async function asAdmin(work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * For the describe block it is called in: a function that creates a database named `prefix` and a random suffix and
 * gives its URL for --database. They are dropped after the block's last test, with whatever connection a killed
 * server left to them.
 */
export function scratchDatabases(): (prefix: string) => Promise<string> {
  const made: string[] = [];
  after(async () => {
    if (made.length === 0) return;
    await asAdmin(async (admin) => {
      for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  });
  return async (prefix) => {
    const name = `${prefix}_${randomBytes(6).toString('hex')}`;
    await asAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
    made.push(name);
    const url = new URL(POSTGRES_URL!);
    url.pathname = `/${name}`;
    return url.toString();
  };
}
