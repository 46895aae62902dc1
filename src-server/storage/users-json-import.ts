/**
 * Accounts from the users.json file of earlier versions, imported into the database once and the file renamed
 * aside (users.json.imported), so that its hashes are not left to drift from the database's. The import is recorded
 * in the settings table: a users.json that appears again later is left alone and reported, never merged twice.
 */
import { readFile, rename } from 'node:fs/promises';
import type { Database } from './database.js';
import { AccountError, checkName, insertAccount } from './accounts.js';

interface UserEntry {
  salt: string;
  hash: string;
  N: number;
  r: number;
  p: number;
  created?: string;
}

const IMPORTED_KEY = 'users_json_imported';

export type ImportOutcome =
  | { kind: 'none' }
  | { kind: 'imported'; accounts: number; skipped: string[]; renamedTo: string }
  | { kind: 'already-imported'; at: string };

export async function importUsersJson(db: Database, path: string): Promise<ImportOutcome> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw new Error(`the accounts file ${path} cannot be read: ${(err as Error).message}`);
  }
  const users = parse(text, path);
  const outcome = await db.transaction(async (tx) => {
    const [done] = await tx.query<{ value: string }>('SELECT value FROM settings WHERE key = ?', [IMPORTED_KEY]);
    if (done) return { kind: 'already-imported', at: done.value } as const;
    const skipped: string[] = [];
    let accounts = 0;
    // Oldest first, so that "the first account is the admin" means what it meant to the people who made them.
    const ordered = Object.entries(users).sort(([, a], [, b]) => (a.created ?? '').localeCompare(b.created ?? ''));
    for (const [name, e] of ordered) {
      try {
        await insertAccount(tx, name, { salt: e.salt, hash: e.hash, N: e.N, r: e.r, p: e.p }, undefined, e.created ?? new Date().toISOString());
        accounts++;
      } catch (err) {
        if (!(err instanceof AccountError && err.code === 'account-exists')) throw err;
        skipped.push(name);
      }
    }
    await tx.run('INSERT INTO settings (key, value) VALUES (?, ?)', [IMPORTED_KEY, `${new Date().toISOString()} from ${path}`]);
    return { kind: 'imported', accounts, skipped } as const;
  });
  if (outcome.kind === 'already-imported') return outcome;
  const renamedTo = `${path}.imported`;
  await rename(path, renamedTo);
  return { ...outcome, renamedTo };
}

function parse(text: string, path: string): Record<string, UserEntry> {
  const notOurs = new Error(`${path} is not an atp-server users file: move it aside to start without it`);
  let doc: { version?: unknown; users?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw notOurs;
  }
  if (doc.version !== 1 || typeof doc.users !== 'object' || doc.users === null) throw notOurs;
  const users = doc.users as Record<string, UserEntry>;
  for (const [name, e] of Object.entries(users)) {
    checkName(name);
    const ok = typeof e?.salt === 'string' && typeof e.hash === 'string' && [e.N, e.r, e.p].every((n) => Number.isInteger(n) && n > 0);
    if (!ok) throw new Error(`${path}: the entry of ${name} is not a scrypt hash this server can check`);
  }
  return users;
}
