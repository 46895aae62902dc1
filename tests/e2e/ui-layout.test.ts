/**
 * The layout at 800×600, 1280×800 and 1920×1080, in English and Chinese, light and dark: every view is saved
 * under test-results/screenshots/ui-*.png, no two visible texts or controls overlap, long texts stay on one line
 * (cut, with the whole text in a tooltip), the now-playing cover keeps its size, and axe-core finds no serious or
 * critical violation. The real app (built main under the Electron stand-in, Chromium page) against a real
 * atp-server serving a generated 300-track library.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import type { RunningServer } from '../unit/desktop/atp-server-process.js';
import type { DesktopApp } from './desktop-app.js';
import { screenshot } from './journey-page.js';
import { findOverlaps, seriousViolations, type AxeViolation, type Overlap } from './ui-checks.js';
import { BROKEN_COVER_ALBUM, LONG_TITLE } from './ui-library.js';
import { openUiSession } from './ui-session.js';

const SIZES = [{ width: 800, height: 600 }, { width: 1280, height: 800 }, { width: 1920, height: 1080 }];
const LANGUAGES = ['en', 'zh-CN'] as const;
const THEMES = ['light', 'dark'] as const;

const settle = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
const ui = (page: Page, open: boolean) => page.evaluate((o) => (window as any).atpApp.ui.getState().setQueueOpen(o), open);

/** Each view: how to get there from the library, and how to leave it. */
interface ViewStep { name: string; enter(page: Page): Promise<void>; leave?(page: Page): Promise<void> }

const tab = (name: string, ready: string) => async (page: Page) => {
  await page.getByTestId(`view-${name}`).click();
  await page.locator(ready).first().waitFor();
};
const backToTracks = async (page: Page) => {
  await page.getByTestId('view-tracks').click();
  await page.locator('.track-row[data-track-id]').first().waitFor();
};

/** The library's views and the user's: each from the track list, and back to it. */
const BROWSE_VIEWS: ViewStep[] = [
  { name: 'albums', enter: tab('albums', '.album-card'), leave: backToTracks },
  {
    name: 'album-page',
    enter: async (page) => {
      await tab('albums', '.album-card')(page);
      await page.locator('.album-card').first().click();
      await page.getByTestId('album-tracks').waitFor();
    },
    leave: backToTracks,
  },
  {
    name: 'artist-page',
    enter: async (page) => {
      await tab('artists', '.group-row:not([disabled])')(page);
      await page.locator('.group-row:not([disabled])').first().click();
      await page.getByTestId('artist-tracks').waitFor();
    },
    leave: backToTracks,
  },
  { name: 'genres', enter: tab('genres', '.group-row:not([disabled])'), leave: backToTracks },
  {
    name: 'search-grouped',
    enter: async (page) => {
      await tab('search', '[data-testid="search-view"]')(page);
      await page.locator('[data-testid="search-view"] input').fill('Artist 02');
      await page.locator('[data-testid="search-view"] .track-line').first().waitFor();
    },
    leave: backToTracks,
  },
  { name: 'favourites', enter: tab('favourites', '[data-testid="favourite-tracks"] .track-line'), leave: backToTracks },
  { name: 'playlists', enter: tab('playlists', '.playlist-list li'), leave: backToTracks },
  {
    name: 'playlist-page',
    enter: async (page) => {
      await tab('playlists', '.playlist-list li')(page);
      await page.locator('.playlist-list button').first().click();
      await page.locator('[data-testid="playlist-entries"] li').first().waitFor();
    },
    leave: backToTracks,
  },
  { name: 'recently-played', enter: tab('recent', '[data-testid="recent-view"] .page-facts'), leave: backToTracks },
  { name: 'most-played', enter: tab('most', '[data-testid="most-view"] .page-facts'), leave: backToTracks },
  { name: 'recently-added', enter: tab('added', '[data-testid="added-view-tracks"] .track-line'), leave: backToTracks },
];

const VIEWS: ViewStep[] = [
  { name: 'library-queue', enter: (page) => ui(page, true) },
  {
    // Three queue entries selected and their context menu open.
    name: 'queue-menu',
    enter: async (page) => {
      const rows = page.locator('#queue-panel [role="row"]');
      await rows.nth(1).click();
      await rows.nth(3).click({ modifiers: ['Shift'] });
      await rows.nth(2).click({ button: 'right' });
      await page.getByTestId('queue-menu').waitFor();
    },
    leave: async (page) => {
      await page.keyboard.press('Escape');
      await page.getByTestId('queue-menu').waitFor({ state: 'detached' });
    },
  },
  { name: 'library', enter: (page) => ui(page, false) },
  {
    name: 'search-empty',
    enter: async (page) => {
      await page.locator('input.search').fill('zzzz no such song');
      await page.getByTestId('empty-list').waitFor();
    },
    leave: async (page) => {
      await page.locator('input.search').fill('');
      await page.locator('.track-row[data-track-id]').first().waitFor();
    },
  },
  {
    name: 'connect-dialog',
    enter: async (page) => {
      await page.locator('.status-bar button').last().click();
      await page.locator('form.connect-card').waitFor();
    },
    leave: async (page) => {
      await page.keyboard.press('Escape');
      await page.locator('.track-row[data-track-id]').first().waitFor();
    },
  },
];

