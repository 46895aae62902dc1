/**
 * FLAC framing: the STREAMINFO block, and frame headers found anywhere in the file by their sync code, checked by
 * CRC-8 and against STREAMINFO. Every frame header carries its own position (frame or sample number), so a seek can
 * bisect the file by byte offset and land on the exact frame without a table or a decode from the start.
 */
import type { FileHandle } from 'node:fs/promises';
import { id3v2Size } from './mpeg-frames.js';
import { DecodeError } from './pcm-source.js';

export interface StreamInfo {
  minBlockSize: number;
  maxBlockSize: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** 0 when the encoder did not know it. */
  totalSamples: number;
  /** Byte offset of the first frame. */
  audioStart: number;
}

export interface FlacFrameHeader {
  /** Sample number of the frame's first sample. */
  sample: number;
  blockSize: number;
}

const CRC8 = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    t[i] = c;
  }
  return t;
})();

export async function readStreamInfo(fh: FileHandle): Promise<StreamInfo> {
  const head = new Uint8Array(10);
  await fh.read(head, 0, 10, 0);
  const start = id3v2Size(head);
  const b = Buffer.alloc(8 + 34);
  if ((await fh.read(b, 0, b.length, start)).bytesRead < b.length || b.toString('latin1', 0, 4) !== 'fLaC') {
    throw new DecodeError('unsupported-format', 'not a FLAC stream');
  }
  if ((b[4]! & 0x7f) !== 0 || b.readUIntBE(5, 3) < 34) throw new DecodeError('decode-failed', 'FLAC STREAMINFO missing');
  const s = 8;
  const info: StreamInfo = {
    minBlockSize: b.readUInt16BE(s),
    maxBlockSize: b.readUInt16BE(s + 2),
    sampleRate: (b.readUInt16BE(s + 10) << 4) | (b[s + 12]! >> 4),
    channels: ((b[s + 12]! >> 1) & 7) + 1,
    bitsPerSample: (((b[s + 12]! & 1) << 4) | (b[s + 13]! >> 4)) + 1,
    totalSamples: (b[s + 13]! & 0x0f) * 2 ** 32 + b.readUInt32BE(s + 14),
    audioStart: 0,
  };
  // Walk the metadata blocks to find where frames begin.
  let pos = start + 4;
  const bh = Buffer.alloc(4);
  for (;;) {
    if ((await fh.read(bh, 0, 4, pos)).bytesRead < 4) throw new DecodeError('decode-failed', 'FLAC metadata truncated');
    pos += 4 + bh.readUIntBE(1, 3);
    if (bh[0]! & 0x80) break;
  }
  info.audioStart = pos;
  if (info.channels > 8 || info.sampleRate === 0) throw new DecodeError('decode-failed', 'FLAC STREAMINFO invalid');
  return info;
}

