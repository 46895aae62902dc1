/**
 * Playlists of an account. Each change names the revision it was made on; one made on an older revision is refused
 * with stale-revision and changes nothing, so an edit from a second device is never merged into one it has not
 * seen. The check and the write are one conditional UPDATE, which PostgreSQL re-checks against a concurrent commit.
 */
import { randomBytes } from 'node:crypto';
import {
  AtpError,
  MAX_PLAYLIST_ENTRIES,
  type Playlist,
  type PlaylistSummary,
  type PlaylistsReply,
  type PlaylistsRequest,
} from '../../src-shared/protocol/index.js';
import type { Queryable } from './database.js';

interface PlaylistRow {
  id: string;
  name: string;
  revision: number;
  tracks: string;
  track_count: number;
  created_at: number;
  updated_at: number;
}

function summary(r: PlaylistRow): PlaylistSummary {
  return { id: r.id, name: r.name, revision: Number(r.revision), count: Number(r.track_count), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}

function checkSize(tracks: readonly string[]): void {
  if (tracks.length > MAX_PLAYLIST_ENTRIES) throw new AtpError('playlist-full', `a playlist holds at most ${MAX_PLAYLIST_ENTRIES} tracks; this change would make ${tracks.length}`);
}

function entry(tracks: readonly string[], position: number, what: string): void {
  if (position >= tracks.length) throw new AtpError('bad-payload', `${what} ${position} is past the playlist's last entry (${tracks.length - 1})`);
}

/** The tracks after a change, or an error saying why the change cannot be made. */
function applied(tracks: string[], req: Extract<PlaylistsRequest, { revision: number }>): string[] {
  switch (req.op) {
    case 'add': {
      const at = req.at ?? tracks.length;
      if (at > tracks.length) throw new AtpError('bad-payload', `"at" ${at} is past the playlist's end (${tracks.length})`);
      const next = [...tracks.slice(0, at), ...req.tracks, ...tracks.slice(at)];
      checkSize(next);
      return next;
    }
    case 'remove': {
      for (const p of req.positions) entry(tracks, p, 'position');
      const gone = new Set(req.positions);
      return tracks.filter((_, i) => !gone.has(i));
    }
    case 'move': {
      const count = req.count ?? 1;
      entry(tracks, req.from + count - 1, 'the moved entries reach');
      const moved = tracks.slice(req.from, req.from + count);
      const rest = [...tracks.slice(0, req.from), ...tracks.slice(req.from + count)];
      if (req.to > rest.length) throw new AtpError('bad-payload', `"to" ${req.to} is past the playlist's end without the moved entries (${rest.length})`);
      return [...rest.slice(0, req.to), ...moved, ...rest.slice(req.to)];
    }
    default:
      return tracks;
  }
}

export async function playlists(tx: Queryable, accountId: number, req: PlaylistsRequest, now: number): Promise<PlaylistsReply> {
  if (req.op === 'list') {
    const rows = await tx.query<PlaylistRow>('SELECT id, name, revision, track_count, created_at, updated_at FROM playlists WHERE account_id = ? ORDER BY created_at, id', [accountId]);
    return { playlists: rows.map(summary) };
  }
  if (req.op === 'create') {
    const tracks = req.tracks ?? [];
    checkSize(tracks);
    const row: PlaylistRow = { id: randomBytes(12).toString('base64url'), name: req.name, revision: 1, tracks: JSON.stringify(tracks), track_count: tracks.length, created_at: now, updated_at: now };
    await tx.run('INSERT INTO playlists (id, account_id, name, revision, tracks, track_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      row.id, accountId, row.name, row.revision, row.tracks, row.track_count, row.created_at, row.updated_at,
    ]);
    return { playlist: summary(row) };
  }
  const [row] = await tx.query<PlaylistRow>('SELECT * FROM playlists WHERE id = ? AND account_id = ?', [req.id, accountId]);
  if (!row) throw new AtpError('unknown-playlist', `no playlist ${req.id} of yours`);
  if (req.op === 'get') return { playlist: { ...summary(row), tracks: JSON.parse(row.tracks) as string[] } satisfies Playlist };
  const stale = () =>
    new AtpError('stale-revision', `playlist ${req.id} is at revision ${Number(row.revision)}, and this change was made on revision ${req.revision}: read it again, then make the change on what it holds now`);
  if (Number(row.revision) !== req.revision) throw stale();
  if (req.op === 'delete') {
    if ((await tx.run('DELETE FROM playlists WHERE id = ? AND revision = ?', [req.id, req.revision])) === 0) throw stale();
    return { playlist: summary(row) };
  }
  const tracks = applied(JSON.parse(row.tracks) as string[], req);
  const name = req.op === 'rename' ? req.name : row.name;
  const changed = await tx.run('UPDATE playlists SET name = ?, tracks = ?, track_count = ?, revision = revision + 1, updated_at = ? WHERE id = ? AND revision = ?', [
    name, JSON.stringify(tracks), tracks.length, now, req.id, req.revision,
  ]);
  if (changed === 0) throw stale();
  return { playlist: summary({ ...row, name, track_count: tracks.length, revision: Number(row.revision) + 1, updated_at: now }) };
}
