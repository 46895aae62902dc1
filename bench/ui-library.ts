/**
 * The renderer on a large library: the generated library of bench/library.ts (N tracks, 100 to a folder, made once
 * in the temp directory), served by the built atp-server, browsed in the real app in Debian's Chromium (the built
 * main, preload and renderer under the Electron stand-in, the real controller in this process, as the UI tests run
 * it). Prints login → first rows visible, album card click → its tracks shown, frames per second while scrolling the
 * album grid (requestAnimationFrame over a scripted scroll), and the renderer's memory after opening 50 albums.
 * Times are taken in the page, from the click to the first animation frame that finds the rows in the DOM.
 * `node --import tsx bench/ui-library.ts [tracks]` after `node scripts/build.mjs`, or benchUiLibrary() from bench/run.ts.
 */
import { readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright';
import { launchDesktopApp, type DesktopApp } from '../tests/e2e/desktop-app.js';
import { TEST_PASSWORD, TEST_USER, startServer } from '../tests/unit/desktop/atp-server-process.js';
import { makeLibrary } from './library.js';

export interface UiLibraryBenchOptions {
  tracks?: number;
  /** Albums opened from the grid, spread over it: the sample of album click → tracks, and what the memory is read after. */
  albums?: number;
  viewport?: { width: number; height: number };
  log?: (line: string) => void;
}

const CARD_ROW_PX = 214; // AlbumCard's CARD_HEIGHT: one grid row
/** The server groups artists and albums in the background after its scan; the login waits for that to be over. */
const SETTLE_MS = 5000;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? NaN, max: s.at(-1) ?? NaN };
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/**
 * Clicks Connect; ms from the click to the first animation frame that says "Connected to" the server (the login,
 * with the server's scrypt check of the password) and to the first that shows the new library's rows and count.
 */
function connectAndWaitForRows(page: Page, tracks: number, address: string): Promise<{ loggedIn: number; rows: number }> {
  return page.evaluate(async ({ total, address }) => {
    const connect = [...document.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === 'Connect')!;
    let loggedIn = NaN;
    const t0 = performance.now();
    connect.click();
    for (;;) {
      const ts = await new Promise<number>((r) => requestAnimationFrame(r));
      if (Number.isNaN(loggedIn) && document.querySelector('[data-testid="connection-status"]')?.textContent?.includes(`Connected to ${address}`)) loggedIn = ts - t0;
      const count = Number(document.querySelector('[data-testid="track-count"]')?.textContent?.replace(/\D/g, '') ?? 0);
      if (count === total && [...document.querySelectorAll('.track-row:not(.placeholder)')].some((r) => / Song \d+/.test(r.textContent ?? ''))) return { loggedIn, rows: ts - t0 };
      if (ts - t0 > 60_000) throw new Error('no rows a minute after Connect');
    }
  }, { total: tracks, address });
}

/** Scrolls the grid to album `index`'s row and waits until its card has loaded. */
async function showCard(page: Page, index: number): Promise<void> {
  await page.getByTestId('albums-view').waitFor();
  await page.evaluate(({ index, rowPx }) => {
    const scroller = document.querySelector<HTMLElement>('.album-scroller')!;
    const columns = Math.max(1, document.querySelector('.album-row')?.querySelectorAll('.album-slot').length ?? 1);
    scroller.scrollTop = Math.floor(index / columns) * rowPx;
  }, { index, rowPx: CARD_ROW_PX });
  await page.waitForFunction((i) => document.querySelector(`[data-index="${i}"] .album-card[data-album-id]`) !== null, index, { timeout: 30_000 });
}

/** Clicks album `index`'s card; ms from the click to the first frame that shows the album page with its tracks. */
function openAlbum(page: Page, index: number): Promise<number> {
  return page.evaluate(async (i) => {
    const card = document.querySelector<HTMLButtonElement>(`[data-index="${i}"] .album-card[data-album-id]`)!;
    const title = card.querySelector('.album-card-title')!.textContent;
    const t0 = performance.now();
    card.click();
    for (;;) {
      const ts = await new Promise<number>((r) => requestAnimationFrame(r));
      if (document.querySelector('[data-testid="album-page"] .page-title')?.textContent === title &&
        document.querySelector('[data-testid="album-page"] [data-testid="album-tracks"] [data-track-id]') !== null) return ts - t0;
      if (ts - t0 > 30_000) throw new Error(`album ${i} (${title}) showed no tracks in 30 s: ${(document.querySelector('[data-testid="album-page"]') ?? document.body).textContent?.slice(0, 400)}`);
    }
  }, index);
}

