// Bad input from a server: the client turns each kind into a clear error on the request or stream it touches,
// never an exception thrown out of the socket handler.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import {
  AtpError,
  ControlFunc,
  FrameDecoder,
  PlayerFunc,
  encodeData,
  FrameType,
  build,
  encodeFrame,
  encodeJson,
  frame,
  type Frame,
} from '../../src-shared/protocol/index.js';

type Script = (request: Frame, socket: Socket) => void;

/** A scripted peer: answers each request the test's way. */
class FakeServer {
  script: Script = () => {};
  private readonly server: Server;
  constructor() {
    this.server = createServer((socket) => {
      const decoder = new FrameDecoder();
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => decoder.push(chunk, (e) => e.kind === 'frame' && this.script(e.frame, socket)));
    });
  }
  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port)));
  }
  close(): void {
    this.server.close();
  }
}

const ack = (req: Frame, uid: number, did: number, payload: object | null): Uint8Array =>
  encodeFrame(frame({ type: req.type, func: req.func, ack: true, uid, did, payload: payload && encodeJson(payload) }));

const goodLogin = {
  uid: 7,
  user: 'u',
  server: { name: 'fake', version: '0', protocol: 1 },
  limits: { maxPayload: 1 << 20, maxStreams: 4, idleTimeoutMs: 60000 },
  library: { total: 0, offset: 0, tracks: [], scan: { state: 'idle', scanned: 0, total: 0 } },
};
const format = { sampleRate: 44100, channels: 2, sampleFormat: 's16le', bytesPerFrame: 4, totalFrames: 100, durationMs: 2 };

