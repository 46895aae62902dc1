/**
 * A stream set up with the `opus` encoding (docs/PROTOCOL.md §8.11): the track decoded, resampled to 48 kHz and
 * encoded as 20 ms Opus packets at the bitrate the client asked for, so a link that cannot carry PCM or the file's
 * own frames still plays. Each epoch starts a fresh encoder a little before the first frame the client needs (the
 * client discards the rest); positions, PAUSE and END count the source's own sample frames, and the granules sent
 * say exactly which of them the client can already give (framesReached).
 */
import {
  DATA_HEADER_SIZE,
  OPUS_MAX_UNIT_BYTES,
  OPUS_PACKET_GRANULES,
  OPUS_RATE,
  UNIT_LENGTH_SIZE,
  encodedSize,
  framesReached,
  kernelHalfWidth,
  restartGranule,
  toBase64,
  type CodecInfo,
  type PlayReply,
} from '../../src-shared/protocol/index.js';
import type { PcmSource } from '../../src-codecs/pcm-source.js';
import { OpusEncoder } from '../../src-codecs/opus-transcode/opus-encoder.js';
import { Resampler } from '../../src-codecs/opus-transcode/resampler.js';
import { DATA_PAYLOAD_OFFSET, PacedStream, type StreamSink } from './paced-stream.js';

/** Packets gathered into one DATA at most: 200 ms, so a slow link still sees DATA arrive several times a second. */
const PACKETS_PER_DATA = 10;
/** Source frames decoded per read. */
const READ_FRAMES = 4096;

export class OpusStreamSession extends PacedStream {
  readonly codec: CodecInfo;
  private readonly encoder: OpusEncoder;
  private readonly resampler: Resampler;
  private readonly delay: number;
  /** The epoch's first granule, and packets of the epoch encoded so far. */
  private epochGranule = 0;
  private packets = 0;
  /** A packet encoded but not sent (no credit for it), kept for the next DATA. */
  private held: Uint8Array | null = null;
  /** The source frame after the last one read, and where the file really ended (when short of totalFrames). */
  private readFrame = 0;
  private sourceEnd: number | null = null;
  private readonly readBuffer: Uint8Array;
  private readonly packetPcm = new Float32Array(OPUS_PACKET_GRANULES * 2);
  private readonly packetS16 = new Int16Array(OPUS_PACKET_GRANULES * 2);

  constructor(
    did: number,
    trackId: string,
    private readonly source: PcmSource,
    sink: StreamSink,
    window: number,
    checksum: boolean,
    readonly bitrate: number,
  ) {
    super(did, trackId, source.format, sink, window, 1, checksum);
    const { channels, sampleRate } = this.format;
    this.encoder = new OpusEncoder(channels, bitrate);
    this.delay = this.encoder.lookahead;
    this.resampler = new Resampler(sampleRate, OPUS_RATE, channels);
    this.readBuffer = new Uint8Array(READ_FRAMES * this.format.bytesPerFrame);
    this.codec = {
      name: 'opus',
      setup: [toBase64(opusHead(channels, this.delay, sampleRate)), toBase64(OPUS_TAGS)],
      delay: this.delay,
      padding: null,
      maxUnitBytes: OPUS_MAX_UNIT_BYTES,
      bitrate,
    };
  }

  /** Opus carries one or two channels here (one stream, mapping family 0); other tracks are set up as PCM. */
  static carries(channels: number): boolean {
    return channels === 1 || channels === 2;
  }

  async play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply> {
    await this.stop();
    if (positionMs !== undefined) this.nextFrame = this.frameAt(positionMs);
    const { sampleRate } = this.format;
    this.epochGranule = restartGranule(this.nextFrame, sampleRate);
    // The resampler's first outputs read source frames before the epoch's granule: start the decoder that early.
    const from = Math.max(0, Math.floor((this.epochGranule * sampleRate) / OPUS_RATE) - kernelHalfWidth(sampleRate, OPUS_RATE));
    await this.source.seek(from);
    this.readFrame = from;
    this.sourceEnd = null;
    this.resampler.reset(from, this.epochGranule);
    this.encoder.reset();
    this.packets = 0;
    this.held = null;
    const epoch = this.startEpoch(window);
    return { epoch, startFrame: this.nextFrame, positionMs: this.positionMs() };
  }

  protected async release(): Promise<void> {
    this.encoder.free();
    await this.source.close();
  }

