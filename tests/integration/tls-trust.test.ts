// Whom `atp` trusts, against real servers and real certificates: a certificate from a CA the system trusts (a test
// CA given to the CLI through NODE_EXTRA_CA_CERTS, which Node adds to its default store exactly as a system CA is
// used, so the CLI runs unchanged), the server's own self-signed one (refused on first contact with its fingerprint,
// trusted with --fingerprint and then remembered), an expired one and one for another host.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_BIN, SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { issue, makeCa, type TestCa } from './tls-certificates.js';

const DAY = 86_400_000;

function atp(port: number, args: string[], env: Record<string, string | undefined> = {}) {
  const base: Record<string, string | undefined> = { ...process.env, NODE_EXTRA_CA_CERTS: undefined, ATP_USER: 'alice', ATP_PASSWORD: 'alice-password', ...env };
  for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
  return spawnSync(process.execPath, [CLI_BIN, '--host', '127.0.0.1', '--port', String(port), ...args], { encoding: 'utf8', env: base as NodeJS.ProcessEnv, timeout: 20000 });
}
const logins = (s: RunningServer) => s.logs.filter((l) => l.event === 'login').length;

describe('atp and the server’s own self-signed certificate', () => {
  let server: RunningServer;
  let config: string;
  let fingerprint: string;

  before(async () => {
    server = await startServer({ users: { alice: 'alice-password' }, args: ['--workers', '1'] });
    config = mkdtempSync(join(tmpdir(), 'atp-config-'));
    fingerprint = spawnSync(process.execPath, [SERVER_BIN, 'fingerprint', '--state-dir', server.stateDir], { encoding: 'utf8' }).stdout.trim();
    assert.match(fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  });
  after(async () => {
    await server?.stop();
    rmSync(config, { recursive: true, force: true });
  });

  test('first contact is refused with the fingerprint and how to accept it; no password was sent', () => {
    const r = atp(server.port, ['--encrypt', 'ping'], { XDG_CONFIG_HOME: config });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /is not known/);
    assert.ok(r.stderr.includes(fingerprint), r.stderr);
    assert.ok(r.stderr.includes(`--fingerprint ${fingerprint}`));
    assert.match(r.stderr, /DEPTH_ZERO_SELF_SIGNED_CERT/);
    assert.equal(logins(server), 0);
  });

  test('--fingerprint trusts it and remembers it; later connections need no --fingerprint', () => {
    const r = atp(server.port, ['--fingerprint', fingerprint, 'ping'], { XDG_CONFIG_HOME: config });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(config, 'atp', 'known_servers'), 'utf8'), `127.0.0.1:${server.port} ${fingerprint}\n`);
    const again = atp(server.port, ['--encrypt', 'list'], { XDG_CONFIG_HOME: config });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /3 of 3 tracks/);
  });

  test('a pin that does not match stops with a warning of interception, before LOGIN', () => {
    const other = mkdtempSync(join(tmpdir(), 'atp-config-'));
    mkdirSync(join(other, 'atp'));
    const wrong = 'SHA256:' + 'A'.repeat(43);
    writeFileSync(join(other, 'atp', 'known_servers'), `# pinned earlier\n127.0.0.1:${server.port} ${wrong}\n`);
    const before = logins(server);
    const r = atp(server.port, ['--encrypt', 'ping'], { XDG_CONFIG_HOME: other });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /WARNING: .*not the one remembered/);
    assert.match(r.stderr, /Someone may be intercepting this connection/);
    assert.ok(r.stderr.includes(wrong) && r.stderr.includes(fingerprint));
    assert.equal(logins(server), before);
    // A wrong --fingerprint is refused alike, and pins nothing.
    const given = atp(server.port, ['--fingerprint', wrong, 'ping'], { XDG_CONFIG_HOME: config });
    assert.equal(given.status, 1);
    assert.match(given.stderr, /not the one given with --fingerprint/);
    assert.ok(readFileSync(join(config, 'atp', 'known_servers'), 'utf8').includes(fingerprint));
    rmSync(other, { recursive: true, force: true });
  });
});

describe('atp and certificates from a certificate authority', () => {
  let ca: TestCa;
  let dir: string;
  let config: string;
  const servers: RunningServer[] = [];
  const serve = async (files: { cert: string; key: string }) => {
    const s = await startServer({ users: { alice: 'alice-password' }, args: ['--workers', '1', '--tls-cert', files.cert, '--tls-key', files.key] });
    servers.push(s);
    return s;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atp-certs-'));
    config = mkdtempSync(join(tmpdir(), 'atp-config-'));
    ca = await makeCa(dir);
  });
  after(async () => {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  });

  test('a certificate that chains to a trusted CA and names the host is trusted without a pin', async () => {
    const s = await serve(await issue(ca, dir, { names: ['localhost', '127.0.0.1'], name: 'good' }));
    const r = atp(s.port, ['--encrypt', 'list'], { XDG_CONFIG_HOME: config, NODE_EXTRA_CA_CERTS: ca.certFile });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 of 3 tracks/);
    assert.throws(() => readFileSync(join(config, 'atp', 'known_servers')), /ENOENT/, 'nothing is pinned');
    // The same certificate, its CA not trusted: it is refused like any unknown one.
    const untrusted = atp(s.port, ['--encrypt', 'ping'], { XDG_CONFIG_HOME: config });
    assert.equal(untrusted.status, 1);
    assert.match(untrusted.stderr, /not from a certificate authority this system trusts/);
  });

  test('an expired certificate from the trusted CA is refused, and says it expired', async () => {
    const s = await serve(await issue(ca, dir, { names: ['127.0.0.1'], name: 'expired', notBefore: new Date(Date.now() - 20 * DAY), notAfter: new Date(Date.now() - DAY) }));
    const r = atp(s.port, ['--encrypt', 'ping'], { XDG_CONFIG_HOME: config, NODE_EXTRA_CA_CERTS: ca.certFile });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /CERT_HAS_EXPIRED/);
    assert.equal(logins(s), 0);
  });

  test('a certificate of the trusted CA for another host is refused, and says so', async () => {
    const s = await serve(await issue(ca, dir, { names: ['music.example'], name: 'other-host' }));
    const r = atp(s.port, ['--encrypt', 'ping'], { XDG_CONFIG_HOME: config, NODE_EXTRA_CA_CERTS: ca.certFile });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /does not name this host/);
    assert.match(r.stderr, /127\.0\.0\.1/);
    assert.equal(logins(s), 0);
  });
});
