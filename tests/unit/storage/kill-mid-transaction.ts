// Run as a process of its own by sqlite-durability.test.ts: commits one write, then dies by SIGKILL in the middle of
// a second transaction whose changes have already spilled out of SQLite's page cache.
import { SqliteDatabase } from '../../../src-server/storage/sqlite-database.js';

const db = await SqliteDatabase.open(process.argv[2]!, { lockWaitMs: 5000 });
await db.transaction((tx) => tx.run("UPDATE t SET v = 'committed' WHERE id <= 10"));
await db.transaction(async (tx) => {
  await tx.run('PRAGMA cache_size=10');
  await tx.run("UPDATE t SET v = 'never committed'");
  process.kill(process.pid, 'SIGKILL');
});
