/**
 * An MPEG audio file's own frames for an `original` stream, from the frame index the decoding source builds: one
 * index per file, shared by all its streams, and frames read out of the shared file blocks.
 */
import { UNIT_LENGTH_SIZE, type CodecInfo } from '../../src-shared/protocol/index.js';
import { fileBlocks, FileBytes, type SharedFile } from '../file-blocks.js';
import { mp3Decoder, mpegRestartFrame, mpegSkip } from '../mp3.js';
import { buildMpegIndex, gaplessLength, type MpegIndex } from '../mpeg-frames.js';
import { DecodeError, type SourceFormat } from '../pcm-source.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

/** What every stream of one MPEG file shares. */
export interface MpegFile {
  index: MpegIndex;
  format: SourceFormat;
  codec: CodecInfo;
}

async function mpegFile(file: SharedFile): Promise<MpegFile> {
  return file.derive('original-mpeg', async (fh, size) => {
    const index = await buildMpegIndex(fh, size);
    const { first, offsets, lengths, gapless } = index;
    let largest = 0;
    for (const n of lengths) largest = Math.max(largest, n);
    return {
      index,
      format: {
        sampleRate: first.sampleRate,
        channels: first.channels,
        totalFrames: gaplessLength(offsets.length, first.samplesPerFrame, gapless),
        codec: first.layer === 3 ? 'mp3' : first.layer === 2 ? 'mp2' : 'mp1',
        bitsPerSample: null,
      },
      codec: {
        name: 'mp3',
        setup: [],
        delay: mpegSkip(index),
        padding: gapless.delay !== null ? gapless.padding : null,
        maxUnitBytes: UNIT_LENGTH_SIZE + largest,
        samplesPerFrame: first.samplesPerFrame,
      },
    };
  });
}

class MpegUnits implements CodedSource {
  /** Index of the next frame to send. */
  private nextFrame = 0;
  /** The frame `next` last gave. */
  private last = 0;
  private readonly read = (): CodedUnit => this.frameAt(this.nextFrame);

  constructor(
    private readonly bytes: FileBytes,
    readonly shared: MpegFile,
  ) {}

  get format(): SourceFormat {
    return this.shared.format;
  }

  get codec(): CodecInfo {
    return this.shared.codec;
  }

  async restart(frame: number): Promise<void> {
    this.nextFrame = mpegRestartFrame(this.shared.index, frame);
  }

  next(): CodedUnit | null | Promise<CodedUnit | null> {
    if (this.nextFrame >= this.shared.index.offsets.length) return null;
    return this.bytes.run(this.read);
  }

  private frameAt(n: number): CodedUnit {
    const { offsets, lengths, first } = this.shared.index;
    const length = lengths[n]!;
    const bytes = this.bytes.bytes(offsets[n]!, length);
    if (bytes.length < length) throw new DecodeError('decode-failed', 'file shrank while playing');
    this.last = n;
    this.nextFrame = n + 1;
    return { bytes, position: n, end: (n + 1) * first.samplesPerFrame - this.shared.codec.delay };
  }

  unread(): void {
    this.nextFrame = this.last;
  }

  close(): Promise<void> {
    return this.bytes.release();
  }
}

export async function openMpegUnits(path: string, head: Uint8Array): Promise<CodedSource> {
  if (!mp3Decoder.sniff(head)) throw new DecodeError('unsupported-format', 'not MPEG audio');
  const file = await fileBlocks.open(path);
  try {
    return new MpegUnits(new FileBytes(file), await mpegFile(file));
  } catch (err) {
    await file.release();
    throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
  }
}
