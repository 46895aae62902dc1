// END follows the last DATA whatever credit is left, and says why when the file stopped before its announced length.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  FrameType,
  PlayerFunc,
  build,
  parseData,
  parseEndNotice,
  parsePlayReply,
  parseSetupReply,
  type Frame,
  type TrackInfo,
} from '../../src-shared/protocol/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import { writeWav } from '../helpers/wav-file.js';

const RATE = 8000;
const FRAMES = 10_000; // 1.25 s of 8 kHz stereo: 40000 bytes, several DATA frames
const BYTES_PER_FRAME = 4;

const isEnd = (f: Frame) => f.type === FrameType.PLAYER && f.func === PlayerFunc.END;
const isData = (f: Frame) => f.type === FrameType.PLAYER && f.func === PlayerFunc.DATA;

describe('END of a stream', () => {
  let library: string;
  let server: RunningServer;
  let tracks: TrackInfo[];

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-end-'));
    const tone = (i: number, c: number) => Math.sin((i * (c + 1)) / 10) * 0.5;
    writeWav(join(library, 'whole.wav'), { sampleRate: RATE, channels: 2, bits: 16, frames: FRAMES }, tone);
    // 100000 frames = 400 kB: more than the WAV reader's read-ahead, so cutting it on disk is seen while streaming.
    writeWav(join(library, 'to-be-cut.wav'), { sampleRate: RATE, channels: 2, bits: 16, frames: 100_000 }, tone);
    server = await startServer({ library });
    const peer = await RawPeer.open(server.port);
    peer.send(build.login({ user: 'ed' }));
    const ack = await peer.next((f) => f.ack);
    peer.send(build.list(ack.uid, {}));
    const list = await peer.next((f) => f.ack && f.type === FrameType.LIBRARY);
    tracks = (JSON.parse(new TextDecoder().decode(list.payload!)) as { tracks: TrackInfo[] }).tracks;
    peer.close();
  });

  after(async () => {
    await server?.stop();
    rmSync(library, { recursive: true, force: true });
  });

  async function setUp(path: string, window: number) {
    const peer = await RawPeer.open(server.port);
    peer.send(build.login({ user: 'ed' }));
    const uid = (await peer.next((f) => f.ack)).uid;
    const id = tracks.find((t) => t.path === path)!.id;
    peer.send(build.setup(uid, { track: id, window }));
    const ack = await peer.next((f) => f.ack && f.func === PlayerFunc.SETUP);
    return { peer, uid, did: ack.did, format: parseSetupReply(ack.payload).format };
  }

  test('a window of exactly the track: every byte, then END without more credit', async () => {
    const { peer, uid, did, format } = await setUp('whole.wav', FRAMES * BYTES_PER_FRAME);
    assert.equal(format.totalFrames, FRAMES);
    peer.send(build.play(uid, did, { positionMs: 0 }));
    const end = parseEndNotice((await peer.next(isEnd, 3000)).payload);
    const sent = peer.frames.filter(isData).reduce((n, f) => n + parseData(f.payload).pcm.length, 0);
    assert.equal(sent, FRAMES * BYTES_PER_FRAME, 'every byte came before END');
    assert.deepEqual(end, { epoch: 1, totalFrames: FRAMES }, 'a whole track has no reason');
    peer.close();
  });

  test('PLAY at or past the end with no credit: END at once', async () => {
    const { peer, uid, did } = await setUp('whole.wav', 0);
    for (const [epoch, positionMs] of [[1, 1250], [2, 99_000]] as const) {
      peer.send(build.play(uid, did, { positionMs }));
      const reply = parsePlayReply((await peer.next((f) => f.ack && f.func === PlayerFunc.PLAY)).payload);
      assert.equal(reply.startFrame, FRAMES);
      assert.deepEqual(parseEndNotice((await peer.next(isEnd, 3000)).payload), { epoch, totalFrames: FRAMES });
    }
    assert.equal(peer.frames.filter(isData).length, 0);
    peer.close();
  });

  test('a file cut short on disk: END says where and why, with credit to spare', async () => {
    const { peer, uid, did, format } = await setUp('to-be-cut.wav', 4 * 1024 * 1024);
    assert.equal(format.totalFrames, 100_000);
    // The file loses the second half of its audio between SETUP and PLAY: 44 header bytes and 50000 frames remain.
    truncateSync(join(library, 'to-be-cut.wav'), 44 + 50_000 * BYTES_PER_FRAME);
    peer.send(build.play(uid, did, { positionMs: 0 }));
    const end = parseEndNotice((await peer.next(isEnd, 3000)).payload);
    assert.equal(end.totalFrames, 50_000);
    assert.match(end.reason ?? '', /50000 of the 100000 sample frames/);
    const sent = peer.frames.filter(isData).reduce((n, f) => n + parseData(f.payload).pcm.length, 0);
    assert.equal(sent, 50_000 * BYTES_PER_FRAME);
    await waitFor(() => server.logs.some((l) => l.event === 'stream-ended-early' && l.level === 'warn'), 'the operator is told');
    peer.close();
  });
});