const BLOCK_SIZES = [0, 192, 576, 1152, 2304, 4608, -8, -16, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const RATE_CODES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
const BPS_CODES = [0, 8, 12, -1, 16, 20, 24, 32];

/** Parses and checks the frame header at `i`; null unless it is a valid header of this stream. */
export function parseFrameHeader(b: Uint8Array, i: number, info: StreamInfo): FlacFrameHeader | null {
  if (i + 6 > b.length || b[i] !== 0xff || (b[i + 1]! & 0xfe) !== 0xf8) return null;
  const variable = b[i + 1]! & 1;
  const bsCode = b[i + 2]! >> 4;
  const rateCode = b[i + 2]! & 0x0f;
  const chanCode = b[i + 3]! >> 4;
  const bpsCode = (b[i + 3]! >> 1) & 7;
  if (bsCode === 0 || rateCode === 15 || chanCode > 10 || BPS_CODES[bpsCode] === -1 || b[i + 3]! & 1) return null;
  const channels = chanCode < 8 ? chanCode + 1 : 2;
  if (channels !== info.channels) return null;
  const bps = BPS_CODES[bpsCode]!;
  if (bps && bps !== info.bitsPerSample) return null;
  if (rateCode >= 1 && rateCode <= 11 && RATE_CODES[rateCode] !== info.sampleRate) return null;
  // The UTF-8-style coded frame or sample number.
  let p = i + 4;
  const lead = b[p++]!;
  let extra = 0;
  let value = lead;
  if (lead >= 0x80) {
    if (lead < 0xc0 || lead === 0xff) return null;
    extra = lead >= 0xfe ? 6 : lead >= 0xfc ? 5 : lead >= 0xf8 ? 4 : lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
    value = lead & (0x3f >> extra);
    for (let k = 0; k < extra; k++) {
      const c = b[p++];
      if (c === undefined || (c & 0xc0) !== 0x80) return null;
      value = value * 64 + (c & 0x3f);
    }
  }
  let blockSize = BLOCK_SIZES[bsCode]!;
  if (blockSize === -8) blockSize = b[p++]! + 1;
  else if (blockSize === -16) blockSize = ((b[p++]! << 8) | b[p++]!) + 1;
  if (rateCode === 12) p += 1;
  else if (rateCode === 13 || rateCode === 14) p += 2;
  if (p >= b.length) return null;
  let crc = 0;
  for (let k = i; k < p; k++) crc = CRC8[crc ^ b[k]!]!;
  if (crc !== b[p]) return null;
  if (blockSize > info.maxBlockSize && info.maxBlockSize >= 16) return null;
  const sample = variable ? value : value * info.maxBlockSize;
  return { sample, blockSize };
}

/** Offset of the first valid frame header in b[from, to), or -1. */
export function findFrame(b: Uint8Array, from: number, to: number, info: StreamInfo): number {
  for (let i = from; i < to; i++) {
    if (b[i] === 0xff && parseFrameHeader(b, i, info)) return i;
  }
  return -1;
}

const CRC16 = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** A frame's CRC-16 covers the frame and its own footer: over a whole frame it comes out 0. */
function isWholeFrame(b: Uint8Array): boolean {
  let crc = 0;
  for (let i = 0; i < b.length; i++) crc = ((crc << 8) ^ CRC16[(crc >> 8) ^ b[i]!]!) & 0xffff;
  return b.length > 2 && crc === 0;
}

/**
 * Where the decodable audio ends: the end of the last whole frame near the file's end. A truncated file's last frame
 * is cut, so its audio ends where that frame begins. One read of the file's tail: cheap enough for a library scan.
 */
export async function audioEnd(fh: FileHandle, info: StreamInfo, size: number): Promise<number> {
  const span = Math.min(size - info.audioStart, Math.max(128 * 1024, info.maxBlockSize * info.channels * 8));
  if (span <= 0) throw new DecodeError('decode-failed', 'no FLAC frames found');
  const b = new Uint8Array(span);
  await fh.read(b, 0, span, size - span);
  // A header candidate counts when the frame before it ends where it begins: a false sync in audio data (its CRC-8
  // holds one time in 256) rarely does. With a single candidate in the span, that one counts.
  const ends = new Set<number>();
  let last: { at: number; header: FlacFrameHeader } | null = null;
  let lastChained: { at: number; header: FlacFrameHeader } | null = null;
  for (let i = findFrame(b, 0, span, info); i >= 0; i = findFrame(b, i + 1, span, info)) {
    const header = parseFrameHeader(b, i, info)!;
    last = { at: i, header };
    if (ends.has(header.sample)) lastChained = last;
    ends.add(header.sample + header.blockSize);
  }
  const final = lastChained ?? last;
  if (!final) throw new DecodeError('decode-failed', 'no FLAC frames found');
  const { sample, blockSize } = final.header;
  if (!info.totalSamples) return sample + blockSize;
  if (sample + blockSize >= info.totalSamples) return info.totalSamples;
  return isWholeFrame(b.subarray(final.at)) ? sample + blockSize : sample;
}
