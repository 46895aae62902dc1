/**
 * USERDATA (docs/PROTOCOL.md §14): what a user keeps on the server. The requests' readers (for the server), the
 * replies' readers (for clients, which take nothing on trust) and the messages' shapes, in one place.
 */
import { AtpError } from './errors.js';
import { defined, optInt, optString, reqArray, reqInt, reqObject, reqString, type JsonObject } from './fields.js';
import { MAX_LIST_LIMIT, decodeJsonObject } from './payloads.js';

/** Track, album and artist ids are the server's (LIST, BROWSE); longer ones are never its own. */
export const MAX_ITEM_ID = 256;
export const MAX_PLAYLIST_NAME = 200;
export const MAX_PLAYLIST_ENTRIES = 10_000;
/** Days are UTC calendar days, written YYYY-MM-DD. */
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export type FavouriteKind = 'track' | 'album' | 'artist';
export const FAVOURITE_KINDS: readonly FavouriteKind[] = ['track', 'album', 'artist'];

export type FavouritesRequest =
  | { op: 'add' | 'remove'; kind: FavouriteKind; id: string }
  | { op: 'list'; kind?: FavouriteKind };

export interface Favourite {
  kind: FavouriteKind;
  id: string;
  /** Milliseconds since 1970 (UTC). */
  addedAt: number;
}

/** add and remove: whether anything changed (adding a favourite twice changes nothing); list: the favourites. */
export interface FavouritesReply {
  changed?: boolean;
  favourites?: Favourite[];
}

export type PlaylistsRequest =
  | { op: 'list' }
  | { op: 'get'; id: string }
  | { op: 'create'; name: string; tracks?: string[] }
  | { op: 'rename'; id: string; revision: number; name: string }
  | { op: 'add'; id: string; revision: number; tracks: string[]; at?: number }
  | { op: 'remove'; id: string; revision: number; positions: number[] }
  | { op: 'move'; id: string; revision: number; from: number; count?: number; to: number }
  | { op: 'delete'; id: string; revision: number };
export type PlaylistOp = PlaylistsRequest['op'];
const PLAYLIST_OPS: readonly PlaylistOp[] = ['list', 'get', 'create', 'rename', 'add', 'remove', 'move', 'delete'];

export interface PlaylistSummary {
  id: string;
  name: string;
  /** 1 when made; one more at every change. A change names the revision it was made on. */
  revision: number;
  count: number;
  createdAt: number;
  updatedAt: number;
}

export interface Playlist extends PlaylistSummary {
  tracks: string[];
}

/** list: `playlists`; get: `playlist` with its tracks; every change: `playlist` without them (delete: the last state). */
export interface PlaylistsReply {
  playlists?: PlaylistSummary[];
  playlist?: PlaylistSummary | Playlist;
}

export type HistoryView = 'plays' | 'counts' | 'recent';
export const HISTORY_VIEWS: readonly HistoryView[] = ['plays', 'counts', 'recent'];

export interface HistoryRequest {
  view: HistoryView;
  offset?: number;
  limit?: number;
}

/**
 * One line of a history view. `plays`: one play (startedAt, seconds); `counts`: a track's plays, most played first;
 * `recent`: a track's plays, most recently played first. `lastPlayedAt` and `plays` are in all three.
 */
export interface HistoryItem {
  track: string;
  plays: number;
  seconds: number;
  startedAt: number;
  lastPlayedAt: number;
}

export interface HistoryReply {
  total: number;
  offset: number;
  items: HistoryItem[];
}

export interface UsageRequest {
  /** Another account's name: admins only. Absent: one's own; `*`: every account (admins only). */
  user?: string;
  /** First and last day, inclusive (YYYY-MM-DD, UTC). Default: the current month so far. */
  from?: string;
  to?: string;
}

export interface UsageDay {
  user: string;
  day: string;
  seconds: number;
}

export interface Quota {
  monthlyMinutes: number;
  /** The current UTC month, YYYY-MM. */
  month: string;
  usedSeconds: number;
  remainingSeconds: number;
}

export interface UsageReply {
  from: string;
  to: string;
  days: UsageDay[];
  totalSeconds: number;
  /** The quota of the one account asked about, when it has one. */
  quota: Quota | null;
}

