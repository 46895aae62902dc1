/**
 * The first library's entry point, kept so that the server builds until it calls openLibrary() directly: a
 * MusicLibrary whose index lives in the default state directory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { openLibrary, type MusicLibrary } from './music-library.js';

export function defaultStateDir(): string {
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'atp-server');
}

export const FolderLibrary = {
  open: (dir: string, log: Logger): Promise<MusicLibrary> => openLibrary({ root: dir, stateDir: defaultStateDir(), log }),
};
