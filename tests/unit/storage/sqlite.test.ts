import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from '../../../src-server/storage/sqlite-database.js';
import { defineStorageSuite } from './storage-suite.js';
import { defineUserDataSuite } from './user-data-suite.js';

const root = mkdtempSync(join(tmpdir(), 'atp-sqlite-suite-'));
let n = 0;

defineStorageSuite('SQLite', {
  fresh: () => SqliteDatabase.open(join(root, `db-${n++}`, 'atp.db'), { lockWaitMs: 5000 }),
  cleanUp: async () => rmSync(root, { recursive: true, force: true }),
});

defineUserDataSuite('SQLite', {
  fresh: () => SqliteDatabase.open(join(root, `db-${n++}`, 'atp.db'), { lockWaitMs: 5000 }),
  cleanUp: async () => {},
});
