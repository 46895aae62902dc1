/**
 * The queue edited in the real app against a real atp-server (the generated 300-track library): rows of an album
 * multi-selected and queued from their context menu (mouse and keyboard), then the queue panel's own multi-select,
 * a drag of the selection with real HTML5 drag events, Alt+arrows, the context menu opened with the Menu key,
 * Remove and Delete. After every change the rows on screen are the store's queue, the track playing is the same
 * one and still playing, and the saved session holds the new order.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import type { RunningServer } from '../unit/desktop/atp-server-process.js';
import type { DesktopApp } from './desktop-app.js';
import { screenshot } from './journey-page.js';
import { checkView, openUiSession } from './ui-session.js';

const store = (page: Page) => page.evaluate(() => {
  const s = (window as any).atpApp.player.getState();
  return { ids: s.queue.map((x: { id: string }) => x.id) as string[], index: s.index as number, current: s.queue[s.index]?.id as string, status: s.status as string };
});
const rows = (page: Page) => page.locator('#queue-panel [role="row"]');
const shown = (page: Page) => rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-track-id')!));
const selected = (page: Page) => rows(page).evaluateAll((els) => els.flatMap((e, i) => (e.getAttribute('aria-selected') === 'true' ? [i] : [])));
/** Waits until the store's queue is `want`, then says what it is (the assertion names the difference). */
async function queueBecomes(page: Page, want: string[]): Promise<void> {
  await page.waitForFunction((w) => JSON.stringify((window as any).atpApp.player.getState().queue.map((x: { id: string }) => x.id)) === w, JSON.stringify(want), { timeout: 5000 })
    .catch(() => {});
  assert.deepEqual((await store(page)).ids, want);
}
const tableRows = (page: Page) => page.getByTestId('album-tracks').locator('[role="row"]');

/** The order after moving the entries at `positions` (in queue order) to the gap before `before`: worked out here, apart from the app's code. */
function movedBefore(ids: string[], positions: number[], before: number): string[] {
  const moving = positions.slice().sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i <= ids.length; i++) {
    if (i === before) out.push(...moving.map((p) => ids[p]!));
    if (i < ids.length && !moving.includes(i)) out.push(ids[i]!);
  }
  return out;
}

