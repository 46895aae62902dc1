/**
 * The desktop journey over shaped links, in Chromium: the real app (the built shell under the Electron stand-in,
 * the real renderer and controller, tests/e2e/desktop-app.ts) connects through "Change server" to a real atp-server
 * in a network namespace that tc tbf limits to the link's rate (tests/helpers/netns.ts), behind a proxy that adds
 * the round trip, the stall and the outage (tests/helpers/link-proxy.ts), and plays 30 s on each of five links.
 * What it hears is the renderer's own: its underrun counter, its position, the tap's checksums against the file.
 * One app plays the links one after the other (the stand-in runs one app per process; two cores would not carry
 * five Chromiums playing at real time anyway).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { LinkProxy } from '../helpers/link-proxy.js';
import { createShapedNamespace, namespaceUnavailable, startServerInNamespace, type ShapedNamespace } from '../helpers/netns.js';
import { writeWav } from '../helpers/wav-file.js';
import { appNotBuilt, launchDesktopApp, type DesktopApp } from './desktop-app.js';
import { armTap, connectTo, screenshot } from './journey-page.js';
import { checksumFrames, readWav, type WavPcm } from './wav-samples.js';

const skip = appNotBuilt() ?? namespaceUnavailable() ?? false;
const PLAY_MS = 30_000;
const LOSSLESS = /^(PCM 16-bit 44\.1 kHz|WAV as stored)$/;
const OPUS = /^Opus \d+ kbit\/s$/;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Link {
  name: string;
  rateKbit: number;
  rttMs: number;
  /** How the stream must travel, when the link decides it. */
  travels?: RegExp;
  /** What goes wrong, `atMs` after the first sound. */
  trouble?: { atMs: number; outageMs: number };
}

const LINKS: Link[] = [
  { name: '50 Mbit/s, 20 ms RTT', rateKbit: 50_000, rttMs: 20, travels: LOSSLESS },
  { name: '4 Mbit/s, 80 ms RTT', rateKbit: 4000, rttMs: 80, travels: LOSSLESS },
  // The link stalls 3 s every minute: within 30 s, the minute's stall comes once, at 15 s.
  { name: 'a 3 s stall at 15 s (4 Mbit/s, 80 ms RTT)', rateKbit: 4000, rttMs: 80, trouble: { atMs: 15_000, outageMs: 3000 } },
  { name: 'a 10 s outage at 10 s (4 Mbit/s, 80 ms RTT)', rateKbit: 4000, rttMs: 80, trouble: { atMs: 10_000, outageMs: 10_000 } },
  { name: '1 Mbit/s, 150 ms RTT', rateKbit: 1000, rttMs: 150, travels: OPUS },
];

interface Seen {
  at: number;
  positionMs: number;
  buffering: boolean;
  underruns: number;
  status: string;
}

function seen(page: Page): Promise<Omit<Seen, 'at'> & { transport: string | null }> {
  return page.evaluate(() => {
    const s = (window as any).atpApp.player.getState();
    return { positionMs: s.positionMs, buffering: s.buffering, underruns: s.underruns, status: s.status, transport: s.stream?.transport ?? null };
  });
}