// Requests, as the server reads them.

function op<T extends string>(o: JsonObject, allowed: readonly T[]): T {
  const v = reqString(o, 'op', 16) as T;
  if (!allowed.includes(v)) throw new AtpError('bad-payload', `"op" must be one of ${allowed.join(', ')}`);
  return v;
}

function kind(o: JsonObject, required: boolean): FavouriteKind | undefined {
  const v = required ? reqString(o, 'kind', 16) : optString(o, 'kind', 16);
  if (v !== undefined && !FAVOURITE_KINDS.includes(v as FavouriteKind)) throw new AtpError('bad-payload', `"kind" must be one of ${FAVOURITE_KINDS.join(', ')}`);
  return v as FavouriteKind | undefined;
}

export function parseFavouritesRequest(payload: Uint8Array | null): FavouritesRequest {
  const o = decodeJsonObject(payload);
  const which = op(o, ['add', 'remove', 'list'] as const);
  if (which === 'list') return defined({ op: which, kind: kind(o, false) });
  return { op: which, kind: kind(o, true)!, id: reqString(o, 'id', MAX_ITEM_ID) };
}

function trackIds(o: JsonObject, key: string): string[] {
  return reqArray(o, key, MAX_PLAYLIST_ENTRIES).map((v, i) => {
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ITEM_ID) throw new AtpError('bad-payload', `"${key}"[${i}] must be a track id`);
    return v;
  });
}

function name(o: JsonObject): string {
  const v = reqString(o, 'name', MAX_PLAYLIST_NAME).trim();
  if (v.length === 0) throw new AtpError('bad-payload', '"name" must not be empty');
  return v;
}

export function parsePlaylistsRequest(payload: Uint8Array | null): PlaylistsRequest {
  const o = decodeJsonObject(payload);
  const which = op(o, PLAYLIST_OPS);
  if (which === 'list') return { op: which };
  if (which === 'create') return defined({ op: which, name: name(o), tracks: o.tracks === undefined ? undefined : trackIds(o, 'tracks') });
  const id = reqString(o, 'id', MAX_ITEM_ID);
  if (which === 'get') return { op: which, id };
  const revision = reqInt(o, 'revision', 1, Number.MAX_SAFE_INTEGER);
  const position = (key: string) => reqInt(o, key, 0, MAX_PLAYLIST_ENTRIES);
  switch (which) {
    case 'rename':
      return { op: which, id, revision, name: name(o) };
    case 'add':
      return defined({ op: which, id, revision, tracks: trackIds(o, 'tracks'), at: optInt(o, 'at', 0, MAX_PLAYLIST_ENTRIES) });
    case 'remove': {
      const positions = reqArray(o, 'positions', MAX_PLAYLIST_ENTRIES).map((v, i) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= MAX_PLAYLIST_ENTRIES) throw new AtpError('bad-payload', `"positions"[${i}] must be an entry's position`);
        return v;
      });
      return { op: which, id, revision, positions };
    }
    case 'move':
      return defined({ op: which, id, revision, from: position('from'), count: optInt(o, 'count', 1, MAX_PLAYLIST_ENTRIES), to: position('to') });
    default:
      return { op: which, id, revision };
  }
}

export function parseHistoryRequest(payload: Uint8Array | null): HistoryRequest {
  const o = decodeJsonObject(payload);
  const view = reqString(o, 'view', 16) as HistoryView;
  if (!HISTORY_VIEWS.includes(view)) throw new AtpError('bad-payload', `"view" must be one of ${HISTORY_VIEWS.join(', ')}`);
  return defined({ view, offset: optInt(o, 'offset', 0, Number.MAX_SAFE_INTEGER), limit: optInt(o, 'limit', 0, MAX_LIST_LIMIT) });
}

function day(o: JsonObject, key: string): string | undefined {
  const v = optString(o, key, 10);
  if (v !== undefined && !DAY.test(v)) throw new AtpError('bad-payload', `"${key}" must be a day, YYYY-MM-DD`);
  return v;
}

