import { AtpError } from './errors.js';
import { defined, optBool, optInt, optString, reqInt, reqString } from './fields.js';
import { OPUS_BITRATE_MAX, OPUS_BITRATE_MIN } from './opus-timeline.js';
import {
  BROWSE_KINDS,
  BROWSE_SORTS,
  ENCODINGS,
  SORT_KEYS,
  type Encoding,
  type ArtworkRequest,
  type BrowseKind,
  type BrowseRequest,
  type BrowseSort,
  type ListRequest,
  type LoginRequest,
  type PlayRequest,
  type SetupRequest,
  type SortKey,
} from './messages.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const MAX_LIST_LIMIT = 500;
export const MAX_WINDOW = 64 * 1024 * 1024;

export function encodeJson(value: object): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes a JSON object payload; anything else is a `bad-payload` error. An absent payload reads as {}. */
export function decodeJsonObject(payload: Uint8Array | null): Record<string, unknown> {
  if (payload === null || payload.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    throw new AtpError('bad-payload', 'payload is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AtpError('bad-payload', 'payload is not a JSON object');
  }
  return value as Record<string, unknown>;
}

export function parseLoginRequest(payload: Uint8Array | null): LoginRequest {
  const o = decodeJsonObject(payload);
  return defined({
    user: optString(o, 'user', 128),
    password: optString(o, 'password', 1024),
    token: optString(o, 'token', 1024),
    client: optString(o, 'client', 256),
    pageSize: optInt(o, 'pageSize', 0, MAX_LIST_LIMIT),
  });
}

export function parseListRequest(payload: Uint8Array | null): ListRequest {
  const o = decodeJsonObject(payload);
  const sort = optString(o, 'sort', 16);
  if (sort !== undefined && !SORT_KEYS.includes(sort as SortKey)) {
    throw new AtpError('bad-payload', `"sort" must be one of ${SORT_KEYS.join(', ')}`);
  }
  const order = optString(o, 'order', 4);
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    throw new AtpError('bad-payload', '"order" must be "asc" or "desc"');
  }
  return defined({
    offset: optInt(o, 'offset', 0, Number.MAX_SAFE_INTEGER),
    limit: optInt(o, 'limit', 0, MAX_LIST_LIMIT),
    sort: sort as SortKey | undefined,
    order: order as 'asc' | 'desc' | undefined,
    query: optString(o, 'query', 256),
  });
}

/** Group ids are made by the server; longer ones are never its own. */
const MAX_ID = 256;

export function parseBrowseRequest(payload: Uint8Array | null): BrowseRequest {
  const o = decodeJsonObject(payload);
  const kind = reqString(o, 'kind', 16) as BrowseKind;
  if (!BROWSE_KINDS.includes(kind)) throw new AtpError('bad-payload', `"kind" must be one of ${BROWSE_KINDS.join(', ')}`);
  const sorts: readonly string[] = BROWSE_SORTS[kind];
  const sort = optString(o, 'sort', 16);
  if (sort !== undefined && !sorts.includes(sort)) throw new AtpError('bad-payload', `"sort" of ${kind} must be one of ${sorts.join(', ')}`);
  const order = optString(o, 'order', 4);
  if (order !== undefined && order !== 'asc' && order !== 'desc') throw new AtpError('bad-payload', '"order" must be "asc" or "desc"');
  const req: BrowseRequest = defined({
    kind,
    offset: optInt(o, 'offset', 0, Number.MAX_SAFE_INTEGER),
    limit: optInt(o, 'limit', 0, MAX_LIST_LIMIT),
    sort: sort as BrowseSort | undefined,
    order: order as 'asc' | 'desc' | undefined,
    query: optString(o, 'query', 256),
    artist: optString(o, 'artist', MAX_ID),
    album: optString(o, 'album', MAX_ID),
    genre: optString(o, 'genre', MAX_ID),
  });
  // Each kind takes the filters that can narrow it; any other is a mistake the client should hear about.
  const allowed = { artists: ['genre'], albums: ['artist', 'genre'], genres: [], tracks: ['artist', 'album', 'genre'] }[kind];
  for (const f of ['artist', 'album', 'genre'] as const) {
    if (req[f] !== undefined && !(allowed as readonly string[]).includes(f)) throw new AtpError('bad-payload', `${kind} cannot be filtered by "${f}"`);
  }
  return req;
}

export function parseArtworkRequest(payload: Uint8Array | null): ArtworkRequest {
  return { track: reqString(decodeJsonObject(payload), 'track', 256) };
}

export function parseSetupRequest(payload: Uint8Array | null): SetupRequest {
  const o = decodeJsonObject(payload);
  const encoding = optString(o, 'encoding', 64);
  if (encoding !== undefined && !ENCODINGS.includes(encoding as Encoding)) {
    // Its own code, not bad-payload: a client that asks for an encoding of a later version learns that this server
    // does not offer it, and can set up the stream again as pcm.
    throw new AtpError('unknown-encoding', `unknown encoding ${JSON.stringify(encoding)}: this server offers ${ENCODINGS.join(', ')}`);
  }
  return defined({
    track: reqString(o, 'track', 256),
    window: reqInt(o, 'window', 0, MAX_WINDOW),
    checksum: optBool(o, 'checksum'),
    encoding: encoding as Encoding | undefined,
    bitrate: optInt(o, 'bitrate', OPUS_BITRATE_MIN, OPUS_BITRATE_MAX),
  });
}

export function parsePlayRequest(payload: Uint8Array | null): PlayRequest {
  const o = decodeJsonObject(payload);
  return defined({
    positionMs: optInt(o, 'positionMs', 0, Number.MAX_SAFE_INTEGER),
    window: optInt(o, 'window', 0, MAX_WINDOW),
  });
}
