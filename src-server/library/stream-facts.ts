/**
 * What the scan reads of a stream beyond music-metadata's figures, so that the listing says what SETUP will stream:
 * an MP3's gapless length (encoder delay and padding removed, as the decoder drops them), a chained Ogg file's
 * whole length (or why its links cannot be one stream), Opus's rate (always 48 kHz, whatever input rate its header
 * notes), and a truncated FLAC file's real length. Each costs at most a read or two of the file's head or tail;
 * only a chained Ogg file is walked page by page.
 */
import type { FileHandle } from 'node:fs/promises';
import { audioEnd, readStreamInfo } from '../../src-codecs/flac-frames.js';
import { gaplessLength, parseInfoFrame, parseMpegHeader } from '../../src-codecs/mpeg-frames.js';
import { chainProblem, linkFormat, linkFrames, readOggLinks } from '../../src-codecs/ogg-links.js';

export interface StreamFacts {
  /** Replaces music-metadata's duration. */
  durationMs?: number;
  sampleRate?: number;
  /** The file cannot be streamed, and why. */
  unplayable?: string;
  /** The file plays, but not as its header promises, and why. */
  warning?: string;
}

/** The largest MPEG audio frame: layer II at 384 kbit/s and 8 kHz (MPEG-2.5) comes close; 4 KB covers all. */
const MAX_MPEG_FRAME = 4096;

const ms = (frames: number, rate: number) => Math.round((frames * 1000) / rate);

/** "0:12.0": a length people read, to a tenth of a second. */
function clock(milliseconds: number): string {
  const tenths = Math.round(milliseconds / 100);
  const seconds = Math.floor(tenths / 10);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}.${tenths % 10}`;
}

/**
 * `head` is the file's first bytes as already read, `contentAt` where the audio begins after any ID3v2 tags. Throws
 * on a read error; a figure it cannot find is left to music-metadata.
 */
export async function streamFacts(fh: FileHandle, size: number, codec: string, head: Uint8Array, contentAt: number): Promise<StreamFacts> {
  switch (codec) {
    case 'mp3':
      return mp3Facts(fh, head, contentAt);
    case 'vorbis':
    case 'opus':
      return oggFacts(fh, size);
    case 'flac':
      return flacFacts(fh, size);
    default:
      return {};
  }
}

async function mp3Facts(fh: FileHandle, head: Uint8Array, at: number): Promise<StreamFacts> {
  let frame = head.subarray(at, at + MAX_MPEG_FRAME);
  if (frame.length < MAX_MPEG_FRAME && head.length < at + MAX_MPEG_FRAME) {
    const b = new Uint8Array(MAX_MPEG_FRAME);
    frame = b.subarray(0, (await fh.read(b, 0, MAX_MPEG_FRAME, at)).bytesRead);
  }
  const h = parseMpegHeader(frame, 0);
  if (!h || h.frameBytes > frame.length) return {};
  const info = parseInfoFrame(frame.subarray(0, h.frameBytes), h);
  if (info?.frames == null) return {};
  return { durationMs: ms(gaplessLength(info.frames, h.samplesPerFrame, info), h.sampleRate) };
}

async function oggFacts(fh: FileHandle, size: number): Promise<StreamFacts> {
  const links = await readOggLinks(fh, size);
  const formats = links.map((l) => linkFormat(l.idHeader));
  const first = formats[0];
  if (!first) return {};
  const problem = chainProblem(formats);
  if (problem) return { sampleRate: first.sampleRate, unplayable: problem };
  const frames = links.reduce((sum, l, i) => sum + linkFrames(l, formats[i]!), 0);
  return { sampleRate: first.sampleRate, durationMs: ms(frames, first.sampleRate) };
}

async function flacFacts(fh: FileHandle, size: number): Promise<StreamFacts> {
  const info = await readStreamInfo(fh);
  const end = await audioEnd(fh, info, size);
  if (!info.totalSamples || end >= info.totalSamples) return {};
  const real = ms(end, info.sampleRate);
  return { durationMs: real, warning: `the file is truncated: its audio ends at ${clock(real)} of the ${clock(ms(info.totalSamples, info.sampleRate))} its header announces` };
}
