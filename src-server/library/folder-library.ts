import { createHash } from 'node:crypto';
import { readdir, realpath } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import type { ListReply, ListRequest, ScanStatus } from '../../src-shared/protocol/index.js';
import { decoderFor, readHead } from '../decoders/registry.js';
import type { Logger } from '../log.js';
import type { Artwork, Library, TrackRecord } from './library.js';

const DEFAULT_LIMIT = 50;

/** Stable id of a track: derived from its path inside the library, so it survives restarts. */
export function trackIdFor(relPath: string): string {
  return createHash('sha256').update(relPath).digest('base64url').slice(0, 16);
}

/** A library scanned once from a folder at start. */
export class FolderLibrary implements Library {
  private tracks: TrackRecord[] = [];
  private byId = new Map<string, TrackRecord>();
  private status: ScanStatus = { state: 'idle', scanned: 0, total: 0 };

  private constructor(
    readonly root: string,
    private readonly log: Logger,
  ) {}

  static async open(dir: string, log: Logger): Promise<FolderLibrary> {
    const lib = new FolderLibrary(await realpath(dir), log);
    await lib.scan();
    return lib;
  }

  private async scan(): Promise<void> {
    this.status = { state: 'scanning', scanned: 0, total: 0 };
    const found: TrackRecord[] = [];
    for await (const abs of this.walk(this.root, new Set())) {
      this.status.scanned++;
      const record = await this.probe(abs);
      if (record) found.push(record);
    }
    found.sort((a, b) => a.path.localeCompare(b.path));
    this.tracks = found;
    this.byId = new Map(found.map((t) => [t.id, t]));
    this.status = { state: 'idle', scanned: this.status.scanned, total: found.length };
    this.log.info('library-scanned', { root: this.root, tracks: found.length, files: this.status.scanned });
  }

  private async *walk(dir: string, seen: Set<string>): AsyncGenerator<string> {
    const real = await realpath(dir).catch(() => null);
    if (!real || seen.has(real) || !isInside(this.root, real)) return;
    seen.add(real);
    const entries = await readdir(real, { withFileTypes: true }).catch((err: Error) => {
      this.log.warn('library-unreadable', { path: dir, error: err.message });
      return [];
    });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = join(real, e.name);
      if (e.isDirectory() || e.isSymbolicLink()) {
        const target = await realpath(abs).catch(() => null);
        if (!target || !isInside(this.root, target)) {
          if (e.isSymbolicLink()) this.log.warn('library-skip', { path: abs, reason: 'link leads outside the library or nowhere' });
          continue;
        }
        if (e.isSymbolicLink() && !e.isDirectory()) {
          const sub = await readdir(target).then(() => true, () => false);
          if (!sub) {
            yield target;
            continue;
          }
        }
        yield* this.walk(target, seen);
      } else if (e.isFile()) {
        yield abs;
      }
    }
  }

  private async probe(abs: string): Promise<TrackRecord | null> {
    const rel = relative(this.root, abs).split(sep).join('/');
    let head: Uint8Array;
    try {
      head = await readHead(abs);
    } catch (err) {
      this.log.warn('library-skip', { path: rel, reason: (err as Error).message });
      return null;
    }
    const decoder = decoderFor(head);
    if (!decoder) return null;
    const base: Omit<TrackRecord, 'playable' | 'durationMs' | 'sampleRate' | 'channels' | 'bitsPerSample'> = {
      id: trackIdFor(rel),
      path: rel,
      absPath: abs,
      title: basename(abs, extname(abs)),
      artist: null,
      album: null,
      albumArtist: null,
      trackNo: null,
      discNo: null,
      year: null,
      genre: null,
      codec: decoder.codec,
      artwork: false,
    };
    try {
      const source = await decoder.open(abs);
      const f = source.format;
      await source.close();
      return {
        ...base,
        codec: f.codec,
        durationMs: Math.round((f.totalFrames * 1000) / f.sampleRate),
        sampleRate: f.sampleRate,
        channels: f.channels,
        bitsPerSample: f.bitsPerSample,
        playable: true,
      };
    } catch (err) {
      const reason = (err as Error).message;
      this.log.warn('library-unplayable', { path: rel, reason });
      return { ...base, durationMs: null, sampleRate: null, channels: null, bitsPerSample: null, playable: false, reason };
    }
  }

  list(req: ListRequest): ListReply {
    const offset = req.offset ?? 0;
    const limit = req.limit ?? DEFAULT_LIMIT;
    const words = (req.query ?? '').trim().split(/\s+/).filter(Boolean).map(fold);
    let rows = this.tracks;
    if (words.length) {
      rows = rows.filter((t) => {
        const hay = fold([t.title, t.artist ?? '', t.album ?? ''].join(' '));
        return words.every((w) => hay.includes(w));
      });
    }
    const key = req.sort ?? 'path';
    if (key !== 'path' || req.order === 'desc') {
      const dir = req.order === 'desc' ? -1 : 1;
      rows = [...rows].sort((a, b) => dir * compareBy(key, a, b));
    }
    return {
      total: rows.length,
      offset,
      tracks: rows.slice(offset, offset + limit).map(publicInfo),
      scan: { ...this.status },
    };
  }

  get(id: string): TrackRecord | undefined {
    return this.byId.get(id);
  }

  async artwork(): Promise<Artwork | null> {
    return null;
  }

  scanStatus(): ScanStatus {
    return { ...this.status };
  }

  async close(): Promise<void> {}
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + sep);
}

function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function compareBy(key: string, a: TrackRecord, b: TrackRecord): number {
  switch (key) {
    case 'duration':
      return (a.durationMs ?? 0) - (b.durationMs ?? 0);
    case 'artist':
      return (a.artist ?? '').localeCompare(b.artist ?? '') || a.title.localeCompare(b.title);
    case 'album':
      return (a.album ?? '').localeCompare(b.album ?? '') || (a.trackNo ?? 0) - (b.trackNo ?? 0);
    case 'title':
      return a.title.localeCompare(b.title);
    default:
      return a.path.localeCompare(b.path);
  }
}

/** The record without the server-side path. */
export function publicInfo(t: TrackRecord): Omit<TrackRecord, 'absPath'> {
  const { absPath: _absPath, ...info } = t;
  return info;
}
