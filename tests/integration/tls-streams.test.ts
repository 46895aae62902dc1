// Streams over TLS keep their flow control: the window is filled and never exceeded, credit brings exactly its
// worth, a seek starts a new epoch at its frame, and `atp fetch` through TLS writes the same bytes as in clear text,
// from the start and from a position, for both encodings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ControlFunc, FrameType, PlayerFunc, build, parseData, parsePlayReply, parseSetupReply, type Frame, type TrackInfo } from '../../src-shared/protocol/index.js';
import { CLI_BIN, SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import { writeWav } from '../helpers/wav-file.js';
import { TlsPeer } from './tls-peer.js';

const FRAMES = 300_000; // 75 s of 4 kHz stereo 16-bit: 1.2 MB
const isData = (f: Frame) => f.type === FrameType.PLAYER && f.func === PlayerFunc.DATA;
const pcmBytes = (frames: Frame[]) => frames.filter(isData).reduce((n, f) => n + parseData(f.payload).pcm.length, 0);

describe('streams over TLS', () => {
  let library: string;
  let out: string;
  let server: RunningServer;
  let track: TrackInfo;
  let fingerprint: string;

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-tls-lib-'));
    out = mkdtempSync(join(tmpdir(), 'atp-tls-out-'));
    writeWav(join(library, 'long.wav'), { sampleRate: 4000, channels: 2, bits: 16, frames: FRAMES }, (i, c) => Math.sin(i / (5 + c)) * 0.5);
    server = await startServer({ library, args: ['--workers', '1'] });
    fingerprint = spawnSync(process.execPath, [SERVER_BIN, 'fingerprint', '--state-dir', server.stateDir], { encoding: 'utf8' }).stdout.trim();
    const peer = await encryptedLogin();
    peer.send(build.list(peer.uid, {}));
    track = (JSON.parse(new TextDecoder().decode((await peer.next((f) => f.ack && f.type === FrameType.LIBRARY)).payload!)) as { tracks: TrackInfo[] }).tracks[0]!;
    peer.close();
  });
  after(async () => {
    await server?.stop();
    rmSync(library, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  async function encryptedLogin(): Promise<TlsPeer & { uid: number }> {
    const peer = await TlsPeer.open(server.port);
    peer.send(build.encrypt());
    await peer.next((f) => f.ack && f.func === ControlFunc.ENCRYPT);
    await peer.startTls();
    peer.send(build.login({ user: 'tls', pageSize: 0 }));
    return Object.assign(peer, { uid: (await peer.next((f) => f.ack && f.type === FrameType.CONTROL)).uid });
  }

  test('the window is filled and never exceeded; credit brings its worth; a seek is a new epoch at its frame', async () => {
    const window = 128 * 1024;
    const peer = await encryptedLogin();
    peer.send(build.setup(peer.uid, { track: track.id, window }));
    const setup = await peer.next((f) => f.ack && f.func === PlayerFunc.SETUP);
    assert.equal(parseSetupReply(setup.payload).format.bytesPerFrame, 4);
    peer.send(build.play(peer.uid, setup.did, { positionMs: 0 }));
    await waitFor(() => pcmBytes(peer.frames) >= window, 'the window filled');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pcmBytes(peer.frames), window, 'not a byte past the window');
    // Half the window: the low-water mark (PROTOCOL.md §8.3) for a window this size.
    peer.send(build.credit(peer.uid, setup.did, window / 2));
    await waitFor(() => pcmBytes(peer.frames) >= window + window / 2, 'the credit’s worth');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pcmBytes(peer.frames), window + window / 2);

    peer.frames.length = 0;
    peer.send(build.play(peer.uid, setup.did, { positionMs: 30_000, window }));
    const play = parsePlayReply((await peer.next((f) => f.ack && f.func === PlayerFunc.PLAY)).payload);
    assert.equal(play.startFrame, 120_000);
    await waitFor(() => peer.frames.some((f) => isData(f) && parseData(f.payload).epoch === play.epoch), 'DATA of the new epoch');
    const first = peer.frames.filter(isData).map((f) => parseData(f.payload)).find((d) => d.epoch === play.epoch)!;
    assert.equal(first.firstFrame, 120_000);
    peer.close();
  });

  for (const encoding of ['pcm', 'original']) {
    test(`atp fetch --encoding ${encoding} through TLS writes the bytes it writes in clear, whole and from 40 s`, () => {
      const fetch = (name: string, extra: string[]) => {
        const r = spawnSync(
          process.execPath,
          [CLI_BIN, '--port', String(server.port), ...extra, 'fetch', track.id, '--out', join(out, name), '--encoding', encoding],
          { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: out, ATP_USER: 'tls' } },
        );
        assert.equal(r.status, 0, r.stderr);
        return readFileSync(join(out, name));
      };
      const clear = fetch(`clear-${encoding}.wav`, []);
      const secure = fetch(`tls-${encoding}.wav`, ['--fingerprint', fingerprint]);
      assert.equal(clear.length, 44 + FRAMES * 4);
      assert.ok(secure.equals(clear));
      const clearFrom = fetch(`clear-from-${encoding}.wav`, ['--from', '40000']);
      const secureFrom = fetch(`tls-from-${encoding}.wav`, ['--encrypt', '--from', '40000']);
      assert.equal(clearFrom.length, 44 + (FRAMES - 160_000) * 4);
      assert.ok(secureFrom.equals(clearFrom));
      assert.ok(secureFrom.subarray(44).equals(clear.subarray(44 + 160_000 * 4)));
    });
  }
});
