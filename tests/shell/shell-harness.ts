/**
 * Launches the built shell (dist/main/main.cjs, whose window runs dist/main/preload.cjs) under the Electron
 * stand-in, with the page a Node preload world: what a test calls on `api` goes through the real preload, the
 * stand-in's ipcMain and the real ipc-handlers, sender check included.
 */
import { existsSync } from 'node:fs';
import type { AtpDesktopApi, DesktopEvent } from '../../src-shared/ipc/contract.js';
import { BUILT_MAIN, BUILT_PRELOAD, createElectronStandIn, loadBuiltMain, quitApp, startApp, type ElectronStandIn, type LoadOptions } from '../electron-stand-in/index.js';
import type { PreloadWorldPage } from '../electron-stand-in/preload-world.js';
import type { StorageBackend } from '../electron-stand-in/system.js';

export interface LaunchedShell {
  electron: ElectronStandIn;
  page: PreloadWorldPage;
  /** window.atp as the page sees it. */
  api: AtpDesktopApi;
  events: DesktopEvent[];
  /** app.quit(), resolved once the app has really quit (the shell first stops what it started). */
  quit(): Promise<void>;
}

export function shellBuilt(): boolean {
  return existsSync(BUILT_MAIN) && existsSync(BUILT_PRELOAD);
}

export async function launchShell(options: LoadOptions & { backend?: StorageBackend } = {}): Promise<LaunchedShell> {
  if (!shellBuilt()) throw new Error('build first: node scripts/build.mjs (dist/main)');
  const electron = createElectronStandIn();
  if (options.backend) electron.safeStorage.backend = options.backend;
  loadBuiltMain(electron, options);
  await startApp(electron);
  const page = electron.worldPage();
  await waitFor(() => page.page.atp !== undefined, 'the preload to expose window.atp');
  const api = page.page.atp as AtpDesktopApi;
  const events: DesktopEvent[] = [];
  api.onEvent((e) => events.push(e));
  return {
    electron, page, api, events,
    quit: () => quitApp(electron),
  };
}

export async function waitFor(test: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Unwraps an IpcResult, failing with its code and message. */
export async function ok<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
