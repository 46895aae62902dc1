/**
 * Playback over shaped links: the desktop's controller against the built atp-server running in a network namespace
 * that tc tbf limits to the link's rate, behind a delaying proxy that adds the round trip, stalls and outages
 * (tests/helpers/netns.ts, link-proxy.ts), with a renderer that plays at real time. Per link: click → sound, seek
 * latency (seek to sound), underruns (all, and after the first 10 s), and how the stream travelled. Prints figures;
 * never fails on them. `node --import tsx bench/links.ts [--minutes M]`, or benchLinks() from bench/run.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { DesktopEvent } from '../src-shared/ipc/contract.js';
import { DesktopController } from '../src-main/desktop/controller.js';
import { LinkEstimate } from '../src-main/desktop/link-estimate.js';
import { dispatchRequest } from '../src-main/desktop/request-dispatch.js';
import { Settings } from '../src-main/desktop/settings.js';
import { LinkProxy } from '../tests/helpers/link-proxy.js';
import { createShapedNamespace, namespaceUnavailable, startServerInNamespace } from '../tests/helpers/netns.js';
import { RealtimeRenderer } from '../tests/helpers/realtime-renderer.js';
import { writeWav } from '../tests/helpers/wav-file.js';
import { TEST_PASSWORD, TEST_USER } from '../tests/unit/desktop/atp-server-process.js';

interface Link {
  name: string;
  rateKbit: number;
  rttMs: number;
  /** What goes wrong on the way, started once playback runs. */
  trouble?: (proxy: LinkProxy) => void;
}

export const LINKS: Link[] = [
  { name: '50 Mbit/s, 20 ms RTT', rateKbit: 50_000, rttMs: 20 },
  { name: '4 Mbit/s, 80 ms RTT', rateKbit: 4000, rttMs: 80 },
  { name: '1 Mbit/s, 150 ms RTT', rateKbit: 1000, rttMs: 150 },
  // The first stall at 30 s, so that a run of one minute sees one too.
  {
    name: 'stalls 3 s every minute, from 30 s (4 Mbit/s, 80 ms)', rateKbit: 4000, rttMs: 80,
    trouble: (p) => setTimeout(() => (p.outage(3000), p.stallEvery(60_000, 3000)), 30_000).unref(),
  },
  { name: 'a 10 s outage at 30 s (4 Mbit/s, 80 ms)', rateKbit: 4000, rttMs: 80, trouble: (p) => setTimeout(() => p.outage(10_000), 30_000).unref() },
];

const TRACK_SECONDS = 120;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function playOver(link: Link, library: string, minutes: number, log: (line: string) => void): Promise<void> {
  const ns = createShapedNamespace({ rateKbit: link.rateKbit });
  let server: Awaited<ReturnType<typeof startServerInNamespace>> | null = null;
  let proxy: LinkProxy | null = null;
  let c: DesktopController | null = null;
  let renderer: RealtimeRenderer | null = null;
  try {
    server = await startServerInNamespace(ns, library);
    proxy = await LinkProxy.start({ upstreamHost: ns.address, upstreamPort: server.port, rttMs: link.rttMs, jitterMs: 4 });
    const estimate = new LinkEstimate();
    const controller = new DesktopController({ settings: new Settings(null, null), linkEstimate: estimate });
    c = controller;
    const transports = new Set<string>();
    controller.on('event', (e: DesktopEvent) => {
      if (e.type === 'stream-transport') transports.add(e.transport);
      if (e.type === 'stream-replaced') {
        transports.add(e.stream.transport ?? '');
        renderer!.follow(e.stream.streamId, e.stream.epoch, e.stream.startFrame);
      }
    });
    await dispatchRequest(controller.handlers, 'connect', { host: '127.0.0.1', port: proxy.port, user: TEST_USER, password: TEST_PASSWORD, remember: false });
    const track = (await controller.handlers.list({ query: 'long haul' })).tracks[0]!;
    renderer = new RealtimeRenderer(controller);
    const r = renderer;
    const play = async () => {
      const t0 = performance.now();
      const s = await controller.handlers.play({ track: track.id });
      r.follow(s.streamId, s.epoch, s.startFrame);
      transports.add(s.transport ?? '');
      while (r.firstSoundAt === null && performance.now() - t0 < 10_000) await wait(2);
      return (r.firstSoundAt ?? NaN) - t0;
    };
    const clickMs = await play();
    link.trouble?.(proxy);
    const seeks: number[] = [];
    const end = performance.now() + minutes * 60_000;
    while (performance.now() < end) {
      await wait(Math.min(15_000, end - performance.now()));
      if (r.ended || r.positionMs > (TRACK_SECONDS - 20) * 1000) await play();
      else if (seeks.length < minutes * 4 && performance.now() < end - 2000) {
        const t0 = performance.now();
        const s = await controller.handlers.seek({ streamId: r.streamId, positionMs: Math.max(0, Math.round(r.positionMs) - 5000) });
        r.follow(s.streamId, s.epoch, s.startFrame);
        while (r.firstSoundAt === null && performance.now() - t0 < 10_000) await wait(2);
        seeks.push((r.firstSoundAt ?? NaN) - t0);
      }
    }
    const sorted = [...seeks].sort((a, b) => a - b);
    const late = r.underrunsAt.filter((t) => t > 10_000).length;
    log(`${link.name}`);
    log(`  click → sound ${clickMs.toFixed(0)} ms; seek → sound median ${(sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(0)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(0)} ms over ${seeks.length} (goal < 300 ms at 80 ms RTT)`);
    log(`  underruns ${r.underruns} (after the first 10 s: ${late}; goal 0 above 1 Mbit/s); gaps or repeats ${r.discontinuities}`);
    log(`  travelled as ${[...transports].join(' → ')}; link estimate ${estimate.estimateKbps?.toFixed(0) ?? 'none (no sample: taken as a LAN)'} kbit/s`);
  } finally {
    renderer?.stop();
    await c?.dispose().catch(() => {});
    await proxy?.close().catch(() => {});
    await server?.stop().catch(() => {});
    ns.close();
  }
}

export async function benchLinks(opts: { minutes?: number; log?: (line: string) => void } = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const why = namespaceUnavailable();
  if (why) {
    log(`links: skipped, ${why}`);
    return;
  }
  const library = mkdtempSync(join(tmpdir(), 'atp-links-bench-'));
  try {
    writeWav(join(library, 'Long Haul.wav'), { sampleRate: 44100, channels: 2, bits: 16, frames: 44100 * TRACK_SECONDS }, (i, ch) =>
      0.3 * Math.sin((2 * Math.PI * (220 + (i % 44100) / 100) * i) / 44100 + ch) + 0.05 * Math.sin(i * 0.37));
    for (const link of LINKS) await playOver(link, library, opts.minutes ?? 5, log);
  } finally {
    rmSync(library, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' } } });
  await benchLinks({ minutes: Number(values.minutes) });
  process.exit(0);
}
