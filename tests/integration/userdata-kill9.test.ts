// Nothing lost: 1,000 writes from several clients while the server is killed with SIGKILL at random moments and
// started again on the same database; every write the server acknowledged is there afterwards. SQLite always,
// PostgreSQL when ATP_TEST_POSTGRES_URL names one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { spawnSync } from 'node:child_process';
import { SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { scratchDatabases, skipWithoutPostgres } from '../helpers/scratch-postgres.js';
import { sleep } from '../helpers/wait.js';

const PASSWORD = 'a password for tests';
const USERS = ['ann', 'ben', 'cat', 'dan'];
const WRITES = 1000;
const KILLS = 3;

/** Writes until `stop` says so, recording every write whose ACK arrived; a dropped connection reconnects. */
async function writer(user: string, port: () => number, acked: string[], stop: () => boolean): Promise<void> {
  let n = 0;
  while (!stop()) {
    let c: AtpClient | null = null;
    try {
      c = await AtpClient.connect({ host: '127.0.0.1', port: port(), timeoutMs: 1000 });
      await c.login({ user, password: PASSWORD, pageSize: 0 });
      while (!stop()) {
        const id = `${user}-${n++}`;
        if (n % 5 === 0) await c.playlists({ op: 'create', name: id });
        else await c.favourites({ op: 'add', kind: 'track', id });
        acked.push(id);
      }
    } catch {
      await sleep(50);
    } finally {
      c?.close();
    }
  }
}

function addUser(stateDir: string, name: string, extra: string[]): void {
  const r = spawnSync(process.execPath, [SERVER_BIN, 'user', 'add', name, '--password-stdin', '--state-dir', stateDir, ...extra], { input: `${PASSWORD}\n`, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function killAndCheck(database: string[] | null): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'atp-kill9-'));
  for (const u of USERS) addUser(stateDir, u, database ?? []);
  let server: RunningServer = await startServer({ stateDir, users: {}, args: ['--workers', '2', ...(database ?? [])], keepState: true });
  const acked = new Map(USERS.map((u) => [u, [] as string[]]));
  const total = () => [...acked.values()].reduce((s, a) => s + a.length, 0);
  let done = false;
  const writers = USERS.map((u) => writer(u, () => server.port, acked.get(u)!, () => done || total() >= WRITES));
  try {
    for (let k = 0; k < KILLS; k++) {
      const at = Math.floor(((k + 0.3 + Math.random() * 0.6) * WRITES) / (KILLS + 1));
      while (total() < at) await sleep(5);
      server.proc.kill('SIGKILL');
      await server.stop();
      server = await startServer({ stateDir, users: {}, args: ['--workers', '2', ...(database ?? [])], keepState: true });
    }
    await Promise.all(writers);
    assert.ok(total() >= WRITES, `${total()} writes acknowledged`);
    for (const u of USERS) {
      const c = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
      await c.login({ user: u, password: PASSWORD, pageSize: 0 });
      const favourites = new Set((await c.favourites({ op: 'list' })).favourites!.map((f) => f.id));
      const playlists = new Set((await c.playlists({ op: 'list' })).playlists!.map((p) => p.name));
      c.close();
      const lost = acked.get(u)!.filter((id) => !favourites.has(id) && !playlists.has(id));
      assert.deepEqual(lost, [], `${u}: acknowledged writes missing after ${KILLS} kills`);
    }
  } finally {
    done = true;
    await Promise.allSettled(writers);
    await server.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}


describe('every acknowledged write survives kill -9', () => {
  const scratchDatabase = scratchDatabases();

  test('on SQLite', { timeout: 180_000 }, () => killAndCheck(null));

  test('on PostgreSQL', { timeout: 180_000, skip: skipWithoutPostgres }, async () => {
    await killAndCheck(['--database', await scratchDatabase('atp_kill9')]);
  });
});
