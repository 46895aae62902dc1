/** A WAV file's own PCM for an `original` stream: whole sample frames out of the shared file blocks, as they lie. */
import type { CodecInfo, FileSampleFormat } from '../../src-shared/protocol/index.js';
import type { SourceFormat } from '../pcm-source.js';
import { openWavFrames, type WavFrames, type WavLayout } from '../wav.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

export function wavSampleFormat(layout: Pick<WavLayout, 'encoding' | 'bitsPerSample'>): FileSampleFormat {
  if (layout.encoding === 'float') return layout.bitsPerSample === 64 ? 'f64le' : 'f32le';
  return ({ 8: 'u8', 16: 's16le', 24: 's24le', 32: 's32le' } as const)[layout.bitsPerSample as 8 | 16 | 24 | 32];
}

class WavUnits implements CodedSource {
  readonly codec: CodecInfo;

  constructor(private readonly frames: WavFrames) {
    const { layout } = frames;
    this.codec = {
      name: 'pcm', setup: [], delay: 0, padding: null, maxUnitBytes: layout.blockAlign, sampleFormat: wavSampleFormat(layout), bytesPerFrame: layout.blockAlign,
    };
  }

  get format(): SourceFormat {
    return this.frames.format;
  }

  async restart(frame: number): Promise<void> {
    this.frames.seek(frame);
  }

  async next(maxBytes: number): Promise<CodedUnit | null> {
    const { blockAlign } = this.frames.layout;
    const position = this.frames.frame;
    const got = await this.frames.take(Math.max(1, Math.floor(maxBytes / blockAlign)));
    if (!got) return null;
    return { bytes: got.block.subarray(got.from, got.from + got.frames * blockAlign), position, end: position + got.frames };
  }

  close(): Promise<void> {
    return this.frames.close();
  }
}

export async function openWavUnits(path: string): Promise<CodedSource> {
  return new WavUnits(await openWavFrames(path));
}
