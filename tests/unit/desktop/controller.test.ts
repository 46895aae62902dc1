/** The desktop controller against a real atp-server process on loopback. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AudioDownMessage } from '../../../src-shared/ipc/audio-port.js';
import type { DesktopEvent } from '../../../src-shared/ipc/contract.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { LocalServer } from '../../../src-main/desktop/local-server.js';
import { windowBytes } from '../../../src-main/desktop/playback-session.js';
import { dispatchRequest } from '../../../src-main/desktop/request-dispatch.js';
import { Settings, type SecretBox } from '../../../src-main/desktop/settings.js';
import { checksumFrames, readWav } from '../../e2e/wav-samples.js';
import { DEMO_LIBRARY, SERVER_SCRIPT, TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from './atp-server-process.js';

const wav = readWav(join(DEMO_LIBRARY, '01 Handshake.wav'));

async function handshakeId(c: DesktopController): Promise<string> {
  const found = (await c.handlers.list({ query: 'handshake' })).tracks[0];
  assert.ok(found, 'the demo library has the Handshake track');
  return found.id;
}

/** Plays the renderer's part: keeps what arrives and, unless told to hold, consumes it at once. */
class FakeRenderer {
  messages: AudioDownMessage[] = [];
  outstanding = 0;
  maxOutstanding = 0;
  holding = false;
  constructor(private readonly controller: DesktopController) {
    controller.attachAudio({ send: (m) => this.receive(m) });
  }
  private receive(m: AudioDownMessage): void {
    this.messages.push(m);
    if (m.kind !== 'pcm') return;
    this.outstanding += m.pcm.byteLength;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    const frame = m.firstFrame + m.pcm.byteLength / (2 * m.channels);
    if (!this.holding) {
      this.outstanding -= m.pcm.byteLength;
      this.controller.audioUp({ kind: 'consumed', streamId: m.streamId, epoch: m.epoch, bytes: m.pcm.byteLength });
      this.controller.audioUp({ kind: 'position', streamId: m.streamId, frame });
    }
  }
  pcm(streamId: number, epoch?: number) {
    return this.messages.filter((m): m is Extract<AudioDownMessage, { kind: 'pcm' }> => m.kind === 'pcm' && m.streamId === streamId && (epoch === undefined || m.epoch === epoch));
  }
  async until(test: () => boolean): Promise<void> {
    while (!test()) await new Promise((r) => setTimeout(r, 10));
  }
}

function joined(chunks: { firstFrame: number; pcm: ArrayBuffer }[]): { first: number; samples: Int16Array } {
  const total = chunks.reduce((n, c) => n + c.pcm.byteLength, 0);
  const out = new Int16Array(total / 2);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (i > 0) assert.equal(c.firstFrame, chunks[i - 1]!.firstFrame + chunks[i - 1]!.pcm.byteLength / 4, 'frames follow one another');
    out.set(new Int16Array(c.pcm), at);
    at += c.pcm.byteLength / 2;
  }
  return { first: chunks[0]?.firstFrame ?? 0, samples: out };
}

