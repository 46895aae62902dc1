/**
 * A FLAC file's own frames for an `original` stream, split and sought as the decoding source's FlacFrameReader does
 * (frames end at the next header whose CRC-8 holds and whose sample number follows; a seek bisects on the headers'
 * sample numbers), but read out of the shared file blocks, with STREAMINFO and the length worked out once per file.
 */
import { toBase64, UNIT_LENGTH_SIZE, type CodecInfo } from '../../src-shared/protocol/index.js';
import { BLOCK_BYTES, fileBlocks, FileBytes, type SharedFile } from '../file-blocks.js';
import { MAX_FRAME_BYTES } from '../flac-frame-reader.js';
import { audioEnd, parseFrameHeader, readStreamInfo, type FlacFrameHeader, type StreamInfo } from '../flac-frames.js';
import { id3v2Size } from '../mpeg-frames.js';
import { DecodeError, type SourceFormat } from '../pcm-source.js';
import type { CodedSource, CodedUnit } from './coded-source.js';

/** A frame header is at most 16 bytes. */
const HEADER_BYTES = 16;
/** The span below which a seek stops bisecting and walks frame headers, as FlacFrameReader's. */
const WINDOW = 128 * 1024;

/**
 * The largest frame a stream's parameters allow, with its length prefix: 16 bytes of header and 2 of CRC, and per
 * channel a subframe no larger than its samples verbatim one bit wider (side channels are) plus room for the
 * headers, partitions and coefficients of the other subframe kinds. A frame larger than this is damage.
 */
export function flacMaxUnitBytes(info: Pick<StreamInfo, 'channels' | 'bitsPerSample' | 'maxBlockSize'>): number {
  const maxBlock = info.maxBlockSize >= 16 ? info.maxBlockSize : 65535;
  return UNIT_LENGTH_SIZE + 18 + info.channels * (Math.ceil(((info.bitsPerSample + 1) * maxBlock) / 8) + 512);
}

/** What every stream of one FLAC file shares. */
interface FlacFile {
  info: StreamInfo;
  format: SourceFormat;
  codec: CodecInfo;
  /**
   * Where each frame found so far ends, by its offset. A frame's end is the next header whose sample number follows,
   * found by scanning the frame's bytes for sync codes: the first stream through a stretch of the file pays for it,
   * the others (listeners of one album follow each other closely) look it up. About 16 bytes a frame, for as long
   * as a stream of the file is open.
   */
  ends: Map<number, number>;
}

function flacFile(file: SharedFile): Promise<FlacFile> {
  return file.derive('original-flac', async (fh, size) => {
    const info = await readStreamInfo(fh);
    const head = new Uint8Array(10);
    await fh.read(head, 0, 10, 0);
    const streamInfo = new Uint8Array(34);
    if ((await fh.read(streamInfo, 0, 34, id3v2Size(head) + 8)).bytesRead < 34) throw new DecodeError('decode-failed', 'FLAC STREAMINFO missing');
    const totalFrames = await audioEnd(fh, info, size);
    return {
      info,
      format: { sampleRate: info.sampleRate, channels: info.channels, totalFrames, codec: 'flac', bitsPerSample: info.bitsPerSample },
      codec: { name: 'flac', setup: [toBase64(streamInfo)], delay: 0, padding: null, maxUnitBytes: flacMaxUnitBytes(info) },
      ends: new Map<number, number>(),
    };
  });
}

interface Found {
  at: number;
  header: FlacFrameHeader;
}

class FlacUnits implements CodedSource {
  /** Offset of the next frame. */
  private pos: number;
  /** Frames wholly before this sample are not sent after a seek (the decoding source skips them too). */
  private skipBefore = 0;
  /** Offset of the frame `next` last gave. */
  private last = 0;
  private readonly read = (): CodedUnit | null => this.frameAt(this.pos);

  constructor(
    private readonly bytes: FileBytes,
    private readonly shared: FlacFile,
  ) {
    this.pos = shared.info.audioStart;
  }

  get format(): SourceFormat {
    return this.shared.format;
  }

  get codec(): CodecInfo {
    return this.shared.codec;
  }

