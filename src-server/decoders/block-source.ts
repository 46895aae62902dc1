/**
 * The part every compressed-format source shares: codecs decode in blocks (an MP3 frame, a FLAC frame, an Ogg page)
 * that start at a known sample; this turns blocks into exact s16 reads. A seek asks the codec to restart a little
 * before the target (its pre-roll), and the samples before the target are dropped here, so a read after seek(p)
 * yields exactly the samples a full decode has from p on. At most one decoded block is held at a time.
 */
import type { PcmSource, SourceFormat } from './pcm-source.js';

export interface DecodedBlock {
  /** Output frame (after encoder delay is removed) of channelData[c][0]; may be negative during pre-roll. */
  start: number;
  channelData: Float32Array[];
  frames: number;
}

/**
 * How a decoder's floats become s16. 'lossy': ffmpeg's float-to-s16, lrintf(x × 32768) (round half to even) and
 * clip. A number: the bit depth of a lossless source whose decoder scaled integers by 1 / (2^(bits-1) - 1); the
 * integer is recovered exactly and then widened or narrowed by a shift, as ffmpeg does (narrowing truncates).
 */
export type Quantize = 'lossy' | number;

/** lrint under the default rounding mode: to nearest, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r & 1 ? r - 1 : r;
}

export abstract class BlockPcmSource implements PcmSource {
  private block: DecodedBlock | null = null;
  private position = 0;
  private ended = false;

  protected constructor(
    readonly format: SourceFormat,
    private readonly quantize: Quantize,
  ) {}

  /** Restart decoding so that the next blocks begin at or before output frame `frame`. */
  protected abstract restartAt(frame: number): Promise<void>;
  /** The next decoded block, or null at the end of the stream. */
  protected abstract nextBlock(): Promise<DecodedBlock | null>;
  protected abstract release(): Promise<void>;

  async seek(frame: number): Promise<void> {
    const target = Math.max(0, Math.min(Math.floor(frame), this.format.totalFrames));
    this.block = null;
    this.ended = false;
    this.position = target;
    await this.restartAt(target);
  }

  async read(out: Uint8Array, offset: number, maxFrames: number): Promise<number> {
    const { channels, totalFrames } = this.format;
    const want = Math.min(maxFrames, totalFrames - this.position);
    const view = new DataView(out.buffer, out.byteOffset + offset, Math.max(0, want) * channels * 2);
    let written = 0;
    while (written < want) {
      const b = this.block;
      if (!b || b.start + b.frames <= this.position) {
        if (this.ended) break;
        this.block = await this.nextBlock();
        if (!this.block) this.ended = true;
        continue;
      }
      if (b.start > this.position) {
        // A gap in the decoded stream (a corrupt frame was dropped): fill with silence rather than shift time.
        const gap = Math.min(b.start - this.position, want - written);
        for (let i = 0; i < gap * channels; i++) view.setInt16((written * channels + i) * 2, 0, true);
        written += gap;
        this.position += gap;
        continue;
      }
      const from = this.position - b.start;
      const n = Math.min(b.frames - from, want - written);
      this.copy(b, from, n, view, written);
      written += n;
      this.position += n;
    }
    return written;
  }

  private copy(b: DecodedBlock, from: number, n: number, view: DataView, at: number): void {
    const channels = this.format.channels;
    const lossy = this.quantize === 'lossy';
    const bits = lossy ? 16 : (this.quantize as number);
    const scale = lossy ? 32768 : 2 ** (bits - 1) - 1;
    const shift = bits > 16 ? 2 ** (bits - 16) : 1;
    const widen = bits < 16 ? 2 ** (16 - bits) : 1;
    for (let c = 0; c < channels; c++) {
      // A decoder that returns fewer channels than announced (mono upmix never happens here) repeats the last one.
      const src = b.channelData[Math.min(c, b.channelData.length - 1)]!;
      let byte = (at * channels + c) * 2;
      for (let i = from; i < from + n; i++, byte += channels * 2) {
        const x = src[i]! * scale;
        const s = lossy ? roundHalfEven(x) : Math.floor(Math.round(x) / shift) * widen;
        view.setInt16(byte, s > 32767 ? 32767 : s < -32768 ? -32768 : s, true);
      }
    }
  }

  async close(): Promise<void> {
    this.block = null;
    await this.release();
  }
}
