/**
 * Readers for what a server sends: a client takes nothing on trust, so a reply of the wrong shape becomes a
 * `bad-payload` error for the request it answers instead of a crash somewhere in the app.
 */
import {
  nullableNumber,
  nullableString,
  optString,
  reqArray,
  reqBool,
  reqInt,
  reqObject,
  reqString,
  type JsonObject,
} from './fields.js';
import { AtpError } from './errors.js';
import {
  BROWSE_KINDS,
  FILE_SAMPLE_FORMATS,
  ORIGINAL_CODECS,
  type AlbumInfo,
  type ArtistInfo,
  type BrowseKind,
  type BrowseReply,
  type CodecInfo,
  type GenreInfo,
  type EndNotice,
  type ListReply,
  type LoginReply,
  type PauseReply,
  type PlayReply,
  type ScanStatus,
  type SetupReply,
  type StreamFormat,
  type TrackInfo,
  type FileSampleFormat,
  type OriginalCodec,
} from './messages.js';
import { MAX_LIST_LIMIT, decodeJsonObject } from './payloads.js';
import { OPUS_BITRATE_MAX, OPUS_BITRATE_MIN } from './opus-timeline.js';
import { readLoginQuota } from './userdata.js';

const U32 = 0xffffffff;
const FRAMES = Number.MAX_SAFE_INTEGER;

function element(v: unknown, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AtpError('bad-payload', `${what} must be an object`);
  return v as JsonObject;
}

export function readTrackInfo(o: JsonObject): TrackInfo {
  const t: TrackInfo = {
    id: reqString(o, 'id', 256),
    path: reqString(o, 'path'),
    title: reqString(o, 'title'),
    artist: nullableString(o, 'artist'),
    album: nullableString(o, 'album'),
    albumArtist: nullableString(o, 'albumArtist'),
    trackNo: nullableNumber(o, 'trackNo'),
    discNo: nullableNumber(o, 'discNo'),
    year: nullableNumber(o, 'year'),
    genre: nullableString(o, 'genre'),
    durationMs: nullableNumber(o, 'durationMs'),
    codec: reqString(o, 'codec', 64),
    sampleRate: nullableNumber(o, 'sampleRate'),
    channels: nullableNumber(o, 'channels'),
    bitsPerSample: nullableNumber(o, 'bitsPerSample'),
    playable: reqBool(o, 'playable'),
    artwork: reqBool(o, 'artwork'),
  };
  const reason = optString(o, 'reason');
  if (reason !== undefined) t.reason = reason;
  const warning = optString(o, 'warning');
  if (warning !== undefined) t.warning = warning;
  return t;
}

function readScan(o: JsonObject): ScanStatus {
  const state = reqString(o, 'state', 16);
  if (state !== 'idle' && state !== 'scanning') throw new AtpError('bad-payload', '"state" must be idle or scanning');
  return { state, scanned: reqInt(o, 'scanned', 0, FRAMES), total: reqInt(o, 'total', 0, FRAMES) };
}

function readList(o: JsonObject): ListReply {
  return {
    total: reqInt(o, 'total', 0, FRAMES),
    offset: reqInt(o, 'offset', 0, FRAMES),
    tracks: reqArray(o, 'tracks', MAX_LIST_LIMIT).map((t, i) => readTrackInfo(element(t, `track ${i}`))),
    scan: readScan(reqObject(o, 'scan')),
  };
}

function readFormat(o: JsonObject): StreamFormat {
  const channels = reqInt(o, 'channels', 1, 8);
  const bytesPerFrame = reqInt(o, 'bytesPerFrame', 1, 64);
  if (reqString(o, 'sampleFormat', 16) !== 's16le') throw new AtpError('bad-payload', 'unknown sample format');
  if (bytesPerFrame !== channels * 2) throw new AtpError('bad-payload', 'bytesPerFrame does not match channels');
  return {
    sampleRate: reqInt(o, 'sampleRate', 1000, 768000),
    channels,
    sampleFormat: 's16le',
    bytesPerFrame,
    totalFrames: reqInt(o, 'totalFrames', 0, FRAMES),
    durationMs: reqInt(o, 'durationMs', 0, FRAMES),
  };
}

