/**
 * Ogg Vorbis (@wasm-audio-decoders/ogg-vorbis) and Ogg Opus (opus-decoder, the packet decoder inside
 * ogg-opus-decoder), page by page. Positions come from the pages' granules: each decoded page ends at its granule,
 * so a restart anywhere in the file knows exactly where its samples lie. A seek bisects the file on granules to the
 * page a pre-roll before the target: Vorbis needs the previous packet (its windows overlap), so the restart is
 * bit-exact; Opus needs 80 ms for its decoder state to converge, so samples are within the codec's tolerance.
 * A chained file plays link after link, each with a decoder of its own, its samples placed right after the previous
 * link's last: one gapless stream, as long as all its links.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { codecFrames, data, header, vorbisSetup } from 'codec-parser';
import { OpusDecoder } from 'opus-decoder';
import { BlockPcmSource, type DecodedBlock } from './block-source.js';
import { chainProblem, linkFormat, linkFrames, readOggLinks, type LinkFormat, type OggLink } from './ogg-links.js';
import { oggRestartOffset, PacketAssembler, PageReader } from './ogg-pages.js';
import { DecodeError, type Decoder } from './pcm-source.js';

export interface PacketCodec {
  sampleRate: number;
  channels: number;
  /** Granule units before output frame 0 (Opus pre-skip). */
  offset: number;
  /** How far before the target, in granule units, decoding restarts. */
  preroll: number;
  /** Vorbis and Opus families 1 and 255 order channels L C R...; streams are sent in WAV (and ffmpeg) order. */
  vorbisOrder: boolean;
  /** Readies the decoder for packets that do not follow the last ones: `atStart` when they are the stream's first. */
  reset(atStart: boolean): Promise<void>;
  decode(packets: Uint8Array[]): Promise<{ channelData: Float32Array[]; samplesDecoded: number }>;
  free(): void;
}

/** Granules before a seek's target where decoding restarts. Vorbis: enough for any block's overlap. */
export const VORBIS_PREROLL = 16384;
/** Opus: 80 ms is the specification's minimum; 250 ms lets the decoder's state converge to within a few LSB. */
export const OPUS_PREROLL = 12000;

/** For each WAV channel position, the Vorbis-order channel that goes there (3 to 8 channels). */
export const VORBIS_TO_WAV: Record<number, number[]> = {
  3: [0, 2, 1],
  5: [0, 2, 1, 3, 4],
  6: [0, 2, 1, 5, 3, 4],
  7: [0, 2, 1, 6, 5, 3, 4],
  8: [0, 2, 1, 7, 5, 6, 3, 4],
};

export async function vorbisCodec(headers: Uint8Array[]): Promise<PacketCodec> {
  const id = headers[0]!;
  const v = new DataView(id.buffer, id.byteOffset, id.byteLength);
  const decoder = new OggVorbisDecoder();
  await decoder.ready;
  // The decoder takes codec-parser's page objects; these carry just the fields it reads.
  const page = (bytes: Uint8Array, packets: Uint8Array[]) =>
    ({ [data]: bytes, [codecFrames]: packets.map((p) => ({ [data]: p, [header]: { [vorbisSetup]: headers[2] } })) }) as never;
  // The headers are given at once rather than with the first audio: building the setup header's codebooks is most
  // of the cost of a decoder's first page. The empty packet after them is not audio, so it leaves no state.
  const prime = async () => {
    await decoder.decodeOggPages([page(id, [])]);
    await decoder.decodeOggPages([page(new Uint8Array(0), [new Uint8Array(0)])]);
  };
  await prime();
  return {
    sampleRate: v.getUint32(12, true),
    channels: id[11]!,
    offset: 0,
    preroll: VORBIS_PREROLL,
    vorbisOrder: true,
    async reset(atStart) {
      // Rebuilding the decoder costs a new WebAssembly instance and the codebooks again: most of a seek's time.
      // Mid-stream it is not needed: a Vorbis packet's only state is the previous packet's overlap, so after the
      // first packet fed (whose samples, mixed with stale overlap, fall in the pre-roll and are dropped) the output
      // is the full decode's, and each page's samples are placed by its granule. At the stream's start samples are
      // placed by count from the first one, so the decoder must be fresh there.
      if (!atStart) return;
      await decoder.reset();
      await prime();
    },
    async decode(packets) {
      return decoder.decodeOggPages([page(new Uint8Array(0), packets)]);
    },
    free: () => decoder.free(),
  };
}

