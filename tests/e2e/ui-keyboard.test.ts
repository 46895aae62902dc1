/**
 * The app used with the keyboard only (connect, search, play, seek, next, mute), then the disconnected state:
 * the countdown counts down, a click keeps the queue and says why, the connect dialog opened meanwhile has Cancel
 * and Escape, and "Retry now" reconnects at once. The real app against real atp-server processes (demo library).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';
import { assertAppBuilt, launchDesktopApp, type DesktopApp } from './desktop-app.js';
import { screenshot, waitForPlayer } from './journey-page.js';

const player = (page: Page) => page.evaluate(() => {
  const s = (window as any).atpApp.player.getState();
  return { status: s.status as string, title: s.queue[s.index]?.title as string | undefined, positionMs: s.positionMs as number, muted: s.muted as boolean, queue: s.queue.length as number };
});
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el?.tagName.toLowerCase(), role: el?.getAttribute('role'), label: el?.getAttribute('aria-label') ?? el?.textContent ?? '', type: el?.getAttribute('type') };
});

/** Presses Tab until `test` holds for the focused element (at most 20 times). */
async function tabTo(page: Page, test: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (test(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${what}`);
}

describe('keyboard only, and the disconnected state (Chromium, the real app)', () => {
  let server: RunningServer;
  let app: DesktopApp;
  let page: Page;

  before(async () => {
    assertAppBuilt();
    server = await startServer();
    app = await launchDesktopApp({ width: 1280, height: 800 });
    page = app.page;
    await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
  });

  after(async () => {
    await app?.close();
    await server?.stop();
  });

  it('connects, searches, plays, seeks, skips and mutes with the keyboard alone', async () => {
    await tabTo(page, (f) => f.label === 'Change server', 'Change server');
    await page.keyboard.press('Enter');
    await page.getByLabel('Server address').waitFor();
    assert.equal((await focused(page)).tag, 'input', 'the address field has the focus');
    await page.keyboard.type(`127.0.0.1:${server.port}`);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_USER);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="connection-status"][data-status="connected"]').filter({ hasText: 'as listener' }).waitFor();
    await page.locator('.track-row[data-track-id]').nth(2).waitFor();

    // The grid is one tab stop: from the search field, Tab passes the column headers and lands on one row.
    await page.keyboard.press('Control+F');
    await page.keyboard.type('ensemble');
    await page.getByTestId('track-count').filter({ hasText: '3 tracks' }).waitFor();
    await tabTo(page, (f) => f.role === 'row', 'a row of the grid');
    await page.keyboard.press('Tab');
    assert.notEqual((await focused(page)).role, 'row', 'one Tab leaves the grid');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).role, 'row');
    await page.keyboard.press('ArrowDown');
    assert.match((await focused(page)).label, /Credit Window/);
    await page.keyboard.press('Enter');
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().status === 'playing', null);
    let p = await player(page);
    assert.equal(p.title, 'Credit Window');
    assert.equal(p.queue, 3, 'the whole search result is queued');
    await screenshot(page, 'ui-keyboard-playing');

    await page.keyboard.press('ArrowRight');
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().positionMs >= 5000, null);
    await page.keyboard.press('m');
    assert.equal((await player(page)).muted, true);
    assert.equal(await page.getByTestId('mute').getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('n');
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().queue[(window as any).atpApp.player.getState().index]?.title !== 'Credit Window', null);
    p = await player(page);
    assert.notEqual(p.title, 'Credit Window');
    await page.keyboard.press('m');
    assert.equal((await player(page)).muted, false);
    // Previous restarts a track that has played a few seconds, as players do: on a busy machine the track may be that
    // far in already, and then it takes a first press to restart it and a second to go back.
    if ((await player(page)).positionMs > 1500) {
      await page.keyboard.press('Control+ArrowLeft');
      await waitForPlayer(page, () => (window as any).atpApp.player.getState().positionMs < 1000, null);
    }
    await page.keyboard.press('Control+ArrowLeft');
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().queue[(window as any).atpApp.player.getState().index]?.title === 'Credit Window', null);
    assert.equal((await player(page)).title, 'Credit Window', 'previous goes back a track');
  });

  it('while disconnected: counts down, keeps the queue on a click, offers Cancel, and Retry now reconnects at once', async () => {
    const before = await player(page);
    const { port, stateDir } = server;
    await server.kill();
    const status = page.getByTestId('connection-status');
    // Let a few attempts fail, so the wait is long enough to watch it count down.
    await page.waitForFunction(() => {
      const s = (window as any).atpApp.connection.getState().connection;
      return s.status === 'reconnecting' && s.attempt >= 4 && s.retryInMs >= 1500;
    }, null, { timeout: 15000 });
    const seconds = async () => Number(/Trying again in (\d+) s/.exec(await status.innerText())?.[1] ?? NaN);
    const first = await seconds();
    await page.waitForTimeout(1100);
    const later = await seconds();
    assert.ok(later < first, `the countdown went from ${first} to ${later}`);
    await screenshot(page, 'ui-reconnecting');

    await page.locator('.track-row[data-track-id]').first().locator('button.link').click();
    await page.getByRole('alert').filter({ hasText: 'The queue is kept' }).waitFor();
    const kept = await player(page);
    assert.equal(kept.queue, before.queue);
    assert.equal(kept.title, before.title);

    await page.getByRole('button', { name: 'Change server' }).click();
    await page.getByRole('dialog').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 1);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Retry now' }).waitFor();

    // A list that cannot be loaded says so, with Retry; it is loaded again once connected.
    await page.locator('input.search').fill('handshake');
    await page.getByTestId('list-error').filter({ hasText: 'You are not connected to a server.' }).waitFor();
    assert.equal(await page.getByTestId('list-error').getByRole('button', { name: 'Retry' }).count(), 1);

    // A wait of 3 s or more has just begun: the server comes back well inside it, and Retry now does not wait for it.
    await page.waitForFunction(() => {
      const c = (window as any).atpApp.connection.getState();
      return c.connection.status === 'reconnecting' && c.connection.retryInMs >= 3000 && c.retryAt - Date.now() > 2500;
    }, null, { timeout: 20000 });
    const retryAt = await page.evaluate(() => (window as any).atpApp.connection.getState().retryAt as number);
    server = await startServer({ port, stateDir });
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: 5000 });
    const connectedAt = Date.now();
    assert.ok(connectedAt - clicked < 1500, `connected ${connectedAt - clicked} ms after Retry now`);
    assert.ok(connectedAt < retryAt, 'before the timer would have tried');
    await page.getByTestId('track-count').filter({ hasText: '1 track' }).waitFor();
    assert.equal(await page.getByTestId('list-error').count(), 0);
  });
});
