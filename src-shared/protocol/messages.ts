/** The JSON payloads of ATP/1, one interface per message. docs/PROTOCOL.md describes each field. */

export interface LoginRequest {
  /** Account name; with `password`. */
  user?: string;
  password?: string;
  /** Shared secret of a server started in token mode (the desktop app's local server). */
  token?: string;
  /** Free text naming the client, for the server's log. */
  client?: string;
  /** How many tracks the reply's first library page holds (default 50, at most 500). */
  pageSize?: number;
}

export interface ServerInfo {
  name: string;
  version: string;
  protocol: number;
}

export interface ServerLimits {
  maxPayload: number;
  maxStreams: number;
  idleTimeoutMs: number;
}

export interface LoginReply {
  uid: number;
  user: string;
  server: ServerInfo;
  limits: ServerLimits;
  library: ListReply;
  /** The account's monthly listening quota and what is left of it (§14.4); absent when it has none. */
  quota?: import('./userdata.js').Quota;
}

/** Sorts by the tracks' own fields: the same for every session. */
export type LibrarySortKey = 'title' | 'artist' | 'album' | 'path' | 'duration' | 'added';
export const LIBRARY_SORT_KEYS: readonly LibrarySortKey[] = ['title', 'artist', 'album', 'path', 'duration', 'added'];
/** Sorts by the logged-in account's play history (PROTOCOL.md §7.1): they list only the tracks it played. */
export type HistorySortKey = 'plays' | 'played';
export const HISTORY_SORT_KEYS: readonly HistorySortKey[] = ['plays', 'played'];
export type SortKey = LibrarySortKey | HistorySortKey;
export const SORT_KEYS: readonly SortKey[] = [...LIBRARY_SORT_KEYS, ...HISTORY_SORT_KEYS];

export interface ListRequest {
  offset?: number;
  limit?: number;
  sort?: SortKey;
  order?: 'asc' | 'desc';
  /** Words that must all occur in title, artist or album; case- and accent-insensitive. */
  query?: string;
}

export interface TrackInfo {
  /** Stable across restarts and rescans. */
  id: string;
  /** Path relative to the library root, with '/' separators. */
  path: string;
  title: string;
  artist: string | null;
  album: string | null;
  albumArtist: string | null;
  trackNo: number | null;
  discNo: number | null;
  year: number | null;
  genre: string | null;
  durationMs: number | null;
  codec: string;
  sampleRate: number | null;
  channels: number | null;
  bitsPerSample: number | null;
  playable: boolean;
  /** Why a track cannot be played; present when playable is false. */
  reason?: string;
  /** Why a playable track does not play as its file announces (it is truncated); for people. */
  warning?: string;
  artwork: boolean;
}

export interface ScanStatus {
  state: 'idle' | 'scanning';
  scanned: number;
  total: number;
}

export interface ListReply {
  total: number;
  offset: number;
  tracks: TrackInfo[];
  scan: ScanStatus;
}

/** What BROWSE lists: groups of tracks (artists, albums, genres), or tracks of a group. */
export type BrowseKind = 'artists' | 'albums' | 'genres' | 'tracks';
export const BROWSE_KINDS: readonly BrowseKind[] = ['artists', 'albums', 'genres', 'tracks'];

/** How each kind can be sorted; the first is its default. `tracks` sorts as LIST does (default `album`). */
export const BROWSE_SORTS = {
  artists: ['name', 'albums', 'tracks'],
  albums: ['title', 'artist', 'year', 'added'],
  genres: ['name', 'tracks'],
  tracks: ['album', 'title', 'artist', 'path', 'duration', 'added'],
} as const satisfies Record<BrowseKind, readonly string[]>;
export type BrowseSort = (typeof BROWSE_SORTS)[BrowseKind][number];

export interface BrowseRequest {
  kind: BrowseKind;
  offset?: number;
  limit?: number;
  sort?: BrowseSort;
  order?: 'asc' | 'desc';
  /** Words that must all occur in the name (artists, genres), the title or artist (albums), or as LIST searches (tracks). */
  query?: string;
  /** Only what belongs to this artist (by id): its albums, its tracks. */
  artist?: string;
  /** Only this album's tracks (by id). */
  album?: string;
  /** Only what has tracks of this genre (by id). */
  genre?: string;
}

export interface ArtistInfo {
  id: string;
  name: string;
  /** Albums with a track of this artist, and those tracks. */
  albums: number;
  tracks: number;
}

export interface AlbumInfo {
  id: string;
  title: string;
  /** The album artist, else the artist of its tracks; null when neither is tagged. */
  artist: string | null;
  /** The artist's id, for a link to its page; null with `artist`. */
  artistId: string | null;
  year: number | null;
  tracks: number;
  discs: number;
  /** The sum of its tracks' known durations. */
  durationMs: number;
  /** A track whose ARTWORK is the album's cover; null when none has a picture. */
  artworkTrack: string | null;
}

