// CONTROL/ENCRYPT on a real server: the ACK's bytes, TLS 1.3 on the same socket, bytes injected around the upgrade
// never read as requests (CVE-2011-0411), ENCRYPT refused twice or after LOGIN, and no password taken in clear from
// the network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { ControlFunc, ErrorClass, FrameType, build, encodeFrame } from '../../src-shared/protocol/index.js';
import { SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { TlsPeer } from './tls-peer.js';

const ENCRYPT = Buffer.from('6101020000000000', 'hex');
const ENCRYPT_ACK = '6101020100000000';
const isAck = (func: number) => (f: { type: number; func: number; ack: boolean }) => f.ack && f.type === FrameType.CONTROL && f.func === func;
const logins = (s: RunningServer) => s.logs.filter((l) => l.event === 'login').length;
const settle = () => new Promise((r) => setTimeout(r, 300));

async function encrypted(port: number, host = '127.0.0.1'): Promise<TlsPeer> {
  const peer = await TlsPeer.open(port, host);
  peer.send(ENCRYPT);
  await peer.next(isAck(ControlFunc.ENCRYPT));
  await peer.startTls();
  return peer;
}

describe('ENCRYPT', () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ users: { alice: 'alice-password' }, args: ['--workers', '1'] });
  });
  after(async () => {
    await server?.stop();
  });

  test('is answered by an 8-byte ACK, then TLS 1.3 runs on the same socket with the certificate atp-server fingerprint names', async () => {
    const peer = await TlsPeer.open(server.port);
    peer.send(ENCRYPT);
    await peer.next(isAck(ControlFunc.ENCRYPT));
    assert.equal(Buffer.concat(peer.clearBytes).toString('hex'), ENCRYPT_ACK);
    const tls = await peer.startTls();
    assert.equal(tls.getProtocol(), 'TLSv1.3');
    const printed = spawnSync(process.execPath, [SERVER_BIN, 'fingerprint', '--state-dir', server.stateDir], { encoding: 'utf8' });
    assert.equal(printed.status, 0, printed.stderr);
    const { createHash } = await import('node:crypto');
    const fingerprint = 'SHA256:' + createHash('sha256').update(tls.getPeerCertificate().raw).digest('base64').replace(/=+$/, '');
    assert.equal(printed.stdout.trim(), fingerprint);
    peer.send(build.login({ user: 'alice', password: 'alice-password', pageSize: 0 }));
    const ack = await peer.next(isAck(ControlFunc.LOGIN));
    assert.ok(ack.uid > 0);
    peer.close();
  });

  test('a LOGIN sent in the same write as ENCRYPT is dropped: not answered in clear, not executed', async () => {
    const before = logins(server);
    const peer = await TlsPeer.open(server.port);
    peer.send(Buffer.concat([ENCRYPT, encodeFrame(build.login({ user: 'alice', password: 'alice-password' }))]));
    await peer.next(isAck(ControlFunc.ENCRYPT));
    await settle();
    // In clear: the ACK and not one byte more.
    assert.equal(Buffer.concat(peer.clearBytes).toString('hex'), ENCRYPT_ACK);
    await peer.startTls();
    // Under TLS the connection is not logged in: the injected LOGIN never ran.
    peer.send(build.list(0, {}));
    const err = await peer.nextError();
    assert.equal(err.code, 'not-logged-in');
    assert.equal(logins(server), before);
    peer.close();
  });

  test('clear-text bytes sent after the ACK instead of a handshake are never read as requests', async () => {
    const before = logins(server);
    const peer = await TlsPeer.open(server.port);
    peer.send(ENCRYPT);
    await peer.next(isAck(ControlFunc.ENCRYPT));
    peer.send(build.login({ user: 'alice', password: 'alice-password' }));
    peer.send(build.ping(0));
    assert.ok(await peer.waitClosed(), 'the server closes a connection whose handshake is not TLS');
    assert.equal(Buffer.concat(peer.clearBytes).toString('hex').slice(0, 16), ENCRYPT_ACK);
    assert.equal(peer.frames.length, 0, 'no frame answers the clear-text requests');
    assert.equal(logins(server), before);
    const ping = await TlsPeer.open(server.port);
    ping.send(build.ping(0));
    await ping.next(isAck(ControlFunc.PING));
    ping.close();
  });

  test('ENCRYPT a second time is refused with already-encrypted; the connection lives', async () => {
    const peer = await encrypted(server.port);
    peer.send(build.encrypt());
    const err = await peer.nextError();
    assert.equal(err.code, 'already-encrypted');
    assert.equal(err.func, ErrorClass.REQUEST);
    assert.deepEqual(err.request, { type: FrameType.CONTROL, func: ControlFunc.ENCRYPT });
    peer.send(build.ping(0));
    await peer.next(isAck(ControlFunc.PING));
    peer.close();
  });

  test('ENCRYPT after LOGIN is refused with already-logged-in; the connection lives in clear', async () => {
    const peer = await TlsPeer.open(server.port);
    peer.send(build.login({ user: 'alice', password: 'alice-password', pageSize: 0 }));
    const uid = (await peer.next(isAck(ControlFunc.LOGIN))).uid;
    peer.send(build.encrypt(uid));
    const err = await peer.nextError();
    assert.equal(err.code, 'already-logged-in');
    assert.equal(err.func, ErrorClass.AUTH);
    peer.send(build.ping(uid));
    await peer.next(isAck(ControlFunc.PING));
    peer.close();
  });

  test('a frame with the ENCRYPTED flag is still answered unsupported inside TLS', async () => {
    const peer = await encrypted(server.port);
    peer.send(Buffer.from('6101030200000000', 'hex'));
    assert.equal((await peer.nextError()).code, 'unsupported');
    peer.close();
  });
});

