import { open, type FileHandle } from 'node:fs/promises';
import { BLOCK_BYTES, fileBlocks, type SharedFile } from './file-blocks.js';
import { roundHalfEven } from './block-source.js';
import { DecodeError, type Decoder, type PcmSource, type SourceFormat } from './pcm-source.js';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export interface WavLayout {
  encoding: 'int' | 'float';
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  dataStart: number;
  totalFrames: number;
}

/** Reads the RIFF chunk list up to the data chunk. Throws DecodeError on anything it cannot stream. */
export async function readWavLayout(fh: FileHandle): Promise<WavLayout> {
  const { size } = await fh.stat();
  const head = Buffer.alloc(12);
  if ((await fh.read(head, 0, 12, 0)).bytesRead < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new DecodeError('unsupported-format', 'not a RIFF/WAVE file');
  }
  let pos = 12;
  let fmt: Omit<WavLayout, 'dataStart' | 'totalFrames'> | null = null;
  const chunkHead = Buffer.alloc(8);
  while (pos + 8 <= size) {
    await fh.read(chunkHead, 0, 8, pos);
    const id = chunkHead.toString('latin1', 0, 4);
    const length = chunkHead.readUInt32LE(4);
    const body = pos + 8;
    if (id === 'fmt ') {
      const f = Buffer.alloc(Math.min(length, 40));
      await fh.read(f, 0, f.length, body);
      if (f.length < 16) throw new DecodeError('decode-failed', 'fmt chunk too short');
      let tag = f.readUInt16LE(0);
      const bitsPerSample = f.readUInt16LE(14);
      if (tag === WAVE_FORMAT_EXTENSIBLE && f.length >= 26) tag = f.readUInt16LE(24);
      const encoding = tag === WAVE_FORMAT_PCM ? 'int' : tag === WAVE_FORMAT_IEEE_FLOAT ? 'float' : null;
      if (!encoding) throw new DecodeError('unsupported-format', `WAV format tag 0x${tag.toString(16)} is not PCM or float`);
      fmt = {
        encoding,
        bitsPerSample,
        channels: f.readUInt16LE(2),
        sampleRate: f.readUInt32LE(4),
        blockAlign: f.readUInt16LE(12),
      };
      checkFormat(fmt);
    } else if (id === 'data') {
      if (!fmt) throw new DecodeError('decode-failed', 'data chunk before fmt chunk');
      const available = Math.min(length, size - body);
      return { ...fmt, dataStart: body, totalFrames: Math.floor(available / fmt.blockAlign) };
    }
    pos = body + length + (length & 1);
  }
  throw new DecodeError('decode-failed', 'no data chunk');
}

function checkFormat(f: Omit<WavLayout, 'dataStart' | 'totalFrames'>): void {
  const intOk = f.encoding === 'int' && [8, 16, 24, 32].includes(f.bitsPerSample);
  const floatOk = f.encoding === 'float' && (f.bitsPerSample === 32 || f.bitsPerSample === 64);
  if (!intOk && !floatOk) throw new DecodeError('unsupported-format', `${f.bitsPerSample}-bit ${f.encoding} WAV is not supported`);
  if (f.channels < 1 || f.channels > 8) throw new DecodeError('unsupported-format', `${f.channels} channels (1 to 8 are supported)`);
  if (f.sampleRate < 1000 || f.sampleRate > 384000) throw new DecodeError('unsupported-format', `sample rate ${f.sampleRate}`);
  if (f.blockAlign !== (f.channels * f.bitsPerSample) / 8) throw new DecodeError('decode-failed', 'block align does not match channels and bits');
}

/** Converts one sample to s16 the way ffmpeg's swresample does: integers truncate, floats lrintf (ties to even) and clip. */
export function converter(layout: Pick<WavLayout, 'encoding' | 'bitsPerSample'>): (src: Buffer, i: number) => number {
  if (layout.encoding === 'float') {
    const read = layout.bitsPerSample === 32 ? (s: Buffer, i: number) => s.readFloatLE(i) : (s: Buffer, i: number) => s.readDoubleLE(i);
    return (s, i) => Math.max(-32768, Math.min(32767, roundHalfEven(read(s, i) * 32768)));
  }
  switch (layout.bitsPerSample) {
    case 8:
      return (s, i) => (s[i]! - 128) << 8;
    case 24:
      return (s, i) => s.readIntLE(i, 3) >> 8;
    case 32:
      return (s, i) => s.readInt32LE(i) >> 16;
    default:
      return (s, i) => s.readInt16LE(i);
  }
}

/** Frames as they lie in one shared block: `frames` of them from byte `from`. */
export interface TakenFrames {
  block: Buffer;
  from: number;
  frames: number;
}

/**
 * A WAV's data chunk read straight out of the process's shared file blocks (file-blocks.ts): listeners of one file
 * share its bytes, and a reader holds no buffer of its own. Blocks are a whole number of sample frames from the data
 * chunk's start, so a frame never straddles two. The decoding source and the `original` reader both read through it.
 */
