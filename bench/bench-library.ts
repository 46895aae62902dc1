// The libraries the streams comparison serves: one WAV (the file nginx serves too) and a mixed library of MP3,
// FLAC, Vorbis and Opus made with ffmpeg from the demo WAVs, each long enough to outlast a run.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeWav } from '../tests/helpers/wav-file.js';

const DEMO = resolve('assets/demo-library');
const RATE = 44100;
export const WAV_NAME = 'bench.wav';
/** The canonical 44-byte header of the WAV written here: byte ranges into its audio start after it. */
export const WAV_DATA_OFFSET = 44;

const MIXED: { ext: string; args: string[] }[] = [
  { ext: 'mp3', args: ['-c:a', 'libmp3lame', '-b:a', '192k'] },
  { ext: 'flac', args: ['-c:a', 'flac'] },
  { ext: 'ogg', args: ['-c:a', 'libvorbis', '-q:a', '5'] },
  { ext: 'opus', args: ['-c:a', 'libopus', '-b:a', '128k'] },
];

export interface BenchLibraries {
  /** The folder with the one WAV: atp-server's library and nginx's root. */
  wavDir: string;
  /** The folder with the mixed formats, or null with `mixedSkipped` saying why. */
  mixedDir: string | null;
  mixedSkipped?: string;
  /** File sizes by path relative to the library, to give `original` listeners each file's byte rate. */
  sizes: Map<string, number>;
  remove(): void;
}

export function makeBenchLibraries(seconds: number, options: { mixed?: boolean } = {}): BenchLibraries {
  const root = mkdtempSync(join(tmpdir(), 'atp-bench-streams-'));
  // nginx's worker runs as nobody: the folders it serves must be readable by others.
  chmodSync(root, 0o755);
  const wavDir = join(root, 'wav');
  mkdirSync(wavDir, { mode: 0o755 });
  writeWav(join(wavDir, WAV_NAME), { sampleRate: RATE, channels: 2, bits: 16, frames: RATE * seconds }, (f, c) =>
    0.3 * Math.sin((2 * Math.PI * (220 + 3 * c) * f) / RATE),
  );
  const sizes = new Map<string, number>([[WAV_NAME, statSync(join(wavDir, WAV_NAME)).size]]);
  const libs: BenchLibraries = { wavDir, mixedDir: null, sizes, remove: () => rmSync(root, { recursive: true, force: true }) };
  if (options.mixed === false) {
    libs.mixedSkipped = 'not asked for';
    return libs;
  }
  if (spawnSync('ffmpeg', ['-version']).status !== 0) {
    libs.mixedSkipped = 'ffmpeg is not installed (apt-get install ffmpeg)';
    return libs;
  }
  const mixedDir = join(root, 'mixed');
  mkdirSync(mixedDir, { mode: 0o755 });
  const demos = readdirSync(DEMO).filter((f) => f.endsWith('.wav'));
  for (const [i, { ext, args }] of MIXED.entries()) {
    const name = `mixed-${i + 1}.${ext}`;
    const source = join(DEMO, demos[i % demos.length]!);
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-stream_loop', '-1', '-i', source, '-t', String(seconds), ...args, join(mixedDir, name)], { encoding: 'utf8' });
    if (r.status !== 0) {
      libs.mixedSkipped = `ffmpeg could not make the ${ext} file: ${r.stderr.trim().split('\n').pop()}`;
      return libs;
    }
    sizes.set(name, statSync(join(mixedDir, name)).size);
  }
  libs.mixedDir = mixedDir;
  return libs;
}
