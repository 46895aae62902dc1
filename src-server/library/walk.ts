/**
 * Walks a library folder safely: every path is resolved to its real path and must lie inside the root (a symlink
 * out of the library is skipped), each real directory is entered once (a symlink loop ends), names that are not
 * valid UTF-8 are skipped (they could not be named to clients or opened again by a string path), hidden entries
 * are ignored. Each skip is reported with its reason; the walk itself never throws for one bad entry.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

export interface FoundFile {
  /** Path relative to the root with '/' separators: the name clients see and the track id's source. */
  rel: string;
  /** Real absolute path, inside the root. */
  abs: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: FoundFile[];
  /** For each folder (relative, '' for the root) that holds one, its cover image's real path. */
  folderArt: Map<string, string>;
}

/** Extensions of files we consider music; the content, not the extension, then decides the codec. */
export const AUDIO_EXTENSIONS = new Set([
  '.mp3', '.mp2', '.mp1', '.mpga', '.flac', '.ogg', '.oga', '.opus', '.wav', '.wave',
  '.m4a', '.m4b', '.mp4', '.aac', '.alac', '.aif', '.aiff', '.aifc', '.wma', '.wv', '.ape', '.caf', '.tta',
]);
/** Folder images, best first. */
const FOLDER_ART = ['cover', 'folder', 'front', 'album', 'albumart'];
const ART_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

export async function walkLibrary(root: string, onSkip: (path: string, reason: string) => void): Promise<WalkResult> {
  const files: FoundFile[] = [];
  const folderArt = new Map<string, string>();
  const seen = new Set<string>();

  const visit = async (realDir: string, relDir: string): Promise<void> => {
    if (seen.has(realDir)) {
      onSkip(relDir, 'folder already visited (a symlink loop or a second link to it)');
      return;
    }
    seen.add(realDir);
    let entries: Dirent<Buffer>[];
    try {
      entries = await readdir(realDir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      onSkip(relDir, `unreadable folder: ${(err as Error).message}`);
      return;
    }
    let art: { rank: number; path: string } | null = null;
    for (const e of entries) {
      let name: string;
      try {
        name = utf8.decode(e.name);
      } catch {
        onSkip(`${relDir}/${e.name.toString('latin1')}`.replace(/^\//, ''), 'file name is not valid UTF-8');
        continue;
      }
      if (name.startsWith('.')) continue;
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = join(realDir, name);
      let real = abs;
      if (e.isSymbolicLink()) {
        const target = await realpath(abs).catch(() => null);
        if (!target) {
          onSkip(rel, 'broken symlink or symlink loop');
          continue;
        }
        if (!isInside(root, target)) {
          onSkip(rel, 'symlink leads outside the library');
          continue;
        }
        real = target;
      }
      const st = e.isSymbolicLink() ? await stat(real).catch(() => null) : null;
      const isDir = st ? st.isDirectory() : e.isDirectory();
      const isFile = st ? st.isFile() : e.isFile();
      if (isDir) {
        await visit(real, rel);
        continue;
      }
      if (!isFile) continue;
      const ext = extname(name).toLowerCase();
      if (AUDIO_EXTENSIONS.has(ext)) {
        const s = st ?? (await stat(real).catch(() => null));
        if (s) files.push({ rel, abs: real, size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
      } else if (ART_EXTENSIONS.includes(ext)) {
        const rank = FOLDER_ART.indexOf(name.slice(0, -ext.length).toLowerCase());
        if (rank >= 0 && (!art || rank < art.rank)) art = { rank, path: real };
      }
    }
    if (art) folderArt.set(relDir, art.path);
  };

  await visit(root, '');
  return { files, folderArt };
}