export class WavFrames {
  readonly format: SourceFormat;
  /** The next frame `take` gives. */
  frame = 0;
  private readonly blockBytes: number;

  constructor(
    private readonly file: SharedFile,
    readonly layout: WavLayout,
  ) {
    this.format = {
      sampleRate: layout.sampleRate,
      channels: layout.channels,
      totalFrames: layout.totalFrames,
      codec: layout.encoding === 'float' ? 'pcm-float' : 'pcm',
      bitsPerSample: layout.bitsPerSample,
    };
    this.blockBytes = Math.max(1, Math.floor(BLOCK_BYTES / layout.blockAlign)) * layout.blockAlign;
  }

  seek(frame: number): void {
    this.frame = Math.max(0, Math.min(frame, this.layout.totalFrames));
  }

  /**
   * Up to `maxFrames` frames from `frame` on, as they lie in the file (at most to the end of one block); null at the
   * end. Answered at once when the block is cached, so a stream that follows others pays no queue turn for it.
   */
  take(maxFrames: number): TakenFrames | null | Promise<TakenFrames | null> {
    const wanted = Math.min(maxFrames, this.layout.totalFrames - this.frame);
    if (wanted <= 0) return null;
    const byte = this.frame * this.layout.blockAlign;
    const blockStart = byte - (byte % this.blockBytes);
    const cached = this.file.blockAt(this.layout.dataStart + blockStart, this.blockBytes);
    if (cached instanceof Promise) return cached.then((block) => this.takeFrom(block, byte - blockStart, wanted));
    return this.takeFrom(cached, byte - blockStart, wanted);
  }

  private takeFrom(block: Buffer, from: number, wanted: number): TakenFrames | null {
    const frames = Math.min(wanted, Math.floor((block.length - from) / this.layout.blockAlign));
    if (frames <= 0) return null;
    this.frame += frames;
    return { block, from, frames };
  }

  close(): Promise<void> {
    return this.file.release();
  }
}

/** Reads the layout of the WAV at `path`, then opens its data through the shared file blocks. */
export async function openWavFrames(path: string): Promise<WavFrames> {
  const fh = await open(path, 'r');
  let layout: WavLayout;
  try {
    layout = await readWavLayout(fh);
  } finally {
    await fh.close();
  }
  return new WavFrames(await fileBlocks.open(path), layout);
}

/** The decoding source of a WAV: its frames as s16le, converted from the file's sample format where it is not that. */
class WavSource implements PcmSource {
  private readonly passthrough: boolean;
  private readonly convert: (src: Buffer, i: number) => number;
  readonly views?: (maxFrames: number) => Uint8Array[] | Promise<Uint8Array[]>;

  constructor(private readonly frames: WavFrames) {
    const { layout } = frames;
    this.passthrough = layout.encoding === 'int' && layout.bitsPerSample === 16;
    this.convert = converter(layout);
    if (this.passthrough) this.views = (maxFrames) => this.blockViews(maxFrames, []);
  }

  /**
   * Frames run over at most a block boundary or two: the views of each block they lie in, added to `views`. At once
   * while the blocks are cached; a block read from disk continues the same gathering after it.
   */
  private blockViews(maxFrames: number, views: Uint8Array[]): Uint8Array[] | Promise<Uint8Array[]> {
    const { blockAlign } = this.frames.layout;
    let left = maxFrames;
    while (left > 0) {
      const got = this.frames.take(left);
      if (got instanceof Promise) {
        const rest = left;
        return got.then((taken) => {
          if (!taken) return views;
          views.push(taken.block.subarray(taken.from, taken.from + taken.frames * blockAlign));
          return this.blockViews(rest - taken.frames, views);
        });
      }
      if (!got) break;
      views.push(got.block.subarray(got.from, got.from + got.frames * blockAlign));
      left -= got.frames;
    }
    return views;
  }

  get format(): SourceFormat {
    return this.frames.format;
  }

  async seek(frame: number): Promise<void> {
    this.frames.seek(frame);
  }

  async read(out: Uint8Array, offset: number, maxFrames: number): Promise<number> {
    const got = await this.frames.take(maxFrames);
    if (!got) return 0;
    const { block, from, frames } = got;
    const { blockAlign, channels, bitsPerSample } = this.frames.layout;
    if (this.passthrough) {
      out.set(block.subarray(from, from + frames * blockAlign), offset);
    } else {
      const bytesPerSample = bitsPerSample / 8;
      const target = new DataView(out.buffer, out.byteOffset + offset, frames * channels * 2);
      for (let s = 0; s < frames * channels; s++) target.setInt16(s * 2, this.convert(block, from + s * bytesPerSample), true);
    }
    return frames;
  }

  close(): Promise<void> {
    return this.frames.close();
  }
}

export const wavDecoder: Decoder = {
  codec: 'pcm',
  sniff(head) {
    return head.length >= 12 && String.fromCharCode(...head.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...head.subarray(8, 12)) === 'WAVE';
  },
  async open(path) {
    return new WavSource(await openWavFrames(path));
  },
};
