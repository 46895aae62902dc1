/**
 * The music library: a folder of music, its index file, and rescans. At open, the saved index lists at once and a
 * rescan runs in the background (the first scan of a library with no index is awaited). A rescan walks the folder,
 * keeps every file whose size and mtime are unchanged without reading it, reads tags of new and changed files, and
 * drops removed ones; the catalog is replaced in one step when it ends. Rescans run on a timer, on request
 * (rescan(), for the server to bind to SIGHUP) and, with `watch`, shortly after the folder changes.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { BrowseReply, BrowseRequest, ListReply, ListRequest, ScanStatus } from '../../src-shared/protocol/index.js';
import { browseCatalog } from './browse.js';
import type { Logger } from '../log.js';
import { Catalog, compactEntry, publicInfo, StringPool, trackIdFor, type LibraryEntry } from './catalog.js';
import { indexPathFor, loadIndex, saveIndex } from './index-file.js';
import type { Artwork, Library, TrackRecord } from './library.js';
import type { TrackPlays } from '../storage/listening.js';
import { describeFile, embeddedArtwork } from './tags.js';
import { isInside, walkLibrary, type FoundFile } from './walk.js';

export interface LibraryOptions {
  /** The music folder. */
  root: string;
  /** Where the index file lives (the server's --state-dir). */
  stateDir: string;
  log: Logger;
  /** Rescan this often, in ms; 0 turns the timer off. Default: 10 minutes. */
  rescanIntervalMs?: number;
  /** Also rescan a few seconds after a change in the folder (fs.watch, recursive). Default: false. */
  watch?: boolean;
}

const DEFAULT_RESCAN_MS = 10 * 60 * 1000;
const WATCH_SETTLE_MS = 3000;
const PROGRESS_EVERY_MS = 2000;
/**
 * Files whose tags are read at once: enough to overlap disk waits, few enough to bound memory. With the head of each
 * file read in one go, the event loop is the bottleneck and more than 4 scans no faster, only with more garbage.
 */
const CONCURRENCY = 4;
const MAX_FOLDER_ART_BYTES = 16 * 1024 * 1024;
const IMAGE_MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

