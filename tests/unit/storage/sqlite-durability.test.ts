// What a killed process leaves in the SQLite file: every committed write, and none of a transaction it was in.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteDatabase } from '../../../src-server/storage/sqlite-database.js';

const dir = mkdtempSync(join(tmpdir(), 'atp-sqlite-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('SIGKILL in the middle of a transaction: the committed write is there, the killed one is not, the file is intact', async () => {
  const path = join(dir, 'atp.db');
  const db = await SqliteDatabase.open(path, { lockWaitMs: 5000 });
  await db.transaction(async (tx) => {
    await tx.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    for (let i = 0; i < 3000; i++) await tx.run('INSERT INTO t (v) VALUES (?)', ['x'.repeat(200)]);
  });
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'kill-mid-transaction.ts'), path], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  assert.ok(existsSync(`${path}.owner`) && existsSync(`${path}.lock`), 'the killed process left both locks behind');

  const reopened = await SqliteDatabase.open(path, { lockWaitMs: 5000 });
  const rows = await reopened.transaction((tx) => tx.query<{ v: string; n: number }>('SELECT v, COUNT(*) AS n FROM t GROUP BY v ORDER BY v'));
  assert.deepEqual(rows.map((r) => [r.v.slice(0, 9), r.n]), [['committed', 10], ['xxxxxxxxx', 2990]]);
  const [check] = await reopened.transaction((tx) => tx.query<{ integrity_check: string }>('PRAGMA integrity_check'));
  assert.equal(check!.integrity_check, 'ok');
  assert.equal(existsSync(`${path}.owner`), false, 'released again');
});
