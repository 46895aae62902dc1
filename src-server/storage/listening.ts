/**
 * What was played and for how long: plays, per-day listening, history views, usage reports and quotas.
 *
 * A stream reports the milliseconds its client has confirmed with CREDIT as a running total under a key of its own
 * (PlayWrite). Each write adds only what the total grew by since the last write of that key, in one transaction
 * with the play and the day's sum, so a write that is repeated (a retry after a lost answer) counts nothing twice.
 *
 * A stream's first write joins the play it resumes, when there is one: the same account and track, last written
 * within RESUME_WINDOW_MS, and the new stream starting where that play stopped (from RESUME_BEHIND_MS before to
 * RESUME_AHEAD_MS after its last recorded position, which lags the client by up to one flush of the stream). So a
 * play that is reconnected, even through another server, is one play, not two.
 */
import type { HistoryItem, HistoryReply, HistoryRequest, Quota, UsageDay } from '../../src-shared/protocol/index.js';
import type { Database, Queryable } from './database.js';
import { dayOf, monthOf, type AccountRef } from './user-accounts.js';

export const RESUME_WINDOW_MS = 60_000;
export const RESUME_BEHIND_MS = 5_000;
export const RESUME_AHEAD_MS = 15_000;

export interface PlayWrite {
  /** Unique per stream (and server): the same key with a larger total adds the difference. */
  streamKey: string;
  track: string;
  /** When the stream's first PLAY came: a new play starts then. */
  startedAt: number;
  /** Where the stream's first PLAY started, and where the confirmed audio reaches now. */
  startPositionMs: number;
  endPositionMs: number;
  /** Milliseconds of audio the client confirmed on this stream so far. */
  playedMs: number;
  /** When this was measured; its UTC day is the day the listening counts for. */
  at: number;
}

/** Records a stream's confirmed listening; returns the play it counts for. */
export async function recordPlay(tx: Queryable, account: AccountRef, w: PlayWrite): Promise<string> {
  const [known] = await tx.query<{ play_id: string; played_ms: number }>('SELECT play_id, played_ms FROM play_streams WHERE stream_key = ?', [w.streamKey]);
  let playId: string;
  let delta: number;
  if (known) {
    playId = known.play_id;
    delta = w.playedMs - Number(known.played_ms);
    if (delta <= 0) return playId;
    await tx.run('UPDATE play_streams SET played_ms = ? WHERE stream_key = ?', [w.playedMs, w.streamKey]);
  } else {
    const [resumed] = await tx.query<{ id: string }>(
      'SELECT id FROM plays WHERE account_id = ? AND track_id = ? AND last_at >= ? AND end_position_ms >= ? AND end_position_ms <= ? ORDER BY last_at DESC LIMIT 1',
      [account.id, w.track, w.at - RESUME_WINDOW_MS, w.startPositionMs - RESUME_AHEAD_MS, w.startPositionMs + RESUME_BEHIND_MS],
    );
    playId = resumed?.id ?? w.streamKey;
    if (!resumed) {
      await tx.run('INSERT INTO plays (id, account_id, track_id, started_at, last_at, end_position_ms, played_ms) VALUES (?, ?, ?, ?, ?, ?, 0)', [
        playId, account.id, w.track, w.startedAt, w.at, w.endPositionMs,
      ]);
    }
    await tx.run('INSERT INTO play_streams (stream_key, play_id, played_ms) VALUES (?, ?, ?)', [w.streamKey, playId, w.playedMs]);
    delta = w.playedMs;
  }
  await tx.run('UPDATE plays SET played_ms = played_ms + ?, last_at = ?, end_position_ms = ? WHERE id = ?', [delta, w.at, w.endPositionMs, playId]);
  await tx.run(
    'INSERT INTO listening (account_id, day, played_ms) VALUES (?, ?, ?) ON CONFLICT (account_id, day) DO UPDATE SET played_ms = listening.played_ms + excluded.played_ms',
    [account.id, dayOf(w.at), delta],
  );
  return playId;
}

const seconds = (ms: number) => Number(ms) / 1000;

interface HistoryRow {
  track_id: string;
  plays: number;
  played_ms: number;
  started_at: number;
  last_at: number;
}

async function count(tx: Queryable, sql: string, accountId: number): Promise<number> {
  const [row] = await tx.query<{ n: number }>(sql, [accountId]);
  return Number(row?.n ?? 0);
}

