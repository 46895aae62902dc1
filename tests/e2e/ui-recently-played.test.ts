/**
 * Recently played in the real app against a real atp-server (300 tracks): what the account played on another
 * device shows, whole rows, last played first (LIST by `played`, PROTOCOL.md §7.1), and a new play moves its track
 * to the top when the view is opened again; Most played shows the `plays` sort's order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import type { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { checkView, openSecondDeviceSession, type SecondDeviceSession } from './ui-session.js';

const shownIds = (page: Page) => page.getByTestId('recent-view-tracks').locator('[data-track-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-track-id')));

describe('recently played (Chromium, the real app, plays from a second device)', () => {
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

  /**
   * Plays a track to its end on the second device and waits until the server has recorded it. (A short track played
   * again from the start within a minute continues its last play, §14.3: its last play time moves all the same.)
   */
  const play = async (id: string) => {
    await fetchTrack(other, id, { write: () => {} });
    const deadline = Date.now() + 15_000;
    while ((await other.history({ view: 'recent', limit: 1 })).items[0]?.track !== id) {
      assert.ok(Date.now() < deadline, `the play of ${id} was not recorded`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const openRecent = async (rows: number) => {
    await page.getByTestId('view-tracks').click();
    await page.getByTestId('view-recent').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="recent-view-tracks"] [data-track-id]').length === n, rows);
  };

  it('lists the played tracks, last played first, and a new play moves its track to the top', async () => {
    const tracks = (await other.list({ sort: 'path', limit: 3 })).tracks;
    const [a, b, c] = tracks.map((t) => t.id) as [string, string, string];
    await play(a);
    await play(b);
    await play(c);
    await openRecent(3);
    assert.deepEqual(await shownIds(page), [c, b, a]);
    const firstRow = page.getByTestId('recent-view-tracks').locator('[data-track-id]').first();
    assert.match((await firstRow.getAttribute('aria-label')) ?? '', new RegExp(tracks[2]!.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'a whole row: title and artist');
    await checkView(page, 'recently played');

    await play(a);
    await openRecent(3);
    assert.deepEqual(await shownIds(page), [a, c, b]);
  });

  it('Most played lists the played tracks in the order of the server’s `plays` sort, most first', async () => {
    const expected = (await other.list({ sort: 'plays', order: 'desc', limit: 50 })).tracks.map((t) => t.id);
    assert.equal(expected.length, 3, 'the three tracks played above');
    await page.getByTestId('view-tracks').click();
    await page.getByTestId('view-most').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="most-view-tracks"] [data-track-id]').length === n, expected.length);
    const ids = await page.getByTestId('most-view-tracks').locator('[data-track-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-track-id')));
    assert.deepEqual(ids, expected);
    await checkView(page, 'most played');
  });
});
