// The window is never exceeded, and a stream waits for its low-water mark of credit instead of answering every
// small CREDIT with a small DATA (PROTOCOL.md §8.3): few, large writes, whatever the client's crediting habit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FrameType, PlayerFunc, build, encodeFrame, parseData, parseSetupReply, type Frame, type TrackInfo } from '../../src-shared/protocol/index.js';
import { LOW_WATER_BYTES } from '../../src-server/server/paced-stream.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import { writeWav } from '../helpers/wav-file.js';

const FRAMES = 200_000; // 50 s of 4 kHz stereo 16-bit: 800000 bytes
const LOW_WATER = LOW_WATER_BYTES;
const isData = (f: Frame) => f.type === FrameType.PLAYER && f.func === PlayerFunc.DATA;
const pcmBytes = (frames: Frame[]) => frames.filter(isData).reduce((n, f) => n + parseData(f.payload).pcm.length, 0);

describe('flow control', () => {
  let library: string;
  let server: RunningServer;
  let track: TrackInfo;

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-flow-'));
    writeWav(join(library, 'long.wav'), { sampleRate: 4000, channels: 2, bits: 16, frames: FRAMES }, (i, c) => Math.sin(i / (7 + c)) * 0.4);
    server = await startServer({ library });
    const peer = await RawPeer.open(server.port);
    peer.send(build.login({ user: 'flo' }));
    const uid = (await peer.next((f) => f.ack)).uid;
    peer.send(build.list(uid, {}));
    track = (JSON.parse(new TextDecoder().decode((await peer.next((f) => f.ack && f.type === FrameType.LIBRARY)).payload!)) as { tracks: TrackInfo[] }).tracks[0]!;
    peer.close();
  });

  after(async () => {
    await server?.stop();
    rmSync(library, { recursive: true, force: true });
  });

  async function playing(window: number) {
    const peer = await RawPeer.open(server.port);
    peer.send(build.login({ user: 'flo' }));
    const uid = (await peer.next((f) => f.ack)).uid;
    peer.send(build.setup(uid, { track: track.id, window }));
    const ack = await peer.next((f) => f.ack && f.func === PlayerFunc.SETUP);
    assert.equal(parseSetupReply(ack.payload).format.bytesPerFrame, 4);
    peer.send(build.play(uid, ack.did, { positionMs: 0 }));
    // Polled, not taken with peer.next: every DATA stays in peer.frames to be counted.
    await waitFor(() => pcmBytes(peer.frames) > 0, 'the first DATA');
    await new Promise((r) => setTimeout(r, 200));
    return { peer, uid, did: ack.did };
  }

  test('small CREDITs add up to one large DATA at the mark, never beyond the window', async () => {
    const window = 2 * LOW_WATER;
    const { peer, uid, did } = await playing(window);
    assert.equal(pcmBytes(peer.frames), window, 'the whole window at once');
    const before = peer.frames.filter(isData).length;
    // 1 KiB at a time: nothing until the mark's worth has come back.
    for (let i = 0; i < LOW_WATER / 1024 - 1; i++) peer.send(build.credit(uid, did, 1024));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(peer.frames.filter(isData).length, before, 'DATA for less than the low-water mark');
    peer.send(build.credit(uid, did, 1024));
    await waitFor(() => peer.frames.filter(isData).length > before, 'DATA at the mark');
    await new Promise((r) => setTimeout(r, 200));
    const after = peer.frames.filter(isData).slice(before);
    assert.equal(pcmBytes(after), LOW_WATER, 'one mark’s worth, in as few DATA as the size limit allows');
    assert.equal(pcmBytes(peer.frames), window + LOW_WATER);
    peer.close();
  });

  test('CREDITs that arrive in one read together reach the mark', async () => {
    const window = 2 * LOW_WATER; // the mark is LOW_WATER; the track holds the window and one mark more
    const { peer, uid, did } = await playing(window);
    assert.equal(pcmBytes(peer.frames), window);
    // The first alone is under the mark, the two together reach it: the stream must look at its credit again.
    const half = encodeFrame(build.credit(uid, did, LOW_WATER / 2));
    const both = new Uint8Array(half.length * 2);
    both.set(half);
    both.set(half, half.length);
    peer.send(both);
    await waitFor(() => pcmBytes(peer.frames) === window + LOW_WATER, 'DATA for the two CREDITs', 3000);
    peer.close();
  });

  test('a window smaller than twice the mark flows at half the window', async () => {
    const window = 4 * 1000; // 1000 frames; the mark is half of it
    const { peer, uid, did } = await playing(window);
    assert.equal(pcmBytes(peer.frames), window);
    peer.send(build.credit(uid, did, window / 2 - 4));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pcmBytes(peer.frames), window, 'nothing below half the window');
    peer.send(build.credit(uid, did, 4));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pcmBytes(peer.frames), window + window / 2);
    peer.close();
  });
});