export async function history(tx: Queryable, accountId: number, req: HistoryRequest): Promise<HistoryReply> {
  const offset = req.offset ?? 0;
  const limit = req.limit ?? 50;
  let rows: HistoryRow[];
  let total: number;
  if (req.view === 'plays') {
    total = await count(tx, 'SELECT COUNT(*) AS n FROM plays WHERE account_id = ?', accountId);
    rows = await tx.query<HistoryRow>(
      'SELECT track_id, 1 AS plays, played_ms, started_at, last_at FROM plays WHERE account_id = ? ORDER BY started_at DESC, id LIMIT ? OFFSET ?',
      [accountId, limit, offset],
    );
  } else {
    total = await count(tx, 'SELECT COUNT(DISTINCT track_id) AS n FROM plays WHERE account_id = ?', accountId);
    const order = req.view === 'counts' ? 'plays DESC, last_at DESC, track_id' : 'last_at DESC, track_id';
    rows = await tx.query<HistoryRow>(
      `SELECT track_id, COUNT(*) AS plays, SUM(played_ms) AS played_ms, MIN(started_at) AS started_at, MAX(last_at) AS last_at
       FROM plays WHERE account_id = ? GROUP BY track_id ORDER BY ${order} LIMIT ? OFFSET ?`,
      [accountId, limit, offset],
    );
  }
  const items = rows.map((r): HistoryItem => ({
    track: r.track_id, plays: Number(r.plays), seconds: seconds(r.played_ms), startedAt: Number(r.started_at), lastPlayedAt: Number(r.last_at),
  }));
  return { total, offset, items };
}

/** One track an account played: how often, and when last (as HISTORY's `counts` view reports it). */
export interface TrackPlays {
  track: string;
  plays: number;
  lastPlayedAt: number;
}

/** Every track the account played, in no particular order: LIST's sorts `plays` and `played` rank them (§7.1). */
export async function playedTracks(tx: Queryable, accountId: number): Promise<TrackPlays[]> {
  const rows = await tx.query<{ track_id: string; plays: number; last_at: number }>(
    'SELECT track_id, COUNT(*) AS plays, MAX(last_at) AS last_at FROM plays WHERE account_id = ? GROUP BY track_id',
    [accountId],
  );
  return rows.map((r) => ({ track: r.track_id, plays: Number(r.plays), lastPlayedAt: Number(r.last_at) }));
}

/** Listening per account and day, from `from` to `to` inclusive; one account's, or every account's (user null). */
export async function usageDays(tx: Queryable, user: string | null, from: string, to: string): Promise<UsageDay[]> {
  const rows = await tx.query<{ name: string; day: string; played_ms: number }>(
    `SELECT a.name, l.day, l.played_ms FROM listening l JOIN accounts a ON a.id = l.account_id
     WHERE l.day >= ? AND l.day <= ?${user === null ? '' : ' AND a.name = ?'} ORDER BY a.name, l.day`,
    user === null ? [from, to] : [from, to, user],
  );
  return rows.map((r) => ({ user: r.name, day: r.day, seconds: seconds(r.played_ms) }));
}

/** The account's quota this month and what is left of it; null when it has none. */
export async function quotaOf(tx: Queryable, account: AccountRef, now: number): Promise<Quota | null> {
  if (account.monthlyMinutes === null) return null;
  const { month, first, last } = monthOf(now);
  const [row] = await tx.query<{ ms: number | null }>('SELECT SUM(played_ms) AS ms FROM listening WHERE account_id = ? AND day >= ? AND day <= ?', [account.id, first, last]);
  const usedMs = Number(row?.ms ?? 0);
  const allowedMs = account.monthlyMinutes * 60_000;
  return { monthlyMinutes: account.monthlyMinutes, month, usedSeconds: seconds(usedMs), remainingSeconds: seconds(Math.max(0, allowedMs - usedMs)) };
}

/** Sets (or with null removes) an account's monthly quota; false when there is no such account. */
export async function setMonthlyMinutes(db: Database, name: string, minutes: number | null): Promise<boolean> {
  return (await db.transaction((tx) => tx.run('UPDATE accounts SET monthly_minutes = ? WHERE name = ?', [minutes, name]))) > 0;
}
