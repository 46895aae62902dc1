/**
 * The desktop app as it runs in Electron, here in Debian's Chromium: the built main process (dist/main/main.cjs)
 * under the Electron stand-in, its window's page a real Chromium page that loads the built renderer through main's
 * own atp-app:// handler, with the built preload as its door to main. Nothing between the page and the controller
 * is the test's: requests pass the real ipc-handlers and their sender check.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { createElectronStandIn, loadBuiltMain, quitApp, startApp, type ElectronStandIn } from '../electron-stand-in/index.js';
import { ChromiumPageHost } from '../electron-stand-in/page-host.js';
import { REPO, serverBuilt } from '../unit/desktop/atp-server-process.js';
import { launchChromium } from './journey-page.js';

export interface DesktopApp {
  electron: ElectronStandIn;
  browser: Browser;
  page: Page;
  /** Quits the app as a user would (the shell stops its local server first), then closes Chromium. */
  close(): Promise<void>;
}

/** Null where the built server, main process and renderer the app runs on are all there; else how to build them. */
export function appNotBuilt(): string | null {
  const built = serverBuilt() && existsSync(join(REPO, 'dist/renderer/index.html')) && existsSync(join(REPO, 'dist/main/main.cjs'));
  return built ? null : 'build first: node scripts/build.mjs (dist/server, dist/main and dist/renderer)';
}

export function assertAppBuilt(): void {
  const why = appNotBuilt();
  if (why !== null) assert.fail(why);
}

/** `profile`: the stand-in's root folder; launching again with the same one is a restart with the same user data. */
export async function launchDesktopApp(viewport = { width: 1200, height: 720 }, profile?: string): Promise<DesktopApp> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const electron = createElectronStandIn(profile);
  electron.usePages(() => new ChromiumPageHost(page, electron.protocol, electron.ipcMain));
  loadBuiltMain(electron);
  await startApp(electron);
  await page.waitForFunction(() => (window as unknown as { atpApp?: unknown }).atpApp !== undefined, null, { timeout: 20000 });
  return {
    electron, browser, page,
    close: async () => {
      await quitApp(electron);
      await browser.close();
    },
  };
}
