/**
 * Covers on disk: one file per album (the renderer names the album a track belongs to), so a cover crosses the
 * network once per album, not once per track or per run. The folder is held under a size cap; the covers used
 * longest ago go first (a file's mtime is its last use). Covers are fetched one at a time and only while no list
 * page is being asked for, so they never delay the list the person is scrolling.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artwork } from '../../src-shared/ipc/contract.js';

export const DEFAULT_ARTWORK_CACHE_BYTES = 64 * 1024 * 1024;

/** What a cached file holds: the MIME type on the first line, then the image. A file of 0 bytes: no cover. */
function encode(art: Artwork | null): Buffer {
  if (!art) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from(`${art.mime}\n`, 'latin1'), art.bytes]);
}

function decode(buf: Buffer): Artwork | null {
  if (buf.length === 0) return null;
  const nl = buf.indexOf(0x0a);
  if (nl <= 0 || nl > 64) throw new Error('not a cached cover');
  return { mime: buf.toString('latin1', 0, nl), bytes: new Uint8Array(buf.subarray(nl + 1)) };
}

export class ArtworkCache {
  /** File name → size and last use, oldest first (a Map keeps insertion order; a use moves the entry to the end). */
  private readonly entries = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly dir: string | null, private readonly maxBytes = DEFAULT_ARTWORK_CACHE_BYTES) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const found: { name: string; size: number; used: number }[] = [];
    for (const name of readdirSync(dir)) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      try {
        const st = statSync(join(dir, name));
        found.push({ name, size: st.size, used: st.mtimeMs });
      } catch {
        // Gone meanwhile.
      }
    }
    found.sort((a, b) => a.used - b.used);
    for (const f of found) this.track(f.name, f.size);
    this.evict();
  }

  /** The file name for `key` (server and album): a hash, so no name from a server reaches the file system. */
  static fileName(key: string): string {
    return createHash('sha256').update(key).digest('hex');
  }

  get size(): number {
    return this.bytes;
  }

  /** The cached cover (null: cached as having none), or undefined when not cached. */
  get(key: string): Artwork | null | undefined {
    if (!this.dir) return undefined;
    const name = ArtworkCache.fileName(key);
    const size = this.entries.get(name);
    if (size === undefined) return undefined;
    const path = join(this.dir, name);
    try {
      const art = decode(readFileSync(path));
      const now = new Date();
      utimesSync(path, now, now);
      this.entries.delete(name);
      this.entries.set(name, size);
      return art;
    } catch {
      this.forget(name);
      return undefined;
    }
  }

  put(key: string, art: Artwork | null): void {
    if (!this.dir) return;
    const name = ArtworkCache.fileName(key);
    const data = encode(art);
    if (data.length > this.maxBytes) return;
    const path = join(this.dir, name);
    // Write then rename: a crash mid-write leaves no half cover.
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
    if (this.entries.has(name)) this.bytes -= this.entries.get(name)!;
    this.entries.delete(name);
    this.track(name, data.length);
    this.evict();
  }

  private track(name: string, size: number): void {
    this.entries.set(name, size);
    this.bytes += size;
  }

  private forget(name: string): void {
    const size = this.entries.get(name);
    if (size === undefined) return;
    this.entries.delete(name);
    this.bytes -= size;
    try {
      unlinkSync(join(this.dir!, name));
    } catch {
      // Already gone.
    }
  }

  private evict(): void {
    for (const name of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.forget(name);
    }
  }
}

/**
 * Runs cover fetches one at a time, each only once no list page is in flight; the same cover asked for twice
 * while it is being fetched is fetched once.
 */
export class ArtworkScheduler {
  private listsInFlight = 0;
  private idle: (() => void)[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, Promise<Artwork | null>>();

  /** Wraps a list request: covers wait while it runs. */
  async list<T>(run: () => Promise<T>): Promise<T> {
    this.listsInFlight++;
    try {
      return await run();
    } finally {
      if (--this.listsInFlight === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  fetch(key: string, run: () => Promise<Artwork | null>): Promise<Artwork | null> {
    const known = this.pending.get(key);
    if (known) return known;
    const job = this.chain.then(async () => {
      while (this.listsInFlight > 0) await new Promise<void>((r) => this.idle.push(r));
      return run();
    });
    this.chain = job.catch(() => {});
    const done = job.finally(() => this.pending.delete(key));
    this.pending.set(key, done);
    return done;
  }
}
