/**
 * Writes tests/fixtures/refs.json: for every fixture, ffmpeg's decode as s16le (format, frame count, sha256), the
 * source length for MP3 gapless checks, and for lossy codecs the reference PCM itself (gzip'd), so that tests can
 * compare against ffmpeg without ffmpeg. Called by make-fixtures.sh.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ffmpegDecode } from '../tests/fixtures/ffmpeg-reference.js';

const [outDir, tmpDir] = process.argv.slice(2) as [string, string];
const LOSSY = /\.(mp3|ogg|opus|m4a)$/;
/** Source WAV (in the generator's temp dir) of each MP3, for the gapless length check. */
const MP3_SOURCE: Record<string, string> = {
  'mp3-cbr128-stereo-44k.mp3': 'm1s.wav',
  'mp3-vbr-stereo-44k.mp3': 'm1s.wav',
  'mp3-noxing-stereo-44k.mp3': 'm1s.wav',
  'mp3-mono-22k.mp3': 'm2s.wav',
};

function probe(file: string): { sampleRate: number; channels: number } {
  const json = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-select_streams', 'a:0', '-of', 'json', file]).toString());
  const s = json.streams[0];
  return { sampleRate: Number(s.sample_rate), channels: Number(s.channels) };
}

/** Refreshing refs alone (`make-fixtures.refs.ts DIR /nonexistent`) keeps the source lengths already recorded. */
const refsFile = join(outDir, '..', 'refs.json');
const previous: Record<string, { sourceFrames?: number }> = existsSync(refsFile) ? JSON.parse(readFileSync(refsFile, 'utf8')) : {};
const refs: Record<string, unknown> = {};
for (const name of readdirSync(outDir).sort()) {
  const file = join(outDir, name);
  if (!/\.(wav|flac|mp3|ogg|opus|m4a)$/.test(name)) continue;
  const { sampleRate, channels } = probe(file);
  const pcm = ffmpegDecode(file, channels);
  const entry: Record<string, unknown> = {
    sampleRate,
    channels,
    frames: pcm.length / (2 * channels),
    sha256: createHash('sha256').update(pcm).digest('hex'),
  };
  const source = MP3_SOURCE[name];
  if (source) entry.sourceFrames = existsSync(join(tmpDir, source)) ? ffmpegDecode(join(tmpDir, source), channels).length / (2 * channels) : previous[name]?.sourceFrames;
  if (LOSSY.test(name) && !name.endsWith('.m4a')) {
    writeFileSync(join(outDir, '..', 'ref', `${name}.s16.gz`), gzipSync(pcm, { level: 9 }));
    entry.ref = `ref/${name}.s16.gz`;
  }
  refs[name] = entry;
}
writeFileSync(refsFile, JSON.stringify(refs, null, 2) + '\n');
