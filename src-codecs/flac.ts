/**
 * FLAC through @wasm-audio-decoders/flac, frame by frame, on the frames FlacFrameReader splits and seeks to.
 * Output is bit-exact: the decoder's floats are integers scaled by 1 / (2^(bits-1) - 1), recovered exactly, and
 * samples wider than 16 bits are narrowed by an arithmetic shift, as ffmpeg's s32-to-s16 conversion does.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { BlockPcmSource, type DecodedBlock } from './block-source.js';
import { FlacFrameReader } from './flac-frame-reader.js';
import { audioEnd, readStreamInfo, type StreamInfo } from './flac-frames.js';
import { DecodeError, type Decoder } from './pcm-source.js';

class FlacSource extends BlockPcmSource {
  private decoder = new FLACDecoder();
  private readonly frames: FlacFrameReader;
  /** Frames wholly before this sample are skipped without decoding after a seek. */
  private skipBefore = 0;

  private constructor(
    private readonly fh: FileHandle,
    info: StreamInfo,
    size: number,
    totalFrames: number,
  ) {
    super(
      { sampleRate: info.sampleRate, channels: info.channels, totalFrames, codec: 'flac', bitsPerSample: info.bitsPerSample },
      info.bitsPerSample,
    );
    this.frames = new FlacFrameReader(fh, info, size);
  }

  static async open(path: string): Promise<FlacSource> {
    const fh = await open(path, 'r');
    try {
      const info = await readStreamInfo(fh);
      const size = (await fh.stat()).size;
      // A truncated file's STREAMINFO still announces the whole length; the stream is what the frames hold.
      const total = await audioEnd(fh, info, size);
      const source = new FlacSource(fh, info, size, total);
      await source.decoder.ready;
      return source;
    } catch (err) {
      await fh.close();
      throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
    }
  }

  protected async restartAt(frame: number): Promise<void> {
    await this.frames.restartAt(frame);
    this.skipBefore = frame;
    await this.decoder.reset();
  }

  protected async nextBlock(): Promise<DecodedBlock | null> {
    for (;;) {
      const frame = await this.frames.nextFrame();
      if (!frame) return null;
      const { header, bytes } = frame;
      if (header.sample + header.blockSize <= this.skipBefore) continue;
      const r = await this.decoder.decodeFrames([bytes]);
      if (r.samplesDecoded === 0) continue; // a corrupt frame: the block source fills its span with silence
      return { start: header.sample, channelData: r.channelData, frames: r.samplesDecoded };
    }
  }

  protected async release(): Promise<void> {
    this.decoder.free();
    await this.fh.close();
  }
}

export const flacDecoder: Decoder = {
  codec: 'flac',
  sniff(head) {
    return head.length >= 4 && head[0] === 0x66 && head[1] === 0x4c && head[2] === 0x61 && head[3] === 0x43;
  },
  open: (path) => FlacSource.open(path),
};