export async function opusCodec(headers: Uint8Array[]): Promise<PacketCodec> {
  const h = headers[0]!;
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const channels = h[9]!;
  const family = h[18]!;
  const options =
    family === 0
      ? { channels, streamCount: 1, coupledStreamCount: channels - 1, channelMappingTable: channels === 2 ? [0, 1] : [0] }
      : { channels, streamCount: h[19]!, coupledStreamCount: h[20]!, channelMappingTable: [...h.subarray(21, 21 + channels)] };
  // Pre-skip is applied by us (on the granule timeline), so the decoder is told none.
  const decoder = new OpusDecoder({ ...options, preSkip: 0 });
  await decoder.ready;
  return {
    sampleRate: 48000,
    channels,
    offset: v.getUint16(10, true),
    preroll: OPUS_PREROLL,
    vorbisOrder: family === 1,
    async reset(atStart) {
      // Mid-stream the pre-roll makes the state converge whatever it was (zeros after a rebuild, or the audio
      // before the seek), so the decoder is rebuilt, a new WebAssembly instance, only for the stream's start.
      if (atStart) await decoder.reset();
    },
    async decode(packets) {
      return decoder.decodeFrames(packets);
    },
    free: () => decoder.free(),
  };
}

/** A link of the file as the output timeline places it. */
interface LinkSpan {
  link: OggLink;
  /** Output frame of the link's first sample. */
  outStart: number;
  frames: number;
}

