/**
 * The library's index file: every track's id, size, mtime and listing fields, so a restart lists at once and a
 * rescan reads only what changed. One file per library root under the state directory, written atomically (a
 * temporary file, fsync, rename), so a crash leaves the old index or the new one, never half of one.
 *
 * The file is JSON with one track per line, and is read a line at a time: at 100,000 tracks it is some 40 MB, and
 * reading it whole would hold that text, and every parsed object, before the compact entries are made.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { compactEntry, StringPool, type LibraryEntry } from './catalog.js';

/**
 * Raised when the listing fields of some files change meaning, so that an index listing them the old way is read
 * again once: 2 lists MP3 at its gapless length, Opus at 48 kHz, chained Ogg whole, and truncated FLAC as it plays.
 */
const VERSION = 2;

interface IndexFile {
  version: number;
  root: string;
  savedAt: string;
  tracks: LibraryEntry[];
}

export function indexPathFor(stateDir: string, root: string): string {
  const tag = createHash('sha256').update(root).digest('hex').slice(0, 12);
  return join(stateDir, `library-${tag}.json`);
}

/** The saved entries, or null when there is no usable index (none yet, another version, another root, corrupt). */
export async function loadIndex(path: string, root: string): Promise<LibraryEntry[] | null> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const pool = new StringPool();
    const tracks: LibraryEntry[] = [];
    let header: Omit<IndexFile, 'tracks'> | null = null;
    let ended = false;
    for await (const line of lines(fh)) {
      if (ended) {
        if (line !== '') return null;
      } else if (!header) {
        if (!line.endsWith('"tracks":[')) return null;
        header = JSON.parse(`${line}]}`) as IndexFile;
        if (header.version !== VERSION || header.root !== root) return null;
      } else if (line === ']}') {
        ended = true;
      } else {
        tracks.push(compactEntry(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as LibraryEntry, pool));
      }
    }
    return ended ? tracks : null;
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** The file's lines, read in pieces. */
async function* lines(fh: FileHandle): AsyncGenerator<string> {
  const chunk = Buffer.alloc(1 << 20);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for (;;) {
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
    const text = rest + decoder.decode(chunk.subarray(0, bytesRead), { stream: bytesRead > 0 });
    const parts = text.split('\n');
    rest = parts.pop()!;
    yield* parts;
    if (bytesRead === 0) break;
  }
  if (rest) yield rest;
}

export async function saveIndex(path: string, root: string, tracks: readonly LibraryEntry[]): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    // Written a track per line, in pieces, so that a 100,000-track index never exists as one huge string.
    await fh.write(`{"version":${VERSION},"root":${JSON.stringify(root)},"savedAt":"${new Date().toISOString()}","tracks":[\n`);
    const PIECE = 1000;
    for (let i = 0; i < tracks.length; i += PIECE) {
      const lines = tracks.slice(i, i + PIECE).map((t) => JSON.stringify(t));
      await fh.write(lines.join(',\n') + (i + PIECE < tracks.length ? ',\n' : '\n'));
    }
    await fh.write(']}\n');
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}
