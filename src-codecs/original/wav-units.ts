/** A WAV file's own PCM for an `original` stream: whole sample frames out of the shared file blocks, as they lie. */
import { open } from 'node:fs/promises';
import type { CodecInfo, FileSampleFormat } from '../../src-shared/protocol/index.js';
import { BLOCK_BYTES, fileBlocks, type SharedFile } from '../file-blocks.js';
import type { SourceFormat } from '../pcm-source.js';
import { readWavLayout, type WavLayout } from '../wav.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

export function wavSampleFormat(layout: Pick<WavLayout, 'encoding' | 'bitsPerSample'>): FileSampleFormat {
  if (layout.encoding === 'float') return layout.bitsPerSample === 64 ? 'f64le' : 'f32le';
  return ({ 8: 'u8', 16: 's16le', 24: 's24le', 32: 's32le' } as const)[layout.bitsPerSample as 8 | 16 | 24 | 32];
}

class WavUnits implements CodedSource {
  readonly format: SourceFormat;
  readonly codec: CodecInfo;
  private frame = 0;
  private readonly blockBytes: number;

  constructor(
    private readonly file: SharedFile,
    private readonly layout: WavLayout,
  ) {
    this.format = {
      sampleRate: layout.sampleRate,
      channels: layout.channels,
      totalFrames: layout.totalFrames,
      codec: layout.encoding === 'float' ? 'pcm-float' : 'pcm',
      bitsPerSample: layout.bitsPerSample,
    };
    const sampleFormat = wavSampleFormat(layout);
    this.codec = { name: 'pcm', setup: [], delay: 0, padding: null, maxUnitBytes: layout.blockAlign, sampleFormat, bytesPerFrame: layout.blockAlign };
    this.blockBytes = Math.max(1, Math.floor(BLOCK_BYTES / layout.blockAlign)) * layout.blockAlign;
  }

  async restart(frame: number): Promise<void> {
    this.frame = Math.max(0, Math.min(frame, this.layout.totalFrames));
  }

  async next(maxBytes: number): Promise<CodedUnit | null> {
    const { blockAlign, dataStart, totalFrames } = this.layout;
    const frames = Math.min(Math.max(1, Math.floor(maxBytes / blockAlign)), totalFrames - this.frame);
    if (frames <= 0) return null;
    const byte = this.frame * blockAlign;
    const blockStart = byte - (byte % this.blockBytes);
    const cached = this.file.blockAt(dataStart + blockStart, this.blockBytes);
    const block = cached instanceof Buffer ? cached : await cached;
    const from = byte - blockStart;
    const got = Math.min(frames, Math.floor((block.length - from) / blockAlign));
    if (got <= 0) return null;
    const unit = { bytes: block.subarray(from, from + got * blockAlign), position: this.frame, end: this.frame + got };
    this.frame += got;
    return unit;
  }

  async close(): Promise<void> {
    await this.file.release();
  }
}

export async function openWavUnits(path: string): Promise<CodedSource> {
  const fh = await open(path, 'r');
  let layout: WavLayout;
  try {
    layout = await readWavLayout(fh);
  } finally {
    await fh.close();
  }
  return new WavUnits(await fileBlocks.open(path), layout);
}
