/**
 * An Ogg Vorbis or Opus file's own pages for an `original` stream, from the restart page the decoding source picks.
 * Only files of one link: a chained file's links each need their own headers mid-stream, which ATP/1's `original`
 * does not carry, so those stream as PCM. The link, headers and length are worked out once per file; pages are read
 * out of the shared file blocks.
 */
import { OGG_PLACE_BY_GRANULE, toBase64, UNIT_LENGTH_SIZE, type CodecInfo } from '../../src-shared/protocol/index.js';
import { BLOCK_BYTES, fileBlocks, FileBytes, type SharedFile } from '../file-blocks.js';
import { OPUS_PREROLL, VORBIS_PREROLL } from '../ogg.js';
import { linkFormat, linkFrames, readOggLinks, type LinkFormat, type OggLink } from '../ogg-links.js';
import { oggRestartOffset, PacketAssembler, PageReader, parsePage, type OggPage, type PageSource } from '../ogg-pages.js';
import { DecodeError, type SourceFormat } from '../pcm-source.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

/** The largest possible page: header, a full lacing table and 255 segments of 255 bytes. */
const MAX_PAGE = 27 + 255 + 255 * 255;

/** What every stream of one Ogg file shares. */
interface OggFile {
  link: OggLink;
  linkFormat: LinkFormat;
  /** Offset of the first audio page, after the headers. */
  audioStart: number;
  format: SourceFormat;
  codec: CodecInfo;
  /**
   * Pages found so far, by offset: each is checked (capture pattern, CRC) by the first stream that reads it, and
   * the file's other streams take its bytes as they lie. A few bytes per page of the file, once per file.
   */
  pages: Map<number, KnownPage>;
}

interface KnownPage {
  size: number;
  serial: number;
  granule: number;
}

interface FoundPage {
  page: OggPage;
  /** The whole page: a view of a block, or a copy of the two it straddles. */
  bytes: Uint8Array;
}

/** Pages found as PageReader finds them (the capture pattern, then the CRC), read out of the shared file blocks. */
class BlockPages implements PageSource {
  constructor(private readonly bytes: FileBytes) {}

  /** The first valid page at or after `offset`, null at the end of the file. Synchronous: call it inside `run`. */
  find(offset: number): FoundPage | null {
    for (let p = offset; p < this.bytes.size; ) {
      const block = this.bytes.block(p);
      const start = p - (p % BLOCK_BYTES);
      for (let j = block.indexOf(0x4f, p - start); j >= 0; j = block.indexOf(0x4f, j + 1)) {
        if (j + 4 <= block.length && (block[j + 1] !== 0x67 || block[j + 2] !== 0x67 || block[j + 3] !== 0x53)) continue;
        const found = this.exactlyAt(start + j);
        if (found) return found;
      }
      if (block.length === 0) break;
      p = start + block.length;
    }
    return null;
  }

  private exactlyAt(at: number): FoundPage | null {
    const head = this.bytes.bytes(at, 27);
    if (head.length < 27 || head[1] !== 0x67 || head[2] !== 0x67 || head[3] !== 0x53 || head[4] !== 0) return null;
    const segments = head[26]!;
    const lacing = this.bytes.bytes(at + 27, segments);
    let body = 0;
    for (let k = 0; k < lacing.length; k++) body += lacing[k]!;
    const bytes = this.bytes.bytes(at, 27 + segments + body);
    const page = parsePage(bytes, 0, at);
    return page ? { page, bytes } : null;
  }

  pageAt(offset: number): OggPage | null | Promise<OggPage | null> {
    return this.bytes.run(() => this.find(offset)?.page ?? null);
  }
}

class OggUnits implements CodedSource {
  private pos: number;
  /** Position field of the next unit: the restart's placement for the epoch's first page, then 0. */
  private nextPosition = 0;
  /** Offset and position field of the page `next` last gave. */
  private lastOffset = 0;
  private lastPosition = 0;
  private readonly pages: BlockPages;
  private readonly read = (): CodedUnit | null => this.pageUnit();

  constructor(
    private readonly bytes: FileBytes,
    private readonly shared: OggFile,
  ) {
    this.pos = shared.audioStart;
    this.pages = new BlockPages(bytes);
  }

  get format(): SourceFormat {
    return this.shared.format;
  }

  get codec(): CodecInfo {
    return this.shared.codec;
  }

  async restart(frame: number): Promise<void> {
    const { link, linkFormat, audioStart } = this.shared;
    const preroll = linkFormat.codec === 'vorbis' ? VORBIS_PREROLL : OPUS_PREROLL;
    const from = await oggRestartOffset(this.pages, link.serial, audioStart, link.end, frame + linkFormat.offset - preroll);
    this.pos = from ?? audioStart;
    this.nextPosition = from === null ? 0 : OGG_PLACE_BY_GRANULE;
  }

  next(): CodedUnit | null | Promise<CodedUnit | null> {
    return this.bytes.run(this.read);
  }

  private pageUnit(): CodedUnit | null {
    const { link, linkFormat } = this.shared;
    for (;;) {
      const page = this.pageAt(this.pos);
      if (!page || page.offset >= link.end) return null;
      const { bytes } = page;
      // Passed for good: a retry after a block read goes on from the next page.
      this.pos = page.offset + page.size;
      // Pages of other logical streams (a multiplexed file's video, say) are no part of the audio.
      if (page.serial !== link.serial) continue;
      const unit = { bytes, position: this.nextPosition, end: page.granule >= 0 ? page.granule - linkFormat.offset : null };
      this.lastOffset = page.offset;
      this.lastPosition = this.nextPosition;
      this.nextPosition = 0;
      return unit;
    }
  }

  /** The page at or after `at`, from the file's known pages when one begins there, else found and checked. */
  private pageAt(at: number): (KnownPage & { offset: number; bytes: Uint8Array }) | null {
    const known = this.shared.pages.get(at);
    if (known) {
      const bytes = this.bytes.bytes(at, known.size);
      // A file cut short under its size: the page is not whole any more.
      return bytes.length === known.size ? { offset: at, size: known.size, serial: known.serial, granule: known.granule, bytes } : null;
    }
    const found = this.pages.find(at);
    if (!found) return null;
    const { offset, size, serial, granule } = found.page;
    this.shared.pages.set(offset, { size, serial, granule });
    return { offset, size, serial, granule, bytes: found.bytes };
  }

  unread(): void {
    this.pos = this.lastOffset;
    this.nextPosition = this.lastPosition;
  }

  close(): Promise<void> {
    return this.bytes.release();
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

function oggFile(file: SharedFile): Promise<OggFile> {
  return file.derive('original-ogg', async (fh, size) => {
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
    return {
      link,
      linkFormat: format,
      audioStart: pos,
      format: { sampleRate: format.sampleRate, channels: format.channels, totalFrames: linkFrames(link, format), codec: format.codec, bitsPerSample: null },
      codec: { name: format.codec, setup: headers.slice(0, wanted).map(toBase64), delay: format.offset, padding: null, maxUnitBytes: UNIT_LENGTH_SIZE + MAX_PAGE },
      pages: new Map(),
    };
  });
}

export async function openOggUnits(path: string): Promise<CodedSource> {
  const file = await fileBlocks.open(path);
  try {
    return new OggUnits(new FileBytes(file), await oggFile(file));
  } catch (err) {
    await file.release();
    throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
  }
}
