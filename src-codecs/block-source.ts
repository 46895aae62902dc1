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

/**
 * Adding and subtracting 1.5 × 2^52 leaves a double with no fraction bits, so the FPU rounds it the IEEE way: to
 * nearest, ties to even, exactly lrint under the default rounding mode (for |x| < 2^51; larger values are clipped
 * anyway). Several times faster than Math.round and a correction for ties.
 */
const ROUND = 6755399441055744;

/** lrint under the default rounding mode: to nearest, ties to even. */
export function roundHalfEven(x: number): number {
  return x + ROUND - ROUND;
}

/** Int16Array views write the platform's byte order; streams are little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
    const want = Math.max(0, Math.min(maxFrames, totalFrames - this.position));
    // Samples are written through an Int16Array over `out` when its byte order and alignment allow (always, in
    // practice), else into a scratch array copied over at the end.
    const at = out.byteOffset + offset;
    const direct = LITTLE_ENDIAN && at % 2 === 0;
    const pcm = direct ? new Int16Array(out.buffer, at, want * channels) : new Int16Array(want * channels);
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
        pcm.fill(0, written * channels, (written + gap) * channels);
        written += gap;
        this.position += gap;
        continue;
      }
      const from = this.position - b.start;
      const n = Math.min(b.frames - from, want - written);
      this.copy(b, from, n, pcm, written * channels);
      written += n;
      this.position += n;
    }
    if (!direct) {
      const view = new DataView(out.buffer, at, written * channels * 2);
      for (let i = 0; i < written * channels; i++) view.setInt16(i * 2, pcm[i]!, true);
    }
    return written;
  }

  private copy(b: DecodedBlock, from: number, n: number, pcm: Int16Array, at: number): void {
    blockToS16(b, from, n, pcm, at, this.format.channels, this.quantize);
  }

  async close(): Promise<void> {
    this.block = null;
    await this.release();
  }
}

/**
 * Converts frames [from, from + n) of a block to s16, interleaved into `pcm` from index `at`: the one conversion of
 * the server's sources and of clients that decode an `original` stream, so both give the same samples.
 */
export function blockToS16(b: DecodedBlock, from: number, n: number, pcm: Int16Array, at: number, channels: number, quantize: Quantize): void {
  if (channels === 2 && b.channelData.length === 2) {
    // Stereo, nearly every track: both channels in one pass, writing the output in order.
    const [l, r] = b.channelData as [Float32Array, Float32Array];
    if (quantize === 'lossy') stereoFloatToS16(l, r, from, from + n, pcm, at);
    else if (quantize >= 16) stereoIntegerToS16(l, r, from, from + n, pcm, at, quantize);
    else {
      integerToS16(l, from, from + n, pcm, at, 2, quantize);
      integerToS16(r, from, from + n, pcm, at + 1, 2, quantize);
    }
    return;
  }
  for (let c = 0; c < channels; c++) {
    // A decoder that returns fewer channels than announced (mono upmix never happens here) repeats the last one.
    const src = b.channelData[Math.min(c, b.channelData.length - 1)]!;
    if (quantize === 'lossy') floatToS16(src, from, from + n, pcm, at + c, channels);
    else integerToS16(src, from, from + n, pcm, at + c, channels, quantize);
  }
}

/** ffmpeg's float to s16: clip(lrintf(x × 32768)). Writes src[from, to) to pcm[at], pcm[at + stride]... */
function floatToS16(src: Float32Array, from: number, to: number, pcm: Int16Array, at: number, stride: number): void {
  for (let i = from, k = at; i < to; i++, k += stride) {
    const s = src[i]! * 32768 + ROUND - ROUND;
    pcm[k] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
  }
}

/**
 * A lossless decoder's floats back to s16: times 2^(bits-1) - 1 is the source integer (to within float error, so
 * rounding meets no ties), then narrowed by an arithmetic shift (truncation, as ffmpeg) or widened by one.
 */
function integerToS16(src: Float32Array, from: number, to: number, pcm: Int16Array, at: number, stride: number, bits: number): void {
  const scale = 2 ** (bits - 1) - 1;
  if (bits >= 16) {
    // Source integers fit in 32 bits: `>>` is the arithmetic shift itself (Math.floor of a product, its equal,
    // measured several times slower here and made FLAC decoding a third slower).
    const shift = bits - 16;
    for (let i = from, k = at; i < to; i++, k += stride) pcm[k] = (src[i]! * scale + ROUND - ROUND) >> shift;
    return;
  }
  const factor = 2 ** (16 - bits);
  for (let i = from, k = at; i < to; i++, k += stride) pcm[k] = (src[i]! * scale + ROUND - ROUND) * factor;
}

/** floatToS16 for the two channels of a stereo block at once. */
function stereoFloatToS16(l: Float32Array, r: Float32Array, from: number, to: number, pcm: Int16Array, at: number): void {
  for (let i = from, k = at; i < to; i++, k += 2) {
    const a = l[i]! * 32768 + ROUND - ROUND;
    const b = r[i]! * 32768 + ROUND - ROUND;
    pcm[k] = a > 32767 ? 32767 : a < -32768 ? -32768 : a;
    pcm[k + 1] = b > 32767 ? 32767 : b < -32768 ? -32768 : b;
  }
}

/** integerToS16 for the two channels of a stereo block of 16 bits or more at once. */
function stereoIntegerToS16(l: Float32Array, r: Float32Array, from: number, to: number, pcm: Int16Array, at: number, bits: number): void {
  const scale = 2 ** (bits - 1) - 1;
  const shift = bits - 16;
  for (let i = from, k = at; i < to; i++, k += 2) {
    pcm[k] = (l[i]! * scale + ROUND - ROUND) >> shift;
    pcm[k + 1] = (r[i]! * scale + ROUND - ROUND) >> shift;
  }
}
