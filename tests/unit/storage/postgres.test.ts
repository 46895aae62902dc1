// The storage suite against a real PostgreSQL: .ci/run starts one and sets ATP_TEST_POSTGRES_URL (a database the
// URL's user may CREATE DATABASE from); each test gets a database of its own.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresDatabase } from '../../../src-server/storage/postgres-database.js';
import { defineStorageSuite, type Engine } from './storage-suite.js';
import { defineUserDataSuite } from './user-data-suite.js';

const url = process.env.ATP_TEST_POSTGRES_URL;
const made: string[] = [];

function urlOf(database: string): string {
  const u = new URL(url!);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const engine: Engine = {
  async fresh() {
    const name = `atp_test_${randomBytes(6).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    made.push(name);
    return PostgresDatabase.open(urlOf(name));
  },
  async cleanUp() {
    if (!url) return;
    await admin(async (c) => {
      for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name}`);
    });
  },
};
const skip = url ? false : 'no PostgreSQL: ATP_TEST_POSTGRES_URL is not set (.ci/run starts one and sets it)';

defineStorageSuite('PostgreSQL', engine, skip);
defineUserDataSuite('PostgreSQL', engine, skip);
