/**
 * Encryption and trust in the desktop controller, against real servers listening on every address and reached
 * through a non-loopback address of this machine (where it has none, through loopback with `encryptLoopback`).
 * Each server makes its own self-signed certificate in its state folder; `atp-server fingerprint` prints it.
 * What reached a server is read from its log: `encrypted` for a handshake, `login`, `login-failed` and
 * `login-in-clear-refused` for a LOGIN.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConnectionState, DesktopEvent, IpcResult, SessionInfo } from '../../../src-shared/ipc/contract.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { dispatchRequest } from '../../../src-main/desktop/request-dispatch.js';
import { Settings, type SecretBox } from '../../../src-main/desktop/settings.js';
import { SERVER_BIN, startServer, type RunningServer } from '../../helpers/server-process.js';

const USER = 'ana';
const PASSWORD = 'ana-password';
/** A non-loopback IPv4 address of this machine: connections to it are encrypted by default. */
const LAN = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
const HOST = LAN ?? '127.0.0.1';

const fingerprintOf = (stateDir: string) => spawnSync(process.execPath, [SERVER_BIN, 'fingerprint', '--state-dir', stateDir], { encoding: 'utf8' }).stdout.trim();
const LOGIN_EVENTS = ['login', 'login-failed', 'login-in-clear-refused'];
const logins = (s: RunningServer) => s.logs.filter((l) => LOGIN_EVENTS.includes(l.event as string)).length;
const handshakes = (s: RunningServer) => s.logs.filter((l) => l.event === 'encrypted').length;

const SEALING: SecretBox = { status: () => ({ available: true }), encrypt: (p) => `sealed:${p}`, decrypt: (s) => s.slice(7) };

function serverOn(port = 0): Promise<RunningServer> {
  return startServer({ users: { [USER]: PASSWORD }, args: ['--host', '0.0.0.0', '--port', String(port), '--workers', '1'] });
}

function controllerWith(settingsFile: string, extra: Partial<ConstructorParameters<typeof DesktopController>[0]> = {}) {
  const c = new DesktopController({ settings: new Settings(settingsFile, SEALING), encryptLoopback: LAN === undefined, ...extra });
  const states: ConnectionState[] = [];
  const events: DesktopEvent[] = [];
  c.on('event', (e) => {
    events.push(e);
    if (e.type === 'connection') states.push(e.state);
  });
  const connect = (port: number, remember = false) =>
    dispatchRequest(c.handlers, 'connect', { host: HOST, port, user: USER, password: PASSWORD, remember }) as Promise<IpcResult<SessionInfo>>;
  return { c, states, events, connect };
}

/** Time for log lines of what already happened to arrive. */
const settle = () => new Promise((r) => setTimeout(r, 300));

