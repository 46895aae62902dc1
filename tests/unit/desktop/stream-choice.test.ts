/**
 * The desktop's choice of encoding against a real atp-server: Auto on a link too slow for lossless opens Opus at
 * the step that fits, the quality setting is kept and honoured, and a stream stepped down mid-track goes on from
 * the frame its data reached, in the same epoch, with no frame missing or repeated.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AudioDownMessage } from '../../../src-shared/ipc/audio-port.js';
import type { DesktopEvent } from '../../../src-shared/ipc/contract.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { LinkEstimate } from '../../../src-main/desktop/link-estimate.js';
import { dispatchRequest } from '../../../src-main/desktop/request-dispatch.js';
import { Settings } from '../../../src-main/desktop/settings.js';
import { readWav } from '../../e2e/wav-samples.js';
import { DEMO_LIBRARY, TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from './atp-server-process.js';

type Pcm = Extract<AudioDownMessage, { kind: 'pcm' }>;

const wav = readWav(join(DEMO_LIBRARY, '01 Handshake.wav'));

/** The renderer's part: keeps every message; consumes at once unless holding, and then once released. */
class Renderer {
  messages: AudioDownMessage[] = [];
  holding = false;
  private held: Pcm[] = [];
  constructor(private readonly controller: DesktopController) {
    controller.attachAudio({ send: (m) => this.receive(m) });
  }
  private receive(m: AudioDownMessage): void {
    this.messages.push(m);
    if (m.kind !== 'pcm') return;
    if (this.holding) this.held.push(m);
    else this.consume(m);
  }
  private consume(m: Pcm): void {
    this.controller.audioUp({ kind: 'consumed', streamId: m.streamId, epoch: m.epoch, bytes: m.pcm.byteLength });
    this.controller.audioUp({ kind: 'position', streamId: m.streamId, frame: m.firstFrame + m.pcm.byteLength / (2 * m.channels) });
  }
  release(): void {
    this.holding = false;
    for (const m of this.held.splice(0)) this.consume(m);
  }
  pcm(streamId: number): Pcm[] {
    return this.messages.filter((m): m is Pcm => m.kind === 'pcm' && m.streamId === streamId);
  }
  ended(streamId: number): boolean {
    return this.messages.some((m) => m.kind === 'end' && m.streamId === streamId);
  }
  async until(test: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Signal-to-noise ratio of `got` against `want` in dB. */
function snr(want: Int16Array, got: Int16Array, from: number, to: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    signal += want[i]! ** 2;
    noise += (want[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1));
}

describe('the stream choice with a real atp-server', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function connected(settings: Settings, link = new LinkEstimate()) {
    const c = new DesktopController({ settings, linkEstimate: link });
    await dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, remember: false });
    const track = (await c.handlers.list({ query: 'handshake' })).tracks[0]!;
    return { c, track, renderer: new Renderer(c) };
  }

  it('opens Opus at the step that fits when the link cannot carry 1.5x the lossless bitrate, lossless when it can', async () => {
    const link = new LinkEstimate();
    const { c, track, renderer } = await connected(new Settings(null, null), link);
    try {
      const lan = await c.handlers.play({ track: track.id });
      assert.equal(lan.transport, 'PCM 16-bit 44.1 kHz', 'no measurement yet: a LAN is assumed');
      await renderer.until(() => renderer.ended(lan.streamId), 'the lossless stream to end');

      link.sample(300); // 300 kbit/s: 1.5 x 160 = 240 fits, 1.5 x 256 = 384 does not
      const slow = await c.handlers.play({ track: track.id });
      assert.equal(slow.transport, 'Opus 160 kbit/s');
      await renderer.until(() => renderer.ended(slow.streamId), 'the opus stream to end');
      const frames = renderer.pcm(slow.streamId).reduce((n, m) => n + m.pcm.byteLength / 4, 0);
      assert.equal(frames, wav.samples.length / 2, 'the whole track, decoded back to its own rate');

      link.sample(100_000); // the link recovered: the next track is lossless again
      assert.equal((await c.handlers.play({ track: track.id })).transport, 'PCM 16-bit 44.1 kHz');
    } finally {
      await c.dispose();
    }
  });

