/**
 * The renderer's session between runs (queue, position, volume, sort, what the window shows): one JSON text the
 * renderer writes and reads back, kept in the user's data folder. Main only stores it; the renderer checks its
 * shape when it reads it, so a damaged or older file costs a fresh start, never a crash.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MAX_SESSION_CHARS } from '../../src-shared/ipc/contract.js';

export class SessionFile {
  constructor(private readonly file: string | null) {}

  /** The text last saved, or null when there is none (or it cannot be read). */
  load(): string | null {
    if (!this.file) return null;
    try {
      const text = readFileSync(this.file, 'utf8');
      return text.length <= MAX_SESSION_CHARS ? text : null;
    } catch {
      return null;
    }
  }

  save(text: string): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    // Write then rename, so a crash mid-write never leaves half a file.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
