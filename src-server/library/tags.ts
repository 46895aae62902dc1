/**
 * What the library knows of one file without decoding it: the codec from the file's content (our decoders' sniff),
 * then tags and stream facts from music-metadata, whose parser is chosen by that codec rather than by the extension
 * (a FLAC renamed .mp3 is read as FLAC). The listing's duration is music-metadata's, except where the stream's own
 * framing says what the decoder will stream (stream-facts.ts).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseFromTokenizer, selectCover, type IAudioMetadata } from 'music-metadata';
import { EndOfStreamError, FileTokenizer, type IReadChunkOptions } from 'strtok3';
import { hasFfmpeg } from '../../src-codecs/ffmpeg.js';
import { id3v2Size } from '../../src-codecs/mpeg-frames.js';
import { decoderFor, SNIFF_BYTES } from '../../src-codecs/registry.js';
import type { TrackInfo } from '../../src-shared/protocol/index.js';
import type { Artwork } from './library.js';
import { streamFacts, type StreamFacts } from './stream-facts.js';
import { mayHoldMisreadUtf8, utf8IfValid } from './tag-text.js';

/** A track's listing fields, as kept in the index file: what clients see, less what the catalog derives. */
export type TrackFields = Omit<TrackInfo, 'id' | 'path' | 'artwork'> & {
  /** An embedded picture is present. */
  embeddedArt: boolean;
};

/** music-metadata's parser for each of our codecs; ffmpeg formats keep the extension's guess. */
const MIME: Record<string, string> = { pcm: 'audio/wav', flac: 'audio/flac', vorbis: 'audio/ogg', opus: 'audio/ogg', mp3: 'audio/mpeg' };

/**
 * The first bytes of a file are read once, and the codec sniffed and most of the tags parsed from them: a scan of
 * 100,000 files spends its time on file operations, and each costs the event loop tens of microseconds.
 */
const HEAD_BYTES = 16 * 1024;
/** Head buffers of finished reads, reused (one per file being read at once). */
const spareHeads: Uint8Array[] = [];

/** A file tokenizer that answers reads within the file's head, already in memory, without asking the file again. */
class HeadTokenizer extends FileTokenizer {
  constructor(
    fh: FileHandle,
    private readonly head: Uint8Array,
    size: number,
    mimeType: string | undefined,
    path: string,
  ) {
    // With a MIME type music-metadata picks the parser by content; without one, by the path's extension.
    super(fh, { fileInfo: mimeType ? { size, mimeType } : { size, path } });
  }

  override async readBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const range = this.normalizeOptions(target, options);
    const n = this.fromHead(target, range);
    if (n < 0) return super.readBuffer(target, options);
    this.position = range.position + n;
    return n;
  }

  override async peekBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const n = this.fromHead(target, this.normalizeOptions(target, options));
    return n < 0 ? super.peekBuffer(target, options) : n;
  }

  /** Bytes copied from the head, or -1 when the range lies (partly) beyond it. */
  private fromHead(target: Uint8Array, { position, length, mayBeLess }: { position: number; length: number; mayBeLess?: boolean }): number {
    const held = this.head.length;
    const wholeFile = held === this.fileInfo.size;
    if (position + length > held && !(wholeFile && position <= held)) return -1;
    const n = Math.min(length, held - position);
    if (n < length && !mayBeLess) throw new EndOfStreamError();
    target.set(this.head.subarray(position, position + n));
    return n;
  }
}

/** The bytes after any ID3v2 tags (as the decoders' readHead gives them), from the head when it holds them. */
async function contentStart(fh: FileHandle, head: Uint8Array, size: number): Promise<{ at: number; bytes: Uint8Array }> {
  let at = 0;
  let bytes = head.subarray(0, SNIFF_BYTES);
  for (let tags = 0; tags < 4; tags++) {
    const skip = id3v2Size(bytes);
    if (!skip) break;
    at += skip;
    if (at + SNIFF_BYTES <= head.length || head.length === size) bytes = head.subarray(at, at + SNIFF_BYTES);
    else {
      const b = new Uint8Array(SNIFF_BYTES);
      bytes = b.subarray(0, (await fh.read(b, 0, SNIFF_BYTES, at)).bytesRead);
    }
  }
  return { at, bytes };
}

