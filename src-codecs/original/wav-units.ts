/**
 * A WAV file's own PCM for an `original` stream: whole sample frames out of the shared file blocks, as they lie. The
 * layout is read once per file; a unit is a view of a block (the blocks are a whole number of sample frames from the
 * data chunk's start, as WavFrames reads them, so a frame never straddles two), answered at once when it is cached.
 */
import type { CodecInfo, FileSampleFormat } from '../../src-shared/protocol/index.js';
import { BLOCK_BYTES, fileBlocks, type SharedFile } from '../file-blocks.js';
import type { SourceFormat } from '../pcm-source.js';
import { readWavLayout, type WavLayout } from '../wav.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

export function wavSampleFormat(layout: Pick<WavLayout, 'encoding' | 'bitsPerSample'>): FileSampleFormat {
  if (layout.encoding === 'float') return layout.bitsPerSample === 64 ? 'f64le' : 'f32le';
  return ({ 8: 'u8', 16: 's16le', 24: 's24le', 32: 's32le' } as const)[layout.bitsPerSample as 8 | 16 | 24 | 32];
}

/** What every stream of one WAV file shares. */
interface WavFile {
  layout: WavLayout;
  /** Bytes of a block: a whole number of sample frames. */
  blockBytes: number;
  format: SourceFormat;
  codec: CodecInfo;
}

function wavFile(file: SharedFile): Promise<WavFile> {
  return file.derive('original-wav', async (fh) => {
    const layout = await readWavLayout(fh);
    return {
      layout,
      blockBytes: Math.max(1, Math.floor(BLOCK_BYTES / layout.blockAlign)) * layout.blockAlign,
      format: {
        sampleRate: layout.sampleRate,
        channels: layout.channels,
        totalFrames: layout.totalFrames,
        codec: layout.encoding === 'float' ? 'pcm-float' : 'pcm',
        bitsPerSample: layout.bitsPerSample,
      },
      codec: {
        name: 'pcm', setup: [], delay: 0, padding: null, maxUnitBytes: layout.blockAlign, sampleFormat: wavSampleFormat(layout), bytesPerFrame: layout.blockAlign,
      },
    };
  });
}

class WavUnits implements CodedSource {
  /** The next frame to send. */
  private frame = 0;
  /** The first frame of the unit `next` last gave. */
  private last = 0;

  constructor(
    private readonly file: SharedFile,
    private readonly shared: WavFile,
  ) {}

  get format(): SourceFormat {
    return this.shared.format;
  }

  get codec(): CodecInfo {
    return this.shared.codec;
  }

  async restart(frame: number): Promise<void> {
    this.frame = Math.max(0, Math.min(frame, this.shared.layout.totalFrames));
  }

  next(maxBytes: number): CodedUnit | null | Promise<CodedUnit | null> {
    const { blockAlign, dataStart, totalFrames } = this.shared.layout;
    if (this.frame >= totalFrames) return null;
    const byte = this.frame * blockAlign;
    const blockStart = byte - (byte % this.shared.blockBytes);
    const block = this.file.blockAt(dataStart + blockStart, this.shared.blockBytes);
    const wanted = Math.max(1, Math.floor(maxBytes / blockAlign));
    return block instanceof Promise ? block.then((b) => this.unitOf(b, byte - blockStart, wanted)) : this.unitOf(block, byte - blockStart, wanted);
  }

  /** Frames from `from` in `block`, at most `wanted` and to the block's end; null when the file ends early. */
  private unitOf(block: Buffer, from: number, wanted: number): CodedUnit | null {
    const { blockAlign, totalFrames } = this.shared.layout;
    const frames = Math.min(wanted, totalFrames - this.frame, Math.floor((block.length - from) / blockAlign));
    if (frames <= 0) return null;
    const position = this.frame;
    this.last = position;
    this.frame += frames;
    return { bytes: block.subarray(from, from + frames * blockAlign), position, end: position + frames };
  }

  unread(): void {
    this.frame = this.last;
  }

  close(): Promise<void> {
    return this.file.release();
  }
}

export async function openWavUnits(path: string): Promise<CodedSource> {
  const file = await fileBlocks.open(path);
  try {
    return new WavUnits(file, await wavFile(file));
  } catch (err) {
    await file.release();
    throw err;
  }
}