describe('DesktopController with a real atp-server', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  const login = (c: DesktopController, password = TEST_PASSWORD) =>
    dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: server.port, user: TEST_USER, password, remember: false });

  it('names the failures a person must understand: wrong password, nothing listening, bad arguments', async () => {
    const c = new DesktopController({ settings: new Settings(null, null) });
    const wrong = await login(c, 'wrong password');
    assert.deepEqual(wrong.ok ? null : wrong.error.code, 'bad-credentials');
    assert.equal(c.connectionState.status, 'disconnected');
    const refused = await dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: 1, user: 'u', password: 'p', remember: false });
    assert.equal(refused.ok ? null : refused.error.code, 'refused');
    const bad = await dispatchRequest(c.handlers, 'connect', { host: 'a b', port: 'x', user: 'u', password: 'p', remember: false });
    assert.equal(bad.ok ? null : bad.error.code, 'invalid-argument');
    const notConnected = await dispatchRequest(c.handlers, 'list', {});
    assert.equal(notConnected.ok ? null : notConnected.error.code, 'not-connected');
    await c.dispose();
  });

  it('streams a whole track to the renderer with credit, never more than a window ahead, sample for sample', async () => {
    const c = new DesktopController({ settings: new Settings(null, null) });
    const renderer = new FakeRenderer(c);
    assert.ok((await login(c)).ok);
    assert.equal((await c.handlers.list({})).total, 3);
    const id = await handshakeId(c);
    const started = await c.handlers.play({ track: id });
    assert.equal(started.format.sampleRate, wav.sampleRate);
    await renderer.until(() => renderer.messages.some((m) => m.kind === 'end'));
    const { first, samples } = joined(renderer.pcm(started.streamId));
    assert.equal(first, 0);
    assert.equal(samples.length / 2, wav.samples.length / 2);
    assert.equal(checksumFrames({ ...wav, samples }, 0, samples.length / 2), checksumFrames(wav, 0, wav.samples.length / 2));
    // Now stop consuming: the server must stop at the window.
    renderer.holding = true;
    const again = await c.handlers.play({ track: id });
    await renderer.until(() => renderer.pcm(again.streamId).length > 0);
    await new Promise((r) => setTimeout(r, 300)); // room to overrun the window, if the server would

    assert.ok(renderer.maxOutstanding <= windowBytes(again.format), `${renderer.maxOutstanding} bytes in flight`);
    await c.dispose();
  });

  it('seeks to the frame asked for, in a new epoch; pause stops the flow and resume continues it', async () => {
    const c = new DesktopController({ settings: new Settings(null, null) });
    const renderer = new FakeRenderer(c);
    await login(c);
    const id = await handshakeId(c);
    renderer.holding = true;
    const s = await c.handlers.play({ track: id });
    const seek = await c.handlers.seek({ streamId: s.streamId, positionMs: 3000 });
    assert.ok(seek.epoch > s.epoch);
    assert.equal(seek.startFrame, 3 * wav.sampleRate);
    // Held: the server sends one window after the seek and waits for credit, so the track cannot run out.
    await renderer.until(() => renderer.pcm(s.streamId, seek.epoch).length > 2);
    const afterSeek = joined(renderer.pcm(s.streamId, seek.epoch));
    assert.equal(afterSeek.first, seek.startFrame);
    assert.equal(checksumFrames({ ...wav, samples: afterSeek.samples }, 0, 1000), checksumFrames(wav, seek.startFrame, 1000));
    await c.handlers.pause({ streamId: s.streamId });
    const count = renderer.messages.length;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(renderer.messages.length, count, 'nothing flows while paused');
    // Taken before resuming: the resume reply and the first new DATA may arrive in one read.
    const lastBefore = renderer.pcm(s.streamId).at(-1)!;
    const resumed = await c.handlers.resume({ streamId: s.streamId });
    assert.equal(resumed.startFrame, lastBefore.firstFrame + lastBefore.pcm.byteLength / 4, 'resume continues where the data stopped');
    await c.dispose();
  });

  it('reconnects with backoff when the server dies and reopens the track where the renderer was', async () => {
    const c = new DesktopController({ settings: new Settings(null, null) });
    const renderer = new FakeRenderer(c);
    const events: DesktopEvent[] = [];
    c.on('event', (e) => events.push(e));
    await login(c);
    const id = await handshakeId(c);
    const s = await c.handlers.play({ track: id });
    renderer.holding = true;
    await c.handlers.seek({ streamId: s.streamId, positionMs: 2000 });
    c.audioUp({ kind: 'position', streamId: s.streamId, frame: 2 * wav.sampleRate + 441 });
    await server.kill();
    await renderer.until(() => c.connectionState.status === 'reconnecting');
    const state = c.connectionState;
    assert.equal(state.status === 'reconnecting' ? state.error.code : null, 'disconnected');
    server = await startServer({ stateDir: server.stateDir, port: server.port });
    await renderer.until(() => events.some((e) => e.type === 'stream-replaced'));
    const replaced = events.find((e) => e.type === 'stream-replaced');
    assert.ok(replaced?.type === 'stream-replaced');
    assert.equal(replaced.replaces, s.streamId);
    assert.equal(c.connectionState.status, 'connected');
    assert.ok(Math.abs(replaced.stream.startFrame - (2 * wav.sampleRate + 441)) <= 1, `reopened at ${replaced.stream.startFrame}`);
    await c.dispose();
  });

  it('starts the local server on a free port with a token, logs in to it, and stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-local-'));
    const local = new LocalServer({ serverScript: SERVER_SCRIPT, stateDir: join(dir, 'state'), logFile: join(dir, 'server.log') });
    const c = new DesktopController({ settings: new Settings(null, null), localServer: local, demoLibrary: DEMO_LIBRARY });
    const session = await c.handlers.connectLocal(null);
    assert.equal(session.local, true);
    assert.ok(local.state.running);
    assert.equal((await c.handlers.list({})).total, 3);
    await c.dispose();
    await local.stop();
    assert.equal(local.state.running, false);
  });

  it('remembers servers; the password only when a keychain can seal it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-settings-'));
    const sealed: SecretBox = { status: () => ({ available: true }), encrypt: (p) => Buffer.from(p).toString('base64'), decrypt: (s) => Buffer.from(s, 'base64').toString() };
    const plain = new Settings(join(dir, 'a.json'), null);
    plain.remember({ host: 'h', port: 1, user: 'u' }, 'secret');
    assert.deepEqual(new Settings(join(dir, 'a.json'), null).recent(), [{ host: 'h', port: 1, user: 'u', savedPassword: false }]);
    const settings = new Settings(join(dir, 'b.json'), sealed);
    const c = new DesktopController({ settings });
    assert.ok((await dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, remember: true })).ok);
    await c.handlers.disconnect(null);
    const recent = new Settings(join(dir, 'b.json'), sealed).recent()[0]!;
    assert.equal(recent.savedPassword, true);
    assert.equal((await c.handlers.connectRecent(recent)).user, TEST_USER);
    await c.dispose();
  });
});