/** An IPv4 address of this machine that is not loopback, or null. */
function networkAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

describe('no password crosses a network in clear', () => {
  const address = networkAddress();
  const skip = address === null ? 'this machine has no network address other than loopback to listen on' : false;
  let server: RunningServer;
  let open: RunningServer;

  before(async () => {
    if (address === null) return;
    server = await startServer({ users: { alice: 'alice-password' }, args: ['--host', '0.0.0.0', '--workers', '1'] });
    open = await startServer({ users: { alice: 'alice-password' }, args: ['--host', address, '--workers', '1', '--allow-plaintext'] });
  });
  after(async () => {
    await server?.stop();
    await open?.stop();
  });

  test('a LOGIN with a password in clear over the network is refused with encryption-required, before it is checked', { skip }, async () => {
    const before = server.logs.filter((l) => l.event === 'login-failed').length;
    const peer = await TlsPeer.open(server.port, address!);
    peer.send(build.login({ user: 'alice', password: 'alice-password' }));
    const err = await peer.nextError();
    assert.equal(err.code, 'encryption-required');
    assert.equal(err.func, ErrorClass.AUTH);
    assert.equal(server.logs.filter((l) => l.event === 'login-failed').length, before);
    // The same connection may still encrypt and log in.
    peer.send(ENCRYPT);
    await peer.next(isAck(ControlFunc.ENCRYPT));
    await peer.startTls();
    peer.send(build.login({ user: 'alice', password: 'alice-password', pageSize: 0 }));
    assert.ok((await peer.next(isAck(ControlFunc.LOGIN))).uid > 0);
    peer.close();
  });

  test('a token in clear is refused alike', { skip }, async () => {
    const peer = await TlsPeer.open(server.port, address!);
    peer.send(build.login({ token: 'x'.repeat(20) }));
    assert.equal((await peer.nextError()).code, 'encryption-required');
    peer.close();
  });

  test('the same server takes a password in clear from a loopback connection, which never leaves the machine', { skip }, async () => {
    const peer = await TlsPeer.open(server.port, '127.0.0.1');
    peer.send(build.login({ user: 'alice', password: 'alice-password', pageSize: 0 }));
    assert.ok((await peer.next(isAck(ControlFunc.LOGIN))).uid > 0);
    peer.close();
  });

  test('--allow-plaintext takes it in clear from the network', { skip }, async () => {
    const peer = await TlsPeer.open(open.port, address!);
    peer.send(build.login({ user: 'alice', password: 'alice-password', pageSize: 0 }));
    assert.ok((await peer.next(isAck(ControlFunc.LOGIN))).uid > 0);
    peer.close();
  });
});