describe('layout and accessibility of every view (Chromium, the real app, a 300-track library)', () => {
  let server: RunningServer;
  let app: DesktopApp;
  let page: Page;

  before(async () => {
    ({ server, app, page } = await openUiSession());
    // The long title plays, over and over, then pauses: the now-playing bar shows it.
    await page.getByTestId('repeat').click();
    await page.getByTestId('repeat').click();
    await page.locator('.track-row[data-track-id]').first().locator('button.link').click();
    await page.getByTestId('np-title').filter({ hasText: LONG_TITLE }).waitFor();
    await page.waitForFunction(() => (window as any).atpApp.player.getState().status === 'playing');
    await page.getByTestId('play-pause').click();
    // Something in each of the user's views: a favourite track, album and artist, and a playlist of 12 tracks.
    await page.evaluate(async () => {
      const app = (window as any).atpApp;
      const tracks = await app.api.list({ limit: 12 });
      const albums = await app.api.browse({ kind: 'albums', limit: 1 });
      const artists = await app.api.browse({ kind: 'artists', limit: 1 });
      const u = app.userData.getState();
      await u.toggleFavourite('track', tracks.tracks[0].id);
      await u.toggleFavourite('album', albums.items[0].id);
      await u.toggleFavourite('artist', artists.items[0].id);
      await u.createPlaylist('Road trip with a name long enough to be cut in the narrowest window', tracks.tracks.map((x: { id: string }) => x.id));
    });
  });

  after(async () => {
    await app?.close();
    await server?.stop();
  });

  it('has no overlaps and no wrapped lines in any view, size, language or theme; screenshots saved', async () => {
    // The check itself can fail: a button laid over the search field is reported.
    await page.evaluate(() => {
      const probe = document.createElement('button');
      probe.id = 'overlap-probe';
      probe.textContent = 'probe';
      const r = document.querySelector('input.search')!.getBoundingClientRect();
      Object.assign(probe.style, { position: 'fixed', left: `${r.left + 10}px`, top: `${r.top + 2}px` });
      document.body.append(probe);
    });
    assert.ok((await findOverlaps(page)).some((o) => o.a.includes('probe') || o.b.includes('probe')), 'the overlap check sees a planted overlap');
    await page.evaluate(() => document.getElementById('overlap-probe')?.remove());
    const overlaps: (Overlap & { where: string })[] = [];
    const wrapped: string[] = [];
    const violations: (AxeViolation & { where: string })[] = [];
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      for (const lang of LANGUAGES) {
        await page.locator('select.language').selectOption(lang);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          for (const view of [...VIEWS, ...BROWSE_VIEWS]) {
            await view.enter(page);
            await settle(page);
            const where = `${view.name} ${size.width}x${size.height} ${lang} ${theme}`;
            await screenshot(page, `ui-${view.name}-${size.width}x${size.height}-${lang}-${theme}`);
            for (const o of await findOverlaps(page)) overlaps.push({ ...o, where });
            wrapped.push(...(await page.evaluate(() => {
              const out: string[] = [];
              const oneLine = (sel: string, max: number) => document.querySelectorAll(sel).forEach((el) => {
                const h = el.getBoundingClientRect().height;
                if (h > max) out.push(`${sel} is ${Math.round(h)} px tall: "${el.textContent?.slice(0, 30)}"`);
              });
              oneLine('.queue h2', 28);
              oneLine('.queue [role="row"]', 36);
              oneLine('.np-title', 24);
              oneLine('.status-bar', 48);
              oneLine('.track-header', 34);
              const cover = document.querySelector('.now-playing .cover')?.getBoundingClientRect();
              if (cover && (Math.round(cover.width) !== 48 || Math.round(cover.height) !== 48)) out.push(`the now-playing cover is ${cover.width}×${cover.height}`);
              const title = document.querySelector('.np-title');
              if (title && title.getAttribute('title') !== title.textContent) out.push('the now-playing title has no tooltip');
              return out;
            })).map((w) => `${where}: ${w}`));
            if (size.width === 1280) for (const v of await seriousViolations(page)) violations.push({ ...v, where });
            await view.leave?.(page);
          }
        }
      }
    }
    assert.deepEqual(overlaps.slice(0, 20), [], `${overlaps.length} overlaps`);
    assert.deepEqual(wrapped.slice(0, 20), []);
    assert.deepEqual(violations.slice(0, 20), [], `${violations.length} serious or critical axe violations`);
  });

  it('shows the placeholder tile for a cover that cannot be decoded, never a broken image', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const row = page.locator('.track-row', { hasText: BROKEN_COVER_ALBUM }).first();
    await row.waitFor();
    await row.locator('.cover-blank').waitFor();
    // Covers that decode are shown as images; none of the images on screen is broken.
    await page.locator('.track-row img.cover').first().waitFor();
    const broken = await page.evaluate(() => [...document.querySelectorAll('img')].filter((i) => i.complete && i.naturalWidth === 0).length);
    assert.equal(broken, 0);
  });

  it('the queue panel collapses and opens again (button, Q key), and holds the whole list', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await ui(page, true);
    await page.getByTestId('toggle-queue').click();
    assert.equal(await page.locator('#queue-panel').count(), 0);
    await page.keyboard.press('q');
    await page.locator('#queue-panel').waitFor();
    assert.equal(await page.getByTestId('toggle-queue').getAttribute('aria-pressed'), 'true');
    // The queue holds the whole list the clicked row belongs to, not the 100 rows loaded then.
    assert.equal(await page.getByTestId('queue-list').getAttribute('aria-rowcount'), '300');
    assert.equal(await page.evaluate(() => (window as any).atpApp.player.getState().queue.length), 300);
  });
});