  /** The header at `at`, if one is whole there; joined across a block boundary when it straddles one. */
  private headerAt(block: Buffer, base: number, j: number): FlacFrameHeader | null {
    if (j + HEADER_BYTES <= block.length) return parseFrameHeader(block, j, this.shared.info);
    return parseFrameHeader(this.bytes.bytes(base + j, HEADER_BYTES), 0, this.shared.info);
  }

  /** The first header in [from, to) that `wanted` accepts; null when there is none. */
  private scan(from: number, to: number, wanted: (h: FlacFrameHeader) => boolean): Found | null {
    for (let p = from; p < to; ) {
      const block = this.bytes.block(p);
      const start = p - (p % BLOCK_BYTES);
      const end = Math.min(block.length, to - start);
      // indexOf (memchr) finds the candidate sync bytes; a JS loop over every byte cost a tenth of decoding's time.
      for (let j = block.indexOf(0xff, p - start); j >= 0 && j < end; j = block.indexOf(0xff, j + 1)) {
        const header = this.headerAt(block, start, j);
        if (header && wanted(header)) return { at: start + j, header };
      }
      if (block.length === 0) break;
      p = start + block.length;
    }
    return null;
  }

  /** The frame whose header is at `at` and where it ends, when a stream of this file has found it before. */
  private knownFrame(at: number): { found: Found; end: number } | null {
    const end = this.shared.ends.get(at);
    if (end === undefined) return null;
    const block = this.bytes.block(at);
    const start = at - (at % BLOCK_BYTES);
    const header = this.headerAt(block, start, at - start);
    return header ? { found: { at, header }, end } : null;
  }

  /** The frame at `at` (resynchronising over garbage), up to the next header that follows it; null at the end. */
  private frameAt(at: number): CodedUnit | null {
    const size = this.bytes.size;
    for (;;) {
      let found: Found | null;
      let end: number;
      const known = this.knownFrame(at);
      if (known) {
        ({ found, end } = known);
      } else {
        found = this.scan(at, size, () => true);
        if (!found) return null;
        const { header } = found;
        const limit = Math.min(size, found.at + MAX_FRAME_BYTES);
        const next = this.scan(found.at + 8, limit, (h) => h.sample === header.sample + header.blockSize);
        if (!next && limit < size) throw new DecodeError('decode-failed', 'FLAC frame too large or corrupt');
        end = next ? next.at : size;
        this.shared.ends.set(found.at, end);
      }
      const { header } = found;
      if (header.sample + header.blockSize <= this.skipBefore) {
        // Passed for good: a retry after a block read goes on from here.
        this.pos = at = end;
        continue;
      }
      const bytes = this.bytes.bytes(found.at, end - found.at);
      this.last = found.at;
      this.pos = end;
      return { bytes, position: header.sample, end: header.sample + header.blockSize };
    }
  }

  async restart(frame: number): Promise<void> {
    // Bisection on the frame headers' sample numbers, as FlacFrameReader.restartAt: the same frame, so the same units.
    let lo = this.shared.info.audioStart;
    let hi = this.bytes.size;
    while (hi - lo > WINDOW) {
      const mid = Math.floor((lo + hi) / 2);
      const found = await this.bytes.run(() => this.scan(mid, Math.min(hi, mid + WINDOW), () => true));
      if (!found) hi = mid;
      else if (found.header.sample <= frame) lo = found.at;
      else hi = mid;
    }
    this.pos = lo;
    this.skipBefore = frame;
  }

  next(): CodedUnit | null | Promise<CodedUnit | null> {
    return this.bytes.run(this.read);
  }

  unread(): void {
    this.pos = this.last;
  }

  close(): Promise<void> {
    return this.bytes.release();
  }
}

export async function openFlacUnits(path: string): Promise<CodedSource> {
  const file = await fileBlocks.open(path);
  try {
    return new FlacUnits(new FileBytes(file), await flacFile(file));
  } catch (err) {
    await file.release();
    throw err instanceof DecodeError ? err : new DecodeError('decode-failed', (err as Error).message);
  }
}
