/**
 * A restart brings back the queue, the position, the volume, the sort and the view: the real app is quit and
 * launched again on the same profile (the stand-in's userData), against a real atp-server.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_PASSWORD, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';
import { assertAppBuilt, launchDesktopApp, type DesktopApp } from './desktop-app.js';
import { connectTo, waitForPlayer } from './journey-page.js';

describe('restart (Chromium, the real app quit and launched again on the same profile)', () => {
  let server: RunningServer;
  let app: DesktopApp | null = null;
  const profile = mkdtempSync(join(tmpdir(), 'atp-ui-restart-'));
  const sessionFile = join(profile, 'userData', 'session.json');

  before(async () => {
    assertAppBuilt();
    server = await startServer();
  });

  after(async () => {
    await app?.close();
    await server?.stop();
  });

  it('restores the queue, position, volume, sort and view', async () => {
    app = await launchDesktopApp({ width: 1280, height: 800 }, profile);
    let page = app.page;
    await page.getByTestId('connection-status').filter({ hasText: 'Playing the music on this computer' }).waitFor({ timeout: 20000 });
    await connectTo(page, `127.0.0.1:${server.port}`);
    await page.locator('.track-row[data-track-id]').nth(2).waitFor();

    await page.getByRole('button', { name: 'Title', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('.track-row[data-track-id]')?.textContent?.startsWith('Credit Window'));
    await page.locator('.track-row', { hasText: 'Handshake' }).locator('button.link').click();
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().status === 'playing', null);
    await page.getByLabel('Position').fill('3000');
    await page.getByTestId('play-pause').click();
    await page.getByLabel('Volume').fill('0.4');
    await page.getByTestId('toggle-queue').click();
    await page.getByTestId('repeat').click();

    // Saved within a second or so of the last change.
    const deadline = Date.now() + 5000;
    let saved: any = null;
    while (Date.now() < deadline) {
      saved = existsSync(sessionFile) ? JSON.parse(readFileSync(sessionFile, 'utf8')) : null;
      if (saved?.player.repeat === 'all' && saved.ui.queueOpen === false && saved.player.volume === 0.4) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(saved?.player.repeat, 'all', 'the session was saved');
    await app.close();
    app = null;

    app = await launchDesktopApp({ width: 1280, height: 800 }, profile);
    page = app.page;
    // Before logging in again, the stores already hold what was saved.
    await page.waitForFunction(() => (window as any).atpApp.player.getState().queue.length === 3);
    const restored = await page.evaluate(() => {
      const { player, library, ui } = (window as any).atpApp;
      const p = player.getState();
      return {
        title: p.queue[p.index]?.title, positionMs: p.positionMs, volume: p.volume, repeat: p.repeat, status: p.status,
        sort: library.getState().sort, queueOpen: ui.getState().queueOpen,
      };
    });
    assert.equal(restored.title, 'Handshake');
    assert.ok(Math.abs(restored.positionMs - 3000) < 400, `restored at ${restored.positionMs} ms`);
    assert.deepEqual({ ...restored, positionMs: 0 }, { title: 'Handshake', positionMs: 0, volume: 0.4, repeat: 'all', status: 'idle', sort: 'title', queueOpen: false });

    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.locator('.track-row[data-track-id]').nth(2).waitFor();
    assert.match(await page.locator('.track-row[data-track-id]').first().innerText(), /^Credit Window/, 'listed by title, as sorted before');
    assert.equal(await page.locator('#queue-panel').count(), 0, 'the queue panel stays closed');
    assert.equal(await page.getByLabel('Volume').inputValue(), '0.4');
    await page.getByTestId('play-pause').click();
    await waitForPlayer(page, () => (window as any).atpApp.player.getState().status === 'playing', null);
    const resumedAt = await page.evaluate(() => (window as any).atpApp.player.getState().stream.positionMs as number);
    assert.ok(Math.abs(resumedAt - restored.positionMs) < 50, `play went on from ${resumedAt} ms`);
  });
});
