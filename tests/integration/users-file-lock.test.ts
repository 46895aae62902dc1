// `atp-server user add` and `user remove` run at the same time by many processes keep every change.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SERVER_BIN } from '../helpers/server-process.js';

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
  return r.stdout.split('\n').filter(Boolean);
}

describe('the users file under concurrent writers', () => {
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
    assert.equal(existsSync(join(dir, 'users.json.lock')), false, 'the lock is released');
  });

  test('a lock left by a process that is gone is taken over', async () => {
    const dir = stateDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'users.json.lock'), JSON.stringify({ pid: Number(gone.stdout), nonce: 'left-behind' }));
    const r = await userCommand(dir, ['add', 'ann', '--password-stdin'], 'password-of-ann');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listUsers(dir), ['ann']);
    assert.equal(existsSync(join(dir, 'users.json.lock')), false);
  });

  test('a lock of a live process that is older than a few seconds is taken over', async () => {
    const dir = stateDir();
    const lock = join(dir, 'users.json.lock');
    // The test runner is alive; its lock is a minute old, far longer than any writer holds one.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, nonce: 'forgotten' }));
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    const r = await userCommand(dir, ['add', 'bo', '--password-stdin'], 'password-of-bo');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listUsers(dir), ['bo']);
  });

  test('a fresh lock held by a live process makes a writer wait for it', async () => {
    const dir = stateDir();
    const lock = join(dir, 'users.json.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, nonce: 'held' }));
    const pending = userCommand(dir, ['add', 'cy', '--password-stdin'], 'password-of-cy');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(listUsers(dir), [], 'nothing written while the lock is held');
    rmSync(lock);
    const r = await pending;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listUsers(dir), ['cy']);
  });
});
