/**
 * The desktop's controller against a real atp-server reached over a shaped link: the server runs in a network
 * namespace whose veth pair tc tbf limits to the link's rate, and a delaying proxy on loopback adds the round trip
 * and the outage. A renderer plays at real time (tests/helpers/realtime-renderer.ts), so underruns are what a
 * listener would hear.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { DesktopEvent } from '../../../src-shared/ipc/contract.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { chooseEncoding, LinkEstimate } from '../../../src-main/desktop/link-estimate.js';
import { WINDOW_SECONDS } from '../../../src-main/desktop/playback-session.js';
import { transportLabel } from '../../../src-main/desktop/stream-link.js';
import { dispatchRequest } from '../../../src-main/desktop/request-dispatch.js';
import { Settings } from '../../../src-main/desktop/settings.js';
import { LinkProxy } from '../../helpers/link-proxy.js';
import { createShapedNamespace, namespaceUnavailable, startServerInNamespace, type ShapedNamespace } from '../../helpers/netns.js';
import { RealtimeRenderer } from '../../helpers/realtime-renderer.js';
import { writeWav } from '../../helpers/wav-file.js';
import { serverBuilt, TEST_PASSWORD, TEST_USER } from './atp-server-process.js';

const CD_KBPS = 1411.2;
const skip = !serverBuilt() ? 'the server is not built (node scripts/build.mjs server)' : namespaceUnavailable() ?? false;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 40 s track with a changing spectrum, so that Opus has real work. */
function longTrackLibrary(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atp-link-library-'));
  writeWav(join(dir, 'Long Haul.wav'), { sampleRate: 44100, channels: 2, bits: 16, frames: 44100 * 40 }, (i, c) =>
    0.3 * Math.sin((2 * Math.PI * (220 + (i % 44100) / 100) * i) / 44100 + c) + 0.05 * Math.sin(i * 0.37));
  return dir;
}

