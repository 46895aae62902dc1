/**
 * Ogg framing: pages (checked by CRC so that a capture pattern inside audio data is never taken for a page),
 * packets reassembled across pages, and the stream's last granule position. One logical stream is played at a time
 * (one per link of a chained file, see ogg-links.ts); pages of other streams are skipped.
 */
import type { FileHandle } from 'node:fs/promises';

export interface OggPage {
  offset: number;
  /** Bytes of the whole page (header, lacing table, body). */
  size: number;
  serial: number;
  /** -1 when no packet ends on this page. */
  granule: number;
  continued: boolean;
  /** Beginning of a logical stream: its first page. */
  bos: boolean;
  eos: boolean;
  /** Packets and packet pieces of the body, by the lacing table; the last is unfinished when `openEnd`. */
  segments: Uint8Array[];
  openEnd: boolean;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function crc(b: Uint8Array, from: number, to: number, skipFrom: number): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    const byte = i >= skipFrom && i < skipFrom + 4 ? 0 : b[i]!;
    c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return c;
}

/** Parses the page at b[i]; null unless a whole, valid page is there. `base` is b[0]'s offset in the file. */
export function parsePage(b: Uint8Array, i: number, base: number): OggPage | null {
  if (i + 27 > b.length || b[i] !== 0x4f || b[i + 1] !== 0x67 || b[i + 2] !== 0x67 || b[i + 3] !== 0x53 || b[i + 4] !== 0) return null;
  const nsegs = b[i + 26]!;
  let body = 0;
  for (let k = 0; k < nsegs; k++) body += b[i + 27 + k] ?? 0;
  const size = 27 + nsegs + body;
  if (i + size > b.length) return null;
  const v = new DataView(b.buffer, b.byteOffset + i, size);
  if (crc(b, i, i + size, i + 22) !== v.getUint32(22, true)) return null;
  const lo = v.getUint32(6, true);
  const hi = v.getInt32(10, true);
  const granule = hi === -1 && lo === 0xffffffff ? -1 : hi * 2 ** 32 + lo;
  const segments: Uint8Array[] = [];
  let p = i + 27 + nsegs;
  let start = p;
  let lastLace = 0;
  for (let k = 0; k < nsegs; k++) {
    lastLace = b[i + 27 + k]!;
    p += lastLace;
    if (lastLace < 255) {
      segments.push(b.subarray(start, p));
      start = p;
    }
  }
  const openEnd = nsegs > 0 && lastLace === 255;
  if (openEnd) segments.push(b.subarray(start, p));
  const flags = b[i + 5]!;
  return { offset: base + i, size, serial: v.getUint32(14, true), granule, continued: (flags & 1) === 1, bos: (flags & 2) === 2, eos: (flags & 4) === 4, segments, openEnd };
}

/** Offset in b of the first valid page at or after `from`, or -1. */
export function findPage(b: Uint8Array, from: number, base: number): { at: number; page: OggPage } | null {
  for (let i = from; i + 27 <= b.length; i++) {
    if (b[i] !== 0x4f || b[i + 1] !== 0x67) continue;
    const page = parsePage(b, i, base);
    if (page) return { at: i, page };
  }
  return null;
}

/** The largest possible page: header, a full lacing table and 255 segments of 255 bytes. */
const MAX_PAGE = 27 + 255 + 255 * 255;

/** Whatever finds the first valid page at or after an offset: a PageReader, or the `original` streams' block reader. */
export interface PageSource {
  pageAt(offset: number): OggPage | null | Promise<OggPage | null>;
}

/** Reads pages in file order through one reusable window; at most one window of file bytes is held. */
export class PageReader {
  private buf = new Uint8Array(2 * MAX_PAGE);
  private bufStart = 0;
  private bufLen = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** The whole bytes of the page pageAt() just returned: a view into the reader's window, valid until its next read. */
  bytesOf(page: OggPage): Uint8Array {
    return this.buf.subarray(page.offset - this.bufStart, page.offset - this.bufStart + page.size);
  }

