// One suite for every database engine: the SQLite file and PostgreSQL must keep accounts and migrate alike.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AccountError, AccountStore } from '../../../src-server/storage/accounts.js';
import { StorageError, type Database } from '../../../src-server/storage/database.js';
import { MIGRATIONS, migrate, type Migration } from '../../../src-server/storage/migrations.js';
import { verifyPassword } from '../../../src-server/storage/password-hash.js';

export interface Engine {
  /** A new, empty database. */
  fresh(): Promise<Database>;
  cleanUp(): Promise<void>;
}

export function defineStorageSuite(name: string, engine: Engine, skip: string | false = false): void {
  describe(`storage on ${name}`, { skip }, () => {
    const opened: Database[] = [];
    const fresh = async () => {
      const db = await engine.fresh();
      opened.push(db);
      return db;
    };
    const migrated = async () => {
      const db = await fresh();
      await migrate(db);
      return new AccountStore(db);
    };
    after(async () => {
      for (const db of opened) await db.close();
      await engine.cleanUp();
    });

    test('migrations apply once, in order, and are recorded', async () => {
      const db = await fresh();
      assert.deepEqual(await migrate(db), MIGRATIONS.map((m) => m.version));
      assert.deepEqual(await migrate(db), [], 'nothing to do the second time');
      const rows = await db.transaction((tx) => tx.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'));
      assert.deepEqual(rows.map((r) => Number(r.version)), MIGRATIONS.map((m) => m.version));
    });

    test('a failing migration leaves the database at the version before it', async () => {
      const db = await fresh();
      await migrate(db);
      const broken: Migration = { version: 900, name: 'broken', sql: ['CREATE TABLE half_made (id INTEGER)', 'THIS IS NOT SQL'] };
      await assert.rejects(migrate(db, [...MIGRATIONS, broken]));
      const rows = await db.transaction((tx) => tx.query<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations'));
      assert.equal(Number(rows[0]!.v), MIGRATIONS.at(-1)!.version);
      // The table the failed migration made first is gone with it.
      await assert.rejects(db.transaction((tx) => tx.query('SELECT * FROM half_made')));
    });

    test('a database newer than the code is refused with database-too-new', async () => {
      const db = await fresh();
      const future: Migration = { version: MIGRATIONS.at(-1)!.version + 1, name: 'from the future', sql: ['CREATE TABLE future (id INTEGER)'] };
      await migrate(db, [...MIGRATIONS, future]);
      await assert.rejects(migrate(db), (err: StorageError) => err.code === 'database-too-new' && /newer than this atp-server knows/.test(err.message));
    });

    test('the first account is admin, later ones listeners unless --role says otherwise', async () => {
      const accounts = await migrated();
      assert.equal((await accounts.add('ann', 'password-of-ann')).role, 'admin');
      assert.equal((await accounts.add('ben', 'password-of-ben')).role, 'listener');
      assert.equal((await accounts.add('cat', 'password-of-cat', 'admin')).role, 'admin');
      assert.deepEqual((await accounts.list()).map((a) => [a.name, a.role]), [['ann', 'admin'], ['ben', 'listener'], ['cat', 'admin']]);
      await assert.rejects(accounts.add('ben', 'another-password'), (e: AccountError) => e.code === 'account-exists');
      await assert.rejects(accounts.add('no spaces', 'password-x'), (e: AccountError) => e.code === 'bad-name');
      await assert.rejects(accounts.add('dan', 'short'), /at least 8 characters/);
      assert.equal(await accounts.count(), 3);
    });

    test('passwords are checked against the stored scrypt hash; passwd changes it; remove deletes', async () => {
      const accounts = await migrated();
      await accounts.add('eve', 'first-password');
      assert.equal(await verifyPassword('first-password', await accounts.credentials('eve')), true);
      assert.equal(await verifyPassword('wrong-password', await accounts.credentials('eve')), false);
      assert.equal(await accounts.credentials('nobody'), null);
      assert.equal(await accounts.setPassword('eve', 'second-password'), true);
      assert.equal(await verifyPassword('first-password', await accounts.credentials('eve')), false);
      assert.equal(await verifyPassword('second-password', await accounts.credentials('eve')), true);
      assert.equal(await accounts.setPassword('nobody', 'some-password'), false);
      assert.equal(await accounts.remove('eve'), true);
      assert.equal(await accounts.remove('eve'), false);
      assert.equal(await accounts.count(), 0);
    });

    test('20 accounts added at once are 20 accounts, exactly one of them admin', async () => {
      const accounts = await migrated();
      const names = Array.from({ length: 20 }, (_, i) => `listener${String(i).padStart(2, '0')}`);
      await Promise.all(names.map((n) => accounts.add(n, `password-of-${n}`)));
      const list = await accounts.list();
      assert.deepEqual(list.map((a) => a.name), names);
      assert.equal(list.filter((a) => a.role === 'admin').length, 1);
    });

    test('a transaction that throws changes nothing', async () => {
      const accounts = await migrated();
      await assert.rejects(
        accounts.db.transaction(async (tx) => {
          await tx.run("INSERT INTO settings (key, value) VALUES ('k', 'v')");
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      const rows = await accounts.db.transaction((tx) => tx.query('SELECT * FROM settings'));
      assert.deepEqual(rows, []);
    });
  });
}
