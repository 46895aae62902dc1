// User data on every database engine: favourites, playlists with revisions, plays, usage and quotas.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { AtpError } from '../../../src-shared/protocol/index.js';
import { AccountStore } from '../../../src-server/storage/accounts.js';
import type { Database } from '../../../src-server/storage/database.js';
import { RESUME_WINDOW_MS, setMonthlyMinutes, type PlayWrite } from '../../../src-server/storage/listening.js';
import { migrate } from '../../../src-server/storage/migrations.js';
import { UserDataStore } from '../../../src-server/storage/user-data.js';
import type { Engine } from './storage-suite.js';

const code = (c: string) => (e: AtpError) => e.code === c;
const DAY_MS = 86_400_000;
const JAN_10 = Date.UTC(2031, 0, 10, 12);

export function defineUserDataSuite(name: string, engine: Engine, skip: string | false = false): void {
  describe(`user data on ${name}`, { skip }, () => {
    const opened: Database[] = [];
    let now = JAN_10;
    const store = async () => {
      const db = await engine.fresh();
      opened.push(db);
      await migrate(db);
      const accounts = new AccountStore(db);
      await accounts.add('ann', 'password-of-ann');
      await accounts.add('ben', 'password-of-ben');
      return { db, accounts, data: new UserDataStore(db, () => now) };
    };
    after(async () => {
      for (const db of opened) await db.close();
      await engine.cleanUp();
    });

    test('favourites: added once, listed per account and kind, removed; gone with the account', async () => {
      const { accounts, data, db } = await store();
      assert.deepEqual(await data.favourites('ann', { op: 'add', kind: 'track', id: 't1' }), { changed: true });
      assert.deepEqual(await data.favourites('ann', { op: 'add', kind: 'track', id: 't1' }), { changed: false });
      now += 1;
      await data.favourites('ann', { op: 'add', kind: 'album', id: 'a1' });
      await data.favourites('ben', { op: 'add', kind: 'artist', id: 'r1' });
      assert.deepEqual((await data.favourites('ann', { op: 'list' })).favourites!.map((f) => [f.kind, f.id]), [['album', 'a1'], ['track', 't1']]);
      assert.deepEqual((await data.favourites('ann', { op: 'list', kind: 'track' })).favourites!.map((f) => f.id), ['t1']);
      assert.deepEqual(await data.favourites('ann', { op: 'remove', kind: 'track', id: 't1' }), { changed: true });
      assert.deepEqual(await data.favourites('ann', { op: 'remove', kind: 'track', id: 't1' }), { changed: false });
      await assert.rejects(data.favourites('nobody', { op: 'list' }), code('no-account'));
      await accounts.remove('ben');
      const [row] = await db.transaction((tx) => tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM favourites'));
      assert.equal(Number(row!.n), 1, "ben's favourite went with his account");
    });

    test('playlists: every change names its revision; a stale one is refused and changes nothing', async () => {
      const { data } = await store();
      const made = (await data.playlists('ann', { op: 'create', name: 'Road', tracks: ['a', 'b', 'c'] })).playlist!;
      assert.equal(made.revision, 1);
      assert.equal(made.count, 3);
      const added = (await data.playlists('ann', { op: 'add', id: made.id, revision: 1, tracks: ['d', 'e'], at: 1 })).playlist!;
      assert.equal(added.revision, 2);
      await assert.rejects(data.playlists('ann', { op: 'add', id: made.id, revision: 1, tracks: ['x'] }), (e: AtpError) => e.code === 'stale-revision' && /revision 2/.test(e.message));
      await data.playlists('ann', { op: 'move', id: made.id, revision: 2, from: 0, count: 2, to: 3 });
      await data.playlists('ann', { op: 'remove', id: made.id, revision: 3, positions: [0, 4] });
      await data.playlists('ann', { op: 'rename', id: made.id, revision: 4, name: 'Night' });
      const got = (await data.playlists('ann', { op: 'get', id: made.id })).playlist as { tracks: string[]; name: string; revision: number };
      // [a d e b c] → move [a d] after [e b c] → [e b c a d] → remove 0 and 4 → [b c a]
      assert.deepEqual(got.tracks, ['b', 'c', 'a']);
      assert.equal(got.name, 'Night');
      assert.equal(got.revision, 5);
      await assert.rejects(data.playlists('ben', { op: 'get', id: made.id }), code('unknown-playlist'), "another account's playlist is not there for ben");
      await assert.rejects(data.playlists('ann', { op: 'remove', id: made.id, revision: 5, positions: [3] }), code('bad-payload'));
      await assert.rejects(data.playlists('ann', { op: 'delete', id: made.id, revision: 4 }), code('stale-revision'));
      await data.playlists('ann', { op: 'delete', id: made.id, revision: 5 });
      assert.deepEqual((await data.playlists('ann', { op: 'list' })).playlists, []);
    });

    test('playlists hold 10,000 entries and refuse the 10,001st; of two changes on one revision, one wins', async () => {
      const { data } = await store();
      const many = Array.from({ length: 10_000 }, (_, i) => `track-${i}`);
      const p = (await data.playlists('ann', { op: 'create', name: 'All', tracks: many })).playlist!;
      assert.equal(p.count, 10_000);
      await assert.rejects(data.playlists('ann', { op: 'add', id: p.id, revision: 1, tracks: ['one-more'] }), code('playlist-full'));
      const moved = await data.playlists('ann', { op: 'move', id: p.id, revision: 1, from: 9_999, to: 0 });
      assert.equal(moved.playlist!.revision, 2);
      const both = await Promise.allSettled([
        data.playlists('ann', { op: 'rename', id: p.id, revision: 2, name: 'From phone' }),
        data.playlists('ann', { op: 'rename', id: p.id, revision: 2, name: 'From laptop' }),
      ]);
      assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code, 'stale-revision');
      const got = (await data.playlists('ann', { op: 'get', id: p.id })).playlist as { tracks: string[]; revision: number };
      assert.equal(got.revision, 3);
      assert.equal(got.tracks[0], 'track-9999');
    });

    const write = (w: Partial<PlayWrite>): PlayWrite => ({ streamKey: 's1', track: 't1', startedAt: now, startPositionMs: 0, endPositionMs: 0, playedMs: 0, at: now, ...w });

    test('plays count the confirmed time once, however often a total is written again', async () => {
      const { data } = await store();
      await data.recordPlay('ann', write({ playedMs: 4000, endPositionMs: 4000 }));
      await data.recordPlay('ann', write({ playedMs: 4000, endPositionMs: 4000 }));
      await data.recordPlay('ann', write({ playedMs: 9500, endPositionMs: 9500 }));
      await data.recordPlay('ann', write({ playedMs: 9500, endPositionMs: 9500 }));
      const h = await data.history('ann', { view: 'plays' });
      assert.equal(h.total, 1);
      assert.equal(h.items[0]!.seconds, 9.5);
      const usage = await data.usage('ann', {});
      assert.deepEqual(usage.days, [{ user: 'ann', day: '2031-01-10', seconds: 9.5 }]);
      assert.equal(usage.totalSeconds, 9.5);
    });

    test('a play resumed on a new stream within a minute where it stopped is one play; later, or elsewhere, it is another', async () => {
      const { data } = await store();
      await data.recordPlay('ann', write({ streamKey: 'first', playedMs: 30_000, endPositionMs: 30_000 }));
      now += 20_000;
      await data.recordPlay('ann', write({ streamKey: 'resumed', startPositionMs: 33_000, endPositionMs: 40_000, playedMs: 7000 }));
      let h = await data.history('ann', { view: 'plays' });
      assert.equal(h.total, 1, 'resumed at its position within 60 s: the same play');
      assert.equal(h.items[0]!.seconds, 37);
      now += RESUME_WINDOW_MS + 1000;
      await data.recordPlay('ann', write({ streamKey: 'late', startPositionMs: 40_000, endPositionMs: 41_000, playedMs: 1000 }));
      now += 1000;
      await data.recordPlay('ann', write({ streamKey: 'from-start', startPositionMs: 0, endPositionMs: 2000, playedMs: 2000 }));
      await data.recordPlay('ben', write({ streamKey: 'ben', startPositionMs: 2000, endPositionMs: 3000, playedMs: 1000 }));
      h = await data.history('ann', { view: 'plays' });
      assert.equal(h.total, 3, 'a minute later, or from the start: new plays');
      const counts = await data.history('ann', { view: 'counts' });
      assert.deepEqual(counts.items.map((i) => [i.track, i.plays, i.seconds]), [['t1', 3, 40]]);
      assert.equal((await data.usage('ann', {})).totalSeconds, 40);
    });

    test('counts sort by plays, recent by the last play', async () => {
      const { data } = await store();
      for (const [key, track] of [['1', 'a'], ['2', 'b'], ['3', 'b'], ['4', 'c']]) {
        now += 2 * RESUME_WINDOW_MS;
        await data.recordPlay('ann', write({ streamKey: key, track, playedMs: 1000, endPositionMs: 1000 }));
      }
      assert.deepEqual((await data.history('ann', { view: 'counts' })).items.map((i) => [i.track, i.plays]), [['b', 2], ['c', 1], ['a', 1]]);
      assert.deepEqual((await data.history('ann', { view: 'recent', limit: 2 })).items.map((i) => i.track), ['c', 'b']);
      assert.equal((await data.history('ann', { view: 'recent' })).total, 3);
    });

    test('played tracks for LIST\'s history sorts: plays and last play per track, one account\'s only', async () => {
      const { data, accounts } = await store();
      const at: number[] = [];
      for (const [key, track] of [['1', 'a'], ['2', 'b'], ['3', 'b']]) {
        now += 2 * RESUME_WINDOW_MS;
        at.push(now);
        await data.recordPlay('ann', write({ streamKey: key, track, playedMs: 1000, endPositionMs: 1000 }));
      }
      await data.recordPlay('ben', write({ streamKey: 'ben', track: 'c', playedMs: 1000, endPositionMs: 1000 }));
      const played = (await data.playedTracks('ann')).sort((x, y) => x.track.localeCompare(y.track));
      assert.deepEqual(played, [{ track: 'a', plays: 1, lastPlayedAt: at[0] }, { track: 'b', plays: 2, lastPlayedAt: at[2] }]);
      await accounts.add('cy', 'password-of-cy');
      assert.deepEqual(await data.playedTracks('cy'), [], 'an account that played nothing');
      await assert.rejects(data.playedTracks('nobody'), code('no-account'));
    });

    test('usage per day; a listener reads only their own, an admin anyone\'s; quotas tell what is left', async () => {
      const { db, data } = await store();
      now = JAN_10;
      await data.recordPlay('ben', write({ streamKey: 'b1', playedMs: 60_000, endPositionMs: 60_000 }));
      now = JAN_10 + DAY_MS;
      await data.recordPlay('ben', write({ streamKey: 'b2', playedMs: 30_000, endPositionMs: 30_000 }));
      await data.recordPlay('ann', write({ streamKey: 'a1', playedMs: 1_000, endPositionMs: 1_000 }));
      await assert.rejects(data.usage('ben', { user: 'ann' }), code('forbidden'));
      const ben = await data.usage('ann', { user: 'ben', from: '2031-01-01', to: '2031-01-31' });
      assert.deepEqual(ben.days.map((d) => [d.day, d.seconds]), [['2031-01-10', 60], ['2031-01-11', 30]]);
      assert.equal(ben.quota, null);
      const all = await data.usage('ann', { user: '*', from: '2031-01-11', to: '2031-01-11' });
      assert.deepEqual(all.days.map((d) => [d.user, d.seconds]), [['ann', 1], ['ben', 30]]);
      assert.equal(all.totalSeconds, 31);
      assert.equal(await setMonthlyMinutes(db, 'ben', 2), true);
      assert.deepEqual(await data.quota('ben'), { monthlyMinutes: 2, month: '2031-01', usedSeconds: 90, remainingSeconds: 30 });
      await data.recordPlay('ben', write({ streamKey: 'b2', playedMs: 70_000, endPositionMs: 70_000 }));
      assert.equal((await data.quota('ben'))!.remainingSeconds, 0);
      now = Date.UTC(2031, 1, 1);
      assert.equal((await data.quota('ben'))!.remainingSeconds, 120, 'a new month, a new quota');
      assert.equal(await data.quota('ann'), null);
    });
  });
}
