/**
 * Desktop figures, in Debian's Chromium with the built shell under the Electron stand-in (the built main, preload
 * and renderer, the real controller, as in tests/e2e/desktop-app.ts) playing from its bundled local server: time
 * from the play click to the first rendered sample, then renderer and controller CPU per minute of playback and
 * underruns over a long play (one track queued over and over, so the gapless prefetch path runs at every
 * boundary), once with the window shown and once with it hidden. `node --import tsx bench/desktop.ts [minutes]`,
 * or benchDesktop() from bench/run.ts.
 *
 * Hidden means what Chromium itself takes for hidden: the window minimised, so the page's visibilityState is
 * 'hidden' (checked), its animation frames stop and its timers are throttled, as in Electron with
 * `backgroundThrottling` on (its default). Playwright keeps a page it launched visible whatever its window does
 * (it turns on DevTools focus emulation for every page, which holds the page shown), so the bench starts
 * Chromium itself and connects over CDP without those defaults.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createElectronStandIn, loadBuiltMain, quitApp, startApp } from '../tests/electron-stand-in/index.js';
import { ChromiumPageHost } from '../tests/electron-stand-in/page-host.js';

export interface DesktopBenchOptions {
  /** Minutes of continuous playback for each of the two phases (window shown, window hidden). */
  minutes?: number;
  /** Play clicks to time. */
  clicks?: number;
  log?: (line: string) => void;
}

export interface PlaybackPhase {
  /** The page's document.visibilityState during the phase. */
  visibility: string;
  rendererCpuSecondsPerMinute: number;
  controllerCpuSecondsPerMinute: number;
  minutesPlayed: number;
  underruns: number;
  tracksPlayed: number;
}

export interface DesktopBenchResult {
  clickToFirstSampleMs: { median: number; max: number; samples: number[] };
  /** Of that, the click to the controller's answer (the stream set up and playing) reaching the audio engine. */
  clickToStreamStartedMs: { median: number; max: number };
  outputLatencyMs: number;
  shown: PlaybackPhase;
  hidden: PlaybackPhase;
}

const app = (page: Page) => page.evaluate(() => {
  const a = (window as any).atpApp;
  const s = a.player.getState();
  return { status: s.status as string, index: s.index as number, underruns: s.underruns as number, visibility: document.visibilityState as string };
});

async function rendererCpu(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; cpuTime: number }[] };
  await cdp.detach();
  return info.processInfo.filter((p) => p.type === 'renderer').reduce((n, p) => n + p.cpuTime, 0);
}

