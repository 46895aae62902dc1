// SIGHUP reloads renewed certificate files in every cluster worker: connections already encrypted stay open, the
// next handshakes show the new certificate, and a client that pinned the old one is warned. Files that cannot be
// read leave the certificate as it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ControlFunc, FrameType, build } from '../../src-shared/protocol/index.js';
import { CLI_BIN, SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import { issue, makeCa, type CertFiles } from './tls-certificates.js';
import { TlsPeer } from './tls-peer.js';

const WORKERS = 2;
const isAck = (func: number) => (f: { type: number; func: number; ack: boolean }) => f.ack && f.type === FrameType.CONTROL && f.func === func;
const fingerprintOfFile = (cert: string) => spawnSync(process.execPath, [SERVER_BIN, 'fingerprint', '--tls-cert', cert], { encoding: 'utf8' }).stdout.trim();

async function encryptedPeer(port: number): Promise<{ peer: TlsPeer; fingerprint: string }> {
  const peer = await TlsPeer.open(port);
  peer.send(build.encrypt());
  await peer.next(isAck(ControlFunc.ENCRYPT));
  const tls = await peer.startTls();
  const fingerprint = 'SHA256:' + createHash('sha256').update(tls.getPeerCertificate().raw).digest('base64').replace(/=+$/, '');
  return { peer, fingerprint };
}

describe('SIGHUP and renewed certificates', () => {
  let dir: string;
  let live: CertFiles;
  let first: CertFiles;
  let renewed: CertFiles;
  let server: RunningServer;
  const reloads = (event: string) => server.logs.filter((l) => l.event === event).length;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atp-reload-'));
    const ca = await makeCa(dir);
    first = await issue(ca, dir, { names: ['127.0.0.1'], name: 'first' });
    renewed = await issue(ca, dir, { names: ['127.0.0.1'], name: 'renewed' });
    mkdirSync(join(dir, 'live'));
    live = { cert: join(dir, 'live', 'cert.pem'), key: join(dir, 'live', 'key.pem') };
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    server = await startServer({ args: ['--workers', String(WORKERS), '--tls-cert', live.cert, '--tls-key', live.key] });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('open connections live on; new handshakes in every worker show the renewed certificate', async () => {
    const oldPrint = fingerprintOfFile(first.cert);
    const newPrint = fingerprintOfFile(renewed.cert);
    assert.notEqual(oldPrint, newPrint);
    const open = await Promise.all([0, 1, 2, 3].map(() => encryptedPeer(server.port)));
    for (const o of open) assert.equal(o.fingerprint, oldPrint);
    for (const o of open) o.peer.send(build.login({ user: 'ren', pageSize: 0 }));
    const uids = await Promise.all(open.map(async (o) => (await o.peer.next(isAck(ControlFunc.LOGIN))).uid));
    // Both workers hold some of them (round robin), so both must keep their connections through the reload.
    assert.ok(new Set(uids.map((u) => (u - 1) % WORKERS)).size === WORKERS, `uids ${uids}`);
    const config = mkdtempSync(join(dir, 'config-'));
    const pinned = spawnSync(process.execPath, [CLI_BIN, '--port', String(server.port), '--fingerprint', oldPrint, 'ping'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: config } });
    assert.equal(pinned.status, 0, pinned.stderr);

    copyFileSync(renewed.cert, live.cert);
    copyFileSync(renewed.key, live.key);
    server.proc.kill('SIGHUP');
    await waitFor(() => reloads('certificate-reloaded') >= WORKERS, 'every worker reloaded');
    assert.ok(server.logs.filter((l) => l.event === 'certificate-reloaded').every((l) => l.fingerprint === newPrint));

    for (const [i, o] of open.entries()) {
      o.peer.send(build.ping(uids[i]!));
      assert.equal((await o.peer.next(isAck(ControlFunc.PING))).uid, uids[i]);
      assert.equal(o.peer.closed, false);
    }
    const next = await Promise.all([0, 1, 2, 3].map(() => encryptedPeer(server.port)));
    for (const n of next) assert.equal(n.fingerprint, newPrint);

    const changed = spawnSync(process.execPath, [CLI_BIN, '--port', String(server.port), '--encrypt', 'ping'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: config } });
    assert.equal(changed.status, 1);
    assert.match(changed.stderr, /Someone may be intercepting this connection/);
    assert.ok(changed.stderr.includes(newPrint));
    for (const o of [...open, ...next]) o.peer.close();
  });

  test('files that cannot be read on SIGHUP leave the certificate in use', async () => {
    const before = reloads('certificate-reload-failed');
    const inUse = fingerprintOfFile(live.cert);
    writeFileSync(live.cert, 'not a certificate\n');
    server.proc.kill('SIGHUP');
    await waitFor(() => reloads('certificate-reload-failed') >= before + WORKERS, 'every worker tried');
    const { peer, fingerprint } = await encryptedPeer(server.port);
    assert.equal(fingerprint, inUse);
    peer.close();
  });
});