interface Frames { fps: number; longestMs: number; over20: number; frames: number; distancePx: number; worstLoaf: { duration: number; scripts: number; render: number } | null }

/** Scrolls the grid by `pxPerSecond` for `seconds` (0: stays still), counting animation frames. */
function scrollGrid(page: Page, pxPerSecond: number, seconds: number): Promise<Frames> {
  return page.evaluate(async ({ speed, seconds }) => {
    const scroller = document.querySelector<HTMLElement>('.album-scroller')!;
    scroller.scrollTop = 0;
    // No named helpers in here: tsx would wrap them in a __name() the page does not have.
    const start = await new Promise<number>((r) => requestAnimationFrame(r));
    let last = start;
    let frames = 0;
    let longest = 0;
    let over20 = 0;
    // Chromium's long-animation-frame entries (frames over 50 ms) say what a long frame spent its time on: scripts
    // (those of 5 ms or more) and rendering (style, layout, paint); a long frame with little of either is many short
    // tasks, or time the renderer did not get the CPU.
    const loafs: { duration: number; scripts: number; render: number }[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { renderStart: number; scripts: { duration: number }[] })[]) {
        const render = e.renderStart > 0 ? e.startTime + e.duration - e.renderStart : 0;
        loafs.push({ duration: e.duration, scripts: e.scripts.reduce((n, x) => n + x.duration, 0), render });
      }
    });
    observer.observe({ type: 'long-animation-frame' });
    while (last - start < seconds * 1000) {
      scroller.scrollTop = ((last - start) / 1000) * speed;
      const ts = await new Promise<number>((r) => requestAnimationFrame(r));
      frames++;
      longest = Math.max(longest, ts - last);
      if (ts - last > 20) over20++;
      last = ts;
    }
    await new Promise((r) => setTimeout(r, 100)); // the observer's last entries
    observer.disconnect();
    const worst = loafs.sort((x, y) => y.duration - x.duration)[0];
    return { fps: frames / ((last - start) / 1000), longestMs: longest, over20, frames, distancePx: scroller.scrollTop, worstLoaf: worst ?? null };
  }, { speed: pxPerSecond, seconds });
}

interface Memory { jsHeapMiB: number; jsHeapTotalMiB: number; domNodes: number; rendererRssMiB: number }

const rssMiB = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return NaN; // gone, or not in this machine's pid namespace
  }
};