export function parseLoginReply(payload: Uint8Array | null): LoginReply {
  const o = decodeJsonObject(payload);
  const server = reqObject(o, 'server');
  const limits = reqObject(o, 'limits');
  return {
    uid: reqInt(o, 'uid', 1, 0xffff),
    user: reqString(o, 'user', 256),
    server: { name: reqString(server, 'name', 256), version: reqString(server, 'version', 64), protocol: reqInt(server, 'protocol', 1, 15) },
    limits: {
      maxPayload: reqInt(limits, 'maxPayload', 0, U32),
      maxStreams: reqInt(limits, 'maxStreams', 0, 0xffff),
      idleTimeoutMs: reqInt(limits, 'idleTimeoutMs', 1000, U32),
    },
    library: readList(reqObject(o, 'library')),
    ...readLoginQuota(o),
  };
}

export const parseListReply = (payload: Uint8Array | null): ListReply => readList(decodeJsonObject(payload));

function readArtist(o: JsonObject): ArtistInfo {
  return { id: reqString(o, 'id', 256), name: reqString(o, 'name'), albums: reqInt(o, 'albums', 0, FRAMES), tracks: reqInt(o, 'tracks', 0, FRAMES) };
}

function readAlbum(o: JsonObject): AlbumInfo {
  return {
    id: reqString(o, 'id', 256),
    title: reqString(o, 'title'),
    artist: nullableString(o, 'artist'),
    artistId: o['artistId'] === null ? null : reqString(o, 'artistId', 256),
    year: nullableNumber(o, 'year'),
    tracks: reqInt(o, 'tracks', 0, FRAMES),
    discs: reqInt(o, 'discs', 0, FRAMES),
    durationMs: reqInt(o, 'durationMs', 0, FRAMES),
    artworkTrack: o['artworkTrack'] === null ? null : reqString(o, 'artworkTrack', 256),
  };
}

function readGenre(o: JsonObject): GenreInfo {
  return { id: reqString(o, 'id', 256), name: reqString(o, 'name'), albums: reqInt(o, 'albums', 0, FRAMES), tracks: reqInt(o, 'tracks', 0, FRAMES) };
}

/** A group the request named: absent when it named none, null when the server holds none by that id. */
function readNamed<T>(o: JsonObject, key: string, read: (o: JsonObject) => T): T | null | undefined {
  if (o[key] === undefined) return undefined;
  return o[key] === null ? null : read(reqObject(o, key));
}

export function parseBrowseReply(payload: Uint8Array | null): BrowseReply {
  const o = decodeJsonObject(payload);
  const kind = reqString(o, 'kind', 16) as BrowseKind;
  if (!BROWSE_KINDS.includes(kind)) throw new AtpError('bad-payload', `unknown browse kind ${JSON.stringify(kind)}`);
  const read = { artists: readArtist, albums: readAlbum, genres: readGenre, tracks: readTrackInfo }[kind] as (o: JsonObject) => never;
  const reply: BrowseReply = {
    kind,
    total: reqInt(o, 'total', 0, FRAMES),
    offset: reqInt(o, 'offset', 0, FRAMES),
    items: reqArray(o, 'items', MAX_LIST_LIMIT).map((v, i) => read(element(v, `item ${i}`))),
    scan: readScan(reqObject(o, 'scan')),
  };
  const artist = readNamed(o, 'artist', readArtist);
  if (artist !== undefined) reply.artist = artist;
  const album = readNamed(o, 'album', readAlbum);
  if (album !== undefined) reply.album = album;
  const genre = readNamed(o, 'genre', readGenre);
  if (genre !== undefined) reply.genre = genre;
  return reply;
}

/** Setup data of the largest kind (a Vorbis setup header) stays far below this in practice; base64 characters. */
const MAX_SETUP_TEXT = 1024 * 1024;

