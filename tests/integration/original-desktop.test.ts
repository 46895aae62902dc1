/**
 * The desktop's main process with `encoding: 'original'`: it decodes the files' own frames with the server's
 * decoders and hands the renderer the same PCM a pcm stream gives, within the same PCM window.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AudioDownMessage } from '../../src-shared/ipc/audio-port.js';
import type { Encoding } from '../../src-shared/protocol/index.js';
import { DesktopController } from '../../src-main/desktop/controller.js';
import { windowBytes } from '../../src-main/desktop/playback-session.js';
import { dispatchRequest } from '../../src-main/desktop/request-dispatch.js';
import { Settings } from '../../src-main/desktop/settings.js';
import { TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';

type Pcm = Extract<AudioDownMessage, { kind: 'pcm' }>;

/** The renderer's part: keeps the PCM and, unless holding, says at once that it played it. */
class Renderer {
  pcm: Pcm[] = [];
  ended = false;
  outstanding = 0;
  maxOutstanding = 0;
  holding = false;
  constructor(private readonly c: DesktopController) {
    c.attachAudio({ send: (m) => this.receive(m) });
  }
  private receive(m: AudioDownMessage): void {
    if (m.kind === 'end') this.ended = true;
    if (m.kind !== 'pcm') return;
    this.pcm.push(m);
    this.outstanding += m.pcm.byteLength;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    if (this.holding) return;
    this.outstanding -= m.pcm.byteLength;
    this.c.audioUp({ kind: 'consumed', streamId: m.streamId, epoch: m.epoch, bytes: m.pcm.byteLength });
  }
  bytes(epoch: number): Buffer {
    return Buffer.concat(this.pcm.filter((m) => m.epoch === epoch).map((m) => Buffer.from(m.pcm)));
  }
  async until(test: () => boolean): Promise<void> {
    while (!test()) await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the desktop decodes original streams', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ library: resolve('tests/fixtures/audio') });
  });
  after(async () => {
    await server?.stop();
  });

  async function controller(encoding: Encoding): Promise<{ c: DesktopController; renderer: Renderer; id: (path: string) => Promise<string> }> {
    const c = new DesktopController({ settings: new Settings(null, null), encoding });
    const renderer = new Renderer(c);
    const r = await dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, remember: false });
    assert.ok(r.ok);
    const id = async (path: string) => (await c.handlers.list({ limit: 100 })).tracks.find((t) => t.path === path)!.id;
    return { c, renderer, id };
  }

  for (const file of ['flac16-stereo-44k.flac', 'mp3-cbr128-stereo-44k.mp3', 'opus-stereo-48k.opus']) {
    it(`${file}: the renderer gets the pcm stream's samples, from the start and after a seek`, async () => {
      const pcm = await controller('pcm');
      const original = await controller('original');
      try {
        const track = await pcm.id(file);
        const a = await pcm.c.handlers.play({ track });
        const b = await original.c.handlers.play({ track });
        await pcm.renderer.until(() => pcm.renderer.ended);
        await original.renderer.until(() => original.renderer.ended);
        assert.ok(pcm.renderer.bytes(a.epoch).length > 0);
        assert.ok(original.renderer.bytes(b.epoch).equals(pcm.renderer.bytes(a.epoch)), 'the same samples from the start');

        pcm.renderer.ended = original.renderer.ended = false;
        const sa = await pcm.c.handlers.seek({ streamId: a.streamId, positionMs: 777 });
        const sb = await original.c.handlers.seek({ streamId: b.streamId, positionMs: 777 });
        assert.equal(sb.startFrame, sa.startFrame);
        await pcm.renderer.until(() => pcm.renderer.ended);
        await original.renderer.until(() => original.renderer.ended);
        const got = original.renderer.bytes(sb.epoch);
        const want = pcm.renderer.bytes(sa.epoch);
        assert.equal(got.length, want.length);
        // After a seek an Opus decoder settles to within a few LSB of a full decode, from whatever state it had:
        // the pcm stream's decoder has this track's history, the client's starts new (original-streams.test.ts
        // compares with a pcm stream that seeks first, exactly). Every other codec restarts exactly.
        const tolerance = file.endsWith('.opus') ? 4 : 0;
        let worst = 0;
        for (let i = 0; i < got.length; i += 2) worst = Math.max(worst, Math.abs(got.readInt16LE(i) - want.readInt16LE(i)));
        assert.ok(worst <= tolerance, `after the seek the samples differ by up to ${worst}`);
      } finally {
        await pcm.c.dispose();
        await original.c.dispose();
      }
    });
  }

  it('a renderer that stops consuming holds no more than the PCM window of decoded audio', async () => {
    const { c, renderer, id } = await controller('original');
    try {
      renderer.holding = true;
      const s = await c.handlers.play({ track: await id('vorbis-stereo-44k.ogg') });
      await renderer.until(() => renderer.pcm.length > 0);
      await new Promise((r) => setTimeout(r, 300)); // room to overrun the window, if the decoding would
      assert.ok(renderer.maxOutstanding <= windowBytes(s.format), `${renderer.maxOutstanding} bytes in flight`);
      assert.ok(!renderer.ended, 'the track did not run out while held');
    } finally {
      await c.dispose();
    }
  });
});
