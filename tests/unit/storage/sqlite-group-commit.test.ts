import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteDatabase } from '../../../src-server/storage/sqlite-database.js';

const root = mkdtempSync(join(tmpdir(), 'atp-sqlite-group-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('transactions asked for at once share a few commits; one that fails rolls back alone and is refused alone', async () => {
  const db = await SqliteDatabase.open(join(root, 'atp.db'), { lockWaitMs: 5000 });
  await db.transaction((tx) => tx.run('CREATE TABLE t (n INTEGER PRIMARY KEY, note TEXT)'));
  const groupsBefore = db.groupsWritten;
  const failing = 37;
  const all = Array.from({ length: 200 }, (_, n) =>
    db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (n, note) VALUES (?, ?)', [n, 'written']);
      if (n === failing) throw new Error(`transaction ${n} gives up after its insert`);
      const [row] = await tx.query<{ c: number }>('SELECT count(*) AS c FROM t');
      return row!.c;
    }),
  );
  const outcomes = await Promise.allSettled(all);
  const refused = outcomes.flatMap((o, n) => (o.status === 'rejected' ? [{ n, message: (o.reason as Error).message }] : []));
  assert.deepEqual(refused, [{ n: failing, message: `transaction ${failing} gives up after its insert` }]);
  // Each later transaction saw every earlier row but the rolled-back one: its own savepoint undid only its insert.
  outcomes.forEach((o, n) => {
    if (n !== failing) assert.deepEqual(o, { status: 'fulfilled', value: n < failing ? n + 1 : n });
  });
  const rows = await db.transaction((tx) => tx.query<{ n: number }>('SELECT n FROM t ORDER BY n'));
  assert.deepEqual(rows.map((r) => r.n), Array.from({ length: 200 }, (_, n) => n).filter((n) => n !== failing));
  // The first opened the file alone; the 199 that asked meanwhile went in one group (of at most 256), not 199.
  assert.ok(db.groupsWritten - groupsBefore <= 3, `${db.groupsWritten - groupsBefore} groups for 200 transactions and a read`);
  await db.close();
});

test('a group that cannot open the database refuses every transaction in it, with the reason', async () => {
  const db = await SqliteDatabase.open(join(root, 'g2', 'atp.db'), { lockWaitMs: 5000 });
  rmSync(join(root, 'g2'), { recursive: true, force: true });
  writeFileSync(join(root, 'g2'), 'the folder is gone, a file is here');
  const outcomes = await Promise.allSettled([1, 2, 3].map(() => db.transaction((tx) => tx.query('SELECT 1'))));
  for (const o of outcomes) assert.match(o.status === 'rejected' ? String((o.reason as Error).message) : 'fulfilled', /g2/);
  rmSync(join(root, 'g2'), { force: true });
});
