/**
 * File blocks shared by every stream of the process. A thousand listeners of one album read the same bytes: held
 * once here, in blocks within a byte budget (least recently used go first), they cost one thread-pool read per
 * block instead of one per stream, and no per-stream buffer. Each file is opened once while any stream reads it.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

export const BLOCK_BYTES = 64 * 1024;
/** Enough for a few hundred distinct tracks being played at once; memory that does not grow with listeners. */
export const DEFAULT_BUDGET_BYTES = 48 * 1024 * 1024;
/**
 * A block no stream has asked for in this long goes, whatever the budget: listeners of one track who follow each
 * other closely share its blocks, and the blocks they have all passed would otherwise stay until the budget is full
 * (the page cache keeps the file for later readers anyway). Longer than a slow stream takes to read one block (Opus
 * at 96 kbit/s: 5 s).
 */
export const IDLE_BLOCK_MS = 10_000;

interface OpenFile {
  fh: FileHandle;
  key: string;
  size: number;
  users: number;
  /** What readers derive from the file's bytes (a frame index, a link scan), built once while it is open. */
  derived: Map<string, Promise<unknown>>;
}

/** A file opened through the cache; `blockAt` reads go through it. Release it when the stream closes. */
export interface SharedFile {
  readonly size: number;
  /** Path, size and modification time: a file changed on disk is another file. */
  readonly key: string;
  /**
   * The block of `blockBytes` bytes (a whole number of sample frames: the caller's choice) that starts at file
   * offset `start`; shorter at the end of the file. A Buffer when cached, else a promise of one.
   */
  blockAt(start: number, blockBytes: number): Buffer | Promise<Buffer>;
  /** Blocks the cache has let go of so far (of any file): while it is unchanged, a block once cached still is. */
  readonly evictions: number;
  /**
   * `build`'s answer for this file, built by the first stream that asks and shared by every stream of the file until
   * the last releases it (a frame index, a link scan: per-file facts that would otherwise be per-stream memory).
   * `build` reads through the file's one descriptor.
   */
  derive<T>(kind: string, build: (fh: FileHandle, size: number) => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

/** A cached block, linked into the cache's recency list (oldest first). */
interface CachedBlock {
  readonly data: Buffer;
  usedAt: number;
  readonly table: BlockTable;
  readonly id: number;
  older: CachedBlock | null;
  newer: CachedBlock | null;
}

/**
 * The blocks of one file (path, size and modification time), by block size and start. Numbers, not strings: a look-up
 * is a turn of every stream, and a key built and hashed each time cost more than the look-up.
 */
class BlockTable {
  readonly cached = new Map<number, CachedBlock>();
  readonly pending = new Map<number, Promise<Buffer>>();
  private readonly sizes: number[] = [];

  constructor(readonly key: string) {}

  /**
   * One number for (start, blockBytes). A file is read in one or two block sizes (a WAV's frame-aligned blocks and
   * the coded readers' BLOCK_BYTES), and eight leave starts up to 2^50 exact.
   */
  id(start: number, blockBytes: number): number {
    let slot = this.sizes.indexOf(blockBytes);
    if (slot < 0) {
      if (this.sizes.length === 8) throw new RangeError(`a file is read in at most 8 block sizes, not ${blockBytes} too`);
      slot = this.sizes.push(blockBytes) - 1;
    }
    return start * 8 + slot;
  }
}

export class FileBlockCache {
  private readonly files = new Map<string, Promise<OpenFile>>();
  private readonly tables = new Map<string, BlockTable>();
  /** The recency list: a hit moves its block to the newest end, eviction takes from the oldest. */
  private oldest: CachedBlock | null = null;
  private newest: CachedBlock | null = null;
  private bytes = 0;
  private evicted = 0;

  constructor(
    private readonly budgetBytes = DEFAULT_BUDGET_BYTES,
    private readonly idleMs = IDLE_BLOCK_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get cachedBytes(): number {
    return this.bytes;
  }

  async open(path: string): Promise<SharedFile> {
    // A file changed on disk (a rescan's business) gets a new key, so stale blocks are never served.
    const s = await stat(path);
    const key = `${path}\0${s.size}\0${s.mtimeMs}`;
    let opening = this.files.get(key);
    if (!opening) {
      opening = open(path, 'r').then((fh) => ({ fh, key, size: s.size, users: 0, derived: new Map<string, Promise<unknown>>() }));
      this.files.set(key, opening);
      opening.catch(() => this.files.delete(key));
    }
    const file = await opening;
    file.users++;
    let table = this.tables.get(key);
    if (!table) this.tables.set(key, (table = new BlockTable(key)));
    return new OpenedFile(this, file, table);
  }

  /** Blocks let go of so far, of any file. */
  get evictions(): number {
    return this.evicted;
  }

  /** The last reader of `file` is gone: close it; its blocks stay until they are evicted. */
  async closed(file: OpenFile, table: BlockTable): Promise<void> {
    this.files.delete(file.key);
    this.dropIfUnused(table);
    await file.fh.close();
  }

  blockAt(file: OpenFile, table: BlockTable, start: number, blockBytes: number): Buffer | Promise<Buffer> {
    const id = table.id(start, blockBytes);
    const hit = table.cached.get(id);
    if (hit) {
      hit.usedAt = this.now();
      if (hit !== this.newest) {
        this.unlink(hit);
        this.append(hit);
      }
      return hit.data;
    }
    let reading = table.pending.get(id);
    if (!reading) {
      reading = this.load(file, table, id, start, blockBytes);
      table.pending.set(id, reading);
    }
    return reading;
  }

  private async load(file: OpenFile, table: BlockTable, id: number, start: number, blockBytes: number): Promise<Buffer> {
    try {
      const length = Math.max(0, Math.min(blockBytes, file.size - start));
      const block = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.fh.read(block, 0, length, start);
      const data = bytesRead === length ? block : block.subarray(0, bytesRead);
      const cached: CachedBlock = { data, usedAt: this.now(), table, id, older: null, newer: null };
      table.cached.set(id, cached);
      this.append(cached);
      this.bytes += data.length;
      this.evict();
      return data;
    } finally {
      table.pending.delete(id);
    }
  }

  private append(block: CachedBlock): void {
    block.older = this.newest;
    block.newer = null;
    if (this.newest) this.newest.newer = block;
    else this.oldest = block;
    this.newest = block;
  }

  private unlink(block: CachedBlock): void {
    if (block.older) block.older.newer = block.newer;
    else this.oldest = block.newer;
    if (block.newer) block.newer.older = block.older;
    else this.newest = block.older;
    block.older = block.newer = null;
  }

  /** Least recently used first: over the budget, or idle too long. */
  private evict(): void {
    const idleSince = this.now() - this.idleMs;
    for (let block = this.oldest; block; block = this.oldest) {
      if (this.bytes <= this.budgetBytes && block.usedAt >= idleSince) return;
      this.unlink(block);
      block.table.cached.delete(block.id);
      this.bytes -= block.data.length;
      this.evicted++;
      this.dropIfUnused(block.table);
    }
  }

  /** A table with no block, no read under way and no open file goes; one of an open file stays for its streams. */
  private dropIfUnused(table: BlockTable): void {
    if (table.cached.size > 0 || table.pending.size > 0 || this.files.has(table.key)) return;
    if (this.tables.get(table.key) === table) this.tables.delete(table.key);
  }
}

/**
 * One stream's hold on a file. A class, not an object literal: every stream's file then has one shape, and the
 * look-ups a reader makes on it each unit stay monomorphic (a literal with a getter got a shape of its own each).
 */
class OpenedFile implements SharedFile {
  private released = false;

  constructor(
    private readonly cache: FileBlockCache,
    private readonly file: OpenFile,
    private readonly table: BlockTable,
  ) {}

  get size(): number {
    return this.file.size;
  }

  get key(): string {
    return this.file.key;
  }

  get evictions(): number {
    return this.cache.evictions;
  }

  blockAt(start: number, blockBytes: number): Buffer | Promise<Buffer> {
    return this.cache.blockAt(this.file, this.table, start, blockBytes);
  }

  derive<T>(kind: string, build: (fh: FileHandle, size: number) => Promise<T>): Promise<T> {
    const { derived } = this.file;
    let made = derived.get(kind) as Promise<T> | undefined;
    if (!made) {
      made = build(this.file.fh, this.file.size);
      derived.set(kind, made);
      // A failure is not kept: the next stream tries again (and reports its own error).
      made.catch(() => derived.get(kind) === made && derived.delete(kind));
    }
    return made;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (--this.file.users > 0) return;
    await this.cache.closed(this.file, this.table);
  }
}

/** The process's cache, shared by every source that reads raw file bytes. */
export const fileBlocks = new FileBlockCache();

/** What a synchronous read throws when a block is not cached: `FileBytes.run` awaits the read and tries again. */
class BlockMissing {
  constructor(
    readonly start: number,
    readonly load: Promise<Buffer>,
  ) {}
}

const EMPTY = Buffer.alloc(0);

/**
 * Byte ranges of a shared file, out of its blocks of BLOCK_BYTES from offset 0. A reader writes its parsing as
 * synchronous code over `block` and `bytes` inside `run`, which answers at once when every block touched is cached
 * (no promise, no queue turn) and otherwise reads the missing block and runs the parsing again. So the parsing must
 * change no state of its own before its last read. A reader holds no buffer: a range within a block is a view of
 * it, one across blocks (a unit straddling a boundary) is joined into a buffer of its own length.
 */
export class FileBytes {
  /** Blocks read during the `run` under way, held so that an eviction before the retry cannot lose them. */
  private pinned: Map<number, Buffer> | null = null;
  /**
   * The block last found, while the cache has evicted nothing since: the units of a block (a hundred MP3 frames)
   * cost one cache look-up, not one each. Weakly held, so an evicted block is not kept alive by a paused stream.
   */
  private lastStart = -1;
  private lastEvictions = -1;
  private last: WeakRef<Buffer> | null = null;

  constructor(readonly file: SharedFile) {}

  get size(): number {
    return this.file.size;
  }

  /** The block holding `offset` (its start is `offset - offset % BLOCK_BYTES`); shorter at the end of the file. */
  block(offset: number): Buffer {
    const start = offset - (offset % BLOCK_BYTES);
    if (start === this.lastStart && this.file.evictions === this.lastEvictions) {
      const last = this.last!.deref();
      if (last) return last;
    }
    const pinned = this.pinned?.get(start);
    if (pinned) return pinned;
    const got = this.file.blockAt(start, BLOCK_BYTES);
    if (got instanceof Promise) throw new BlockMissing(start, got);
    this.lastStart = start;
    this.lastEvictions = this.file.evictions;
    this.last = new WeakRef(got);
    return got;
  }

  /** [at, at + length), cut short at the end of the file: a view of one block, or a copy of the blocks it spans. */
  bytes(at: number, length: number): Uint8Array {
    const end = Math.min(at + length, this.file.size);
    if (end <= at) return EMPTY;
    const first = this.block(at);
    const from = at % BLOCK_BYTES;
    if (from + (end - at) <= first.length || first.length < BLOCK_BYTES) return first.subarray(from, Math.min(first.length, from + end - at));
    // Every block first, so a miss allocates nothing.
    for (let p = at - from + BLOCK_BYTES; p < end; p += BLOCK_BYTES) this.block(p);
    const out = Buffer.allocUnsafe(end - at);
    let p = at;
    while (p < end) {
      const b = this.block(p);
      const f = p % BLOCK_BYTES;
      const n = Math.min(b.length - f, end - p);
      if (n <= 0) break; // the file shrank under its size
      b.copy(out, p - at, f, f + n);
      p += n;
    }
    return p === end ? out : out.subarray(0, p - at);
  }

  /** `parse`'s answer: at once when its blocks are cached, else a promise that reads them as it needs them. */
  run<T>(parse: () => T): T | Promise<T> {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof BlockMissing)) throw err;
      return this.retry(parse, err);
    }
  }

  private async retry<T>(parse: () => T, missing: BlockMissing): Promise<T> {
    try {
      for (;;) {
        (this.pinned ??= new Map()).set(missing.start, await missing.load);
        try {
          return parse();
        } catch (err) {
          if (!(err instanceof BlockMissing)) throw err;
          missing = err;
        }
      }
    } finally {
      this.pinned = null;
    }
  }

  release(): Promise<void> {
    return this.file.release();
  }
}
