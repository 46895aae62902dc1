/**
 * Decode speed per format (a multiple of real time, beside ffmpeg's on the same file; the ratio is the figure) and
 * seek latency (seek to about 90% of a long file, then the first read, as a session does before its first DATA).
 * The long files are made once by ffmpeg and kept in the temp directory. Run alone: node --import tsx bench/decode.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openPcmSource } from '../src-codecs/registry.js';

export interface DecodeBenchOptions {
  /** Length of the generated files, in minutes (default 60). */
  minutes?: number;
  /** Seconds of audio decoded for the speed figure (default 120). */
  decodeSeconds?: number;
  formats?: string[];
  print?: (line: string) => void;
}

const ENCODE: Record<string, string[]> = {
  wav: ['-c:a', 'pcm_s16le'],
  flac: ['-c:a', 'flac'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '192k'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '5'],
  opus: ['-c:a', 'libopus', '-b:a', '128k'],
};

function longFile(ext: string, minutes: number): string {
  const dir = join(tmpdir(), 'atp-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `long-${minutes}min.${ext}`);
  if (existsSync(path)) return path;
  // A chirp over noise, stereo 44.1 kHz (Opus: 48 kHz), so that encoders and decoders do real work.
  const rate = ext === 'opus' ? 48000 : 44100;
  const src = `aevalsrc=0.3*sin(2*PI*(200+100*sin(t/7))*t)+0.05*(random(0)-0.5)|0.3*sin(2*PI*330*t)+0.05*(random(1)-0.5):s=${rate}:d=${minutes * 60}`;
  const tmp = `${path}.part.${ext}`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', src, ...ENCODE[ext]!, tmp]);
  renameSync(tmp, path);
  return path;
}

async function ourSpeed(path: string, seconds: number): Promise<number> {
  const source = await openPcmSource(path);
  const { sampleRate, channels } = source.format;
  const want = seconds * sampleRate;
  const buf = new Uint8Array(4096 * channels * 2);
  const t0 = performance.now();
  let got = 0;
  while (got < want) {
    const n = await source.read(buf, 0, 4096);
    if (!n) break;
    got += n;
  }
  const ms = performance.now() - t0;
  await source.close();
  return got / sampleRate / (ms / 1000);
}

function ffmpegSpeed(path: string, seconds: number): number {
  const t0 = performance.now();
  const r = spawnSync('ffmpeg', ['-v', 'error', '-threads', '1', '-t', String(seconds), '-i', path, '-f', 's16le', '-acodec', 'pcm_s16le', '-y', '/dev/null']);
  if (r.status !== 0) return NaN;
  return seconds / ((performance.now() - t0) / 1000);
}

async function seekLatency(path: string): Promise<{ median: number; max: number }> {
  const source = await openPcmSource(path);
  const { totalFrames, channels } = source.format;
  const buf = new Uint8Array(4096 * channels * 2);
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const target = Math.floor(totalFrames * (0.88 + i * 0.005)) + i * 977;
    const t0 = performance.now();
    await source.seek(target);
    await source.read(buf, 0, 4096);
    times.push(performance.now() - t0);
  }
  await source.close();
  times.sort((a, b) => a - b);
  return { median: times[4]!, max: times[8]! };
}

export async function benchDecode(opts: DecodeBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const minutes = opts.minutes ?? 60;
  const seconds = opts.decodeSeconds ?? 120;
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
    print('decode bench skipped: ffmpeg is needed to make the long files and to compare speeds');
    return;
  }
  print(`decode: ${seconds} s decoded per format; seek: 9 seeks near 90% of a ${minutes}-minute file, seek + first read of 4096 frames`);
  print('format  open ms   ours ×rt  ffmpeg ×rt  ratio   seek median ms  seek max ms');
  for (const ext of opts.formats ?? Object.keys(ENCODE)) {
    const path = longFile(ext, minutes);
    const t0 = performance.now();
    await (await openPcmSource(path)).close();
    const openMs = performance.now() - t0;
    const ours = await ourSpeed(path, seconds);
    const theirs = ffmpegSpeed(path, seconds);
    const seek = await seekLatency(path);
    print(
      `${ext.padEnd(6)}  ${openMs.toFixed(0).padStart(7)}  ${ours.toFixed(0).padStart(8)}  ${theirs.toFixed(0).padStart(10)}  ${(ours / theirs).toFixed(2).padStart(5)}  ${seek.median.toFixed(2).padStart(14)}  ${seek.max.toFixed(2).padStart(11)}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const minutes = Number(process.env.BENCH_MINUTES ?? 60);
  await benchDecode({ minutes });
}
