/**
 * MPEG layer I/II/III through mpg123-decoder (WebAssembly), one frame at a time from our own frame index.
 * Gapless: like ffmpeg, the LAME tag's encoder delay plus mpg123's fixed 529-sample decoder delay is dropped at the
 * start and the padding at the end, so the samples streamed are the samples that were encoded.
 * Seek: decoding restarts a few frames before the target, enough to refill the bit reservoir (up to 511 bytes back)
 * and the overlap of the previous granule, so the samples from the target on equal a full decode's.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { MPEGDecoder } from 'mpg123-decoder';
import { BlockPcmSource, type DecodedBlock } from './block-source.js';
import { buildMpegIndex, DECODER_DELAY, gaplessLength, id3v2Size, parseMpegHeader, type MpegIndex } from './mpeg-frames.js';
import { DecodeError, type Decoder } from './pcm-source.js';

/** Bytes the layer III bit reservoir may reach back: a restart begins at least this far before the target frame. */
const RESERVOIR_BYTES = 511;
/** Whole frames decoded before the target beyond the reservoir, for the MDCT overlap and synthesis history. */
const EXTRA_PREROLL_FRAMES = 2;
/** Frames after which mpg123's synthesis state is back in the same slot, for every layer and version. */
const SYNTH_CYCLE_FRAMES = 8;
/** Frame bytes read from disk at once. */
const READ_AHEAD = 64 * 1024;

/** Decoded samples before output frame 0: the LAME tag's encoder delay and the decoder's own; 0 without a LAME tag. */
export function mpegSkip(index: MpegIndex): number {
  return index.gapless.delay !== null ? index.gapless.delay + DECODER_DELAY : 0;
}

/**
 * The index of the frame where decoding restarts so that the samples from output frame `frame` on equal a full
 * decode's: the bit reservoir's bytes and two frames before the target's frame, rounded down to a multiple of 8.
 */
export function mpegRestartFrame(index: MpegIndex, frame: number): number {
  const spf = index.first.samplesPerFrame;
  const target = Math.min(Math.floor((frame + mpegSkip(index)) / spf), index.offsets.length);
  let start = target;
  let bytes = 0;
  while (start > 0 && bytes < RESERVOIR_BYTES) bytes += index.lengths[--start]!;
  // mpg123's synthesis window rotates through 16 slots, advancing per subband block; restarting on a multiple of
  // 8 frames puts it in the slot a full decode has there, so the float sums (and thus the output) are identical.
  return Math.max(0, Math.floor((start - EXTRA_PREROLL_FRAMES) / SYNTH_CYCLE_FRAMES) * SYNTH_CYCLE_FRAMES);
}

class Mp3Source extends BlockPcmSource {
  private decoder = new MPEGDecoder({ enableGapless: false });
  private next = 0;
  private readonly skip: number;
  private readonly spf: number;
  private buf = new Uint8Array(READ_AHEAD);
  private bufStart = 0;
  private bufLen = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly index: MpegIndex,
  ) {
    const { first, offsets, gapless } = index;
    const spf = first.samplesPerFrame;
    const skip = mpegSkip(index);
    super(
      {
        sampleRate: first.sampleRate,
        channels: first.channels,
        totalFrames: gaplessLength(offsets.length, spf, gapless),
        codec: first.layer === 3 ? 'mp3' : first.layer === 2 ? 'mp2' : 'mp1',
        bitsPerSample: null,
      },
      'lossy',
    );
    this.skip = skip;
    this.spf = spf;
  }

  static async open(path: string): Promise<Mp3Source> {
    const fh = await open(path, 'r');
    try {
      const index = await buildMpegIndex(fh, (await fh.stat()).size);
      const source = new Mp3Source(fh, index);
      await source.decoder.ready;
      return source;
    } catch (err) {
      await fh.close();
      throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
    }
  }

  protected async restartAt(frame: number): Promise<void> {
    this.next = mpegRestartFrame(this.index, frame);
    await this.decoder.reset();
  }

  protected async nextBlock(): Promise<DecodedBlock | null> {
    const { offsets, lengths } = this.index;
    while (this.next < offsets.length) {
      const n = this.next++;
      const frame = await this.frameBytes(offsets[n]!, lengths[n]!);
      const r = this.decoder.decodeFrame(frame);
      if (r.samplesDecoded === 0) continue;
      // Anchor at the frame's end: a frame whose reservoir is missing may yield fewer samples, never later ones.
      const end = (n + 1) * this.spf - this.skip;
      return { start: end - r.samplesDecoded, channelData: r.channelData, frames: r.samplesDecoded };
    }
    return null;
  }

  private async frameBytes(at: number, length: number): Promise<Uint8Array> {
    if (at < this.bufStart || at + length > this.bufStart + this.bufLen) {
      if (length > this.buf.length) this.buf = new Uint8Array(length);
      this.bufStart = at;
      this.bufLen = (await this.fh.read(this.buf, 0, this.buf.length, at)).bytesRead;
      if (this.bufLen < length) throw new DecodeError('decode-failed', 'file shrank while playing');
    }
    return this.buf.subarray(at - this.bufStart, at - this.bufStart + length);
  }

  protected async release(): Promise<void> {
    this.decoder.free();
    await this.fh.close();
  }
}

export const mp3Decoder: Decoder = {
  codec: 'mp3',
  sniff(head) {
    // The registry passes the bytes after any ID3v2 tag; a frame header must be there, confirmed by open().
    return parseMpegHeader(head, 0) !== null || id3v2Size(head) > 0;
  },
  open: (path) => Mp3Source.open(path),
};
