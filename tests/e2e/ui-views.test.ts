/**
 * The library's views in the real app against a real atp-server (300 tracks, 12 artists × 3 albums): the album grid
 * paged from the server, an album page whose "Play album" queues all of it, the artist page, grouped search, the
 * now-playing view's links, navigation that keeps the queue playing, and the grid with the keyboard alone; each view
 * without overlaps and with no serious axe violation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import type { RunningServer } from '../unit/desktop/atp-server-process.js';
import type { DesktopApp } from './desktop-app.js';
import { checkView, openUiSession } from './ui-session.js';

const queue = (page: Page) => page.evaluate(() => {
  const s = (window as any).atpApp.player.getState();
  return { length: s.queue.length as number, album: s.queue[s.index]?.album as string | undefined, status: s.status as string };
});

describe('library views (Chromium, the real app)', () => {
  let server: RunningServer;
  let app: DesktopApp;
  let page: Page;

  before(async () => {
    ({ server, app, page } = await openUiSession());
  });

  after(async () => {
    await app?.close();
    await server?.stop();
  });

  it('albums grid → album page → Play album queues every track; navigating keeps it playing', async () => {
    await page.getByTestId('view-albums').click();
    await page.getByTestId('album-count').filter({ hasText: '36 albums' }).waitFor();
    await checkView(page, 'albums');
    await page.locator('.album-card[data-album-id]').nth(4).click();
    await page.getByTestId('album-page').waitFor();
    const rows = page.getByTestId('album-tracks').locator('.track-line');
    await rows.first().waitFor();
    const count = await rows.count();
    assert.ok(count >= 8, `an album of the generated library holds 8 or 9 tracks, saw ${count}`);
    await checkView(page, 'album page');
    await page.getByTestId('play-album').click();
    await page.waitForFunction(() => (window as any).atpApp.player.getState().status === 'playing');
    const q = await queue(page);
    assert.equal(q.length, count, 'the whole album is queued');
    await page.getByRole('button', { name: /^Artist \d\d$/ }).first().click();
    await page.getByTestId('artist-page').waitFor();
    await page.getByTestId('artist-tracks').locator('.track-line').first().waitFor();
    assert.equal(await page.locator('[data-testid="artist-page"] .album-card').count(), 3, 'the artist page shows its 3 albums');
    await checkView(page, 'artist page');
    await page.getByTestId('view-back').click();
    await page.getByTestId('album-page').waitFor();
    // The generated tracks last 0.2 s, so the album may have played out by now: what matters is that moving between
    // views neither replaced nor stopped the queue the album started.
    const after = await queue(page);
    assert.equal(after.length, count, 'moving between views keeps the queue');
    assert.equal(after.album, q.album, 'and the album in it');
    assert.notEqual(after.status, 'error');
  });

  it('artists, genres and grouped search', async () => {
    await page.getByTestId('view-artists').click();
    await page.locator('.group-row[data-row="11"]').waitFor();
    await checkView(page, 'artists');
    await page.getByTestId('view-genres').click();
    await page.locator('.group-row', { hasText: 'Jazz' }).click();
    await page.getByTestId('genre-page').waitFor();
    await page.locator('[data-testid="genre-page"] .album-card').first().waitFor();
    await page.getByTestId('view-search').click();
    await page.getByTestId('search-all').fill('artist 03');
    await page.getByTestId('found-artists').waitFor();
    assert.equal(await page.getByTestId('found-artists').locator('li').count(), 1);
    // Every word in the album's title or artist: Artist 03's three albums, and any "… 03" album of another artist.
    const albums = await page.getByTestId('found-albums').locator('.album-card').allInnerTexts();
    assert.ok(albums.filter((t) => /Artist 03/.test(t)).length === 3, `Artist 03's albums among ${JSON.stringify(albums)}`);
    for (const text of albums) assert.match(text, /(?=[\s\S]*artist)(?=[\s\S]*03)/i);
    await checkView(page, 'search');
  });

  it('the album grid with the keyboard: one tab stop, arrows across and down, Enter opens', async () => {
    await page.getByTestId('view-albums').click();
    await page.locator('.album-card[data-album-id]').first().waitFor();
    await page.locator('.album-card[data-album-id]').first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const columns = await page.evaluate(() => {
      const cards = [...document.querySelectorAll<HTMLElement>('.album-row:first-child .album-card')];
      return cards.length;
    });
    const focusedIndex = await page.evaluate(() => Number(document.activeElement?.closest('[data-index]')?.getAttribute('data-index')));
    assert.equal(focusedIndex, 1 + columns, 'right then down');
    const tabbable = await page.locator('.album-card[tabindex="0"]').count();
    assert.equal(tabbable, 1, 'the grid is one tab stop');
    await page.keyboard.press('Enter');
    await page.getByTestId('album-page').waitFor();
  });

  it('now playing: large view, links to the album, the signal path', async () => {
    await page.getByTestId('show-now-playing').click();
    await page.getByTestId('now-playing-view').waitFor();
    const path = await page.getByTestId('signal-path').textContent();
    // The generated library is 22.05 kHz mono 16-bit WAV; the stream and the sound card follow the track's rate.
    assert.match(path ?? '', /^Signal path: PCM 16-bit 22\.05 kHz mono → PCM 16-bit 22\.05 kHz → 22\.05 kHz$/);
    await checkView(page, 'now playing');
    await page.getByTestId('npv-album').click();
    await page.getByTestId('album-page').waitFor();
  });
});
