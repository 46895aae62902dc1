import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { AtpError, ControlFunc, ErrorClass, FrameType, build } from '../../src-shared/protocol/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { DEMO_LIBRARY, SERVER_BIN, addUser, startServer, type RunningServer } from '../helpers/server-process.js';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const connect = (s: RunningServer) => AtpClient.connect({ host: '127.0.0.1', port: s.port });

describe('authentication', () => {
  const servers: RunningServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  test('accounts: the right password logs in, a wrong one is refused with a reason', async () => {
    const s = await startServer({ users: { bob: 'hunter2hunter2' } });
    servers.push(s);
    const good = await connect(s);
    assert.equal((await good.login({ user: 'bob', password: 'hunter2hunter2' })).user, 'bob');
    good.close();
    const bad = await connect(s);
    await assert.rejects(bad.login({ user: 'bob', password: 'hunter3hunter3' }), (e: AtpError) => e.code === 'bad-credentials');
    await assert.rejects(bad.login({ user: 'nobody', password: 'hunter2hunter2' }), (e: AtpError) => e.code === 'bad-credentials');
    await assert.rejects(bad.login({ user: 'bob' }), (e: AtpError) => e.code === 'bad-credentials', 'no password, no entry');
    await assert.rejects(bad.list(), (e: AtpError) => e.code === 'not-logged-in');
    bad.close();
  });

  test('the database keeps scrypt hashes, not passwords, readable by the owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-users-'));
    addUser(dir, 'carol', 'a long enough secret');
    const bytes = readFileSync(join(dir, 'atp.db'));
    assert.ok(!bytes.includes('a long enough secret'));
    assert.ok(bytes.includes('carol'), 'the account is in the database file');
    assert.equal(statSync(join(dir, 'atp.db')).mode & 0o077, 0, 'no access for group or others');
    const list = spawnSync(process.execPath, [SERVER_BIN, 'user', 'list', '--state-dir', dir], { encoding: 'utf8' });
    assert.equal(list.stdout.trim(), 'carol\tadmin');
    const rm = spawnSync(process.execPath, [SERVER_BIN, 'user', 'remove', 'carol', '--state-dir', dir], { encoding: 'utf8' });
    assert.equal(rm.status, 0);
    const short = spawnSync(process.execPath, [SERVER_BIN, 'user', 'add', 'dave', '--password-stdin', '--state-dir', dir], { input: 'short\n', encoding: 'utf8' });
    assert.notEqual(short.status, 0);
    assert.match(short.stderr, /at least 8 characters/);
  });

  test('token mode: the token logs in, anything else does not', async () => {
    const token = 'tok-' + 'x'.repeat(40);
    const s = await startServer({ args: ['--token-env', 'ATP_TEST_TOKEN'], env: { ATP_TEST_TOKEN: token } });
    servers.push(s);
    const good = await connect(s);
    assert.ok((await good.login({ token })).uid > 0);
    good.close();
    const bad = await connect(s);
    await assert.rejects(bad.login({ token: token + 'y' }), (e: AtpError) => e.code === 'bad-credentials');
    await assert.rejects(bad.login({ user: 'guest' }), (e: AtpError) => e.code === 'bad-credentials', 'token mode is not open');
    bad.close();
  });

  test('open mode is refused on an address other than loopback', () => {
    const r = spawnSync(process.execPath, [SERVER_BIN, '--library', DEMO_LIBRARY, '--host', '0.0.0.0', '--port', '0', '--no-auth'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /only allowed on a loopback address/);
  });

  test('a server with no way to log in does not start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-empty-'));
    const r = spawnSync(process.execPath, [SERVER_BIN, '--library', DEMO_LIBRARY, '--port', '0', '--state-dir', dir], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no way to log in/);
  });

  test('an error frame for a bad login is of the AUTH class and names the request', async () => {
    const peer = await RawPeer.open(servers[0]!.port);
    peer.send(build.login({ user: 'bob', password: 'wrong-wrong' }));
    const err = await peer.nextError();
    assert.equal(err.code, 'bad-credentials');
    assert.equal(err.func, ErrorClass.AUTH);
    assert.deepEqual(err.request, { type: FrameType.CONTROL, func: ControlFunc.LOGIN });
    peer.close();
  });
});
