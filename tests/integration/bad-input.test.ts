// Every kind of bad input from a socket gets a clear error, and a client streaming beside it is not disturbed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { AtpClient } from '../../src-main/atp-client/client.js';
import type { ClientStream } from '../../src-main/atp-client/client-stream.js';
import { ErrorClass, FrameType, build, encodeFrame, frame, type TrackInfo } from '../../src-shared/protocol/index.js';
import { DEMO_LIBRARY, startServer, type RunningServer } from '../helpers/server-process.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { wavData } from '../helpers/wav-file.js';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

describe('bad input from a socket', () => {
  let server: RunningServer;
  let listener: AtpClient;
  let stream: ClientStream;
  let track: TrackInfo;
  let received: Buffer[] = [];
  let nextFrame = 0;
  let gaps = 0;

  before(async () => {
    server = await startServer({ args: ['--max-connections', '12', '--max-payload', '4096', '--idle-timeout', '1'] });
    // A well-behaved listener plays a track in a loop, crediting like a player, through everything below.
    listener = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    const reply = await listener.login({ user: 'listener' });
    track = reply.library.tracks[0]!;
    stream = await listener.setup(track.id, { window: 32 * 1024 });
    stream.on('data', (c) => {
      if (c.firstFrame !== nextFrame) gaps++;
      nextFrame = c.firstFrame + c.pcm.length / stream.format.bytesPerFrame;
      received.push(Buffer.from(c.pcm));
      setTimeout(() => stream.credit(c.pcm.length), 5);
    });
    stream.on('end', () => {
      nextFrame = 0;
      void stream.play({ positionMs: 0, window: 32 * 1024 });
    });
    await stream.play({ positionMs: 0 });
  });

  after(async () => {
    listener?.close();
    await server?.stop();
  });

  async function loggedIn(): Promise<{ peer: RawPeer; uid: number }> {
    const peer = await RawPeer.open(server.port);
    peer.send(build.login({ user: 'mallory' }));
    const ack = await peer.next((f) => f.ack);
    return { peer, uid: ack.uid };
  }

  const closing = (name: string, bytes: Uint8Array, code: string) =>
    test(`${name}: error ${code}, then the connection closes`, async () => {
      const peer = await RawPeer.open(server.port);
      peer.send(bytes);
      const err = await peer.nextError();
      assert.equal(err.code, code);
      assert.equal(err.func, ErrorClass.PROTOCOL);
      assert.ok(err.message.length > 0);
      assert.ok(await peer.waitClosed(), 'the server closes the connection');
    });

  closing('bad magic', hex('47 45 54 20 2f 20 48 54'), 'bad-magic');
  closing('unknown version', hex('62 01 03 00 00 00 00 00'), 'bad-version');
  closing('reserved flag bits', hex('61 01 03 10 00 00 00 00'), 'reserved-flags');
  closing('CHECKSUM without a payload', hex('61 01 03 04 00 00 00 00'), 'checksum-without-payload');
  closing('length shorter than its checksum', hex('61 01 00 0c 00 00 00 00 00 00 00 02 aa bb'), 'bad-length');
  closing('random garbage', Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff), 'bad-magic');

  const answered = (name: string, make: (uid: number) => Uint8Array, code: string) =>
    test(`${name}: error ${code}, and the connection lives`, async () => {
      const { peer, uid } = await loggedIn();
      peer.send(make(uid));
      const err = await peer.nextError();
      assert.equal(err.code, code, err.message);
      peer.send(build.ping(uid));
      const pong = await peer.next((f) => f.ack && f.type === FrameType.CONTROL);
      assert.equal(pong.uid, uid, 'PING still answered');
      peer.close();
    });

  answered('payload over the limit', (uid) => encodeFrame(build.list(uid, { query: 'x'.repeat(5000) })), 'payload-too-large');
  answered('a checksum that does not match', (uid) => {
    const bytes = encodeFrame({ ...build.list(uid, {}), checksum: true });
    bytes[bytes.length - 1]! ^= 0xff;
    return bytes;
  }, 'checksum-mismatch');
  answered('unknown frame type', (uid) => encodeFrame(frame({ type: 9, func: 0, uid })), 'unknown-type');
  answered('unknown func', (uid) => encodeFrame(frame({ type: FrameType.PLAYER, func: 42, uid })), 'unknown-func');
  answered('payload that is not JSON', (uid) => encodeFrame(frame({ type: FrameType.LIBRARY, func: 0, uid, payload: hex('ff fe 00') })), 'bad-payload');
  answered('JSON of the wrong shape', (uid) => encodeFrame(build.setup(uid, { track: 'x', window: -5 })), 'bad-payload');
  answered('unknown track', (uid) => encodeFrame(build.setup(uid, { track: 'nope', window: 100 })), 'unknown-track');
  answered('unknown stream', (uid) => encodeFrame(build.play(uid, 77, { positionMs: 0 })), 'unknown-stream');
  answered('credit for an unknown stream', (uid) => encodeFrame(build.credit(uid, 77, 100)), 'unknown-stream');
  answered('DATA sent to the server', (uid) => encodeFrame(build.data(uid, 1, 1, 0, new Uint8Array(4))), 'bad-state');
  answered('an ACK sent as a request', (uid) => encodeFrame(build.pingAck(uid)), 'bad-state');
  answered('the ENCRYPTED flag', (uid) => encodeFrame({ ...build.ping(uid), encrypted: true }), 'unsupported');
  answered('ENCRYPT after LOGIN', (uid) => encodeFrame(frame({ type: FrameType.CONTROL, func: 2, uid })), 'already-logged-in');
  answered('RECORD START', (uid) => encodeFrame(frame({ type: FrameType.RECORD, func: 0, uid })), 'unsupported');
  answered('a second LOGIN', (uid) => encodeFrame({ ...build.login({ user: 'x' }), uid }), 'already-logged-in');

  test('a frame with the ENCRYPTED flag is answered unsupported, and the same connection goes on serving', async () => {
    const { peer, uid } = await loggedIn();
    peer.send({ ...build.list(uid, { limit: 1 }), encrypted: true });
    const err = await peer.nextError();
    assert.equal(err.code, 'unsupported');
    assert.equal(err.func, ErrorClass.UNSUPPORTED);
    assert.deepEqual(err.request, { type: FrameType.LIBRARY, func: 0 });
    assert.match(err.message, /never encrypted one by one/);
    assert.match(err.message, /CONTROL\/ENCRYPT/);
    peer.send(build.list(uid, { limit: 1 }));
    const list = await peer.next((f) => f.ack && f.type === FrameType.LIBRARY);
    assert.equal((JSON.parse(new TextDecoder().decode(list.payload!)) as { tracks: unknown[] }).tracks.length, 1);
    assert.equal(peer.closed, false);
    peer.close();
  });

  test('requests before LOGIN are refused', async () => {
    const peer = await RawPeer.open(server.port);
    peer.send(build.list(0, {}));
    assert.equal((await peer.nextError()).code, 'not-logged-in');
    peer.close();
  });

  test('a second connection reusing a uid is refused', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    assert.notEqual(a.uid, b.uid);
    b.peer.send(build.list(a.uid, {}));
    const err = await b.peer.nextError();
    assert.equal(err.code, 'wrong-uid');
    assert.equal(err.func, ErrorClass.AUTH);
    a.peer.close();
    b.peer.close();
  });

  test('more streams than allowed', async () => {
    const { peer, uid } = await loggedIn();
    for (let i = 0; i < 5; i++) peer.send(build.setup(uid, { track: track.id, window: 0 }));
    assert.equal((await peer.nextError()).code, 'too-many-streams');
    peer.close();
  });

  test('too many requests queued: error too-many-requests, then the connection closes', async () => {
    const { peer, uid } = await loggedIn();
    const burst = Array.from({ length: 200 }, () => encodeFrame(build.list(uid, { limit: 500 })));
    peer.send(Buffer.concat(burst));
    assert.equal((await peer.nextError()).code, 'too-many-requests');
    assert.ok(await peer.waitClosed());
  });

  test('refusals keep their turn: answers come in the order the requests were sent', async () => {
    const { peer, uid } = await loggedIn();
    const wrongUid = build.ping((uid % 1000) + 1000);
    peer.send(Buffer.concat([encodeFrame(build.list(uid, { limit: 500 })), encodeFrame(wrongUid), encodeFrame(build.ping(uid))]));
    const first = await peer.next();
    const second = await peer.next();
    const third = await peer.next();
    assert.equal(first.type, FrameType.LIBRARY, 'the LIST reply comes first');
    assert.equal(second.type, FrameType.ERROR, 'then the refusal of the wrong uid');
    assert.equal(second.uid, wrongUid.uid, 'an error carries the uid of the frame it answers');
    assert.equal(third.type, FrameType.CONTROL, 'then the PING reply');
    peer.close();
  });

  test('a connection receiving DATA but sending nothing still times out', async () => {
    const { peer, uid } = await loggedIn();
    peer.send(build.setup(uid, { track: track.id, window: 4096 }));
    const ack = await peer.next((f) => f.ack);
    peer.send(build.play(uid, ack.did, { positionMs: 0 }));
    const err = await peer.nextError();
    assert.equal(err.code, 'idle-timeout');
    assert.ok(await peer.waitClosed());
  });

  test('a truncated frame, then the peer goes away', async () => {
    const peer = await RawPeer.open(server.port);
    peer.send(hex('61 01 00 08 00 00 00 00 00 00 01 00 7b'));
    peer.socket.end();
    assert.ok(await peer.waitClosed());
    const deadline = Date.now() + 2000;
    while (!server.logs.some((l) => l.event === 'truncated-frame') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(server.logs.some((l) => l.event === 'truncated-frame'), 'the server logs the truncated frame');
  });

  test('a silent connection is closed after the idle timeout', async () => {
    const peer = await RawPeer.open(server.port);
    const err = await peer.nextError();
    assert.equal(err.code, 'idle-timeout');
    assert.ok(await peer.waitClosed());
  });

  test('connections over the limit are refused with a reason', async () => {
    const peers = await Promise.all(Array.from({ length: 12 }, () => RawPeer.open(server.port)));
    const refused = await Promise.all(peers.map((p) => p.nextError().then((e) => e.code, () => null)));
    assert.ok(refused.includes('too-many-connections'), `got ${refused.join(',')}`);
    for (const p of peers) p.close();
  });

  test('the listener streamed undisturbed through all of it', async () => {
    const { data } = wavData(join(DEMO_LIBRARY, track.path));
    const all = Buffer.concat(received);
    assert.ok(all.length > data.length / 4, `the listener received ${all.length} bytes`);
    assert.equal(gaps, 0, 'no gaps in the frame sequence');
    assert.ok(all.subarray(0, Math.min(all.length, data.length)).equals(data.subarray(0, Math.min(all.length, data.length))));
    assert.ok((await listener.ping()) >= 0, 'the listener still gets answers');
  });
});
