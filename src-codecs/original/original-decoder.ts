/**
 * The client's half of an `original` stream: the units of each DATA decoded with the decoders the server's own
 * sources use, placed on the track's timeline by docs/PROTOCOL.md §8.10's rules and converted to s16 by the same
 * code, so the PCM equals what a `pcm` stream of the track carries, from the start and after every seek.
 */
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { MPEGDecoder } from 'mpg123-decoder';
import { fromBase64, type CodecInfo } from '../../src-shared/protocol/index.js';
import { blockToS16, type DecodedBlock, type Quantize } from '../block-source.js';
import { parseFrameHeader, type StreamInfo } from '../flac-frames.js';
import { opusCodec, VORBIS_TO_WAV, vorbisCodec, type PacketCodec } from '../ogg.js';
import { PacketAssembler, parsePage } from '../ogg-pages.js';
import { converter } from '../wav.js';

/** How one codec turns the units of a DATA into decoded blocks placed on the output timeline. */
interface UnitCodec {
  readonly quantize: Quantize;
  /** Readies the decoder as at the stream's start, before the first units of an epoch. */
  restart(): Promise<void>;
  blocks(position: number, units: readonly Uint8Array[], firstOfEpoch: boolean): Promise<DecodedBlock[]>;
  free(): void;
}

export interface DecoderFormat {
  sampleRate: number;
  channels: number;
  totalFrames: number;
}

export interface DecodedPcm {
  /** The output frame of the first sample; consecutive calls of one epoch follow on. */
  firstFrame: number;
  /** Interleaved s16le. */
  pcm: Uint8Array;
}

export class OriginalDecoder {
  /** The next output frame: samples placed before it are dropped (a seek's pre-roll), a gap up to a block is silence. */
  private next = 0;
  private firstOfEpoch = true;

  private constructor(
    private readonly format: DecoderFormat,
    private readonly codec: CodecInfo,
    private readonly units: UnitCodec | null,
  ) {}

  static async open(format: DecoderFormat, codec: CodecInfo): Promise<OriginalDecoder> {
    return new OriginalDecoder(format, codec, codec.name === 'pcm' ? null : await unitCodec(format, codec));
  }

  /** A new epoch whose samples start at output frame `startFrame` (the PLAY reply's). */
  async restart(startFrame: number): Promise<void> {
    this.next = startFrame;
    this.firstOfEpoch = true;
    await this.units?.restart();
  }

  /** The output frame the next sample will have: after the last DATA, where the audio stopped. */
  get position(): number {
    return this.next;
  }

  /** Decodes one DATA's units; the PCM they add (possibly none: a pre-roll, headers). */
  async decode(position: number, units: readonly Uint8Array[]): Promise<DecodedPcm> {
    const firstFrame = this.next;
    const first = this.firstOfEpoch;
    this.firstOfEpoch = false;
    if (!this.units) return { firstFrame, pcm: this.convertPcm(position, units[0] ?? new Uint8Array(0)) };
    const blocks = await this.units.blocks(position, units, first);
    const { channels, totalFrames } = this.format;
    let frames = 0;
    let cursor = this.next;
    for (const b of blocks) {
      if (b.start + b.frames <= cursor || cursor >= totalFrames) continue;
      const end = Math.min(b.start + b.frames, totalFrames);
      frames += end - cursor;
      cursor = end;
    }
    const pcm = new Int16Array(frames * channels);
    for (const b of blocks) {
      if (b.start + b.frames <= this.next || this.next >= totalFrames) continue;
      if (b.start > this.next) {
        // A span no unit covered (a damaged frame decoded to nothing): silence, as the server's sources give.
        const gap = Math.min(b.start, totalFrames) - this.next;
        this.next += gap;
      }
      if (this.next >= totalFrames) break;
      const from = this.next - b.start;
      const n = Math.min(b.frames - from, totalFrames - this.next);
      blockToS16(b, from, n, pcm, (this.next - firstFrame) * channels, channels, this.units.quantize);
      this.next += n;
    }
    return { firstFrame, pcm: new Uint8Array(pcm.buffer, 0, pcm.byteLength) };
  }

  /** A WAV file's PCM, converted as the server's WAV source converts it. */
  private convertPcm(position: number, bytes: Uint8Array): Uint8Array {
    const bytesPerFrame = this.codec.bytesPerFrame!;
    const { channels, totalFrames } = this.format;
    const skip = Math.max(0, this.next - position);
    const frames = Math.max(0, Math.min(Math.floor(bytes.length / bytesPerFrame) - skip, totalFrames - this.next));
    const src = Buffer.from(bytes.buffer, bytes.byteOffset + skip * bytesPerFrame, frames * bytesPerFrame);
    const out = new Uint8Array(frames * channels * 2);
    const sampleFormat = this.codec.sampleFormat!;
    if (sampleFormat === 's16le') out.set(src);
    else {
      const convert = converter({ encoding: sampleFormat.startsWith('f') ? 'float' : 'int', bitsPerSample: (bytesPerFrame / channels) * 8 });
      const view = new DataView(out.buffer);
      const bytesPerSample = bytesPerFrame / channels;
      for (let s = 0; s < frames * channels; s++) view.setInt16(s * 2, convert(src, s * bytesPerSample), true);
    }
    this.next += frames;
    return out;
  }

