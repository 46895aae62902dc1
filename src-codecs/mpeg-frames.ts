/**
 * MPEG audio (layer I/II/III) framing: header parsing, the Xing/Info/LAME header with the encoder's delay and
 * padding, and the frame index that makes seeks exact. The index is built once when a file is opened, by reading
 * headers only (a 60-minute file is about 140,000 frames: a few hundred KB of offsets, no audio kept).
 */
import type { FileHandle } from 'node:fs/promises';
import { DecodeError } from './pcm-source.js';

export interface MpegHeader {
  /** 1, 2 or 2.5 (as 25). */
  version: 1 | 2 | 25;
  layer: 1 | 2 | 3;
  sampleRate: number;
  channels: number;
  frameBytes: number;
  samplesPerFrame: number;
}

const BITRATES: Record<string, readonly number[]> = {
  V1L1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  V1L2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  V1L3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  V2L1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  V2L23: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES: Record<number, readonly number[]> = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 25: [11025, 12000, 8000] };

/** Parses the 4-byte header at `i`; null when it is not a valid header (free-format streams are not supported). */
export function parseMpegHeader(b: Uint8Array, i: number): MpegHeader | null {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1]! & 0xe0) !== 0xe0) return null;
  const vBits = (b[i + 1]! >> 3) & 3;
  const lBits = (b[i + 1]! >> 1) & 3;
  const brIndex = b[i + 2]! >> 4;
  const srIndex = (b[i + 2]! >> 2) & 3;
  if (vBits === 1 || lBits === 0 || brIndex === 0 || brIndex === 15 || srIndex === 3) return null;
  const version = vBits === 3 ? 1 : vBits === 2 ? 2 : 25;
  const layer = (4 - lBits) as 1 | 2 | 3;
  const table = version === 1 ? `V1L${layer}` : layer === 1 ? 'V2L1' : 'V2L23';
  const bitrate = BITRATES[table]![brIndex]! * 1000;
  const sampleRate = RATES[version]![srIndex]!;
  const padding = (b[i + 2]! >> 1) & 1;
  const channels = b[i + 3]! >> 6 === 3 ? 1 : 2;
  let frameBytes: number;
  let samplesPerFrame: number;
  if (layer === 1) {
    frameBytes = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
    samplesPerFrame = 384;
  } else if (layer === 2 || version === 1) {
    frameBytes = Math.floor((144 * bitrate) / sampleRate) + padding;
    samplesPerFrame = 1152;
  } else {
    frameBytes = Math.floor((72 * bitrate) / sampleRate) + padding;
    samplesPerFrame = 576;
  }
  return { version, layer, sampleRate, channels, frameBytes, samplesPerFrame };
}

/** Size of an ID3v2 tag at the start of `b` (header, body and footer), or 0. */
export function id3v2Size(b: Uint8Array): number {
  if (b.length < 10 || b[0] !== 0x49 || b[1] !== 0x44 || b[2] !== 0x33) return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return 10 + size + (b[5]! & 0x10 ? 10 : 0);
}

export interface GaplessInfo {
  /** Encoder delay and padding from the LAME tag, in samples; null when the file has no LAME tag. */
  delay: number | null;
  padding: number | null;
  /** Frame count that the Xing header declares (audio frames, not counting itself). */
  frames: number | null;
}

/** mpg123's (and every MPEG decoder's) synthesis delay, which encoders' delay figures do not include. */
export const DECODER_DELAY = 529;

/**
 * The sample frames a gapless decode of `frameCount` audio frames yields: like ffmpeg, the LAME tag's encoder delay
 * plus the decoder's delay are dropped at the start and the padding at the end; without a LAME tag, every sample.
 */
export function gaplessLength(frameCount: number, samplesPerFrame: number, gapless: GaplessInfo): number {
  if (gapless.delay === null) return frameCount * samplesPerFrame;
  const decodable = frameCount * samplesPerFrame - gapless.delay - DECODER_DELAY;
  const declared = (gapless.frames ?? frameCount) * samplesPerFrame - gapless.delay - (gapless.padding ?? 0);
  return Math.max(0, Math.min(decodable, declared));
}

