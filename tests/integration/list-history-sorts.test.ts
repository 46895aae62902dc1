// LIST's sorts by the account's play history (PROTOCOL.md §7.1: `plays`, `played`) against a real two-worker server:
// the order and tie-breaks both ways, paging and search, one account's history not another's, an account that
// played nothing, a session without an account, and bad sort names. SQLite always, PostgreSQL when
// ATP_TEST_POSTGRES_URL names one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { AtpError, FrameType, LibraryFunc, frame, type ListRequest, type TrackInfo } from '../../src-shared/protocol/index.js';
import { SERVER_BIN, startServer } from '../helpers/server-process.js';
import { scratchDatabases, skipWithoutPostgres } from '../helpers/scratch-postgres.js';
import { sleep } from '../helpers/wait.js';

const PASSWORD = 'a password for tests';
const code = (c: string) => (e: AtpError) => e.code === c;

/** Polls `read` until `ok` holds of its value: a play is recorded when its stream's last write lands. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(v)}`);
    await sleep(20);
  }
}

async function historySorts(database: string[]): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'atp-list-history-'));
  for (const name of ['alice', 'bob', 'carol']) {
    const r = spawnSync(process.execPath, [SERVER_BIN, 'user', 'add', name, '--password-stdin', '--state-dir', stateDir, ...database], { input: `${PASSWORD}\n`, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  const server = await startServer({ stateDir, users: {}, args: ['--workers', '2', ...database] });
  const clients: AtpClient[] = [];
  const login = async (user: string) => {
    const c = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    clients.push(c);
    await c.login({ user, password: PASSWORD, pageSize: 0 });
    return c;
  };
  try {
    const bob = await login('bob');
    const byPath = (await bob.list({ sort: 'path' })).tracks;
    assert.equal(byPath.length, 3);
    const [handshake, creditWindow, teardown] = byPath as [TrackInfo, TrackInfo, TrackInfo];
    const ids = (req: ListRequest, c = bob) => c.list(req).then((r) => ({ total: r.total, ids: r.tracks.map((t) => t.id) }));
    const nothing = { total: 0, ids: [] };
    assert.deepEqual(await ids({ sort: 'plays' }), nothing, 'nothing played yet');
    assert.deepEqual(await ids({ sort: 'played', order: 'desc' }), nothing);

    // Handshake, Credit Window, Handshake again (from 0 after its end: a second play), Teardown, one after the other.
    const played: string[] = [];
    for (const t of [handshake, creditWindow, handshake, teardown]) {
      await fetchTrack(bob, t.id, { write: () => {} });
      played.push(t.id);
      await until(() => bob.history({ view: 'plays' }), (h) => h.total === played.length, `${played.length} plays are recorded`);
    }
    const counts = await bob.history({ view: 'counts' });
    assert.deepEqual(counts.items.map((i) => [i.track, i.plays]), [[handshake.id, 2], [teardown.id, 1], [creditWindow.id, 1]]);

    // Most plays first, ties by the latest play; most recent first: the two orders differ here.
    assert.deepEqual(await ids({ sort: 'plays', order: 'desc' }), { total: 3, ids: [handshake.id, teardown.id, creditWindow.id] });
    assert.deepEqual(await ids({ sort: 'plays' }), { total: 3, ids: [creditWindow.id, teardown.id, handshake.id] });
    assert.deepEqual(await ids({ sort: 'played', order: 'desc' }), { total: 3, ids: [teardown.id, handshake.id, creditWindow.id] });
    assert.deepEqual(await ids({ sort: 'played' }), { total: 3, ids: [creditWindow.id, handshake.id, teardown.id] });
    assert.deepEqual(await ids({ sort: 'played', order: 'desc', offset: 1, limit: 1 }), { total: 3, ids: [handshake.id] }, 'paged on the server');
    assert.deepEqual(await ids({ sort: 'plays', order: 'desc', query: 'TEARDOWN' }), { total: 1, ids: [teardown.id] }, 'searched as any LIST');
    const page = await bob.list({ sort: 'played', order: 'desc', limit: 1 });
    assert.deepEqual(page.tracks[0], teardown, 'whole TrackInfo, as other sorts give');

    // Another account's history is its own; an account that played nothing lists nothing.
    const alice = await login('alice');
    await fetchTrack(alice, creditWindow.id, { write: () => {} });
    await until(() => alice.history({ view: 'plays' }), (h) => h.total === 1, 'alice\'s play is recorded');
    assert.deepEqual(await ids({ sort: 'played', order: 'desc' }, alice), { total: 1, ids: [creditWindow.id] });
    assert.deepEqual(await ids({ sort: 'plays', order: 'desc' }), { total: 3, ids: [handshake.id, teardown.id, creditWindow.id] }, 'bob\'s unchanged');
    const carol = await login('carol');
    assert.deepEqual(await ids({ sort: 'plays', order: 'desc' }, carol), nothing);
    assert.deepEqual(await ids({ sort: 'played', order: 'desc', query: 'handshake' }, carol), nothing);

    // Bad sort names are refused, the connection serves on.
    const raw = (payload: string) => bob.request(frame({ type: FrameType.LIBRARY, func: LibraryFunc.LIST, uid: bob.uid, payload: new TextEncoder().encode(payload) }), () => 'answered');
    await assert.rejects(raw('{"sort":"PLAYS"}'), code('bad-payload'));
    await assert.rejects(raw('{"sort":"play-count"}'), (e: AtpError) => e.code === 'bad-payload' && /plays, played/.test(e.message));
    await assert.rejects(raw('{"sort":"played","order":"newest"}'), code('bad-payload'));
    assert.equal((await ids({ sort: 'played', order: 'desc', limit: 1 })).ids[0], teardown.id);
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

describe('LIST sorted by the account\'s play history', () => {
  const scratchDatabase = scratchDatabases();

  test('on SQLite', { timeout: 120_000 }, () => historySorts([]));

  test('on PostgreSQL', { timeout: 120_000, skip: skipWithoutPostgres }, async () => {
    await historySorts(['--database', await scratchDatabase('atp_list_history')]);
  });

  test('a session whose name is no account\'s is refused with no-account, and other sorts still serve it', { timeout: 60_000 }, async () => {
    // --no-auth: a login by name alone; the name dora is an account's, guest is not.
    const server = await startServer({ users: { dora: PASSWORD }, args: ['--no-auth'] });
    const guest = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    const dora = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    try {
      await guest.login({ user: 'guest', pageSize: 0 });
      await assert.rejects(guest.list({ sort: 'plays' }), code('no-account'));
      await assert.rejects(guest.list({ sort: 'played', order: 'desc' }), code('no-account'));
      assert.equal((await guest.list({ sort: 'added', order: 'desc' })).total, 3);
      await dora.login({ user: 'dora', pageSize: 0 });
      assert.deepEqual(await dora.list({ sort: 'played', order: 'desc' }).then((r) => [r.total, r.tracks.length]), [0, 0], 'the account of that name');
    } finally {
      guest.close();
      dora.close();
      await server.stop();
    }
  });
});