  /** The source frames a client can give from the epoch's first `packets` packets, up to the end of the file. */
  private reachedBy(packets: number): number {
    const end = this.epochGranule + packets * OPUS_PACKET_GRANULES - this.delay;
    return framesReached(end, this.format.sampleRate, this.sourceEnd ?? this.format.totalFrames);
  }

  /** What the packets encoded so far reach: once it is the end, no more are needed. */
  private get reached(): number {
    return this.reachedBy(this.packets);
  }

  protected async produce(): Promise<void> {
    const last = () => this.sourceEnd ?? this.format.totalFrames;
    while (this.flowing) {
      if (!this.held && this.reached >= last()) return this.end();
      if (this.waitsForCredit(Number.MAX_SAFE_INTEGER)) return;
      const units: Uint8Array[] = [];
      let bytes = 0;
      const first = this.held ? this.packets - 1 : this.packets;
      try {
        while (units.length < PACKETS_PER_DATA) {
          const unit = this.held ?? (this.reached < last() ? await this.encodeNext() : null);
          if (!unit) break;
          if (bytes + UNIT_LENGTH_SIZE + unit.length > this.credit) {
            this.held = unit;
            break;
          }
          this.held = null;
          units.push(unit);
          bytes += UNIT_LENGTH_SIZE + unit.length;
          if (this.reached >= last()) break;
        }
      } catch (err) {
        return this.fail(err as Error);
      }
      if (units.length === 0) return;
      this.send(units, bytes, this.epochGranule + first * OPUS_PACKET_GRANULES);
      this.nextFrame = Math.max(this.nextFrame, this.reachedBy(this.packets - (this.held ? 1 : 0)));
    }
  }

  /** Encodes the epoch's next packet, reading and resampling the source as far as it needs. */
  private async encodeNext(): Promise<Uint8Array> {
    const { channels, bytesPerFrame } = this.format;
    while (this.resampler.available() < OPUS_PACKET_GRANULES) {
      if (this.sourceEnd !== null) {
        // Past the file's end: silence, so the kernel and the encoder's lookahead reach the last frame.
        this.resampler.pushSilence(READ_FRAMES);
        continue;
      }
      const got = await this.source.read(this.readBuffer, 0, READ_FRAMES);
      if (got === 0) {
        this.sourceEnd = Math.min(this.readFrame, this.format.totalFrames);
        continue;
      }
      this.resampler.pushS16(new Int16Array(this.readBuffer.buffer, 0, (got * bytesPerFrame) / 2), got);
      this.readFrame += got;
    }
    this.resampler.pull(this.packetPcm, 0, OPUS_PACKET_GRANULES);
    const n = OPUS_PACKET_GRANULES * channels;
    for (let i = 0; i < n; i++) {
      const v = Math.round(this.packetPcm[i]! * 32768);
      this.packetS16[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    this.packets++;
    return this.encoder.encode(this.packetS16);
  }

  private send(units: readonly Uint8Array[], bytes: number, position: number): void {
    const buffer = new Uint8Array(encodedSize(DATA_HEADER_SIZE + bytes, this.checksum));
    const view = new DataView(buffer.buffer);
    let at = DATA_PAYLOAD_OFFSET;
    for (const unit of units) {
      view.setUint32(at, unit.length);
      buffer.set(unit, at + UNIT_LENGTH_SIZE);
      at += UNIT_LENGTH_SIZE + unit.length;
    }
    this.sink.write(this.frameData(buffer, bytes, position));
  }

  private end(): void {
    const total = this.format.totalFrames;
    this.nextFrame = this.sourceEnd ?? total;
    if (this.sourceEnd !== null && this.sourceEnd < total) {
      return this.finish(this.sourceEnd, `the file ended after ${this.sourceEnd} of the ${total} sample frames announced: it is truncated or damaged`);
    }
    this.finish(total);
  }
}

/** RFC 7845's identification header: mapping family 0, no gain; the input rate is the source's, for information. */
export function opusHead(channels: number, preSkip: number, inputRate: number): Uint8Array {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  const v = new DataView(head.buffer);
  head[8] = 1;
  head[9] = channels;
  v.setUint16(10, preSkip, true);
  v.setUint32(12, inputRate, true);
  return head;
}

/** A comment header without comments: tags come from LIST. */
const OPUS_TAGS = ((): Uint8Array => {
  const vendor = new TextEncoder().encode('libopus 1.4');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(new TextEncoder().encode('OpusTags'));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  return tags;
})();
