/**
 * The IPC contract between the desktop app's main process and its renderer: one typed module used by main,
 * preload, renderer and the end-to-end bridge alike. Requests are named; each takes one argument and answers one
 * result. Failures travel as values (`IpcResult`), because Electron's invoke and contextBridge both strip an
 * Error's fields and we want the renderer to act on a code, not parse a message.
 */
import type { BrowseReply, BrowseRequest, ListReply, ListRequest, ServerInfo, StreamFormat } from '../protocol/messages.js';
import type {
  FavouritesReply, FavouritesRequest, HistoryReply, HistoryRequest, PlaylistsReply, PlaylistsRequest,
} from '../protocol/userdata.js';

export interface ServerAddress {
  host: string;
  port: number;
}

export interface ConnectRequest extends ServerAddress {
  user: string;
  password: string;
  /** Keep this server in the recent list (and the password in the system keychain when one is available). */
  remember: boolean;
}

export interface RecentServer extends ServerAddress {
  user: string;
  /** A password for it is kept in the system keychain. */
  savedPassword: boolean;
}

export interface SessionInfo {
  address: string;
  user: string;
  server: ServerInfo;
  /** The server is the one the app started itself. */
  local: boolean;
}

/**
 * A server whose certificate is not trusted: the certificate's fingerprint, and for a changed identity the one
 * pinned before. Shown to the user as the question "Trust this server?" or as the warning of interception.
 */
export interface ServerIdentityInfo extends ServerAddress {
  /** host:port as shown. */
  address: string;
  /** "SHA256:" and 43 base64 characters: the certificate the server showed now. */
  fingerprint: string;
  /** For a changed identity: the fingerprint pinned for this host:port earlier. */
  pinned?: string;
}

/** A server's pinned certificate, as kept in the settings (and listed there to be forgotten). */
export interface PinnedServer extends ServerAddress {
  address: string;
  fingerprint: string;
}

export type ConnectionState =
  /**
   * `identityChanged`: the connection stopped before LOGIN because the server's certificate is not the one pinned
   * for it (someone may be intercepting it); nothing was sent. Only forgetting the pin in the settings re-trusts.
   */
  | { status: 'disconnected'; identityChanged?: ServerIdentityInfo }
  | { status: 'connecting'; address: string }
  /** Encrypted, not logged in: the server's certificate is unknown; the user trusts it (trustServer) or not (disconnect). */
  | { status: 'untrusted'; address: string; server: ServerIdentityInfo }
  | { status: 'connected'; session: SessionInfo }
  | { status: 'reconnecting'; address: string; attempt: number; retryInMs: number; error: DesktopErrorInfo };

/** Where the bundled server is in its lifecycle: idle → starting → running → stopping → stopped (→ starting…). */
export type LocalServerPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface LocalServerState {
  /** This app can start a server of its own (the e2e bridge, for one, cannot). */
  available: boolean;
  phase: LocalServerPhase;
  /** phase is 'running'. */
  running: boolean;
  /** While stopping or stopped: the user stopped it (otherwise it failed, or was replaced by one on another folder). */
  stoppedByUser: boolean;
  /** The music folder it serves. */
  library: string | null;
  address: string | null;
}

/**
 * Whether passwords can be kept. Not available: no keychain at all ('no-keychain'), or one that only obscures
 * them with a key every copy of the app knows ('plain-text-backend': Chromium's basic_text on Linux without a
 * secret service), which is no better than keeping them in clear.
 */
export type KeychainStatus = { available: true } | { available: false; reason: 'no-keychain' | 'plain-text-backend' };

/**
 * The listener's choice of how streams travel: Auto follows what the link carries (lossless on a LAN, Opus at the
 * bitrate that fits otherwise); Lossless always; High is Opus 256 kbit/s; Data saver is Opus 96 kbit/s.
 */
export type StreamQuality = 'auto' | 'lossless' | 'high' | 'data-saver';
export const STREAM_QUALITIES: readonly StreamQuality[] = ['auto', 'lossless', 'high', 'data-saver'];

export interface DesktopSnapshot {
  connection: ConnectionState;
  /** Absent from an older main process: Auto. */
  streamQuality?: StreamQuality;
  recent: RecentServer[];
  localServer: LocalServerState;
  keychain: KeychainStatus;
  /** The servers whose certificate the user trusted by its fingerprint. */
  pinned: PinnedServer[];
}