class OggSource extends BlockPcmSource {
  /** Index in `spans` of the link whose decoder is open. */
  private current = -1;
  private codec: PacketCodec | null = null;
  /** The open link's decoder has had no packet since it was built. */
  private fresh = false;
  private packets = new PacketAssembler(-1);
  /** Offset of the open link's first audio page (after its headers). */
  private audioStart = 0;
  private pos = 0;
  /** Link-relative frame where the next page's samples begin, when known (unknown after a restart mid-link). */
  private prevEnd: number | null = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly reader: PageReader,
    private readonly spans: readonly LinkSpan[],
    private readonly name: 'vorbis' | 'opus',
    format: LinkFormat,
    totalFrames: number,
  ) {
    super({ sampleRate: format.sampleRate, channels: format.channels, totalFrames, codec: name, bitsPerSample: null }, 'lossy');
  }

  static async open(path: string, name: 'vorbis' | 'opus'): Promise<OggSource> {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const links = await readOggLinks(fh, size);
      const formats = links.map((l) => linkFormat(l.idHeader));
      const problem = chainProblem(formats);
      if (problem) throw new DecodeError('unsupported-format', problem, true);
      const format = formats[0]!;
      if (format.codec !== name) throw new DecodeError('decode-failed', `not an Ogg ${name} stream`);
      if (format.channels < 1 || format.channels > 8 || !format.sampleRate) throw new DecodeError('unsupported-format', `${format.channels}-channel ${name}`);
      let total = 0;
      const spans = links.map((link, i) => {
        const span = { link, outStart: total, frames: linkFrames(link, formats[i]!) };
        total += span.frames;
        return span;
      });
      const source = new OggSource(fh, new PageReader(fh, size), spans, name, format, total);
      await source.enterLink(0);
      return source;
    } catch (err) {
      await fh.close();
      throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
    }
  }

  /** Reads link `i`'s header packets and builds a fresh decoder for it, positioned at its first audio page. */
  private async enterLink(i: number): Promise<void> {
    const { link } = this.spans[i]!;
    const packets = new PacketAssembler(link.serial);
    const headers: Uint8Array[] = [];
    const wanted = this.name === 'vorbis' ? 3 : 2;
    let pos = link.offset;
    while (headers.length < wanted) {
      const page = await this.reader.pageAt(pos);
      if (!page || page.offset >= link.end) throw new DecodeError('decode-failed', `Ogg ${this.name} headers truncated`);
      headers.push(...packets.push(page));
      pos = page.offset + page.size;
    }
    packets.reset();
    this.codec?.free();
    this.codec = null;
    this.codec = this.name === 'vorbis' ? await vorbisCodec(headers) : await opusCodec(headers);
    this.current = i;
    this.fresh = true;
    this.packets = packets;
    this.audioStart = pos;
    this.pos = pos;
    this.prevEnd = -this.codec.offset;
  }

  protected async restartAt(frame: number): Promise<void> {
    let i = this.spans.length - 1;
    while (i > 0 && this.spans[i]!.outStart > frame) i--;
    if (i !== this.current) await this.enterLink(i);
    const span = this.spans[i]!;
    const codec = this.codec!;
    const from = await oggRestartOffset(this.reader, this.packets.serial, this.audioStart, span.link.end, frame - span.outStart + codec.offset - codec.preroll);
    this.pos = from ?? this.audioStart;
    this.prevEnd = from !== null ? null : -codec.offset;
    this.packets.reset();
    // A decoder built for this link and not yet fed is already what a restart at the link's start needs.
    if (!(this.fresh && from === null)) await codec.reset(from === null);
  }

  protected async nextBlock(): Promise<DecodedBlock | null> {
    for (;;) {
      const page = await this.reader.pageAt(this.pos);
      if (!page) return null;
      const following = this.spans[this.current + 1];
      if (following && page.offset >= following.link.offset) {
        // The next link: its own decoder, its samples placed right after this link's last one (gapless).
        await this.enterLink(this.current + 1);
        continue;
      }
      this.pos = page.offset + page.size;
      const packets = this.packets.push(page);
      if (packets.length === 0) continue;
      const codec = this.codec!;
      const r = await codec.decode(packets);
      this.fresh = false;
      const end = page.granule >= 0 ? page.granule - codec.offset : null;
      let frames = r.samplesDecoded;
      const start = this.prevEnd ?? (end ?? 0) - frames;
      if (end !== null && start + frames > end) frames = Math.max(0, end - start); // the last page's padding
      this.prevEnd = end ?? start + frames;
      if (frames === 0) continue;
      return { start: this.spans[this.current]!.outStart + start, frames, channelData: this.reorder(r.channelData) };
    }
  }

  private reorder(channels: Float32Array[]): Float32Array[] {
    const map = this.codec!.vorbisOrder ? VORBIS_TO_WAV[channels.length] : undefined;
    return map ? map.map((c) => channels[c]!) : channels;
  }

  protected async release(): Promise<void> {
    this.codec?.free();
    await this.fh.close();
  }
}

function oggFirstPacketIs(head: Uint8Array, magic: string): boolean {
  if (head.length < 28 + magic.length || String.fromCharCode(...head.subarray(0, 4)) !== 'OggS') return false;
  const bodyStart = 27 + head[26]!;
  return String.fromCharCode(...head.subarray(bodyStart, bodyStart + magic.length)) === magic;
}

export const vorbisDecoder: Decoder = {
  codec: 'vorbis',
  sniff: (head) => oggFirstPacketIs(head, '\x01vorbis'),
  open: (path) => OggSource.open(path, 'vorbis'),
};

export const opusDecoder: Decoder = {
  codec: 'opus',
  sniff: (head) => oggFirstPacketIs(head, 'OpusHead'),
  open: (path) => OggSource.open(path, 'opus'),
};