function readCodec(o: JsonObject, format: StreamFormat): CodecInfo {
  const name = reqString(o, 'name', 16);
  if (!ORIGINAL_CODECS.includes(name as OriginalCodec)) throw new AtpError('bad-payload', `unknown codec ${JSON.stringify(name)}`);
  const setup = reqArray(o, 'setup', 8).map((s, i) => {
    if (typeof s !== 'string' || s.length > MAX_SETUP_TEXT) throw new AtpError('bad-payload', `setup block ${i} must be a base64 string`);
    return s;
  });
  const padding = o['padding'] === null ? null : reqInt(o, 'padding', 0, FRAMES);
  const codec: CodecInfo = {
    name: name as OriginalCodec,
    setup,
    delay: reqInt(o, 'delay', 0, FRAMES),
    padding,
    maxUnitBytes: reqInt(o, 'maxUnitBytes', 1, U32),
  };
  const need = { flac: 1, vorbis: 3, opus: 2, mp3: 0, pcm: 0 }[codec.name];
  if (setup.length < need) throw new AtpError('bad-payload', `${codec.name} needs ${need} setup blocks`);
  if (codec.name === 'mp3') codec.samplesPerFrame = reqInt(o, 'samplesPerFrame', 1, 4608);
  if (codec.name === 'pcm') {
    const sampleFormat = reqString(o, 'sampleFormat', 16);
    if (!FILE_SAMPLE_FORMATS.includes(sampleFormat as FileSampleFormat)) throw new AtpError('bad-payload', `unknown sample format ${sampleFormat}`);
    codec.sampleFormat = sampleFormat as FileSampleFormat;
    codec.bytesPerFrame = reqInt(o, 'bytesPerFrame', 1, 64);
    const bytesPerSample = { u8: 1, s16le: 2, s24le: 3, s32le: 4, f32le: 4, f64le: 8 }[codec.sampleFormat];
    if (codec.bytesPerFrame !== bytesPerSample * format.channels) throw new AtpError('bad-payload', 'bytesPerFrame does not match channels');
  }
  return codec;
}

export function parseSetupReply(payload: Uint8Array | null): SetupReply {
  const o = decodeJsonObject(payload);
  const format = readFormat(reqObject(o, 'format'));
  const reply: SetupReply = { track: reqString(o, 'track', 256), format, checksum: reqBool(o, 'checksum') };
  const encoding = optString(o, 'encoding', 16);
  if (encoding === undefined || encoding === 'pcm') return reply;
  if (encoding !== 'original' && encoding !== 'opus') throw new AtpError('bad-payload', `unknown encoding ${JSON.stringify(encoding)}`);
  reply.encoding = encoding;
  reply.codec = readCodec(reqObject(o, 'codec'), format);
  if (encoding === 'opus') {
    if (reply.codec.name !== 'opus') throw new AtpError('bad-payload', 'an opus stream carries codec opus');
    if (format.channels > 2) throw new AtpError('bad-payload', 'an opus stream carries one or two channels');
    reply.codec.bitrate = reqInt(reqObject(o, 'codec'), 'bitrate', OPUS_BITRATE_MIN, OPUS_BITRATE_MAX);
  }
  return reply;
}

export function parsePlayReply(payload: Uint8Array | null): PlayReply {
  const o = decodeJsonObject(payload);
  return { epoch: reqInt(o, 'epoch', 1, U32), startFrame: reqInt(o, 'startFrame', 0, FRAMES), positionMs: reqInt(o, 'positionMs', 0, FRAMES) };
}

export function parsePauseReply(payload: Uint8Array | null): PauseReply {
  const o = decodeJsonObject(payload);
  return { frame: reqInt(o, 'frame', 0, FRAMES), positionMs: reqInt(o, 'positionMs', 0, FRAMES) };
}

export function parseEndNotice(payload: Uint8Array | null): EndNotice {
  const o = decodeJsonObject(payload);
  const notice: EndNotice = { epoch: reqInt(o, 'epoch', 0, U32), totalFrames: reqInt(o, 'totalFrames', 0, FRAMES) };
  const reason = optString(o, 'reason');
  if (reason !== undefined) notice.reason = reason;
  return notice;
}