export class MusicLibrary implements Library {
  private catalog = new Catalog([]);
  private status: ScanStatus = { state: 'idle', scanned: 0, total: 0 };
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  private settle: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    readonly root: string,
    private readonly indexPath: string,
    private readonly log: Logger,
  ) {}

  static async open(opts: LibraryOptions): Promise<MusicLibrary> {
    const root = await realpath(opts.root);
    if (!(await stat(root)).isDirectory()) throw new Error(`${opts.root} is not a folder`);
    const lib = new MusicLibrary(root, indexPathFor(opts.stateDir, root), opts.log);
    const saved = await loadIndex(lib.indexPath, root);
    if (saved) {
      lib.setCatalog(new Catalog(saved));
      lib.status = { state: 'idle', scanned: 0, total: saved.length };
      opts.log.info('library-index-loaded', { root, tracks: saved.length, index: lib.indexPath });
      void lib.rescan();
    } else {
      await lib.rescan();
    }
    const every = opts.rescanIntervalMs ?? DEFAULT_RESCAN_MS;
    if (every > 0) lib.timer = setInterval(() => void lib.rescan(), every).unref();
    if (opts.watch) lib.startWatching();
    return lib;
  }

  /** Starts a rescan, or queues one after the scan in progress; resolves when the library is up to date. */
  rescan(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.scan();
        } catch (err) {
          this.log.error('library-scan-failed', { root: this.root, error: (err as Error).message });
        }
      } while (this.again && !this.closed);
      this.running = null;
    })();
    return this.running;
  }

  private async scan(): Promise<void> {
    const began = Date.now();
    this.status = { state: 'scanning', scanned: 0, total: this.catalog.size };
    let skipped = 0;
    const { files, folderArt } = await walkLibrary(this.root, (path, reason) => {
      skipped++;
      this.log.warn('library-skip', { path, reason });
    });
    this.status.total = files.length;
    const current = this.catalog.entries;
    const previous = new Map(current.map((e) => [e.path, e]));
    // Tracks read in this scan share their artist, album... strings with the tracks already known.
    let pool: StringPool | null = null;
    const interned = () => {
      if (!pool) {
        pool = new StringPool();
        for (const e of current) compactEntry(e, pool);
      }
      return pool;
    };
    const entries: LibraryEntry[] = new Array(files.length);
    let read = 0;
    let kept = 0;
    let lastProgress = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < files.length && !this.closed) {
        const i = next++;
        const f = files[i]!;
        const art = folderArt.get(f.rel.includes('/') ? f.rel.slice(0, f.rel.lastIndexOf('/')) : '') ?? null;
        const prev = previous.get(f.rel);
        if (prev) kept++;
        if (prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs) {
          entries[i] = prev.folderArt === art ? prev : { ...prev, folderArt: art };
        } else {
          entries[i] = compactEntry(await this.describe(f, art, prev?.addedAt), interned());
          read++;
        }
        this.status.scanned++;
        if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = Date.now();
          this.log.info('library-scan-progress', { scanned: this.status.scanned, total: files.length });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (this.closed) return;
    const removed = previous.size - kept;
    const changed = read > 0 || removed > 0 || entries.length !== current.length || entries.some((e, i) => e !== current[i]);
    // An unchanged library keeps its catalog, and with it the sort orders already computed.
    if (changed) {
      this.setCatalog(new Catalog(entries));
      await saveIndex(this.indexPath, this.root, entries);
    }
    this.status = { state: 'idle', scanned: this.status.scanned, total: entries.length };
    this.log.info('library-scanned', { root: this.root, tracks: entries.length, read, removed, skipped, ms: Date.now() - began });
  }

  private async describe(f: FoundFile, folderArt: string | null, addedAt: number | undefined): Promise<LibraryEntry> {
    const fields = await describeFile(this.pathOf(f.rel), f.size);
    if (!fields.playable) this.log.warn('library-unplayable', { path: f.rel, reason: fields.reason });
    return { ...fields, id: trackIdFor(f.rel), path: f.rel, size: f.size, mtimeMs: f.mtimeMs, addedAt: addedAt ?? Date.now(), folderArt };
  }

  /** Where a track lies on disk; not kept per track, since 100,000 absolute paths would take megabytes for nothing. */
  private pathOf(rel: string): string {
    return join(this.root, ...rel.split('/'));
  }

  private setCatalog(catalog: Catalog): void {
    this.catalog = catalog;
    void catalog.prepareSorts();
  }

  private startWatching(): void {
    try {
      this.watcher = watch(this.root, { recursive: true, persistent: false }, () => {
        if (this.settle) clearTimeout(this.settle);
        this.settle = setTimeout(() => void this.rescan(), WATCH_SETTLE_MS).unref();
      });
      this.watcher.on('error', (err) => {
        this.log.warn('library-watch-failed', { error: err.message });
        this.watcher?.close();
      });
    } catch (err) {
      this.log.warn('library-watch-failed', { error: (err as Error).message });
    }
  }

  list(req: ListRequest, plays?: readonly TrackPlays[]): ListReply {
    return this.catalog.list(req, this.scanStatus(), plays);
  }

  browse(req: BrowseRequest): BrowseReply {
    return browseCatalog(this.catalog, req, this.scanStatus());
  }

  get(id: string): TrackRecord | undefined {
    const e = this.catalog.get(id);
    return e ? { ...publicInfo(e), absPath: this.pathOf(e.path) } : undefined;
  }

  async artwork(id: string): Promise<Artwork | null> {
    const e = this.catalog.get(id);
    if (!e) return null;
    // Paths were inside the root when scanned; checked again, since folders can change under a running server.
    const inside = async (p: string) => isInside(this.root, await realpath(p).catch(() => ''));
    const abs = this.pathOf(e.path);
    if (e.embeddedArt && (await inside(abs))) {
      const art = await embeddedArtwork(abs).catch(() => null);
      if (art) return art;
    }
    if (e.folderArt && (await inside(e.folderArt))) {
      const st = await stat(e.folderArt).catch(() => null);
      if (st && st.size <= MAX_FOLDER_ART_BYTES) {
        const image = await readFile(e.folderArt).catch(() => null);
        if (image) return { mime: IMAGE_MIME[extname(e.folderArt).toLowerCase()] ?? 'application/octet-stream', image };
      }
    }
    return null;
  }

  scanStatus(): ScanStatus {
    return { ...this.status };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.settle) clearTimeout(this.settle);
    this.watcher?.close();
    await this.running;
  }
}

/** The library the server serves. */
export function openLibrary(opts: LibraryOptions): Promise<MusicLibrary> {
  return MusicLibrary.open(opts);
}