export interface GenreInfo {
  id: string;
  name: string;
  albums: number;
  tracks: number;
}

export interface BrowseReply {
  kind: BrowseKind;
  total: number;
  offset: number;
  /** One page: ArtistInfo, AlbumInfo, GenreInfo or TrackInfo by `kind`. */
  items: ArtistInfo[] | AlbumInfo[] | GenreInfo[] | TrackInfo[];
  /** Present when the request named one: the group, or null when the library holds none with that id. */
  artist?: ArtistInfo | null;
  album?: AlbumInfo | null;
  genre?: GenreInfo | null;
  scan: ScanStatus;
}

export interface ArtworkRequest {
  track: string;
}

export interface SetupRequest {
  track: string;
  /** Initial flow-control window in bytes of PCM. */
  window: number;
  /** Ask for a CRC-32 on every DATA frame of this stream. */
  checksum?: boolean;
  /** What DATA carries: decoded PCM (absent or "pcm"), the file's own coded frames ("original"), or Opus ("opus"). */
  encoding?: Encoding;
  /** For "opus": kbit/s, 64–256 (OPUS_BITRATE_MIN…MAX); absent means 160. */
  bitrate?: number;
}

export type Encoding = 'pcm' | 'original' | 'opus';
export const ENCODINGS: readonly Encoding[] = ['pcm', 'original', 'opus'];

export type SampleFormat = 's16le';

/** Codecs an `original` stream can carry, and the sample formats of a WAV file's own PCM. */
export type OriginalCodec = 'pcm' | 'flac' | 'mp3' | 'vorbis' | 'opus';
export const ORIGINAL_CODECS: readonly OriginalCodec[] = ['pcm', 'flac', 'mp3', 'vorbis', 'opus'];
export type FileSampleFormat = 'u8' | 's16le' | 's24le' | 's32le' | 'f32le' | 'f64le';
export const FILE_SAMPLE_FORMATS: readonly FileSampleFormat[] = ['u8', 's16le', 's24le', 's32le', 'f32le', 'f64le'];

/** What a client needs to decode an `original` stream; docs/PROTOCOL.md §8.10 describes each member. */
export interface CodecInfo {
  name: OriginalCodec;
  /** Codec setup data, base64: FLAC [STREAMINFO], Vorbis [identification, comment, setup], Opus [OpusHead, OpusTags], else []. */
  setup: string[];
  /** Decoded sample frames before output frame 0 (MP3 encoder + decoder delay, Opus pre-skip). */
  delay: number;
  /** Decoded sample frames after the last output frame, when the file says (MP3 LAME padding); else null. */
  padding: number | null;
  /** The largest unit the stream sends, with its length prefix: a window smaller than this can stall it. */
  maxUnitBytes: number;
  /** MP3: samples per MPEG frame (1152 or 576, 384 for layer I). */
  samplesPerFrame?: number;
  /** pcm: the file's own sample format, and bytes per sample frame in it. */
  sampleFormat?: FileSampleFormat;
  bytesPerFrame?: number;
  /** The `opus` encoding (§8.11): the bitrate the server encodes at, kbit/s. */
  bitrate?: number;
}

export interface StreamFormat {
  sampleRate: number;
  channels: number;
  sampleFormat: SampleFormat;
  /** channels × bytes per sample. */
  bytesPerFrame: number;
  totalFrames: number;
  durationMs: number;
}

export interface SetupReply {
  track: string;
  /** The PCM the stream decodes to: what DATA carries for `pcm`, and what an `original` stream decodes to. */
  format: StreamFormat;
  checksum: boolean;
  /** Present, "original", only when the stream carries coded frames; absent means pcm. */
  encoding?: 'original' | 'opus';
  /** Present with encoding "original" or "opus". */
  codec?: CodecInfo;
}

export interface PlayRequest {
  /** Start here; absent = resume where the stream paused. */
  positionMs?: number;
  /** Replace the flow-control window: the data of earlier epochs no longer counts. */
  window?: number;
}

export interface PlayReply {
  epoch: number;
  startFrame: number;
  positionMs: number;
}

export interface PauseReply {
  /** The next sample frame the server would have sent. */
  frame: number;
  positionMs: number;
}

export interface EndNotice {
  epoch: number;
  totalFrames: number;
  /** For people: why the stream ended before the totalFrames its SETUP reply announced. Absent when it did not. */
  reason?: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  /** The request this error answers; absent for errors that answer no request (idle timeout, shutdown). */
  request?: { type: number; func: number };
}
