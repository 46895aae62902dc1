/**
 * Validators for every request argument. The main process runs them on whatever arrives over IPC before any
 * handler sees it: the renderer is treated as untrusted, so a compromised page gets an 'invalid-argument' error,
 * never a half-checked object reaching the controller.
 */
import { SORT_KEYS, type BrowseRequest, type ListRequest, type SortKey } from '../protocol/messages.js';
import { MAX_LIST_LIMIT, encodeJson, parseBrowseRequest } from '../protocol/payloads.js';
import { parseFavouritesRequest, parseHistoryRequest, parsePlaylistsRequest } from '../protocol/userdata.js';
import { MAX_SESSION_CHARS, STREAM_QUALITIES, type DesktopRequestName, type DesktopRequests } from './contract.js';

export class ArgumentError extends Error {
  readonly code = 'invalid-argument';
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

type Fields = Record<string, unknown>;

function object(value: unknown, what: string, allowed: readonly string[]): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError(`${what} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ArgumentError(`${what} has an unknown field "${key}"`);
  }
  return value as Fields;
}

function text(value: unknown, what: string, max: number, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.length > max) throw new ArgumentError(`${what} must be text of at most ${max} characters`);
  return value;
}

function integer(value: unknown, what: string, min: number, max: number, optional = false): number | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ArgumentError(`${what} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A host name or an IP address: no spaces, no scheme, no path. */
const HOST = /^[A-Za-z0-9._:[\]-]{1,253}$/;

function host(value: unknown): string {
  const h = text(value, 'host', 253)!.trim();
  if (!HOST.test(h)) throw new ArgumentError('host must be a host name or an IP address');
  return h;
}

/** A certificate's fingerprint as the server's `atp-server fingerprint` prints it. */
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

const streamRef = (arg: unknown) => ({ streamId: integer(object(arg, 'argument', ['streamId']).streamId, 'streamId', 1, 2 ** 31)! });
const none = (arg: unknown): null => {
  if (arg !== null && arg !== undefined) throw new ArgumentError('this request takes no argument');
  return null;
};
const trackId = (value: unknown) => text(value, 'track', 256)!;

function listRequest(arg: unknown): ListRequest {
  const f = object(arg, 'list request', ['offset', 'limit', 'sort', 'order', 'query']);
  const out: ListRequest = {};
  const offset = integer(f.offset, 'offset', 0, 2 ** 31, true);
  const limit = integer(f.limit, 'limit', 1, MAX_LIST_LIMIT, true);
  if (offset !== undefined) out.offset = offset;
  if (limit !== undefined) out.limit = limit;
  if (f.sort !== undefined) {
    if (!SORT_KEYS.includes(f.sort as SortKey)) throw new ArgumentError(`sort must be one of ${SORT_KEYS.join(', ')}`);
    out.sort = f.sort as SortKey;
  }
  if (f.order !== undefined) {
    if (f.order !== 'asc' && f.order !== 'desc') throw new ArgumentError('order must be asc or desc');
    out.order = f.order;
  }
  const query = text(f.query, 'query', 500, true);
  if (query !== undefined) out.query = query;
  return out;
}

/** Checked by the rules the server applies (docs/PROTOCOL.md 7.3), and with no member the protocol does not know. */
function browseRequest(arg: unknown): BrowseRequest {
  const f = object(arg, 'browse request', ['kind', 'offset', 'limit', 'sort', 'order', 'query', 'artist', 'album', 'genre']);
  try {
    return parseBrowseRequest(encodeJson(f));
  } catch (err) {
    throw new ArgumentError((err as Error).message);
  }
}

/** A USERDATA request, checked by the server's own reader (docs/PROTOCOL.md 14) before it leaves main. */
function userData<T>(parse: (payload: Uint8Array) => T, what: string): (arg: unknown) => T {
  return (arg) => {
    if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw new ArgumentError(`${what} must be an object`);
    try {
      return parse(encodeJson(arg as Fields));
    } catch (err) {
      throw new ArgumentError((err as Error).message);
    }
  };
}

type Validators = { [K in DesktopRequestName]: (arg: unknown) => DesktopRequests[K]['arg'] };

export const validateArgument: Validators = {
  snapshot: none,
  connect: (arg) => {
    const f = object(arg, 'connect request', ['host', 'port', 'user', 'password', 'remember']);
    if (typeof f.remember !== 'boolean') throw new ArgumentError('remember must be true or false');
    return {
      host: host(f.host),
      port: integer(f.port, 'port', 1, 65535)!,
      user: text(f.user, 'user', 200)!,
      password: text(f.password, 'password', 1000)!,
      remember: f.remember,
    };
  },
  connectRecent: (arg) => {
    const f = object(arg, 'recent server', ['host', 'port', 'user', 'savedPassword']);
    return { host: host(f.host), port: integer(f.port, 'port', 1, 65535)!, user: text(f.user, 'user', 200)!, savedPassword: f.savedPassword === true };
  },
  connectLocal: none,
  disconnect: none,
  retryNow: none,
  trustServer: (arg) => {
    const f = object(arg, 'trust request', ['host', 'port', 'fingerprint']);
    const fingerprint = text(f.fingerprint, 'fingerprint', 100)!;
    if (!FINGERPRINT.test(fingerprint)) throw new ArgumentError('fingerprint must be SHA256: and 43 base64 characters');
    return { host: host(f.host), port: integer(f.port, 'port', 1, 65535)!, fingerprint };
  },
  forgetServerIdentity: (arg) => {
    const f = object(arg, 'server', ['host', 'port']);
    return { host: host(f.host), port: integer(f.port, 'port', 1, 65535)! };
  },
  list: listRequest,
  browse: browseRequest,
  favourites: userData(parseFavouritesRequest, 'favourites request'),
  playlists: userData(parsePlaylistsRequest, 'playlists request'),
  history: userData(parseHistoryRequest, 'history request'),
  artwork: (arg) => {
    const f = object(arg, 'artwork request', ['track', 'album']);
    const album = text(f.album, 'album', 2000, true);
    return { track: trackId(f.track), ...(album !== undefined ? { album } : {}) };
  },
  play: (arg) => {
    const f = object(arg, 'play request', ['track', 'positionMs']);
    const positionMs = integer(f.positionMs, 'positionMs', 0, 2 ** 40, true);
    return positionMs === undefined ? { track: trackId(f.track) } : { track: trackId(f.track), positionMs };
  },
  prefetch: (arg) => ({ track: trackId(object(arg, 'prefetch request', ['track']).track) }),
  pause: streamRef,
  resume: streamRef,
  seek: (arg) => {
    const f = object(arg, 'seek request', ['streamId', 'positionMs']);
    return { streamId: integer(f.streamId, 'streamId', 1, 2 ** 31)!, positionMs: integer(f.positionMs, 'positionMs', 0, 2 ** 40)! };
  },
  release: streamRef,
  openAudioPort: none,
  loadSession: none,
  saveSession: (arg) => ({ state: text(object(arg, 'session', ['state']).state, 'state', MAX_SESSION_CHARS)! }),
  setStreamQuality: (arg) => {
    const quality = object(arg, 'stream quality', ['quality']).quality;
    const known = STREAM_QUALITIES.find((q) => q === quality);
    if (!known) throw new ArgumentError(`quality must be one of ${STREAM_QUALITIES.join(', ')}`);
    return { quality: known };
  },
};

/** "host:port", with IPv6 hosts in brackets; the inverse of `parseAddress`. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Reads what a person types into the address field: "host", "host:port", "[::1]:2333". */
export function parseAddress(input: string, defaultPort: number): { host: string; port: number } | null {
  const s = input.trim();
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m || !m[1] || !HOST.test(m[1])) return null;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: m[1], port };
}