/** One stream of PCM the controller opened; its data arrives on the audio port tagged with `streamId`. */
export interface StreamStarted {
  /** Chosen by the controller, increasing: a higher id is always a newer stream. */
  streamId: number;
  trackId: string;
  format: StreamFormat;
  epoch: number;
  startFrame: number;
  positionMs: number;
  /** The stream is open but not flowing (a reconnect while paused); `resume` starts it. */
  paused: boolean;
  /** How it crosses the network: "PCM 16-bit 44.1 kHz", "FLAC as stored", "Opus 160 kbit/s". */
  transport?: string;
}

export interface SeekResult {
  streamId: number;
  epoch: number;
  startFrame: number;
  positionMs: number;
}

/**
 * The image types the app shows as cover art: raster formats the page decodes without running anything. SVG never
 * (it is a document, with scripts and links); anything else is shown as the placeholder tile.
 */
export const ARTWORK_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;

export function isShownArtworkType(mime: string): boolean {
  return (ARTWORK_TYPES as readonly string[]).includes(mime.trim().toLowerCase());
}

export interface Artwork {
  /** One of ARTWORK_TYPES. */
  mime: string;
  bytes: Uint8Array;
}

/**
 * What went wrong, as a code the renderer turns into words. Protocol codes (bad-credentials, unknown-track…)
 * pass through; network failures get names of their own.
 */
export type DesktopErrorCode =
  | 'refused'
  | 'host-not-found'
  | 'timeout'
  | 'unreachable'
  | 'disconnected'
  | 'not-connected'
  | 'invalid-argument'
  | 'local-server-failed'
  /** A newer action of the user's replaced this one (a connect while another was still logging in). */
  | 'cancelled'
  /** The server's certificate is neither from a CA for this host nor pinned: `server` says what to ask about. */
  | 'untrusted-server'
  /** The server's certificate is not the one pinned for it: stopped before LOGIN; `server` has both fingerprints. */
  | 'server-identity-changed'
  /** The server refused ENCRYPT (it offers no TLS), so no password was sent. */
  | 'encryption-unavailable'
  | (string & {});

export interface DesktopErrorInfo {
  code: DesktopErrorCode;
  message: string;
  /** With untrusted-server and server-identity-changed. */
  server?: ServerIdentityInfo;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: DesktopErrorInfo };

/** Every request: its argument and its result. The channel of request `k` is `atp:k`. */
export interface DesktopRequests {
  snapshot: { arg: null; result: DesktopSnapshot };
  connect: { arg: ConnectRequest; result: SessionInfo };
  connectRecent: { arg: RecentServer; result: SessionInfo };
  /** Start (if needed) the bundled server on the demo library or the chosen folder, and log in with its token. */
  connectLocal: { arg: null; result: SessionInfo };
  disconnect: { arg: null; result: null };
  /** While reconnecting: try now instead of waiting for the timer (the user's action wins over the background one). */
  retryNow: { arg: null; result: null };
  /**
   * The user's "Trust" for the server the connection is waiting on (status `untrusted`): pins the fingerprint for
   * host:port and logs in. Refused (`cancelled`) unless host, port and fingerprint are the ones it waits on.
   */
  trustServer: { arg: { host: string; port: number; fingerprint: string }; result: SessionInfo };
  /** The settings' "Forget the identity of host:port": the next connection to it asks again. */
  forgetServerIdentity: { arg: ServerAddress; result: null };
  list: { arg: ListRequest; result: ListReply };
  /** Artists, albums, genres, or the tracks of one of them (LIBRARY/BROWSE). */
  browse: { arg: BrowseRequest; result: BrowseReply };
  /** The account's favourite tracks, albums and artists (USERDATA/FAVOURITES): add, remove, list. */
  favourites: { arg: FavouritesRequest; result: FavouritesReply };
  /** Playlists (USERDATA/PLAYLISTS): a change made on a revision the playlist has left is refused with `stale-revision`. */
  playlists: { arg: PlaylistsRequest; result: PlaylistsReply };
  /** Plays, play counts, recently played (USERDATA/HISTORY), a page at a time. */
  history: { arg: HistoryRequest; result: HistoryReply };
  /**
   * null when the track has no cover, or one of a type not in ARTWORK_TYPES. `album` names the album the track
   * belongs to: every track of it shares one cover, fetched once and kept on disk.
   */
  artwork: { arg: { track: string; album?: string }; result: Artwork | null };
  /** Stop whatever plays and open a stream on `track`; its data follows on the audio port. */
  play: { arg: { track: string; positionMs?: number }; result: StreamStarted };
  /** Open a second stream on the next track while the current one finishes, for gapless albums. */
  prefetch: { arg: { track: string }; result: StreamStarted };
  pause: { arg: { streamId: number }; result: { positionMs: number } };
  resume: { arg: { streamId: number }; result: SeekResult };
  seek: { arg: { streamId: number; positionMs: number }; result: SeekResult };
  /** Close a stream the renderer no longer wants (a cancelled prefetch, stop). */
  release: { arg: { streamId: number }; result: null };
  /** Ask for the audio port: it arrives as a window message whose data is AUDIO_PORT_MESSAGE. */
  openAudioPort: { arg: null; result: null };
  /** Kept in the settings; streams opened from now on follow it, and Auto steps a playing stream down when the link degrades. */
  setStreamQuality: { arg: { quality: StreamQuality }; result: null };
  /** The renderer's session saved at its last run (queue, position, volume, sort, view), as it wrote it; null if none. */
  loadSession: { arg: null; result: string | null };
  /** Keeps the renderer's session (JSON text of at most MAX_SESSION_CHARS) for the next run. */
  saveSession: { arg: { state: string }; result: null };
}