/** Reads a Xing/Info (and LAME) or VBRI header from the first frame; null when the frame carries audio. */
export function parseInfoFrame(frame: Uint8Array, h: MpegHeader): GaplessInfo | null {
  const sideInfo = h.version === 1 ? (h.channels === 1 ? 17 : 32) : h.channels === 1 ? 9 : 17;
  const at = 4 + sideInfo;
  const tag = String.fromCharCode(...frame.subarray(at, at + 4));
  if (tag === 'VBRI' || String.fromCharCode(...frame.subarray(36, 40)) === 'VBRI') return { delay: null, padding: null, frames: null };
  if (tag !== 'Xing' && tag !== 'Info') return null;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const flags = view.getUint32(at + 4);
  let p = at + 8;
  let frames: number | null = null;
  if (flags & 1) {
    frames = view.getUint32(p);
    p += 4;
  }
  if (flags & 2) p += 4;
  if (flags & 4) p += 100;
  if (flags & 8) p += 4;
  // The LAME extension: a 9-byte encoder string, then delay and padding as two 12-bit fields at byte 21.
  if (p + 24 > frame.length) return { delay: null, padding: null, frames };
  const encoder = String.fromCharCode(...frame.subarray(p, p + 4));
  if (!/^(LAME|Lavf|Lavc|GOGO|L3.9)/.test(encoder)) return { delay: null, padding: null, frames };
  const d = p + 21;
  const delay = (frame[d]! << 4) | (frame[d + 1]! >> 4);
  const padding = ((frame[d + 1]! & 0x0f) << 8) | frame[d + 2]!;
  return { delay, padding, frames };
}

export interface MpegIndex {
  first: MpegHeader;
  /** Byte offset of every audio frame (the info frame excluded); frame n starts at sample n × samplesPerFrame. */
  offsets: Float64Array;
  /** Byte length of every audio frame. */
  lengths: Uint32Array;
  gapless: GaplessInfo;
}

const SCAN_CHUNK = 1 << 20;

/**
 * Walks the file frame by frame from the first header that is followed by a consistent second one (so stray sync
 * bytes in tags or junk are not taken for audio), resynchronising over garbage, stopping at trailing tags.
 */
export async function buildMpegIndex(fh: FileHandle, size: number): Promise<MpegIndex> {
  const head = new Uint8Array(Math.min(size, 10));
  await fh.read(head, 0, head.length, 0);
  let pos = id3v2Size(head);
  const buf = new Uint8Array(SCAN_CHUNK + 8192);
  let bufStart = -1;
  let bufLen = 0;
  const view = async (at: number, need: number): Promise<number> => {
    if (at < bufStart || at + need > bufStart + bufLen) {
      bufStart = at;
      bufLen = (await fh.read(buf, 0, buf.length, at)).bytesRead;
    }
    return at - bufStart;
  };
  const offsets: number[] = [];
  const lengths: number[] = [];
  let first: MpegHeader | null = null;
  let gapless: GaplessInfo = { delay: null, padding: null, frames: null };
  while (pos + 4 <= size) {
    let i = await view(pos, 4);
    let h = parseMpegHeader(buf, i);
    if (h && first && (h.sampleRate !== first.sampleRate || h.layer !== first.layer)) h = null;
    if (h && !first) {
      // Confirm with the next header before trusting the first sync found.
      const next = await view(pos, h.frameBytes + 4);
      const h2 = next + h.frameBytes + 4 <= bufLen ? parseMpegHeader(buf, next + h.frameBytes) : null;
      const followed = h2 ? h2.sampleRate === h.sampleRate && h2.layer === h.layer : pos + h.frameBytes >= size - 128;
      if (!followed) h = null;
      i = next;
    }
    if (!h) {
      if (first && offsets.length && isTrailingTag(buf, i)) break;
      pos++;
      continue;
    }
    if (pos + h.frameBytes > size) break; // a truncated last frame is dropped, as decoders do
    if (!first) {
      first = h;
      const at = await view(pos, h.frameBytes);
      const info = parseInfoFrame(buf.subarray(at, at + h.frameBytes), h);
      if (info) {
        gapless = info;
        pos += h.frameBytes;
        continue;
      }
    }
    offsets.push(pos);
    lengths.push(h.frameBytes);
    pos += h.frameBytes;
  }
  if (!first || offsets.length === 0) throw new DecodeError('decode-failed', 'no MPEG audio frames found');
  return { first, offsets: Float64Array.from(offsets), lengths: Uint32Array.from(lengths), gapless };
}

function isTrailingTag(b: Uint8Array, i: number): boolean {
  const s = String.fromCharCode(...b.subarray(i, i + 8));
  return s.startsWith('TAG') || s.startsWith('APETAGEX') || s.startsWith('LYRICS');
}