  /** The first valid page at or after `offset` (resynchronising over garbage), or null at the end of the file. */
  async pageAt(offset: number): Promise<OggPage | null> {
    for (let at = offset; at < this.size; ) {
      const bufEnd = this.bufStart + this.bufLen;
      if (at < this.bufStart || (at + MAX_PAGE > bufEnd && bufEnd < this.size)) {
        this.bufStart = at;
        this.bufLen = (await this.fh.read(this.buf, 0, this.buf.length, at)).bytesRead;
      }
      const found = findPage(this.buf.subarray(0, this.bufLen), at - this.bufStart, this.bufStart);
      if (found) return found.page;
      if (this.bufStart + this.bufLen >= this.size) return null;
      at = Math.max(at + 1, this.bufStart + this.bufLen - MAX_PAGE);
    }
    return null;
  }
}

/** Collects whole packets of one logical stream from successive pages. */
export class PacketAssembler {
  private partial: Uint8Array[] = [];

  constructor(readonly serial: number) {}

  reset(): void {
    this.partial = [];
  }

  /** Packets that end on this page; the tail of a packet whose head we did not see (after a seek) is dropped. */
  push(page: OggPage): Uint8Array[] {
    if (page.serial !== this.serial) return [];
    if (!page.continued) this.partial = [];
    const out: Uint8Array[] = [];
    const n = page.segments.length;
    for (let k = 0; k < n; k++) {
      if (k === 0 && page.continued && this.partial.length === 0) continue;
      this.partial.push(page.segments[k]!.slice());
      if (k === n - 1 && page.openEnd) break;
      out.push(this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial));
      this.partial = [];
    }
    return out;
  }
}

/** The first page of stream `serial` with a granule at or after `offset` and before `before`. */
async function granulePage(reader: PageSource, serial: number, offset: number, before: number): Promise<OggPage | null> {
  for (let at = offset; at < before; ) {
    const page = await reader.pageAt(at);
    if (!page || page.offset >= before) return null;
    if (page.serial === serial && page.granule >= 0) return page;
    at = page.offset + page.size;
  }
  return null;
}

/** The last page of stream `serial` in [from, end) whose granule is at most `goal`, by bisection then a short walk. */
async function lastPageUpTo(reader: PageSource, serial: number, from: number, end: number, goal: number): Promise<OggPage | null> {
  let lo = from;
  let hi = end;
  let best: OggPage | null = null;
  while (hi - lo > 64 * 1024) {
    const mid = Math.floor((lo + hi) / 2);
    const page = await granulePage(reader, serial, mid, hi);
    if (page && page.granule <= goal) {
      best = page;
      lo = page.offset + page.size;
    } else hi = mid;
  }
  for (let page = await granulePage(reader, serial, lo, hi); page && page.granule <= goal; page = await granulePage(reader, serial, page.offset + page.size, hi)) {
    best = page;
  }
  return best;
}

/**
 * Where decoding restarts so that samples from granule `goal` on are settled: the offset of the page after the last
 * one whose granule is at most `goal`, or null when that is the stream's first audio page (at `audioStart`; samples
 * are then counted from its start). The decoding source and the server's `original` streams both restart here.
 */
export async function oggRestartOffset(reader: PageSource, serial: number, audioStart: number, end: number, goal: number): Promise<number | null> {
  let best = await lastPageUpTo(reader, serial, audioStart, end, goal);
  // Decoding restarts on the page after `best` and places it by its granule, which on the last page is cut to
  // the stream's length; so that page is never the first decoded: restart one granule page earlier.
  while (best) {
    const next = await granulePage(reader, serial, best.offset + best.size, end);
    if (!next?.eos) break;
    best = await lastPageUpTo(reader, serial, audioStart, end, best.granule - 1);
  }
  return best ? best.offset + best.size : null;
}
