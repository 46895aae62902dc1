/**
 * The links of a chained Ogg file: logical streams one after another, as radio rips and some albums are made
 * (`cat a.ogg b.ogg`). Each link begins with its own beginning-of-stream pages and numbers its granules from its own
 * start, so the file's length is the sum of its links'. A file whose last pages belong to its first link's streams
 * is one link, known from the tail alone; only a chained file is walked page by page.
 */
import type { FileHandle } from 'node:fs/promises';
import { findPage, PageReader, type OggPage } from './ogg-pages.js';
import { DecodeError } from './pcm-source.js';

export interface OggLink {
  /** Offset of the link's first page. */
  offset: number;
  /** Offset where the next link begins, or the file's size. */
  end: number;
  /** Serial of the stream played in this link: its first beginning-of-stream page's. */
  serial: number;
  /** The first packet of that stream: its identification header (from its first page, which holds only it). */
  idHeader: Uint8Array;
  /** The granule of the stream's last page that has one; -1 when none has. */
  lastGranule: number;
}

/** The format a link's identification header announces; null when it is neither Vorbis nor Opus. */
export interface LinkFormat {
  codec: 'vorbis' | 'opus';
  sampleRate: number;
  channels: number;
  /** Granule units before the link's first output frame (Opus pre-skip). */
  offset: number;
}

export function linkFormat(idHeader: Uint8Array): LinkFormat | null {
  const magic = String.fromCharCode(...idHeader.subarray(0, 8));
  const v = new DataView(idHeader.buffer, idHeader.byteOffset, idHeader.byteLength);
  if (magic.startsWith('\x01vorbis') && idHeader.length >= 16) {
    return { codec: 'vorbis', sampleRate: v.getUint32(12, true), channels: idHeader[11]!, offset: 0 };
  }
  if (magic === 'OpusHead' && idHeader.length >= 19) {
    // Opus always decodes at 48 kHz; the header's rate is only the encoder's input, a note for resamplers.
    return { codec: 'opus', sampleRate: 48000, channels: idHeader[9]!, offset: v.getUint16(10, true) };
  }
  return null;
}

/** Sample frames a link holds (granules count from the link's own start). */
export function linkFrames(link: OggLink, format: LinkFormat): number {
  return Math.max(0, link.lastGranule - format.offset);
}

/**
 * Why a chain cannot be played as one stream, or null when it can. A stream's format is fixed at SETUP, so links
 * must agree on codec, sample rate and channel count.
 */
export function chainProblem(formats: readonly (LinkFormat | null)[]): string | null {
  const first = formats[0];
  if (!first) return 'the first Ogg link is neither Vorbis nor Opus';
  for (let i = 1; i < formats.length; i++) {
    const f = formats[i];
    if (!f) return `Ogg link ${i + 1} is neither Vorbis nor Opus`;
    if (f.codec !== first.codec) return `the Ogg links change codec (${first.codec} → ${f.codec})`;
    if (f.sampleRate !== first.sampleRate) return `the Ogg links change sample rate (${first.sampleRate} → ${f.sampleRate} Hz)`;
    if (f.channels !== first.channels) return `the Ogg links change channel count (${first.channels} → ${f.channels})`;
  }
  return null;
}

/** Serials and last granules of the pages near the file's end, widening the span until one has a granule. */
async function tailGranules(fh: FileHandle, size: number): Promise<Map<number, number>> {
  for (let span = 64 * 1024; ; span *= 4) {
    const from = Math.max(0, size - span);
    const b = new Uint8Array(size - from);
    await fh.read(b, 0, b.length, from);
    const last = new Map<number, number>();
    for (let found = findPage(b, 0, from); found; found = findPage(b, found.at + found.page.size, from)) {
      if (found.page.granule >= 0) last.set(found.page.serial, found.page.granule);
      else if (!last.has(found.page.serial)) last.set(found.page.serial, -1);
    }
    if ([...last.values()].some((g) => g >= 0)) return last;
    if (from === 0) throw new DecodeError('decode-failed', 'no Ogg page with a granule position');
  }
}

/** The links of an Ogg file, in file order; a file that is not chained has one. */
export async function readOggLinks(fh: FileHandle, size: number): Promise<OggLink[]> {
  const reader = new PageReader(fh, size);
  const first = await reader.pageAt(0);
  if (!first || first.offset !== 0 || !first.bos) throw new DecodeError('decode-failed', 'not an Ogg stream');
  // The streams multiplexed in the first link: its beginning-of-stream pages, which come before all others.
  const streams = new Set<number>();
  for (let page: OggPage | null = first; page?.bos; page = await reader.pageAt(page.offset + page.size)) streams.add(page.serial);
  const tail = await tailGranules(fh, size);
  const granule = tail.get(first.serial);
  if ([...tail.keys()].every((s) => streams.has(s)) && granule !== undefined && granule >= 0) {
    return [{ offset: 0, end: size, serial: first.serial, idHeader: first.segments[0]?.slice() ?? new Uint8Array(0), lastGranule: granule }];
  }
  const links: OggLink[] = [];
  let previousBos = false;
  for (let page = await reader.pageAt(0); page; page = await reader.pageAt(page.offset + page.size)) {
    if (page.bos && !previousBos) {
      if (links.length > 0) links.at(-1)!.end = page.offset;
      links.push({ offset: page.offset, end: size, serial: page.serial, idHeader: page.segments[0]?.slice() ?? new Uint8Array(0), lastGranule: -1 });
    }
    previousBos = page.bos;
    const link = links.at(-1)!;
    if (page.serial === link.serial && page.granule >= 0) link.lastGranule = page.granule;
  }
  return links;
}
