/**
 * What the library knows of one file without decoding it: the codec from the file's content (our decoders' sniff),
 * then tags and stream facts from music-metadata, whose parser is chosen by that codec rather than by the extension
 * (a FLAC renamed .mp3 is read as FLAC). Exact lengths come from the decoder when a stream is set up; the listing's
 * duration is music-metadata's.
 */
import { basename, extname } from 'node:path';
import { parseFromTokenizer, selectCover, type IAudioMetadata } from 'music-metadata';
import { fromFile } from 'strtok3';
import { hasFfmpeg } from '../decoders/ffmpeg.js';
import { decoderFor, readHead } from '../decoders/registry.js';
import type { Artwork } from './library.js';

/** A track's listing fields, as kept in the index file. */
export interface TrackFields {
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
  reason?: string;
  /** An embedded picture is present. */
  embeddedArt: boolean;
}

/** music-metadata's parser for each of our codecs; ffmpeg formats keep the extension's guess. */
const MIME: Record<string, string> = { pcm: 'audio/wav', flac: 'audio/flac', vorbis: 'audio/ogg', opus: 'audio/ogg', mp3: 'audio/mpeg' };

async function parseTags(abs: string, codec: string, covers: boolean): Promise<IAudioMetadata> {
  const tokenizer = await fromFile(abs);
  try {
    const mime = MIME[codec];
    if (mime) {
      tokenizer.fileInfo.mimeType = mime;
      delete tokenizer.fileInfo.path;
    }
    // Counting MPEG frames for a duration means reading the whole file; other formats state it in a header.
    return await parseFromTokenizer(tokenizer, { duration: codec !== 'mp3', skipCovers: !covers });
  } finally {
    await tokenizer.close();
  }
}

function text(v: string | string[] | undefined | null): string | null {
  const s = Array.isArray(v) ? v.filter(Boolean).join(', ') : v;
  const t = s?.replace(/\0/g, '').trim();
  return t ? t : null;
}

/** Reads one file's listing fields; never throws: a file that cannot be read is described as unplayable. */
export async function describeFile(abs: string, size: number): Promise<TrackFields> {
  const fallback: TrackFields = {
    title: basename(abs, extname(abs)),
    artist: null,
    album: null,
    albumArtist: null,
    trackNo: null,
    discNo: null,
    year: null,
    genre: null,
    durationMs: null,
    codec: 'unknown',
    sampleRate: null,
    channels: null,
    bitsPerSample: null,
    playable: false,
    embeddedArt: false,
  };
  if (size === 0) return { ...fallback, reason: 'empty file' };
  let decoder;
  try {
    decoder = decoderFor(await readHead(abs));
  } catch (err) {
    return { ...fallback, reason: `unreadable: ${(err as Error).message}` };
  }
  if (!decoder) return { ...fallback, reason: 'unsupported format: content is not audio we recognise' };
  let playable = true;
  let reason: string | undefined;
  if (decoder.codec === 'ffmpeg' && !hasFfmpeg()) {
    playable = false;
    reason = 'unsupported format: needs ffmpeg, which is not installed';
  }
  let meta: IAudioMetadata;
  try {
    meta = await parseTags(abs, decoder.codec, true);
  } catch (err) {
    return { ...fallback, codec: decoder.codec, reason: `unreadable tags or stream: ${(err as Error).message}` };
  }
  const { common: c, format: f } = meta;
  const codec = decoder.codec === 'ffmpeg' ? (f.codec ?? 'unknown').toLowerCase().replace(/^mpeg-4\//, '') : decoder.codec;
  if (playable && (!f.sampleRate || !f.numberOfChannels)) {
    playable = false;
    reason = 'no audio stream found';
  }
  return {
    title: text(c.title) ?? fallback.title,
    artist: text(c.artist) ?? text(c.artists),
    album: text(c.album),
    albumArtist: text(c.albumartist),
    trackNo: c.track.no ?? null,
    discNo: c.disk.no ?? null,
    year: c.year ?? null,
    genre: text(c.genre),
    durationMs: f.duration !== undefined && Number.isFinite(f.duration) ? Math.round(f.duration * 1000) : null,
    codec,
    sampleRate: f.sampleRate ?? null,
    channels: f.numberOfChannels ?? null,
    bitsPerSample: MIME[decoder.codec] && decoder.codec !== 'pcm' && decoder.codec !== 'flac' ? null : (f.bitsPerSample ?? null),
    playable,
    ...(reason ? { reason } : {}),
    embeddedArt: (c.picture?.length ?? 0) > 0,
  };
}

/** The embedded cover of a file, read again on request (covers are not kept in memory). */
export async function embeddedArtwork(abs: string): Promise<Artwork | null> {
  const decoder = decoderFor(await readHead(abs));
  if (!decoder) return null;
  const meta = await parseTags(abs, decoder.codec, true);
  const pic = selectCover(meta.common.picture);
  if (!pic) return null;
  return { mime: pic.format.includes('/') ? pic.format : `image/${pic.format.toLowerCase()}`, image: pic.data };
}
