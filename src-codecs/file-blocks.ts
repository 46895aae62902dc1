/**
 * File blocks shared by every stream of the process. A thousand listeners of one album read the same bytes: held
 * once here, in blocks within a byte budget (least recently used go first), they cost one thread-pool read per
 * block instead of one per stream, and no per-stream buffer. Each file is opened once while any stream reads it.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

export const BLOCK_BYTES = 64 * 1024;
/** Enough for a few hundred distinct tracks being played at once; memory that does not grow with listeners. */
export const DEFAULT_BUDGET_BYTES = 48 * 1024 * 1024;

interface OpenFile {
  fh: FileHandle;
  key: string;
  size: number;
  users: number;
}

/** A file opened through the cache; `blockAt` reads go through it. Release it when the stream closes. */
export interface SharedFile {
  readonly size: number;
  /**
   * The block of `blockBytes` bytes (a whole number of sample frames: the caller's choice) that starts at file
   * offset `start`; shorter at the end of the file. A Buffer when cached, else a promise of one.
   */
  blockAt(start: number, blockBytes: number): Buffer | Promise<Buffer>;
  release(): Promise<void>;
}

export class FileBlockCache {
  private readonly files = new Map<string, Promise<OpenFile>>();
  /** Insertion order is recency: a hit moves its block to the end. */
  private readonly blocks = new Map<string, Buffer>();
  private readonly pending = new Map<string, Promise<Buffer>>();
  private bytes = 0;

  constructor(private readonly budgetBytes = DEFAULT_BUDGET_BYTES) {}

  get cachedBytes(): number {
    return this.bytes;
  }

  async open(path: string): Promise<SharedFile> {
    // A file changed on disk (a rescan's business) gets a new key, so stale blocks are never served.
    const s = await stat(path);
    const key = `${path}\0${s.size}\0${s.mtimeMs}`;
    let opening = this.files.get(key);
    if (!opening) {
      opening = open(path, 'r').then((fh) => ({ fh, key, size: s.size, users: 0 }));
      this.files.set(key, opening);
      opening.catch(() => this.files.delete(key));
    }
    const file = await opening;
    file.users++;
    let released = false;
    return {
      size: file.size,
      blockAt: (start, blockBytes) => this.blockAt(file, start, blockBytes),
      release: async () => {
        if (released) return;
        released = true;
        if (--file.users > 0) return;
        this.files.delete(key);
        await file.fh.close();
      },
    };
  }

  private blockAt(file: OpenFile, start: number, blockBytes: number): Buffer | Promise<Buffer> {
    const id = `${file.key}\0${start}\0${blockBytes}`;
    const hit = this.blocks.get(id);
    if (hit) {
      this.blocks.delete(id);
      this.blocks.set(id, hit);
      return hit;
    }
    let reading = this.pending.get(id);
    if (!reading) {
      reading = this.load(file, id, start, blockBytes);
      this.pending.set(id, reading);
    }
    return reading;
  }

  private async load(file: OpenFile, id: string, start: number, blockBytes: number): Promise<Buffer> {
    try {
      const length = Math.max(0, Math.min(blockBytes, file.size - start));
      const block = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.fh.read(block, 0, length, start);
      const data = bytesRead === length ? block : block.subarray(0, bytesRead);
      this.blocks.set(id, data);
      this.bytes += data.length;
      this.evict();
      return data;
    } finally {
      this.pending.delete(id);
    }
  }

  private evict(): void {
    for (const [id, block] of this.blocks) {
      if (this.bytes <= this.budgetBytes) return;
      this.blocks.delete(id);
      this.bytes -= block.length;
    }
  }
}

/** The process's cache, shared by every source that reads raw file bytes. */
export const fileBlocks = new FileBlockCache();