async function until(test: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('desktop controller: encryption and trust', () => {
  let server: RunningServer;
  let fingerprint: string;
  const folder = mkdtempSync(join(tmpdir(), 'atp-trust-'));
  const settingsFile = join(folder, 'settings.json');

  before(async () => {
    server = await serverOn();
    fingerprint = fingerprintOf(server.stateDir);
    assert.match(fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  });
  after(async () => {
    await server?.stop();
  });

  it('first contact asks: connect answers untrusted-server with the fingerprint, before any LOGIN', async () => {
    const { c, states, connect } = controllerWith(settingsFile);
    const r = await connect(server.port, true);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.code === 'untrusted-server', JSON.stringify(r));
    const asked = { host: HOST, port: server.port, address: `${HOST}:${server.port}`, fingerprint };
    assert.ok(!r.ok);
    assert.deepEqual(r.error.server, asked);
    assert.deepEqual(states.at(-1), { status: 'untrusted', address: `${HOST}:${server.port}`, server: asked });
    await until(() => handshakes(server) === 1); // the connection was encrypted (the log arrives a little later)
    await settle();
    assert.equal(logins(server), 0, 'no LOGIN reached the server');
    assert.deepEqual(new Settings(settingsFile, null).pinned(), []);

    // Trust with another fingerprint than the one asked about pins nothing.
    const wrong = await dispatchRequest(c.handlers, 'trustServer', { host: HOST, port: server.port, fingerprint: 'SHA256:' + 'A'.repeat(43) });
    assert.ok(!wrong.ok && wrong.error.code === 'cancelled');
    assert.deepEqual(new Settings(settingsFile, null).pinned(), []);
    await c.dispose();
  });

  it('Cancel leaves it disconnected with no warning, and pins nothing', async () => {
    const { c, states, connect } = controllerWith(settingsFile);
    await connect(server.port);
    assert.equal(states.at(-1)?.status, 'untrusted');
    assert.ok((await dispatchRequest(c.handlers, 'disconnect', null)).ok);
    assert.deepEqual(states.at(-1), { status: 'disconnected' });
    assert.deepEqual(new Settings(settingsFile, null).pinned(), []);
    await c.dispose();
  });

  it('Trust pins the fingerprint per host:port in settings.json and logs in; the server is remembered', async () => {
    const { c, states, events, connect } = controllerWith(settingsFile);
    await connect(server.port, true);
    const before = logins(server);
    const r = await dispatchRequest(c.handlers, 'trustServer', { host: HOST, port: server.port, fingerprint });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(states.at(-1)?.status, 'connected');
    assert.equal(logins(server), before + 1);
    const pinned = [{ host: HOST, port: server.port, address: `${HOST}:${server.port}`, fingerprint }];
    assert.deepEqual((JSON.parse(readFileSync(settingsFile, 'utf8')) as { pinned: unknown }).pinned, [{ host: HOST, port: server.port, fingerprint }]);
    assert.deepEqual(events.find((e) => e.type === 'pinned'), { type: 'pinned', pinned });
    const snap = await c.handlers.snapshot(null);
    assert.deepEqual(snap.pinned, pinned);
    assert.equal(snap.recent[0]?.host, HOST);
    assert.equal(snap.recent[0]?.savedPassword, true);
    await c.dispose();
  });

  it('a second connect, and connectRecent, do not ask', async () => {
    const { c, states, connect } = controllerWith(settingsFile);
    const shakes = handshakes(server);
    assert.ok((await connect(server.port)).ok);
    assert.ok(!states.some((s) => s.status === 'untrusted'));
    await dispatchRequest(c.handlers, 'disconnect', null);
    const recent = (await c.handlers.snapshot(null)).recent[0]!;
    const r = await dispatchRequest(c.handlers, 'connectRecent', recent);
    assert.ok(r.ok, JSON.stringify(r));
    await until(() => handshakes(server) === shakes + 2); // both connections were encrypted
    await c.dispose();
  });

  it('a loopback address stays in clear', { skip: LAN ? false : 'loopback is encrypted here, for want of another address' }, async () => {
    const c = new DesktopController({ settings: new Settings(null, null) });
    const shakes = handshakes(server);
    const r = await dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, remember: false });
    assert.ok(r.ok, JSON.stringify(r));
    await until(() => logins(server) > 0 && server.logs.at(-1)?.event === 'login');
    await settle();
    assert.equal(handshakes(server), shakes);
    await c.dispose();
  });

  it('a changed certificate stops the connection before LOGIN with the warning; forgetting the pin asks again', async () => {
    const port = server.port;
    await server.stop();
    // Another server on the same address, with its own certificate: what an interceptor would look like.
    server = await serverOn(port);
    const other = fingerprintOf(server.stateDir);
    assert.notEqual(other, fingerprint);
    const { c, states, connect } = controllerWith(settingsFile);
    const r = await connect(port);
    assert.ok(!r.ok && r.error.code === 'server-identity-changed', JSON.stringify(r));
    const changed = { host: HOST, port, address: `${HOST}:${port}`, fingerprint: other, pinned: fingerprint };
    assert.ok(!r.ok);
    assert.deepEqual(r.error.server, changed);
    assert.deepEqual(states.at(-1), { status: 'disconnected', identityChanged: changed });
    await until(() => handshakes(server) === 1);
    await settle();
    assert.equal(logins(server), 0, 'no password was sent');
    // The warning offers no way to trust: trustServer is refused while no connection waits on a question.
    const oneClick = await dispatchRequest(c.handlers, 'trustServer', { host: HOST, port, fingerprint: other });
    assert.ok(!oneClick.ok && oneClick.error.code === 'cancelled');
    assert.equal(new Settings(settingsFile, null).pinnedFingerprint(HOST, port), fingerprint);

    // The deliberate step in the settings: forget, then the next connection asks about the new certificate.
    assert.ok((await dispatchRequest(c.handlers, 'forgetServerIdentity', { host: HOST, port })).ok);
    assert.deepEqual((await c.handlers.snapshot(null)).pinned, []);
    const again = await connect(port);
    assert.ok(!again.ok && again.error.code === 'untrusted-server');
    assert.equal(again.error.server?.fingerprint, other);
    assert.ok((await dispatchRequest(c.handlers, 'trustServer', { host: HOST, port, fingerprint: other })).ok);
    fingerprint = other;
    await c.dispose();
  });

  it('a reconnect that meets a changed certificate stops reconnecting and shows the warning', async () => {
    const port = server.port;
    const { c, states, connect } = controllerWith(settingsFile, { reconnectDelay: () => 100 });
    assert.ok((await connect(port)).ok);
    await server.stop();
    server = await serverOn(port);
    const other = fingerprintOf(server.stateDir);
    await until(() => states.at(-1)?.status === 'disconnected');
    assert.deepEqual(states.at(-1), {
      status: 'disconnected', identityChanged: { host: HOST, port, address: `${HOST}:${port}`, fingerprint: other, pinned: fingerprint },
    });
    await until(() => handshakes(server) >= 1);
    const shakes = handshakes(server);
    // Well past several retry delays: no further attempt, nothing pinned, no LOGIN.
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(handshakes(server), shakes);
    assert.equal(logins(server), 0);
    assert.equal(states.at(-1)?.status, 'disconnected');
    assert.equal(new Settings(settingsFile, null).pinnedFingerprint(HOST, port), fingerprint);
    await c.dispose();
  });
});