describe('the desktop journey over shaped links (Chromium, the built shell, a real server in a tbf-shaped namespace)', { skip }, () => {
  let app: DesktopApp;
  let page: Page;
  let library: string;
  let wav: WavPcm;
  /** The previous link's, closed once the app has left it. */
  let leaving: (() => Promise<void>) | null = null;

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-link-journey-'));
    writeWav(join(library, 'Long Haul.wav'), { sampleRate: 44100, channels: 2, bits: 16, frames: 44100 * 45 }, (i, c) =>
      0.3 * Math.sin((2 * Math.PI * (220 + (i % 44100) / 100) * i) / 44100 + c) + 0.05 * Math.sin(i * 0.37));
    wav = readWav(join(library, 'Long Haul.wav'));
    app = await launchDesktopApp();
    page = app.page;
    await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
  });

  after(async () => {
    await app?.close();
    await leaving?.();
  });

  async function onto(link: Link): Promise<LinkProxy> {
    const ns: ShapedNamespace = createShapedNamespace({ rateKbit: link.rateKbit });
    const server = await startServerInNamespace(ns, library).catch((err) => {
      ns.close();
      throw err;
    });
    const proxy = await LinkProxy.start({ upstreamHost: ns.address, upstreamPort: server.port, rttMs: link.rttMs, jitterMs: 4 });
    if ((await seen(page)).status === 'playing') await page.getByTestId('play-pause').click();
    await connectTo(page, `127.0.0.1:${proxy.port}`);
    await page.getByTestId('connection-status').filter({ hasText: `127.0.0.1:${proxy.port}` }).waitFor({ timeout: 20000 });
    await page.locator('.track-row', { hasText: 'Long Haul' }).waitFor({ timeout: 20000 });
    const previous = leaving;
    leaving = async () => {
      await proxy.close();
      await server.stop();
      ns.close();
    };
    await previous?.();
    return proxy;
  }

  for (const link of LINKS) {
    it(`${link.name}: sound starts, plays 30 s, travels as the link allows and says so`, async (t) => {
      const proxy = await onto(link);
      await page.locator('.track-row', { hasText: 'Long Haul' }).locator('.col-title').click();
      await page.waitForFunction(() => {
        const s = (window as any).atpApp.player.getState();
        return s.status === 'playing' && s.positionMs > 0 && s.stream?.startFrame === 0;
      }, null, { timeout: 15000 });
      const t0 = performance.now();
      if (link.trouble) setTimeout(() => proxy.outage(link.trouble!.outageMs), link.trouble.atMs).unref();
      const log: Seen[] = [];
      let at10: number | null = null;
      while (performance.now() - t0 < PLAY_MS) {
        const s = await seen(page);
        const at = performance.now() - t0;
        log.push({ at, ...s });
        if (at10 === null && at >= 10_000) at10 = s.underruns;
        await wait(200);
      }
      const end = await seen(page);
      const timeline = log.filter((_, i) => i % 10 === 0).map((s) => `${(s.at / 1000).toFixed(0)}s:${(s.positionMs / 1000).toFixed(1)}${s.buffering ? 'b' : ''}`).join(' ');

      t.diagnostic(`position (s) at each 2 s, b while buffering: ${timeline}; underruns ${at10} at 10 s, ${end.underruns} at 30 s; travels as ${end.transport}`);
      if (link.trouble?.outageMs === 10_000) {
        // The window plays on into the outage, then the player waits; when the link is back it goes on from there.
        const dry = log.findIndex((s) => s.at > link.trouble!.atMs && s.buffering);
        assert.ok(dry >= 0, `the player ran dry during the outage: ${timeline}`);
        const stoppedAt = log[dry]!.positionMs;
        const back = log.findIndex((s, i) => i > dry && !s.buffering && s.positionMs > stoppedAt);
        assert.ok(back >= 0, `playing again after the outage: ${timeline}`);
        assert.ok(log[back]!.positionMs - stoppedAt < 1500, `resumed at ${log[back]!.positionMs} ms, stopped at ${stoppedAt} ms: ${timeline}`);
        assert.ok(end.positionMs > stoppedAt + 2000, `played on after the outage: ${timeline}`);
      } else {
        // At 1 Mbit/s the first seconds travel as PCM, which the link cannot carry, until the step down to Opus.
        assert.ok(end.positionMs > PLAY_MS - (link.rateKbit > 1000 ? 3000 : 8000), `played ${end.positionMs} ms of ${PLAY_MS}: ${timeline}`);
        if (link.rateKbit > 1000) assert.equal(end.underruns, at10, `no underrun after the first 10 s: ${timeline}`);
      }

      // What plays now runs on frame by frame from where the position says; lossless, it is the file's own audio.
      const from = Math.round(((end.positionMs + 500) * wav.sampleRate) / 1000);
      const heard = await (await armTap(page, from, wav.sampleRate / 4))();
      const transport = (await seen(page)).transport ?? '';
      assert.equal(heard.discontinuities, 0);
      assert.ok(heard.firstFrame >= from && heard.firstFrame < from + wav.sampleRate, `heard from frame ${heard.firstFrame}, armed at ${from}`);
      if (LOSSLESS.test(transport)) assert.equal(heard.checksum, checksumFrames(wav, heard.firstFrame, wav.sampleRate / 4));

      assert.match(transport, link.travels ?? new RegExp(`${LOSSLESS.source}|${OPUS.source}`), `travels as ${transport}`);
      await page.getByTestId('show-now-playing').click();
      const path = await page.getByTestId('signal-path').innerText();
      assert.ok(path.includes(` → ${transport}`), `the now-playing signal path "${path}" names how it travels (${transport})`);
      await screenshot(page, `link-${link.rateKbit}-${link.trouble ? link.trouble.outageMs : 0}`);
      await page.getByTestId('close-now-playing').click();
    });
  }
});
