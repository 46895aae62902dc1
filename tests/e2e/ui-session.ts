/**
 * The start every UI test shares: a real server on the generated 300-track library, the real app in Chromium, its
 * first start on the bundled server, then "Change server" to the test server, logged in with the test account (and,
 * for the tests of what another device does, a second client logged in as the same account); and the check each
 * view passes: no overlaps, no serious or critical axe violation.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';
import { assertAppBuilt, launchDesktopApp, type DesktopApp } from './desktop-app.js';
import { connectTo } from './journey-page.js';
import { definePageHelpers, findOverlaps, seriousViolations } from './ui-checks.js';
import { makeUiLibrary } from './ui-library.js';

export interface UiSession {
  server: RunningServer;
  app: DesktopApp;
  page: Page;
  close(): Promise<void>;
}

export async function openUiSession(viewport = { width: 1280, height: 800 }): Promise<UiSession> {
  assertAppBuilt();
  const server = await startServer({ library: makeUiLibrary().root });
  const app = await launchDesktopApp(viewport);
  const page = app.page;
  await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
  await connectTo(page, `127.0.0.1:${server.port}`);
  await page.getByTestId('track-count').filter({ hasText: '300 tracks' }).waitFor();
  return {
    server, app, page,
    close: async () => {
      await app.close();
      await server.stop();
    },
  };
}

export interface SecondDeviceSession extends UiSession {
  /** The test account logged in again from outside the app: the other device whose plays and changes it must show. */
  other: AtpClient;
}

export async function openSecondDeviceSession(): Promise<SecondDeviceSession> {
  const session = await openUiSession();
  try {
    const other = await AtpClient.connect({ host: '127.0.0.1', port: session.server.port });
    await other.login({ user: TEST_USER, password: TEST_PASSWORD, client: 'second device' });
    return {
      ...session, other,
      close: async () => {
        other.close();
        await session.close();
      },
    };
  } catch (err) {
    await session.close();
    throw err;
  }
}

export async function checkView(page: Page, what: string): Promise<void> {
  await definePageHelpers(page);
  assert.deepEqual(await findOverlaps(page), [], `${what}: no overlaps`);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `${what}: no serious axe violations: ${JSON.stringify(violations.map((v) => [v.id, v.targets]))}`);
}
