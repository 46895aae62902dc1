// The client side of ENCRYPT against a hand-made server: what a server (or someone on the path) sends in clear after
// the ACK is never read, and bad input inside TLS is refused as in clear text, against the real server.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { ControlFunc, FrameDecoder, build, encodeFrame } from '../../src-shared/protocol/index.js';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { makeSelfSigned } from '../../src-server/tls/self-signed.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { TlsPeer } from './tls-peer.js';

describe('AtpClient.encrypt', () => {
  let server: Server;
  let port: number;
  const injected: string[] = [];

  before(async () => {
    const { certPem, keyPem } = await makeSelfSigned('injection test');
    server = createServer((socket: Socket) => {
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) =>
        decoder.push(chunk, (e) => {
          if (e.kind !== 'frame' || e.frame.func !== ControlFunc.ENCRYPT) return;
          decoder.stop();
          socket.removeAllListeners('data');
          // The ACK and, in the same write, an error no request asked for: a client that read it would report it.
          socket.write(Buffer.concat([encodeFrame(build.encryptAck()), encodeFrame(build.error(0, 0, 'internal', 'injected in clear'))]));
          const secure = new TLSSocket(socket, { isServer: true, cert: certPem, key: keyPem });
          const inner = new FrameDecoder();
          secure.on('data', (c: Buffer) => inner.push(c, (f) => f.kind === 'frame' && secure.write(encodeFrame(build.pingAck(0)))));
          secure.on('error', () => {});
        }),
      );
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('nothing the server sent in clear after its ACK is read; the identity is the certificate’s', async () => {
    const client = await AtpClient.connect({ host: '127.0.0.1', port });
    client.on('error', (err) => injected.push(err.message));
    const identity = await client.encrypt();
    assert.match(identity.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(identity.chainTrusted, false);
    assert.equal(identity.chainError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(identity.hostMatches, false, 'the certificate names localhost and this host, not 127.0.0.1');
    assert.ok((await client.ping()) >= 0);
    await assert.rejects(client.encrypt(), /encrypted already/);
    assert.deepEqual(injected, []);
    client.close();
  });
});

describe('bad input inside TLS', () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ args: ['--workers', '1', '--max-payload', '1000'] });
  });
  after(async () => {
    await server?.stop();
  });

  async function encryptedLogin(): Promise<TlsPeer & { uid: number }> {
    const peer = await TlsPeer.open(server.port);
    peer.send(build.encrypt());
    await peer.next((f) => f.ack && f.func === ControlFunc.ENCRYPT);
    await peer.startTls();
    peer.send(build.login({ user: 'eve', pageSize: 0 }));
    return Object.assign(peer, { uid: (await peer.next((f) => f.ack)).uid });
  }

  test('an oversized payload is refused and skipped; the connection goes on', async () => {
    const peer = await encryptedLogin();
    peer.send(build.list(peer.uid, { query: 'x'.repeat(2000) }));
    assert.equal((await peer.nextError()).code, 'payload-too-large');
    peer.send(build.ping(peer.uid));
    assert.equal((await peer.next((f) => f.ack)).uid, peer.uid);
    peer.close();
  });

  test('bytes that cannot be framed get bad-magic and the connection closes; others are served', async () => {
    const peer = await encryptedLogin();
    peer.send(Buffer.from('ff01030000010000', 'hex'));
    assert.equal((await peer.nextError()).code, 'bad-magic');
    assert.ok(await peer.waitClosed());
    const other = await encryptedLogin();
    other.send(build.ping(other.uid));
    assert.equal((await other.next((f) => f.ack)).uid, other.uid);
    other.close();
  });
});
