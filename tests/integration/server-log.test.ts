// The server's stderr is JSON lines, whatever a decoder has to say about a damaged file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FrameType, PlayerFunc, build, parseLoginReply, type Frame } from '../../src-shared/protocol/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';

const FLAC = resolve('tests/fixtures/audio/flac16-stereo-44k.flac');

describe('the server log', () => {
  let library: string;
  let server: RunningServer;

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-cut-'));
    const whole = readFileSync(FLAC);
    // Cut inside a frame, as a download that stopped would.
    writeFileSync(join(library, 'cut.flac'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    server = await startServer({ library });
  });
  after(async () => {
    await server?.stop();
    rmSync(library, { recursive: true, force: true });
  });

  test('streaming a truncated FLAC to its end leaves only JSON lines on stderr', async () => {
    const peer = await RawPeer.open(server.port);
    peer.send(build.login({ user: 'ivy', pageSize: 10 }));
    const login = parseLoginReply((await peer.next((f) => f.ack)).payload);
    const track = login.library.tracks.find((t) => t.path === 'cut.flac');
    assert.ok(track?.playable, 'the cut file is listed as playable');
    peer.send(build.setup(login.uid, { track: track.id, window: 64 * 1024 * 1024 }));
    const did = (await peer.next((f) => f.ack && f.func === PlayerFunc.SETUP)).did;
    peer.send(build.play(login.uid, did, { positionMs: 0 }));
    const stops = (f: Frame) => (f.type === FrameType.PLAYER && f.func === PlayerFunc.END) || f.type === FrameType.ERROR;
    await peer.next(stops, 10_000);
    peer.close();
    await server.stop();
    const text = server.logs.filter((l) => 'text' in l);
    assert.deepEqual(text, [], 'every stderr line is a JSON object');
    assert.ok(server.logs.length > 0);
    for (const l of server.logs) assert.equal(typeof l.level, 'string', JSON.stringify(l));
  });
});
