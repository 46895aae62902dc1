/**
 * An Ogg Vorbis or Opus file's own pages for an `original` stream, from the restart page the decoding source picks.
 * Only files of one link: a chained file's links each need their own headers mid-stream, which ATP/1's `original`
 * does not carry, so those stream as PCM.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { OGG_PLACE_BY_GRANULE, toBase64, UNIT_LENGTH_SIZE, type CodecInfo } from '../../src-shared/protocol/index.js';
import { OPUS_PREROLL, VORBIS_PREROLL } from '../ogg.js';
import { linkFormat, linkFrames, readOggLinks, type LinkFormat, type OggLink } from '../ogg-links.js';
import { oggRestartOffset, PacketAssembler, PageReader } from '../ogg-pages.js';
import { DecodeError, type SourceFormat } from '../pcm-source.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

/** The largest possible page: header, a full lacing table and 255 segments of 255 bytes. */
const MAX_PAGE = 27 + 255 + 255 * 255;

class OggUnits implements CodedSource {
  private pos: number;
  /** Position field of the next unit: the restart's placement for the epoch's first page, then 0. */
  private nextPosition = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly reader: PageReader,
    private readonly link: OggLink,
    private readonly linkFormat: LinkFormat,
    private readonly audioStart: number,
    readonly format: SourceFormat,
    readonly codec: CodecInfo,
  ) {
    this.pos = audioStart;
  }

  async restart(frame: number): Promise<void> {
    const preroll = this.linkFormat.codec === 'vorbis' ? VORBIS_PREROLL : OPUS_PREROLL;
    const from = await oggRestartOffset(this.reader, this.link.serial, this.audioStart, this.link.end, frame + this.linkFormat.offset - preroll);
    this.pos = from ?? this.audioStart;
    this.nextPosition = from === null ? 0 : OGG_PLACE_BY_GRANULE;
  }

  async next(): Promise<CodedUnit | null> {
    for (;;) {
      const page = await this.reader.pageAt(this.pos);
      if (!page || page.offset >= this.link.end) return null;
      this.pos = page.offset + page.size;
      // Pages of other logical streams (a multiplexed file's video, say) are no part of the audio.
      if (page.serial !== this.link.serial) continue;
      const end = page.granule >= 0 ? page.granule - this.linkFormat.offset : null;
      const unit = { bytes: this.reader.bytesOf(page), position: this.nextPosition, end };
      this.nextPosition = 0;
      return unit;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** The comment header with its vendor string and no comments: tags travel in LIST, and may be large (cover art). */
function bareComments(comment: Uint8Array, codec: 'vorbis' | 'opus'): Uint8Array {
  const magic = codec === 'vorbis' ? 7 : 8;
  const view = new DataView(comment.buffer, comment.byteOffset, comment.byteLength);
  const vendorLength = comment.length >= magic + 4 ? Math.min(view.getUint32(magic, true), comment.length - magic - 4) : 0;
  const out = new Uint8Array(magic + 4 + vendorLength + 4 + (codec === 'vorbis' ? 1 : 0));
  out.set(comment.subarray(0, magic));
  new DataView(out.buffer).setUint32(magic, vendorLength, true);
  out.set(comment.subarray(magic + 4, magic + 4 + vendorLength), magic + 4);
  if (codec === 'vorbis') out[out.length - 1] = 1; // the framing bit
  return out;
}

export async function openOggUnits(path: string): Promise<CodedSource> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const links = await readOggLinks(fh, size);
    if (links.length !== 1) throw new DecodeError('unsupported-format', 'a chained Ogg file streams as PCM');
    const link = links[0]!;
    const format = linkFormat(link.idHeader);
    if (!format) throw new DecodeError('unsupported-format', 'neither Vorbis nor Opus');
    if (format.channels < 1 || format.channels > 8 || !format.sampleRate) throw new DecodeError('unsupported-format', `${format.channels}-channel ${format.codec}`);
    const reader = new PageReader(fh, size);
    const packets = new PacketAssembler(link.serial);
    const headers: Uint8Array[] = [];
    const wanted = format.codec === 'vorbis' ? 3 : 2;
    let pos = link.offset;
    while (headers.length < wanted) {
      const page = await reader.pageAt(pos);
      if (!page || page.offset >= link.end) throw new DecodeError('decode-failed', `Ogg ${format.codec} headers truncated`);
      headers.push(...packets.push(page));
      pos = page.offset + page.size;
    }
    headers[1] = bareComments(headers[1]!, format.codec);
    const codec: CodecInfo = {
      name: format.codec,
      setup: headers.slice(0, wanted).map(toBase64),
      delay: format.offset,
      padding: null,
      maxUnitBytes: UNIT_LENGTH_SIZE + MAX_PAGE,
    };
    const source = { sampleRate: format.sampleRate, channels: format.channels, totalFrames: linkFrames(link, format), codec: format.codec, bitsPerSample: null };
    return new OggUnits(fh, reader, link, format, pos, source, codec);
  } catch (err) {
    await fh.close();
    throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
  }
}