describe('the queue: multi-select, context menu, drag and keyboard reordering (Chromium, the real app)', () => {
  let server: RunningServer;
  let app: DesktopApp;
  let page: Page;
  let playing = '';

  /** The rows shown are the store's queue, the same track plays at its row, and it is still playing. */
  async function consistent(what: string): Promise<string[]> {
    const s = await store(page);
    assert.deepEqual(await shown(page), s.ids, `${what}: the rows shown are the queue`);
    assert.equal(s.current, playing, `${what}: the same track is current`);
    assert.equal(s.status, 'playing', `${what}: and it still plays`);
    assert.equal(await rows(page).nth(s.index).getAttribute('aria-current'), 'true', `${what}: its row is marked as playing`);
    return s.ids;
  }

  before(async () => {
    ({ server, app, page } = await openUiSession());
    await page.evaluate(() => (window as any).atpApp.ui.getState().setQueueOpen(true));
    // The generated tracks last 0.2 s: under repeat-one the first keeps playing through the whole test.
    await page.getByTestId('repeat').click();
    await page.getByTestId('repeat').click();
    await page.getByTestId('view-albums').click();
    await page.locator('.album-card[data-album-id]').nth(2).click();
    await tableRows(page).first().waitFor();
  });

  after(async () => {
    await app?.close();
    await server?.stop();
  });

  it('multi-selects album rows and queues them from the context menu, by mouse and by keyboard', async () => {
    const album = await tableRows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-track-id')!));
    assert.ok(album.length >= 8);
    await tableRows(page).first().locator('button.link').click();
    await page.waitForFunction(() => (window as any).atpApp.player.getState().status === 'playing');
    playing = album[0]!;
    assert.deepEqual((await store(page)).ids, album);

    // Click selects (outside the title, which plays), Shift+click extends, Ctrl+click adds.
    await tableRows(page).nth(2).locator('.track-line-artist').click();
    await tableRows(page).nth(4).locator('.track-line-artist').click({ modifiers: ['Shift'] });
    await tableRows(page).nth(6).locator('.track-line-title button').click({ modifiers: ['Control'] });
    const picked = await tableRows(page).evaluateAll((els) => els.flatMap((e, i) => (e.getAttribute('aria-selected') === 'true' ? [i] : [])));
    assert.deepEqual(picked, [2, 3, 4, 6]);
    assert.equal((await store(page)).current, playing, 'a Ctrl+click on a title selects, it does not play');
    await tableRows(page).nth(3).click({ button: 'right' });
    const menu = page.getByTestId('track-menu');
    await menu.waitFor();
    assert.equal(await menu.getAttribute('aria-label'), 'Actions for 4 selected');
    await checkView(page, 'album rows selected, context menu open');
    await menu.getByTestId('menu-add-to-queue').click();
    assert.equal(await menu.count(), 0, 'the menu closes once an item is chosen');
    assert.deepEqual((await store(page)).ids, [...album, album[2], album[3], album[4], album[6]]);

    // Keyboard: Space selects the focused row alone, Shift+F10 opens the menu with its first item focused; Play next.
    await tableRows(page).nth(7).locator('.track-line-artist').click();
    await page.keyboard.press('Escape');
    assert.deepEqual(await tableRows(page).evaluateAll((els) => els.filter((e) => e.getAttribute('aria-selected') === 'true').length), 0, 'Escape clears the selection');
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+F10');
    await menu.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Play now');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const s = await store(page);
    assert.equal(s.ids[s.index + 1], album[7], 'Play next puts it right after the track playing');
    assert.equal(s.current, playing);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-row')), '7', 'the focus is back on the row');
  });

  it('drags a multi-selection in the queue panel with HTML5 drag and drop; the track playing plays on', async () => {
    let ids = await consistent('before');
    await rows(page).nth(1).click();
    await rows(page).nth(3).click({ modifiers: ['Control'] });
    assert.deepEqual(await selected(page), [1, 3]);
    assert.equal(await page.getByTestId('queue-selected').innerText(), '2 selected');
    // Dropped on the upper half of the first row: the two go before it, the playing entry to the third place.
    const box = (await rows(page).nth(0).boundingBox())!;
    await rows(page).nth(3).dragTo(rows(page).nth(0), { targetPosition: { x: box.width / 2, y: 3 } });
    const expected = movedBefore(ids, [1, 3], 0);
    await queueBecomes(page, expected);
    ids = await consistent('after the drag');
    assert.equal((await store(page)).index, 2);
    assert.deepEqual(await selected(page), [0, 1], 'the moved entries stay selected');
    await screenshot(page, 'ui-queue-dragged');

    // One row not in the selection is dragged alone, below the last row.
    const last = (await rows(page).last().boundingBox())!;
    await rows(page).nth(4).dragTo(rows(page).last(), { targetPosition: { x: last.width / 2, y: last.height - 3 } });
    const alone = movedBefore(ids, [4], ids.length);
    await queueBecomes(page, alone);
    await consistent('after dragging one row');
  });

  it('moves the selection with Alt+arrows, opens the menu with the Menu key, removes with the menu and Delete', async () => {
    let ids = await consistent('before');
    await rows(page).nth(0).click();
    await page.keyboard.press('Shift+ArrowDown');
    assert.deepEqual(await selected(page), [0, 1]);
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowDown');
    ids = movedBefore(movedBefore(ids, [0, 1], 3), [1, 2], 4);
    assert.deepEqual(await consistent('after Alt+Down twice'), ids);
    assert.deepEqual(await selected(page), [2, 3]);
    assert.match(await page.getByTestId('queue-announce').innerText(), /Moved 2 entries to positions 3 to 4 of \d+/);

    // The Menu key opens the selection's menu: Move to top.
    await page.keyboard.press('ContextMenu');
    const menu = page.getByTestId('queue-menu');
    await menu.waitFor();
    await checkView(page, 'queue with a selection and its menu');
    await screenshot(page, 'ui-queue-menu');
    await menu.getByTestId('menu-move-top').click();
    ids = movedBefore(ids, [2, 3], 0);
    assert.deepEqual(await consistent('after Move to top'), ids);

    // A right click outside the selection selects that row alone: Remove.
    await rows(page).nth(5).click({ button: 'right' });
    await menu.getByTestId('menu-remove').click();
    ids = ids.filter((_, i) => i !== 5);
    assert.deepEqual(await consistent('after Remove'), ids);
    assert.equal(await page.getByTestId('queue-announce').innerText(), 'Removed 1 entry from the queue.');

    // Ctrl+A, then Ctrl+click the playing one off, then Delete: all but the track playing go.
    await rows(page).nth(1).click();
    await page.keyboard.press('Control+a');
    assert.equal((await selected(page)).length, ids.length);
    await page.keyboard.press('Escape');
    await rows(page).nth(3).click();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Delete');
    ids = ids.filter((_, i) => i !== 3 && i !== 4);
    assert.deepEqual(await consistent('after Delete'), ids);

    // The order is saved as the queue is, for the next start.
    const file = join(app.electron.app.getPath('userData'), 'session.json');
    const deadline = Date.now() + 8000;
    let saved: string[] = [];
    while (Date.now() < deadline) {
      saved = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).player.queue.map((x: { id: string }) => x.id) : [];
      if (JSON.stringify(saved) === JSON.stringify(ids)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(saved, ids, 'the saved session holds the edited queue');
  });

  it('renders only the rows in view of a queue of 300, and the keyboard still reaches and moves the last', async () => {
    await page.getByTestId('view-tracks').click();
    await page.locator('.track-row[data-track-id]').first().locator('button.link').click();
    await page.waitForFunction(() => (window as any).atpApp.player.getState().queue.length === 300);
    await page.getByTestId('queue-list').filter({ has: page.locator('[aria-current="true"]') }).waitFor();
    const ids = (await store(page)).ids;
    assert.equal(await page.getByTestId('queue-list').getAttribute('aria-rowcount'), '300');
    const rendered = await rows(page).count();
    assert.ok(rendered < 80, `${rendered} of 300 rows in the page`);
    await rows(page).nth(1).click();
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-row') === '299');
    await page.keyboard.press('Alt+ArrowUp');
    const s = await store(page);
    assert.deepEqual(s.ids, movedBefore(ids, [299], 298));
    assert.equal(s.current, ids[0], 'the track playing is still the current one');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-row') === '298');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-track-id')), ids[299], 'the focus moved with the entry');
  });
});