describe('bad input from a server', () => {
  const fake = new FakeServer();
  let port = 0;
  before(async () => {
    port = await fake.listen();
  });
  after(() => fake.close());

  async function connected(): Promise<AtpClient> {
    const client = await AtpClient.connect({ host: '127.0.0.1', port, maxPayload: 64 * 1024 });
    return client;
  }

  /** Answers LOGIN well and PING always, and hands anything else to `rest`. */
  function serve(rest: Script): void {
    fake.script = (req, socket) => {
      if (req.type === FrameType.CONTROL && req.func === ControlFunc.LOGIN) socket.write(ack(req, 7, 0, goodLogin));
      else if (req.type === FrameType.CONTROL && req.func === ControlFunc.PING) socket.write(ack(req, 7, 0, null));
      else rest(req, socket);
    };
  }

  test('a LOGIN reply of the wrong shape rejects login with bad-payload; the connection lives', async () => {
    let first = true;
    fake.script = (req, socket) => {
      if (req.func === ControlFunc.LOGIN && first) {
        first = false;
        socket.write(ack(req, 7, 0, { ...goodLogin, library: 'everything' }));
      } else socket.write(ack(req, 7, 0, req.func === ControlFunc.LOGIN ? goodLogin : null));
    };
    const client = await connected();
    await assert.rejects(client.login({ user: 'u' }), (e: AtpError) => e.code === 'bad-payload' && /library/.test(e.message));
    assert.equal((await client.login({ user: 'u' })).uid, 7);
    client.close();
  });

  test('a LIST reply with a malformed track rejects with bad-payload', async () => {
    serve((req, socket) => socket.write(ack(req, 7, 0, { total: 1, offset: 0, tracks: [{ id: 5 }], scan: { state: 'idle', scanned: 0, total: 0 } })));
    const client = await connected();
    await client.login({ user: 'u' });
    await assert.rejects(client.list(), (e: AtpError) => e.code === 'bad-payload' && /"id"/.test(e.message));
    assert.ok((await client.ping()) >= 0, 'still answered afterwards');
    client.close();
  });

  test('a SETUP reply with an impossible format rejects with bad-payload', async () => {
    serve((req, socket) => socket.write(ack(req, 7, 1, { track: 't', format: { ...format, channels: 0 }, checksum: false })));
    const client = await connected();
    await client.login({ user: 'u' });
    await assert.rejects(client.setup('t', { window: 1000 }), (e: AtpError) => e.code === 'bad-payload');
    client.close();
  });

  test('a DATA frame too short to hold its header is an error on the stream', async () => {
    serve((req, socket) => {
      if (req.func === 0) socket.write(ack(req, 7, 1, { track: 't', format, checksum: false }));
      if (req.func === 1) {
        socket.write(ack(req, 7, 1, { epoch: 1, startFrame: 0, positionMs: 0 }));
        socket.write(encodeFrame(frame({ type: FrameType.PLAYER, func: 4, uid: 7, did: 1, payload: new Uint8Array(5) })));
      }
    });
    const client = await connected();
    await client.login({ user: 'u' });
    const stream = await client.setup('t', { window: 1000 });
    const failed = new Promise<Error>((r) => stream.once('error', r));
    await stream.play({ positionMs: 0 });
    assert.equal(((await failed) as AtpError).code, 'bad-payload');
    client.close();
  });

  test('an error frame with an unknown code rejects the request it names', async () => {
    serve((req, socket) => socket.write(encodeFrame(frame({ type: FrameType.ERROR, func: 9, uid: 7, payload: encodeJson({ code: 'martian', message: 'odd', request: { type: req.type, func: req.func } }) }))));
    const client = await connected();
    await client.login({ user: 'u' });
    await assert.rejects(client.list(), (e: AtpError) => e.code === 'internal' && e.message === 'odd');
    client.close();
  });

  test('an ACK nobody asked for is reported, not matched to a request', async () => {
    serve(() => {});
    const client = await connected();
    await client.login({ user: 'u' });
    const reported = new Promise<AtpError>((r) => client.once('error', r));
    fake.script = (req, socket) => socket.write(Buffer.concat([ack(frame({ type: FrameType.LIBRARY, func: 0 }), 7, 0, {}), ack(req, 7, 0, null)]));
    assert.ok((await client.ping()) >= 0);
    assert.equal((await reported).code, 'bad-state');
    client.close();
  });

  const closing = (name: string, bytes: Uint8Array, code: string) =>
    test(`${name}: the connection closes and the pending request fails with ${code}`, async () => {
      serve((_req, socket) => socket.write(bytes));
      const client = await connected();
      await client.login({ user: 'u' });
      const closed = new Promise<Error | undefined>((r) => client.once('close', r));
      await assert.rejects(client.list(), (e: AtpError) => e.code === code);
      assert.equal(((await closed) as AtpError).code, code);
      assert.equal(client.isOpen, false);
    });

  closing('bad magic', Uint8Array.from([0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31]), 'bad-magic');
  closing('a frame over the client limit', encodeFrame(build.listAck(7, { total: 0, offset: 0, tracks: [], scan: { state: 'idle', scanned: 0, total: 0 }, pad: 'x'.repeat(70 * 1024) } as never)), 'payload-too-large');

  test('the server hanging up mid-request rejects it', async () => {
    serve((_req, socket) => socket.destroy());
    const client = await connected();
    await client.login({ user: 'u' });
    await assert.rejects(client.list(), /closed/);
  });
  test('a stream id given again while the old stream’s TEARDOWN answer is being handled stays the new stream’s', async () => {
    let setups = 0;
    let teardown: Frame | null = null;
    serve((req, socket) => {
      if (req.func === PlayerFunc.SETUP && ++setups === 1) socket.write(ack(req, 7, 1, { track: 't', format, checksum: false }));
      else if (req.func === PlayerFunc.TEARDOWN) teardown = req;
      else if (req.func === PlayerFunc.SETUP) {
        // The server freed id 1 with the TEARDOWN and gives it to the next SETUP: both answers in one chunk.
        socket.write(Buffer.concat([ack(teardown!, 7, 1, null), ack(req, 7, 1, { track: 't', format, checksum: false })]));
      } else if (req.func === PlayerFunc.PLAY) {
        socket.write(ack(req, 7, 1, { epoch: 1, startFrame: 0, positionMs: 0 }));
        socket.write(encodeFrame(frame({ type: FrameType.PLAYER, func: PlayerFunc.DATA, uid: 7, did: 1, payload: encodeData(1, 0, new Uint8Array(8)) })));
      }
    });
    const client = await connected();
    await client.login({ user: 'u' });
    const old = await client.setup('t', { window: 1000 });
    const [, fresh] = await Promise.all([old.teardown(), client.setup('t', { window: 1000 })]);
    assert.equal(fresh.did, old.did, 'the id was given again');
    const data = new Promise<number>((r) => fresh.once('data', (chunk) => r(chunk.pcm.length)));
    await fresh.play({ positionMs: 0 });
    const lost = new Promise<number>((r) => setTimeout(() => r(-1), 2000).unref());
    assert.equal(await Promise.race([data, lost]), 8, 'the new stream still receives its DATA');
    client.close();
  });
});
