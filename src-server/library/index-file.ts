/**
 * The library's index file: every track's id, size, mtime and listing fields, so a restart lists at once and a
 * rescan reads only what changed. One file per library root under the state directory, written atomically (a
 * temporary file, fsync, rename), so a crash leaves the old index or the new one, never half of one.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LibraryEntry } from './catalog.js';

const VERSION = 1;

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
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const data = JSON.parse(text) as IndexFile;
    if (data.version !== VERSION || data.root !== root || !Array.isArray(data.tracks)) return null;
    return data.tracks;
  } catch {
    return null;
  }
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