export type DesktopRequestName = keyof DesktopRequests;

/** The largest session the renderer may keep (saveSession): a queue of some thousands of tracks. */
export const MAX_SESSION_CHARS = 8 * 1024 * 1024;

export const DESKTOP_REQUESTS: readonly DesktopRequestName[] = [
  'snapshot', 'connect', 'connectRecent', 'connectLocal', 'disconnect', 'retryNow', 'trustServer', 'forgetServerIdentity', 'list', 'browse', 'favourites', 'playlists', 'history',
  'artwork',
  'play', 'prefetch', 'pause', 'resume', 'seek', 'release', 'openAudioPort', 'loadSession', 'saveSession',
  'setStreamQuality',
];

export function channelOf(name: DesktopRequestName): string {
  return `atp:${name}`;
}

/** Commands the application menu sends to the renderer. */
export type MenuCommand = 'show-connect' | 'focus-search' | 'toggle-queue';

export type DesktopEvent =
  | { type: 'connection'; state: ConnectionState }
  | { type: 'local-server'; state: LocalServerState }
  /** After a reconnect the controller reopened the current track: `replaces` is the stream id it stands for. */
  | { type: 'stream-replaced'; replaces: number; stream: StreamStarted }
  /**
   * A playing stream goes on in another encoding (Auto stepped it down for a slower link): the same stream id,
   * epoch and frames, only how it travels changed.
   */
  | { type: 'stream-transport'; streamId: number; transport: string }
  | { type: 'menu'; command: MenuCommand }
  /** The pinned certificates changed (a server trusted or forgotten). */
  | { type: 'pinned'; pinned: PinnedServer[] }
  | { type: 'error'; error: DesktopErrorInfo };

export const EVENT_CHANNEL = 'atp:event';
/** Main sends the audio MessagePort on this channel; the preload hands it to the page with window.postMessage. */
export const AUDIO_PORT_CHANNEL = 'atp:audio-port';
/** The `data` of the window message that carries the audio port into the page. */
export const AUDIO_PORT_MESSAGE = 'atp-audio-port';

/** What the preload exposes as `window.atp`, and nothing else; the e2e bridge installs the same shape. */
export type AtpDesktopApi = {
  [K in DesktopRequestName]: (arg: DesktopRequests[K]['arg']) => Promise<IpcResult<DesktopRequests[K]['result']>>;
} & {
  /** Listen to pushed events; returns the function that stops listening. */
  onEvent(listener: (event: DesktopEvent) => void): () => void;
};

export const API_GLOBAL = 'atp';

/** What the main process implements for each request, after validation; errors are thrown, not returned. */
export type DesktopHandlers = {
  [K in DesktopRequestName]: (arg: DesktopRequests[K]['arg']) => Promise<DesktopRequests[K]['result']>;
};