async function rendererPids(page: Page): Promise<number[]> {
  const browser = await page.context().browser()!.newBrowserCDPSession();
  const info = (await browser.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  await browser.detach();
  return info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
}

/**
 * The pid of the page's renderer. Chromium runs more than one (a spare one kept warm, the first blank tab) and CDP
 * does not say which is whose, so the page fills 128 MiB for a moment and the renderer whose RSS grew by it is the one.
 */
async function pageRendererPid(page: Page): Promise<number> {
  const pids = await rendererPids(page);
  const before = pids.map(rssMiB);
  await page.evaluate(() => ((window as unknown as { benchProbe?: Uint8Array }).benchProbe = new Uint8Array(128 * 2 ** 20).fill(1)).length);
  const grew = pids.map((pid, i) => rssMiB(pid) - before[i]!);
  await page.evaluate(() => delete (window as unknown as { benchProbe?: Uint8Array }).benchProbe);
  const best = grew.indexOf(Math.max(...grew));
  if (!(grew[best]! > 64)) throw new Error(`no renderer grew by the page's 128 MiB: ${JSON.stringify(grew)}`);
  return pids[best]!;
}

/** The page's JS heap and DOM nodes (CDP Performance.getMetrics) and its renderer process's RSS from /proc. */
async function memory(page: Page, pid: number, collectGarbage: boolean): Promise<Memory> {
  const cdp = await page.context().newCDPSession(page);
  if (collectGarbage) await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return {
    jsHeapMiB: metric('JSHeapUsedSize') / 2 ** 20,
    jsHeapTotalMiB: metric('JSHeapTotalSize') / 2 ** 20,
    domNodes: metric('Nodes'),
    rendererRssMiB: rssMiB(pid),
  };
}

const showMemory = (m: Memory) =>
  `JS heap ${m.jsHeapMiB.toFixed(1)} MiB used of ${m.jsHeapTotalMiB.toFixed(1)}, ${m.domNodes} DOM nodes, renderer process RSS ${m.rendererRssMiB.toFixed(0)} MiB`;

export async function benchUiLibrary(opts: UiLibraryBenchOptions = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const tracks = opts.tracks ?? 100_000;
  const albumCount = opts.albums ?? 50;
  let t0 = performance.now();
  const root = makeLibrary(tracks);
  log(`  library: ${tracks} tracks in folders of 100, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (generated once, then reused)`);
  t0 = performance.now();
  const server = await startServer({ library: root });
  log(`  server: listening after its first scan, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let app: DesktopApp | undefined;
  try {
    await sleep(SETTLE_MS);
    app = await launchDesktopApp(opts.viewport ?? { width: 1280, height: 800 });
    const page = app.page;
    await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: 'Change server' }).click();
    await page.getByLabel('Server address').fill(`127.0.0.1:${server.port}`);
    await page.getByLabel('User').fill(TEST_USER);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    const login = await connectAndWaitForRows(page, tracks, `127.0.0.1:${server.port}`);
    log(`  Connect click (login) → first rows of the track list visible: ${ms(login.rows)} (of which "Connected to": ${ms(login.loggedIn)})`);
    const pid = await pageRendererPid(page);
    log(`  memory after login (and a garbage collection): ${showMemory(await memory(page, pid, true))}`);

    t0 = performance.now();
    await page.getByTestId('view-albums').click();
    await page.locator('.album-card[data-album-id]').first().waitFor();
    log(`  Albums click → first cards of the grid (timed from the bench, round trips included): ${ms(performance.now() - t0)}`);

    // Albums spread over the grid, so the grid pages them in from the server as a browsing user would.
    const total = Number((await page.getByTestId('album-count').textContent())?.replace(/\D/g, ''));
    log(`  the grid: ${total} albums (the generator gives an album's folder a few artists; each makes an album)`);
    const opens: number[] = [];
    for (let k = 0; k < albumCount; k++) {
      const index = Math.floor((k * total) / albumCount) + (k % 7);
      await showCard(page, index);
      opens.push(await openAlbum(page, index));
      await page.getByTestId('view-albums').click();
    }
    const o = stats(opens);
    log(`  album card click → its tracks shown, over ${opens.length} albums: median ${ms(o.median)}, max ${ms(o.max)}; first 20: median ${ms(stats(opens.slice(0, 20)).median)}, max ${ms(stats(opens.slice(0, 20)).max)}`);
    const held = await page.evaluate(() => ((window as any).atpApp.browse.albums.getState().rows as unknown[]).filter(Boolean).length);
    log(`  memory after opening ${opens.length} albums (the grid holds ${held} albums of the pages it loaded): ${showMemory(await memory(page, pid, false))}`);
    log(`  the same after a garbage collection: ${showMemory(await memory(page, pid, true))}`);

    await showCard(page, 0);
    await sleep(500);
    const still = await scrollGrid(page, 0, 2);
    log(`  grid at rest: ${still.fps.toFixed(1)} frames/s (the page's frame rate), longest frame ${ms(still.longestMs)}`);
    for (const speed of [2000, 8000]) {
      const f = await scrollGrid(page, speed, 4);
      log(`  grid scrolled at ${speed} px/s for 4 s (${(f.distancePx / CARD_ROW_PX).toFixed(0)} rows): ${f.fps.toFixed(1)} frames/s, longest frame ${ms(f.longestMs)}, ${f.over20} of ${f.frames} frames over 20 ms${f.worstLoaf ? `; Chromium's longest animation frame ${ms(f.worstLoaf.duration)}: scripts of 5 ms or more ${ms(f.worstLoaf.scripts)}, rendering ${ms(f.worstLoaf.render)}` : ''}`);
      await sleep(500);
    }
  } finally {
    await app?.close();
    await server.stop();
    rmSync(server.stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchUiLibrary({ tracks: Number(process.argv[2] ?? process.env.BENCH_TRACKS ?? 100_000) });
  process.exit(0);
}