describe('playback over shaped links (real server in a tbf-shaped namespace, delaying proxy)', { skip }, () => {
  let library: string;
  before(() => {
    library = longTrackLibrary();
  });

  async function onLink(rateKbit: number, rttMs: number) {
    const ns: ShapedNamespace = createShapedNamespace({ rateKbit });
    const server = await startServerInNamespace(ns, library);
    const proxy = await LinkProxy.start({ upstreamHost: ns.address, upstreamPort: server.port, rttMs, jitterMs: 4 });
    const link = new LinkEstimate();
    const c = new DesktopController({ settings: new Settings(null, null), linkEstimate: link });
    const events: DesktopEvent[] = [];
    c.on('event', (e) => events.push(e));
    await dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: proxy.port, user: TEST_USER, password: TEST_PASSWORD, remember: false });
    const track = (await c.handlers.list({ query: 'long haul' })).tracks[0]!;
    const renderer = new RealtimeRenderer(c);
    const clickAt = performance.now();
    const started = await c.handlers.play({ track: track.id });
    renderer.follow(started.streamId, started.epoch, started.startFrame);
    const transport = () => [...events].reverse().find((e): e is Extract<DesktopEvent, { type: 'stream-transport' }> => e.type === 'stream-transport')?.transport ?? started.transport ?? '';
    return {
      c, link, proxy, renderer, events, started, clickAt, transport,
      async close() {
        renderer.stop();
        await c.dispose();
        await proxy.close();
        await server.stop();
        ns.close();
      },
    };
  }

  it('4 Mbit/s, 80 ms RTT: no underrun after the first 10 s, the encoding the rules choose, seeks that land and sound soon', async (t) => {
    const s = await onLink(4000, 80);
    try {
      await wait(18_000);
      const late = s.renderer.underrunsAt.filter((t) => t > 10_000);
      assert.deepEqual(late, [], `underruns after the first 10 s at ${late.map((t) => (t / 1000).toFixed(1)).join(', ')} s`);
      assert.ok(s.renderer.positionMs > 15_000, `played ${(s.renderer.positionMs / 1000).toFixed(1)} s of 18`);
      assert.equal(s.renderer.discontinuities, 0);
      const estimate = s.link.estimateKbps;
      // A 1.4 Mbit/s stream rarely leaves its window open for a whole sample on this link: no sample means a LAN.
      assert.ok(estimate === null || (estimate > 1500 && estimate < 4500), `the link measured at ${estimate} kbit/s`);
      const expected = transportLabel(chooseEncoding('auto', CD_KBPS, estimate), null, s.started.format);
      assert.equal(s.transport(), expected, `${estimate?.toFixed(0)} kbit/s measured`);

      // Seek to sound is about 200 ms here (the goal is 300 ms; bench --only links measures it). The bound is
      // generous, for a busy machine, yet a seek that waits behind a 64 KiB first DATA and the old position's
      // data (about 600 ms) fails it.
      const seeks: number[] = [];
      for (const positionMs of [30_000, 24_000, 33_000]) {
        const t0 = performance.now();
        const r = await s.c.handlers.seek({ streamId: s.renderer.streamId, positionMs });
        s.renderer.follow(r.streamId, r.epoch, r.startFrame);
        while (s.renderer.firstSoundAt === null && performance.now() - t0 < 3000) await wait(2);
        seeks.push((s.renderer.firstSoundAt ?? Infinity) - t0);
        assert.ok(Math.abs(r.positionMs - positionMs) < 50);
        await wait(1000);
      }
      t.diagnostic(`seek to sound ${seeks.map((ms) => ms.toFixed(0)).join(', ')} ms`);
      const median = [...seeks].sort((a, b) => a - b)[1]!;
      assert.ok(median < 450, `seek to sound ${seeks.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    } finally {
      await s.close();
    }
  });

  it('1 Mbit/s, 150 ms RTT: steps down to Opus (CD PCM needs 1.4 Mbit/s) and plays on', async () => {
    const s = await onLink(1000, 150);
    try {
      await wait(15_000);
      assert.match(s.transport(), /^Opus \d+ kbit\/s$/, `travels as ${s.transport()}, link ${s.link.estimateKbps} kbit/s`);
      assert.equal(s.renderer.discontinuities, 0, 'the handover loses and repeats nothing');
      assert.ok(s.renderer.positionMs > 9_000, `played ${(s.renderer.positionMs / 1000).toFixed(1)} s of 15`);
    } finally {
      await s.close();
    }
  });

  it('a 10 s outage: playback resumes where it stopped', async () => {
    const s = await onLink(4000, 80);
    try {
      await wait(5_000);
      s.proxy.outage(10_000);
      const atOutage = s.renderer.frame;
      await wait(10_000);
      const stoppedAt = s.renderer.frame;
      assert.ok(stoppedAt - atOutage <= (WINDOW_SECONDS + 0.1) * 44100, 'no more than the window plays through the outage');
      const deadline = performance.now() + 8000;
      while (s.renderer.frame < stoppedAt + 44100 && performance.now() < deadline) {
        const replaced = s.events.find((e): e is Extract<DesktopEvent, { type: 'stream-replaced' }> => e.type === 'stream-replaced');
        if (replaced && replaced.stream.streamId !== s.renderer.streamId) {
          assert.ok(Math.abs(replaced.stream.startFrame - s.renderer.frame) < 0.1 * 44100, 'the new stream starts where the old one stopped');
          s.renderer.follow(replaced.stream.streamId, replaced.stream.epoch, replaced.stream.startFrame);
        }
        await wait(50);
      }
      assert.ok(s.renderer.frame >= stoppedAt + 44100, `playing again after the outage (frame ${s.renderer.frame}, stopped at ${stoppedAt})`);
      assert.equal(s.renderer.discontinuities, 0, 'every frame once, in order, across the outage');
    } finally {
      await s.close();
    }
  });
});

