// `atp-server user …` run at the same time by many processes, with or without a server, keep every change; the
// database's lock file left by a killed process is taken over, and a live holder is waited for.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { SERVER_BIN, startServer } from '../helpers/server-process.js';

function userCommand(stateDir: string, args: string[], password?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [SERVER_BIN, 'user', ...args, '--state-dir', stateDir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.stdin.end(password === undefined ? '' : password + '\n');
    proc.on('exit', (code) => resolve({ code, stderr }));
  });
}

function listUsers(stateDir: string): string[] {
  const r = spawnSync(process.execPath, [SERVER_BIN, 'user', 'list', '--state-dir', stateDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((line) => line.split('\t')[0]!);
}

describe('accounts under concurrent `atp-server user` commands', () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'atp-users-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('20 parallel `user add` keep all 20 accounts; 10 parallel `user remove` remove exactly 10', async () => {
    const dir = stateDir();
    const names = Array.from({ length: 20 }, (_, i) => `listener${i}`);
    const added = await Promise.all(names.map((n) => userCommand(dir, ['add', n, '--password-stdin'], `password-of-${n}`)));
    for (const [i, r] of added.entries()) assert.equal(r.code, 0, `${names[i]}: ${r.stderr}`);
    assert.deepEqual(listUsers(dir), [...names].sort());

    const removed = await Promise.all(names.slice(0, 10).map((n) => userCommand(dir, ['remove', n])));
    for (const r of removed) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listUsers(dir), names.slice(10).sort());
    assert.equal(existsSync(join(dir, 'atp.db.owner')), false, 'the lock is released');
  });

  test('20 parallel `user add` while a two-worker server runs: all 20 are there and log in through the workers', async () => {
    const server = await startServer({ users: { admin: 'password-of-admin' }, args: ['--workers', '2'] });
    try {
      const names = Array.from({ length: 20 }, (_, i) => `guest${i}`);
      const added = await Promise.all(names.map((n) => userCommand(server.stateDir, ['add', n, '--password-stdin'], `password-of-${n}`)));
      for (const [i, r] of added.entries()) assert.equal(r.code, 0, `${names[i]}: ${r.stderr}`);
      assert.deepEqual(listUsers(server.stateDir), ['admin', ...names].sort());
      // Accounts made after the server started log in at once, whichever worker takes the connection.
      for (const n of names.slice(0, 4)) {
        const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
        assert.equal((await client.login({ user: n, password: `password-of-${n}` })).user, n);
        client.close();
      }
    } finally {
      await server.stop();
    }
  });

  test('a lock left by a process that is gone is taken over, and so is SQLite\'s own lock folder beside it', async () => {
    const dir = stateDir();
    assert.equal((await userCommand(dir, ['add', 'ann', '--password-stdin'], 'password-of-ann')).code, 0);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'atp.db.owner'), JSON.stringify({ pid: Number(gone.stdout), nonce: 'left-behind' }));
    spawnSync('mkdir', [join(dir, 'atp.db.lock')]);
    const r = await userCommand(dir, ['add', 'bo', '--password-stdin'], 'password-of-bo');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listUsers(dir), ['ann', 'bo']);
    assert.equal(existsSync(join(dir, 'atp.db.owner')), false);
    assert.equal(existsSync(join(dir, 'atp.db.lock')), false);
  });

  test('a lock held by a live process makes a writer wait for it', async () => {
    const dir = stateDir();
    const lock = join(dir, 'atp.db.owner');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, nonce: 'held' }));
    const pending = userCommand(dir, ['add', 'cy', '--password-stdin'], 'password-of-cy');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(existsSync(join(dir, 'atp.db')), false, 'nothing written while the lock is held');
    rmSync(lock);
    const r = await pending;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listUsers(dir), ['cy']);
  });
});