  free(): void {
    this.units?.free();
  }
}

async function unitCodec(format: DecoderFormat, codec: CodecInfo): Promise<UnitCodec> {
  const setup = codec.setup.map(fromBase64);
  if (codec.name === 'flac') return flacUnits(setup[0]!);
  if (codec.name === 'mp3') return mpegUnits(codec.samplesPerFrame!, codec.delay);
  const packetCodec = codec.name === 'vorbis' ? await vorbisCodec(setup) : await opusCodec(setup);
  if (packetCodec.channels !== format.channels) throw new Error(`the ${codec.name} headers say ${packetCodec.channels} channels, the stream ${format.channels}`);
  return oggUnits(packetCodec, codec.delay);
}

/** STREAMINFO's fields, from the 34 bytes of the block (docs/PROTOCOL.md §8.10: `codec.setup[0]`). */
export function streamInfoFrom(b: Uint8Array): StreamInfo {
  if (b.length < 34) throw new Error('STREAMINFO is 34 bytes');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    minBlockSize: v.getUint16(0),
    maxBlockSize: v.getUint16(2),
    sampleRate: (v.getUint16(10) << 4) | (b[12]! >> 4),
    channels: ((b[12]! >> 1) & 7) + 1,
    bitsPerSample: (((b[12]! & 1) << 4) | (b[13]! >> 4)) + 1,
    totalSamples: (b[13]! & 0x0f) * 2 ** 32 + v.getUint32(14),
    audioStart: 0,
  };
}

async function flacUnits(streamInfo: Uint8Array): Promise<UnitCodec> {
  const info = streamInfoFrom(streamInfo);
  const decoder = new FLACDecoder();
  await decoder.ready;
  return {
    quantize: info.bitsPerSample,
    restart: () => decoder.reset(),
    async blocks(_position, units) {
      const out: DecodedBlock[] = [];
      for (const unit of units) {
        // Each frame's header says where its samples go; one that does not parse is damage, left as a gap.
        const header = parseFrameHeader(unit, 0, info);
        if (!header) continue;
        const r = await decoder.decodeFrames([unit]);
        if (r.samplesDecoded > 0) out.push({ start: header.sample, channelData: r.channelData, frames: r.samplesDecoded });
      }
      return out;
    },
    free: () => decoder.free(),
  };
}

async function mpegUnits(samplesPerFrame: number, delay: number): Promise<UnitCodec> {
  const decoder = new MPEGDecoder({ enableGapless: false });
  await decoder.ready;
  return {
    quantize: 'lossy',
    restart: () => decoder.reset(),
    async blocks(position, units) {
      const out: DecodedBlock[] = [];
      units.forEach((unit, i) => {
        const r = decoder.decodeFrame(unit);
        if (r.samplesDecoded === 0) return;
        // Frame n ends just before (n + 1) × samplesPerFrame − delay; one short of its reservoir lost its first samples.
        const end = (position + i + 1) * samplesPerFrame - delay;
        out.push({ start: end - r.samplesDecoded, channelData: r.channelData, frames: r.samplesDecoded });
      });
      return out;
    },
    free: () => decoder.free(),
  };
}

function oggUnits(codec: PacketCodec, delay: number): UnitCodec {
  let packets: PacketAssembler | null = null;
  let prevEnd: number | null = null;
  /** Not fed since it was built: already what a restart needs. */
  let fresh = true;
  const map = codec.vorbisOrder ? VORBIS_TO_WAV[codec.channels] : undefined;
  return {
    quantize: 'lossy',
    async restart() {
      packets?.reset();
      // Every epoch starts from a decoder as new, so what it decodes depends on the epoch's pages alone.
      if (!fresh) await codec.reset(true);
      fresh = true;
    },
    async blocks(position, units, firstOfEpoch) {
      if (firstOfEpoch) prevEnd = position === 0 ? -delay : null;
      const out: DecodedBlock[] = [];
      for (const unit of units) {
        const page = parsePage(unit, 0, 0);
        if (!page) continue;
        packets ??= new PacketAssembler(page.serial);
        const done = packets.push(page);
        if (done.length === 0) continue;
        const r = await codec.decode(done);
        fresh = false;
        const end = page.granule >= 0 ? page.granule - delay : null;
        let frames = r.samplesDecoded;
        const start = prevEnd ?? (end ?? 0) - frames;
        if (end !== null && start + frames > end) frames = Math.max(0, end - start); // the last page's padding
        prevEnd = end ?? start + frames;
        if (frames === 0) continue;
        out.push({ start, frames, channelData: map ? map.map((c) => r.channelData[c]!) : r.channelData });
      }
      return out;
    },
    free: () => codec.free(),
  };
}
