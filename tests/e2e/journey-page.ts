/**
 * What the journey tests read from the page: the player store and the audio engine the renderer exposes; and the
 * connect screen they all go through.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import type { TapReport } from '../../src-renderer/audio/worklet-messages.js';
import { REPO, TEST_PASSWORD, TEST_USER } from '../unit/desktop/atp-server-process.js';

export const SCREENSHOTS = join(REPO, 'test-results/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

export interface PlayerView {
  status: string;
  positionMs: number;
  streamId: number | null;
  startFrame: number | null;
  underruns: number;
  buffering: boolean;
  error: { code: string; message: string } | null;
}

/** "Change server", then the address and the account typed into the connect screen, then Connect. */
export async function connectTo(page: Page, address: string, user = TEST_USER, password = TEST_PASSWORD): Promise<void> {
  await page.getByRole('button', { name: 'Change server' }).click();
  await page.getByLabel('Server address').fill(address);
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Connect' }).click();
}

export function playerView(page: Page): Promise<PlayerView> {
  return page.evaluate(() => {
    const s = (window as unknown as { atpApp: { player: { getState(): Record<string, any> } } }).atpApp.player.getState();
    return {
      status: s.status, positionMs: s.positionMs, streamId: s.stream?.streamId ?? null, startFrame: s.stream?.startFrame ?? null,
      underruns: s.underruns, buffering: s.buffering, error: s.error,
    };
  });
}

/** The player store's state, inside page functions (the page's CSP forbids eval, so predicates are functions). */
export type PlayerState = Record<string, any>;

export async function waitForPlayer(page: Page, test: (arg: any) => boolean, arg: unknown): Promise<void> {
  await page.waitForFunction(test, arg, { timeout: 15000 });
}

/** Arms the tap in the page and returns a handle to await its report. */
export async function armTap(page: Page, fromFrame: number, frames: number, beforeFrame?: number): Promise<() => Promise<TapReport>> {
  const key = `tap${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ([k, from, count, before]) => {
      const engine = (window as any).atpApp.engine;
      (window as any)[k] = engine.tap(from, count, before ?? undefined);
    },
    [key, fromFrame, frames, beforeFrame ?? null] as const,
  );
  return () => page.evaluate((k) => (window as any)[k] as Promise<TapReport>, key);
}
