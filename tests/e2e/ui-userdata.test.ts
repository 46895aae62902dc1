/**
 * Favourites and playlists in the real app against a real atp-server (300 tracks): a track favourited from its row
 * shows in Favourites and is kept on the server; a playlist made, filled from rows, reordered with the keyboard and
 * by drag; and a change made on a revision a second device has moved past is refused, rolled back, the playlist
 * reloaded and the user told. A second client, logged in as the same user, is that other device.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import type { AtpClient } from '../../src-main/atp-client/client.js';
import { checkView, openSecondDeviceSession, type SecondDeviceSession } from './ui-session.js';

const entries = (page: Page) => page.getByTestId('playlist-entries').locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-track-id')));

describe('favourites and playlists (Chromium, the real app, a second device)', () => {
  let session: SecondDeviceSession;
  let page: Page;
  let other: AtpClient;

  before(async () => {
    session = await openSecondDeviceSession();
    ({ page, other } = session);
  });

  after(async () => {
    await session?.close();
  });

  it('a heart on a row favourites the track: it shows in Favourites and the server keeps it', async () => {
    const row = page.locator('.track-row[data-track-id]').nth(1);
    const id = (await row.getAttribute('data-track-id'))!;
    await row.getByTestId('favourite-track').click();
    assert.equal(await row.getByTestId('favourite-track').getAttribute('aria-pressed'), 'true');
    await page.getByTestId('view-favourites').click();
    await page.getByTestId('favourite-tracks').locator(`.track-line[data-track-id="${id}"]`).waitFor();
    const kept = await other.favourites({ op: 'list' });
    assert.deepEqual(kept.favourites?.map((f) => [f.kind, f.id]), [['track', id]]);
    await checkView(page, 'favourites');
  });

  it('makes a playlist, adds rows to it, reorders by keyboard and by drag, and a stale change is rolled back and reloaded', async () => {
    await page.getByTestId('view-playlists').click();
    await page.getByTestId('new-playlist').getByRole('textbox').fill('Road');
    await page.getByTestId('new-playlist').getByRole('button').click();
    await page.locator('.playlist-list li', { hasText: 'Road' }).waitFor();
    const made = (await other.playlists({ op: 'list' })).playlists!;
    assert.deepEqual(made.map((p) => [p.name, p.count]), [['Road', 0]]);
    const playlistId = made[0]!.id;

    // Three rows of the track list, each through "Add to playlist…".
    await page.getByTestId('view-tracks').click();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const row = page.locator('.track-row[data-track-id]').nth(i);
      ids.push((await row.getAttribute('data-track-id'))!);
      await row.getByTestId('add-to-playlist').click();
      await page.getByTestId('playlist-picker').getByRole('button', { name: 'Road' }).click();
      await page.getByTestId('playlist-picker').waitFor({ state: 'detached' });
    }
    await page.getByTestId('view-playlists').click();
    await page.locator('.playlist-list button', { hasText: 'Road' }).click();
    await page.getByTestId('playlist-page').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="playlist-entries"] li').length === n, 3);
    assert.deepEqual(await entries(page), ids);
    await checkView(page, 'playlist page');

    // Keyboard: the first entry moves down one.
    await page.locator('[data-entry="0"]').focus();
    await page.keyboard.press('Alt+ArrowDown');
    const moved = [ids[1], ids[0], ids[2]];
    assert.deepEqual(await entries(page), moved);
    await page.waitForFunction(async () => (window as any).atpApp.userData.getState().open?.revision === 5);
    assert.deepEqual((await other.playlists({ op: 'get', id: playlistId })).playlist && ((await other.playlists({ op: 'get', id: playlistId })).playlist as { tracks: string[] }).tracks, moved);

    // Drag: the last entry onto the first.
    await page.locator('[data-testid="playlist-entries"] li').nth(2).dragTo(page.locator('[data-testid="playlist-entries"] li').nth(0));
    const dragged = [ids[2], ids[1], ids[0]];
    assert.deepEqual(await entries(page), dragged);
    await page.waitForFunction(async () => (window as any).atpApp.userData.getState().open?.revision === 6);
    const afterDrag = (await other.playlists({ op: 'get', id: playlistId })).playlist as { tracks: string[]; revision: number };
    assert.deepEqual(afterDrag.tracks, dragged);

    // The second device adds a track on the revision it read: the app's copy is now stale.
    const extra = (await other.list({ offset: 10, limit: 1 })).tracks[0]!.id;
    await other.playlists({ op: 'add', id: playlistId, revision: afterDrag.revision, tracks: [extra] });
    await page.getByTestId('remove-entry').first().click();
    await page.getByTestId('userdata-notice').filter({ hasText: 'changed on another device' }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="playlist-entries"] li').length === n, 4);
    assert.deepEqual(await entries(page), [...dragged, extra], 'the server’s copy, with the other device’s track and nothing removed');
    const held = (await other.playlists({ op: 'get', id: playlistId })).playlist as { tracks: string[] };
    assert.deepEqual(held.tracks, [...dragged, extra], 'the refused change changed nothing');
    await checkView(page, 'playlist page with the notice');

    // Made again on what it holds now, the change goes through.
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('remove-entry').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="playlist-entries"] li').length === n, 3);
    await page.waitForFunction(async () => (window as any).atpApp.userData.getState().open?.revision === 8);
    assert.deepEqual(((await other.playlists({ op: 'get', id: playlistId })).playlist as { tracks: string[] }).tracks, [ids[1], ids[0], extra]);
    assert.equal(await page.getByTestId('userdata-notice').count(), 0);
  });
});