  it('keeps the quality setting in the settings file and honours it over the link estimate', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atp-quality-')), 'settings.json');
    const settings = new Settings(file, null);
    const { c, track } = await connected(settings);
    try {
      assert.equal((await c.handlers.snapshot(null)).streamQuality, 'auto');
      await dispatchRequest(c.handlers, 'setStreamQuality', { quality: 'data-saver' });
      assert.equal(new Settings(file, null).streamQuality, 'data-saver', 'kept for the next run');
      assert.equal((await c.handlers.play({ track: track.id })).transport, 'Opus 96 kbit/s', 'Data saver on a fast link');
      await dispatchRequest(c.handlers, 'setStreamQuality', { quality: 'high' });
      assert.equal((await c.handlers.play({ track: track.id })).transport, 'Opus 256 kbit/s');
      const refused = await dispatchRequest(c.handlers, 'setStreamQuality', { quality: 'best' } as never);
      assert.equal(refused.ok, false);
      assert.equal(new Settings(file, null).streamQuality, 'high', 'a bad value changes nothing');
    } finally {
      await c.dispose();
    }
  });

  it('steps a playing stream down at the frame its data reached: same stream and epoch, every frame once, close to the source', async () => {
    const link = new LinkEstimate();
    const { c, track, renderer } = await connected(new Settings(null, null), link);
    const events: DesktopEvent[] = [];
    c.on('event', (e) => events.push(e));
    try {
      renderer.holding = true; // the server sends one window and waits: the handover comes mid-track
      const started = await c.handlers.play({ track: track.id });
      assert.equal(started.transport, 'PCM 16-bit 44.1 kHz');
      await renderer.until(() => renderer.pcm(started.streamId).length > 0, 'the first window');
      await new Promise((r) => setTimeout(r, 200));
      const before = renderer.pcm(started.streamId);
      const handoverFrame = before.at(-1)!.firstFrame + before.at(-1)!.pcm.byteLength / 4;
      assert.ok(handoverFrame > 0 && handoverFrame < wav.samples.length / 2 - 44100, `window ends mid-track, at ${handoverFrame}`);

      link.sample(200); // a link that degraded: Opus 128 fits it (1.5 x 128 = 192)
      await dispatchRequest(c.handlers, 'setStreamQuality', { quality: 'auto' });
      const told = events.find((e) => e.type === 'stream-transport');
      assert.deepEqual(told, { type: 'stream-transport', streamId: started.streamId, transport: 'Opus 128 kbit/s' });
      renderer.release();
      await renderer.until(() => renderer.ended(started.streamId), 'the end of the track');

      const chunks = renderer.pcm(started.streamId);
      assert.ok(chunks.every((m) => m.epoch === started.epoch), 'one epoch: the renderer sees one stream');
      let next = 0;
      for (const m of chunks) {
        assert.equal(m.firstFrame, next, 'each chunk starts where the one before ended');
        next = m.firstFrame + m.pcm.byteLength / 4;
      }
      assert.equal(next, wav.samples.length / 2, 'every frame of the track, none twice');
      const got = new Int16Array(next * 2);
      for (const m of chunks) got.set(new Int16Array(m.pcm), m.firstFrame * 2);
      const cut = handoverFrame * 2;
      const bytes = (a: Int16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      assert.ok(bytes(got.subarray(0, cut)).equals(bytes(wav.samples.subarray(0, cut))), 'lossless before the handover');
      // 10 ms either side of the handover, then the rest: Opus in place, not a frame early or late.
      const around = snr(wav.samples, got, cut - 882, cut + 882);
      const after = snr(wav.samples, got, cut, got.length - 882);
      assert.ok(around > 15 && after > 20, `${around.toFixed(1)} dB at the handover, ${after.toFixed(1)} dB after it`);
      const late = snr(wav.samples.subarray(2), got, cut, got.length - 882);
      assert.ok(after > late + 1, `${after.toFixed(1)} dB in place, ${late.toFixed(1)} dB a frame off`);
    } finally {
      await c.dispose();
    }
  });
});