export function parseUsageRequest(payload: Uint8Array | null): UsageRequest {
  const o = decodeJsonObject(payload);
  const req = defined({ user: optString(o, 'user', 128), from: day(o, 'from'), to: day(o, 'to') });
  if (req.from !== undefined && req.to !== undefined && req.from > req.to) throw new AtpError('bad-payload', '"from" comes after "to"');
  return req;
}

// Replies, as a client reads them.

const MS = Number.MAX_SAFE_INTEGER;

function element(v: unknown, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AtpError('bad-payload', `${what} must be an object`);
  return v as JsonObject;
}

function seconds(o: JsonObject, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new AtpError('bad-payload', `"${key}" must be a number of seconds`);
  return v;
}

export function parseFavouritesReply(payload: Uint8Array | null): FavouritesReply {
  const o = decodeJsonObject(payload);
  if (o.favourites === undefined) {
    if (typeof o.changed !== 'boolean') throw new AtpError('bad-payload', '"changed" must be true or false');
    return { changed: o.changed };
  }
  const favourites = reqArray(o, 'favourites', MS).map((v) => {
    const f = element(v, 'a favourite');
    return { kind: kind(f, true)!, id: reqString(f, 'id', MAX_ITEM_ID), addedAt: reqInt(f, 'addedAt', 0, MS) };
  });
  return { favourites };
}

function readSummary(o: JsonObject): PlaylistSummary {
  return {
    id: reqString(o, 'id', MAX_ITEM_ID),
    name: reqString(o, 'name', MAX_PLAYLIST_NAME),
    revision: reqInt(o, 'revision', 1, MS),
    count: reqInt(o, 'count', 0, MAX_PLAYLIST_ENTRIES),
    createdAt: reqInt(o, 'createdAt', 0, MS),
    updatedAt: reqInt(o, 'updatedAt', 0, MS),
  };
}

export function parsePlaylistsReply(payload: Uint8Array | null): PlaylistsReply {
  const o = decodeJsonObject(payload);
  if (o.playlists !== undefined) return { playlists: reqArray(o, 'playlists', MS).map((v) => readSummary(element(v, 'a playlist'))) };
  const p = reqObject(o, 'playlist');
  const summary = readSummary(p);
  if (p.tracks === undefined) return { playlist: summary };
  return { playlist: { ...summary, tracks: trackIds(p, 'tracks') } };
}

export function parseHistoryReply(payload: Uint8Array | null): HistoryReply {
  const o = decodeJsonObject(payload);
  const items = reqArray(o, 'items', MAX_LIST_LIMIT).map((v) => {
    const i = element(v, 'a history item');
    return {
      track: reqString(i, 'track', MAX_ITEM_ID),
      plays: reqInt(i, 'plays', 0, MS),
      seconds: seconds(i, 'seconds'),
      startedAt: reqInt(i, 'startedAt', 0, MS),
      lastPlayedAt: reqInt(i, 'lastPlayedAt', 0, MS),
    };
  });
  return { total: reqInt(o, 'total', 0, MS), offset: reqInt(o, 'offset', 0, MS), items };
}

export function readQuota(o: JsonObject): Quota {
  return {
    monthlyMinutes: reqInt(o, 'monthlyMinutes', 0, MS),
    month: reqString(o, 'month', 7),
    usedSeconds: seconds(o, 'usedSeconds'),
    remainingSeconds: seconds(o, 'remainingSeconds'),
  };
}

export function parseUsageReply(payload: Uint8Array | null): UsageReply {
  const o = decodeJsonObject(payload);
  const days = reqArray(o, 'days', MS).map((v) => {
    const d = element(v, 'a day of usage');
    return { user: reqString(d, 'user', 128), day: reqString(d, 'day', 10), seconds: seconds(d, 'seconds') };
  });
  const quota = o.quota === null ? null : readQuota(reqObject(o, 'quota'));
  return { from: reqString(o, 'from', 10), to: reqString(o, 'to', 10), days, totalSeconds: seconds(o, 'totalSeconds'), quota };
}

/** The LOGIN reply's `quota` member, when the server sends one (absent or null: no quota), to spread into the reply. */
export function readLoginQuota(o: JsonObject): { quota?: Quota } {
  return o.quota === undefined || o.quota === null ? {} : { quota: readQuota(reqObject(o, 'quota')) };
}
