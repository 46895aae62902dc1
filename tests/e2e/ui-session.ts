/**
 * The start every UI test shares: a real server on the generated 300-track library, the real app in Chromium, its
 * first start on the bundled server, then "Change server" to the test server, logged in with the test account; and
 * the check each view passes: no overlaps, no serious or critical axe violation.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { REPO, TEST_PASSWORD, TEST_USER, serverBuilt, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';
import { launchDesktopApp, type DesktopApp } from './desktop-app.js';
import { definePageHelpers, findOverlaps, seriousViolations } from './ui-checks.js';
import { makeUiLibrary } from './ui-library.js';

export interface UiSession {
  server: RunningServer;
  app: DesktopApp;
  page: Page;
  close(): Promise<void>;
}

export async function openUiSession(viewport = { width: 1280, height: 800 }): Promise<UiSession> {
  assert.ok(serverBuilt() && existsSync(join(REPO, 'dist/renderer/index.html')) && existsSync(join(REPO, 'dist/main/main.cjs')),
    'build first: node scripts/build.mjs (dist/server, dist/main and dist/renderer)');
  const server = await startServer({ library: makeUiLibrary().root });
  const app = await launchDesktopApp(viewport);
  const page = app.page;
  await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
  await page.getByRole('button', { name: 'Change server' }).click();
  await page.getByLabel('Server address').fill(`127.0.0.1:${server.port}`);
  await page.getByLabel('User').fill(TEST_USER);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByTestId('track-count').filter({ hasText: '300 tracks' }).waitFor();
  return {
    server, app, page,
    close: async () => {
      await app.close();
      await server.stop();
    },
  };
}

export async function checkView(page: Page, what: string): Promise<void> {
  await definePageHelpers(page);
  assert.deepEqual(await findOverlaps(page), [], `${what}: no overlaps`);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `${what}: no serious axe violations: ${JSON.stringify(violations.map((v) => [v.id, v.targets]))}`);
}
