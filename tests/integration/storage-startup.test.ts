// The server's database at start: a damaged file, a lock held by another process and a newer schema stop it with
// one sentence and a non-zero exit, never an empty store; users.json is imported once; --database postgres://.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { SqliteDatabase } from '../../src-server/storage/sqlite-database.js';
import { scratchDatabases, skipWithoutPostgres } from '../helpers/scratch-postgres.js';
import { DEMO_LIBRARY, SERVER_BIN, addUser, startServer } from '../helpers/server-process.js';

/** Runs the server to its exit (it should not start) and returns its code and the plain lines of its stderr. */
function serverThatStops(stateDir: string, extra: string[] = []): Promise<{ code: number | null; lines: string[]; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [SERVER_BIN, '--library', DEMO_LIBRARY, '--port', '0', '--state-dir', stateDir, '--no-auth', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, lines: stderr.split('\n').filter((l) => l && !l.startsWith('{')), ms: Date.now() - started });
    });
  });
}

const listUsers = (args: string[]) => spawnSync(process.execPath, [SERVER_BIN, 'user', 'list', ...args], { encoding: 'utf8' });

describe('the database at start', () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'atp-storage-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('a damaged database file stops the server with one line naming the file; the file is left as it was', async () => {
    const dir = stateDir();
    addUser(dir, 'ann', 'password-of-ann');
    const db = join(dir, 'atp.db');
    const bytes = readFileSync(db);
    bytes.fill(0x5a, 0, 100); // the header: no longer "SQLite format 3"
    writeFileSync(db, bytes);
    const r = await serverThatStops(dir);
    assert.equal(r.code, 1);
    assert.deepEqual(r.lines.length, 1, r.lines.join('\n'));
    assert.match(r.lines[0]!, new RegExp(`^atp-server: the database ${db} is damaged or not an SQLite database`));
    assert.deepEqual(readFileSync(db), bytes, 'nothing was written over it');
    assert.equal(listUsers(['--state-dir', dir]).status, 1, '`user list` refuses it too');
  });

  test('a database held by another live process stops the server with one line naming the holder', async () => {
    const dir = stateDir();
    addUser(dir, 'ann', 'password-of-ann');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'atp.db.owner'), JSON.stringify({ pid: holder.pid, nonce: 'holding' }));
      const r = await serverThatStops(dir);
      assert.equal(r.code, 1);
      assert.equal(r.lines.length, 1, r.lines.join('\n'));
      assert.match(r.lines[0]!, new RegExp(`^atp-server: the database ${join(dir, 'atp.db')} is locked by process ${holder.pid}`));
      assert.ok(r.ms < 15_000, `gave up after ${r.ms} ms`);
    } finally {
      holder.kill();
    }
  });

  test('a database with a newer schema than the server knows is refused', async () => {
    const dir = stateDir();
    addUser(dir, 'ann', 'password-of-ann');
    const db = await SqliteDatabase.open(join(dir, 'atp.db'), { lockWaitMs: 5000 });
    await db.transaction((tx) => tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')"));
    const r = await serverThatStops(dir);
    assert.equal(r.code, 1);
    assert.match(r.lines.join('\n'), /has schema version 999, newer than this atp-server knows/);
  });

  test('users.json is imported once at start, renamed aside, and its passwords log in; the oldest account is admin', async () => {
    const dir = stateDir();
    // The file an earlier version wrote: scrypt hashes of "password-of-old" and "password-of-new".
    const { scryptSync } = await import('node:crypto');
    const entry = (password: string, created: string) => {
      const salt = randomBytes(16);
      const hash = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
      return { salt: salt.toString('base64'), hash: hash.toString('base64'), N: 16384, r: 8, p: 1, created };
    };
    const users = { version: 1, users: { zed: entry('password-of-old', '2024-01-01T00:00:00Z'), amy: entry('password-of-new', '2025-01-01T00:00:00Z') } };
    writeFileSync(join(dir, 'users.json'), JSON.stringify(users), { mode: 0o600 });
    const server = await startServer({ stateDir: dir, args: ['--workers', '1'] });
    try {
      assert.equal(existsSync(join(dir, 'users.json')), false);
      assert.equal(existsSync(join(dir, 'users.json.imported')), true);
      const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
      assert.equal((await client.login({ user: 'zed', password: 'password-of-old' })).user, 'zed');
      client.close();
      assert.deepEqual(listUsers(['--state-dir', dir]).stdout.trim().split('\n'), ['amy\tlistener', 'zed\tadmin']);
      assert.ok(server.logs.some((l) => l.event === 'accounts-imported' && l.accounts === 2), JSON.stringify(server.logs));
    } finally {
      await server.stop();
    }
    // A users.json that comes back later is not merged again.
    writeFileSync(join(dir, 'users.json'), JSON.stringify({ version: 1, users: { eve: entry('password-of-eve', '2026-01-01T00:00:00Z') } }));
    assert.deepEqual(listUsers(['--state-dir', dir]).stdout.trim().split('\n'), ['amy\tlistener', 'zed\tadmin']);
  });

  const scratchDatabase = scratchDatabases();
  test('--database postgres://… keeps the accounts there: added by the command, checked by a two-worker server', { skip: skipWithoutPostgres }, async () => {
    const url = await scratchDatabase('atp_startup');
    const dir = stateDir();
    const added = spawnSync(process.execPath, [SERVER_BIN, 'user', 'add', 'pat', '--password-stdin', '--state-dir', dir, '--database', url], { input: 'password-of-pat\n', encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    assert.equal(existsSync(join(dir, 'atp.db')), false, 'no SQLite file beside it');
    const server = await startServer({ stateDir: dir, args: ['--workers', '2', '--database', url] });
    try {
      const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
      assert.equal((await client.login({ user: 'pat', password: 'password-of-pat' })).user, 'pat');
      client.close();
    } finally {
      await server.stop();
    }
    const unreachable = await serverThatStops(dir, ['--database', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.lines.join('\n'), /^atp-server: the PostgreSQL database postgres:\/\/nobody@127\.0\.0\.1:1\/none cannot be reached/);
  });
});
