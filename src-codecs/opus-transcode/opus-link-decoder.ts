/**
 * The client's half of an `opus` stream (docs/PROTOCOL.md §8.11): each epoch's packets decoded by a fresh Opus
 * decoder, placed on the 48 kHz granule timeline from the DATA positions, and resampled back to the source's rate
 * with the server's kernel. A source frame is handed out once the granules its kernel reads have arrived, which is
 * exactly how far the server counts the stream as sent (framesReached): PAUSE and resume meet without a gap.
 */
import { OpusDecoder } from 'opus-decoder';
import { OPUS_PACKET_GRANULES, OPUS_RATE, fromBase64, type CodecInfo } from '../../src-shared/protocol/index.js';
import type { DecodedPcm, DecoderFormat } from '../original/original-decoder.js';
import { Resampler } from './resampler.js';

export class OpusLinkDecoder {
  /** The next source frame to hand out. */
  private next = 0;
  private firstOfEpoch = true;
  /** Granule of the next decoded sample; samples before the epoch's first granule are the encoder's pre-skip. */
  private cursor = 0;
  private epochGranule = 0;
  private fresh = true;
  private readonly resampler: Resampler;
  private out = new Float32Array(0);

  private constructor(
    private readonly format: DecoderFormat,
    private readonly delay: number,
    private readonly decoder: OpusDecoder,
  ) {
    this.resampler = new Resampler(OPUS_RATE, format.sampleRate, format.channels);
  }

  static async open(format: DecoderFormat, codec: CodecInfo): Promise<OpusLinkDecoder> {
    const head = fromBase64(codec.setup[0] ?? '');
    if (head.length < 19 || new TextDecoder().decode(head.subarray(0, 8)) !== 'OpusHead') throw new Error('the opus setup has no OpusHead');
    const channels = head[9]!;
    if (channels !== format.channels || channels > 2) throw new Error(`the OpusHead says ${channels} channels, the stream ${format.channels}`);
    const decoder = new OpusDecoder({
      channels,
      streamCount: 1,
      coupledStreamCount: channels - 1,
      channelMappingTable: channels === 2 ? [0, 1] : [0],
      preSkip: 0,
    });
    await decoder.ready;
    return new OpusLinkDecoder(format, codec.delay, decoder);
  }

  /** A new epoch whose samples start at source frame `startFrame` (the PLAY reply's). */
  async restart(startFrame: number): Promise<void> {
    this.next = startFrame;
    this.firstOfEpoch = true;
    // Every epoch starts from a decoder as new, as the server's encoder does.
    if (!this.fresh) await this.decoder.reset();
    this.fresh = true;
  }

  get position(): number {
    return this.next;
  }

  /** Decodes one DATA's packets; the source frames they complete (possibly none: a seek's pre-roll). */
  async decode(position: number, units: readonly Uint8Array[]): Promise<DecodedPcm> {
    const { channels, totalFrames } = this.format;
    if (this.firstOfEpoch) {
      this.firstOfEpoch = false;
      this.epochGranule = position;
      this.cursor = position - this.delay;
      this.resampler.reset(position, this.next);
    }
    for (const unit of units) {
      const r = this.decoder.decodeFrame(unit);
      this.fresh = false;
      // Every packet is 20 ms; one the decoder could not read still takes its place on the timeline, as silence.
      const frames = r.samplesDecoded === OPUS_PACKET_GRANULES ? r.samplesDecoded : 0;
      const skip = Math.max(0, Math.min(frames, this.epochGranule - this.cursor));
      if (frames > 0) this.resampler.push(r.channelData, frames - skip, skip);
      else if (this.cursor + OPUS_PACKET_GRANULES > this.epochGranule) this.resampler.pushSilence(OPUS_PACKET_GRANULES - Math.max(0, this.epochGranule - this.cursor));
      this.cursor += OPUS_PACKET_GRANULES;
    }
    const firstFrame = this.next;
    const n = Math.max(0, Math.min(this.resampler.available(), totalFrames - this.next));
    if (this.out.length < n * channels) this.out = new Float32Array(n * channels);
    this.resampler.pull(this.out, 0, n);
    const pcm = new Int16Array(n * channels);
    for (let i = 0; i < pcm.length; i++) {
      const v = Math.round(this.out[i]! * 32768);
      pcm[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    this.next += n;
    return { firstFrame, pcm: new Uint8Array(pcm.buffer) };
  }

  free(): void {
    this.decoder.free();
  }
}