function parseOptions(codec: string, covers: boolean) {
  // Counting MPEG frames for a duration means reading the whole file; other formats state it in a header.
  return { duration: codec !== 'mp3', skipCovers: !covers };
}

function joined(v: string | string[] | undefined | null): string | null {
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
  let fh: FileHandle;
  try {
    fh = await open(abs, 'r');
  } catch (err) {
    return { ...fallback, reason: `unreadable: ${(err as Error).message}` };
  }
  const buffer = spareHeads.pop() ?? new Uint8Array(HEAD_BYTES);
  try {
    let head: Uint8Array;
    let content;
    let decoder;
    try {
      head = buffer.subarray(0, (await fh.read(buffer, 0, Math.min(HEAD_BYTES, size), 0)).bytesRead);
      content = await contentStart(fh, head, size);
      decoder = decoderFor(content.bytes);
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
      // The covers are parsed too, to know whether there is one; they are dropped with the rest of `meta`.
      meta = await parseFromTokenizer(new HeadTokenizer(fh, head, size, MIME[decoder.codec], abs), parseOptions(decoder.codec, true));
    } catch (err) {
      return { ...fallback, codec: decoder.codec, reason: `unreadable tags or stream: ${(err as Error).message}` };
    }
    // A figure that cannot be had (a read error, a damaged tail) is left to music-metadata: the decoder will say more.
    const facts = await streamFacts(fh, size, decoder.codec, head, content.at).catch((): StreamFacts => ({}));
    return fieldsOf(meta, facts, decoder.codec, fallback.title, playable, reason);
  } finally {
    spareHeads.push(buffer);
    await fh.close();
  }
}

function fieldsOf(meta: IAudioMetadata, facts: StreamFacts, sniffed: string, fileTitle: string, playable: boolean, reason: string | undefined): TrackFields {
  const { common: c, format: f } = meta;
  const codec = sniffed === 'ffmpeg' ? (f.codec ?? 'unknown').toLowerCase().replace(/^mpeg-4\//, '') : sniffed;
  if (playable && (!f.sampleRate || !f.numberOfChannels)) {
    playable = false;
    reason = 'no audio stream found';
  }
  if (playable && facts.unplayable) {
    playable = false;
    reason = facts.unplayable;
  }
  const repair = mayHoldMisreadUtf8(f.tagTypes);
  const text = (v: string | string[] | undefined | null) => {
    const t = joined(v);
    return t !== null && repair ? utf8IfValid(t) : t;
  };
  const duration = f.duration !== undefined && Number.isFinite(f.duration) ? Math.round(f.duration * 1000) : null;
  return {
    title: text(c.title) ?? fileTitle,
    artist: text(c.artist) ?? text(c.artists),
    album: text(c.album),
    albumArtist: text(c.albumartist),
    trackNo: c.track.no ?? null,
    discNo: c.disk.no ?? null,
    year: c.year ?? null,
    genre: text(c.genre),
    durationMs: facts.durationMs ?? duration,
    codec,
    sampleRate: facts.sampleRate ?? f.sampleRate ?? null,
    channels: f.numberOfChannels ?? null,
    bitsPerSample: MIME[sniffed] && sniffed !== 'pcm' && sniffed !== 'flac' ? null : (f.bitsPerSample ?? null),
    playable,
    ...(reason ? { reason } : {}),
    ...(playable && facts.warning ? { warning: facts.warning } : {}),
    embeddedArt: (c.picture?.length ?? 0) > 0,
  };
}

/** The embedded cover of a file, read again on request (covers are not kept in memory). */
export async function embeddedArtwork(abs: string): Promise<Artwork | null> {
  const fh = await open(abs, 'r');
  try {
    const size = (await fh.stat()).size;
    const buffer = new Uint8Array(Math.min(HEAD_BYTES, size));
    const head = buffer.subarray(0, (await fh.read(buffer, 0, buffer.length, 0)).bytesRead);
    const decoder = decoderFor((await contentStart(fh, head, size)).bytes);
    if (!decoder) return null;
    const meta = await parseFromTokenizer(new HeadTokenizer(fh, head, size, MIME[decoder.codec], abs), parseOptions(decoder.codec, true));
    const pic = selectCover(meta.common.picture);
    if (!pic) return null;
    return { mime: pic.format.includes('/') ? pic.format : `image/${pic.format.toLowerCase()}`, image: pic.data };
  } finally {
    await fh.close();
  }
}