interface BenchApp {
  browser: Browser;
  page: Page;
  /** Minimises the window (hidden) or restores it (shown), and waits until the page says so. */
  setHidden(hidden: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Chromium with the flags of tests/e2e/journey-page.ts, on a DevTools port, without Playwright's page defaults. */
async function launchBenchApp(): Promise<BenchApp> {
  const profile = mkdtempSync(join(tmpdir(), 'atp-bench-chromium-'));
  const child: ChildProcess = spawn('/usr/bin/chromium', [
    '--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required', '--remote-debugging-port=0',
    `--user-data-dir=${profile}`, '--window-size=1200,720', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /DevTools listening on (ws:\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${text.slice(-500)}`)));
  });
  // noDefaults (an option Playwright's types do not list): no focus emulation, nor any other override, on the
  // default context's pages.
  const noDefaults: object = { noDefaults: true };
  const browser = await chromium.connectOverCDP(endpoint, noDefaults);
  const context = browser.contexts()[0]!;
  const page = context.pages()[0] ?? await context.newPage();
  const electron = createElectronStandIn();
  electron.usePages(() => new ChromiumPageHost(page, electron.protocol, electron.ipcMain));
  loadBuiltMain(electron);
  await startApp(electron);
  await page.waitForFunction(() => (window as unknown as { atpApp?: unknown }).atpApp !== undefined, null, { timeout: 20000 });
  const session = await context.newCDPSession(page);
  const { targetInfo } = (await session.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
  const browserSession = await browser.newBrowserCDPSession();
  const { windowId } = (await browserSession.send('Browser.getWindowForTarget', { targetId: targetInfo.targetId })) as { windowId: number };
  return {
    browser, page,
    setHidden: async (hidden) => {
      await browserSession.send('Browser.setWindowBounds', { windowId, bounds: { windowState: hidden ? 'minimized' : 'normal' } });
      const want = hidden ? 'hidden' : 'visible';
      for (let i = 0; i < 50 && (await app(page)).visibility !== want; i++) await new Promise((r) => setTimeout(r, 100));
      const now = (await app(page)).visibility;
      if (now !== want) throw new Error(`the page stayed ${now} with its window ${hidden ? 'minimised' : 'restored'}`);
    },
    close: async () => {
      await quitApp(electron);
      // Chromium quits as asked (its helpers with it), so nothing writes to the profile as it is removed.
      const exited = new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      await browserSession.send('Browser.close').catch(() => {});
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill('SIGKILL');
      await exited;
      await browser.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/** Plays on for `minutes` and measures: the queue holds the same track end to end, so each boundary is gapless. */
async function playPhase(desktop: BenchApp, minutes: number, log: (line: string) => void): Promise<PlaybackPhase> {
  const { page, browser } = desktop;
  const start = await app(page);
  const cpu0 = await rendererCpu(browser);
  const ctl0 = process.cpuUsage();
  const t0 = Date.now();
  while (Date.now() - t0 < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, Math.min(15_000, minutes * 60_000 - (Date.now() - t0))));
    const s = await app(page);
    log(`  … ${s.visibility}, ${((Date.now() - t0) / 60_000).toFixed(1)} min: track ${s.index + 1}, ${s.underruns} underruns`);
  }
  const played = (Date.now() - t0) / 60_000;
  const cpu1 = await rendererCpu(browser);
  const ctl = process.cpuUsage(ctl0);
  const end = await app(page);
  return {
    visibility: end.visibility,
    rendererCpuSecondsPerMinute: (cpu1 - cpu0) / played,
    controllerCpuSecondsPerMinute: (ctl.user + ctl.system) / 1e6 / played,
    minutesPlayed: played,
    underruns: end.underruns - start.underruns,
    tracksPlayed: end.index - start.index,
  };
}

export async function benchDesktop(opts: DesktopBenchOptions = {}): Promise<DesktopBenchResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const minutes = opts.minutes ?? 10;
  const desktop = await launchBenchApp();
  try {
    const page = desktop.page;
    // A first start: the app launches its bundled server on the demo library and logs in by itself.
    const row = page.locator('.track-row', { hasText: 'Handshake' }).locator('.col-title');
    await row.waitFor();

    // Click to first rendered sample: stamped in the page, from the click to the player's report of frame one.
    // Also stamped: when the controller's answer reached the engine (engine.start), the part spent outside the audio.
    const samples: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < (opts.clicks ?? 7); i++) {
      const [ms, answer] = await page.evaluate(async () => {
        const engine = (window as any).atpApp.engine;
        if (!engine.benchStart) {
          engine.benchStart = engine.start;
          engine.start = (...args: unknown[]) => {
            engine.benchStartedAt = performance.now();
            return engine.benchStart(...args);
          };
        }
        const button = [...document.querySelectorAll<HTMLButtonElement>('.track-row .col-title')].find((b) => b.textContent?.includes('Handshake'))!;
        const t0 = performance.now();
        button.click();
        while (engine.lastTrackStartedAt < t0) await new Promise((r) => setTimeout(r, 1));
        return [engine.lastTrackStartedAt - t0, engine.benchStartedAt - t0];
      });
      samples.push(ms);
      answered.push(answer);
      await page.waitForTimeout(300);
    }
    const answeredMedian = [...answered].sort((a, b) => a - b)[Math.floor(answered.length / 2)]!;
    const sorted = [...samples].sort((a, b) => a - b);
    const outputLatencyMs = await page.evaluate(() => {
      const c = (window as any).atpApp.engine.graph?.context as AudioContext | undefined;
      return c ? (c.baseLatency + (c.outputLatency || 0)) * 1000 : 0;
    });

    // A long play: the same track queued end to end, enough for both phases.
    await page.evaluate((n) => {
      const a = (window as any).atpApp;
      const t = a.library.getState().rows.find((r: any) => r?.title?.includes('Handshake'));
      return a.player.getState().playTracks(Array.from({ length: n }, () => t), 0);
    }, Math.ceil((2 * minutes * 60) / 8) + 2);
    await page.waitForTimeout(1000);
    const shown = await playPhase(desktop, minutes, log);
    await desktop.setHidden(true);
    const hidden = await playPhase(desktop, minutes, log);
    await desktop.setHidden(false);
    const result: DesktopBenchResult = {
      clickToFirstSampleMs: { median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)!, samples },
      clickToStreamStartedMs: { median: answeredMedian, max: Math.max(...answered) },
      outputLatencyMs, shown, hidden,
    };
    log('desktop (Chromium + the built shell under the Electron stand-in + its bundled local server)');
    log(`  play click → first rendered sample: median ${result.clickToFirstSampleMs.median.toFixed(1)} ms, max ${result.clickToFirstSampleMs.max.toFixed(1)} ms (goal < 100 ms; output latency adds ${outputLatencyMs.toFixed(1)} ms)`);
    log(`    of which click → the controller's answer at the engine: median ${result.clickToStreamStartedMs.median.toFixed(1)} ms, max ${result.clickToStreamStartedMs.max.toFixed(1)} ms`);
    log(`    all: ${samples.map((x) => x.toFixed(0)).join(' ')} ms`);
    for (const phase of [shown, hidden]) {
      log(`  window ${phase === shown ? 'shown' : 'hidden'} (page ${phase.visibility}), CPU per minute of playback: renderer ${phase.rendererCpuSecondsPerMinute.toFixed(2)} s (goal ≤ 2), main process (bench process: controller, stand-in, Playwright) ${phase.controllerCpuSecondsPerMinute.toFixed(2)} s (goal ≤ 1)`);
      log(`    underruns over ${phase.minutesPlayed.toFixed(1)} min (${phase.tracksPlayed} gapless track changes): ${phase.underruns} (goal 0)`);
    }
    return result;
  } finally {
    await desktop.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchDesktop({ minutes: Number(process.argv[2] ?? process.env.ATP_BENCH_MINUTES ?? 10) });
}
