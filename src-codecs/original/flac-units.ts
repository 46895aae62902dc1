/** A FLAC file's own frames for an `original` stream, read and sought as the decoding source reads them. */
import { open, type FileHandle } from 'node:fs/promises';
import { toBase64, UNIT_LENGTH_SIZE, type CodecInfo } from '../../src-shared/protocol/index.js';
import { FlacFrameReader } from '../flac-frame-reader.js';
import { audioEnd, readStreamInfo, type StreamInfo } from '../flac-frames.js';
import { id3v2Size } from '../mpeg-frames.js';
import { DecodeError, type SourceFormat } from '../pcm-source.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

/**
 * The largest frame a stream's parameters allow, with its length prefix: 16 bytes of header and 2 of CRC, and per
 * channel a subframe no larger than its samples verbatim one bit wider (side channels are) plus room for the
 * headers, partitions and coefficients of the other subframe kinds. A frame larger than this is damage.
 */
export function flacMaxUnitBytes(info: Pick<StreamInfo, 'channels' | 'bitsPerSample' | 'maxBlockSize'>): number {
  const maxBlock = info.maxBlockSize >= 16 ? info.maxBlockSize : 65535;
  return UNIT_LENGTH_SIZE + 18 + info.channels * (Math.ceil(((info.bitsPerSample + 1) * maxBlock) / 8) + 512);
}

class FlacUnits implements CodedSource {
  private readonly frames: FlacFrameReader;
  /** Frames wholly before this sample are not sent after a seek (the decoding source skips them too). */
  private skipBefore = 0;

  constructor(
    private readonly fh: FileHandle,
    info: StreamInfo,
    size: number,
    readonly format: SourceFormat,
    readonly codec: CodecInfo,
  ) {
    this.frames = new FlacFrameReader(fh, info, size);
  }

  async restart(frame: number): Promise<void> {
    await this.frames.restartAt(frame);
    this.skipBefore = frame;
  }

  async next(): Promise<CodedUnit | null> {
    for (;;) {
      const frame = await this.frames.nextFrame();
      if (!frame) return null;
      const { header, bytes } = frame;
      if (header.sample + header.blockSize <= this.skipBefore) continue;
      return { bytes, position: header.sample, end: header.sample + header.blockSize };
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

export async function openFlacUnits(path: string): Promise<CodedSource> {
  const fh = await open(path, 'r');
  try {
    const info = await readStreamInfo(fh);
    const size = (await fh.stat()).size;
    const head = new Uint8Array(10);
    await fh.read(head, 0, 10, 0);
    const streamInfo = new Uint8Array(34);
    if ((await fh.read(streamInfo, 0, 34, id3v2Size(head) + 8)).bytesRead < 34) throw new DecodeError('decode-failed', 'FLAC STREAMINFO missing');
    const totalFrames = await audioEnd(fh, info, size);
    const format = { sampleRate: info.sampleRate, channels: info.channels, totalFrames, codec: 'flac', bitsPerSample: info.bitsPerSample };
    const codec: CodecInfo = { name: 'flac', setup: [toBase64(streamInfo)], delay: 0, padding: null, maxUnitBytes: flacMaxUnitBytes(info) };
    return new FlacUnits(fh, info, size, format, codec);
  } catch (err) {
    await fh.close();
    throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
  }
}
