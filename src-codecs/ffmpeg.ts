/**
 * Formats we have no WebAssembly decoder for (AAC, ALAC, AIFF, WavPack, APE, WMA...) play through the system's
 * ffmpeg when it is installed: `ffmpeg -ss T -i FILE -f s16le -`, read from its stdout in paused mode, so the pipe
 * (not our memory) holds what we have not read yet and ffmpeg blocks until we want more. Without ffmpeg, open()
 * answers 'unsupported-format' with the reason, and the library lists such files as unplayable.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { DecodeError, type Decoder, type PcmSource, type SourceFormat } from './pcm-source.js';

let available: boolean | null = null;

/** Whether `ffmpeg` and `ffprobe` run; asked once per process. */
export function hasFfmpeg(): boolean {
  if (available === null) {
    const ok = (cmd: string) => spawnSync(cmd, ['-version'], { stdio: 'ignore', timeout: 5000 }).status === 0;
    available = ok('ffmpeg') && ok('ffprobe');
  }
  return available;
}

interface Probe {
  codec: string;
  sampleRate: number;
  channels: number;
  bitsPerSample: number | null;
  totalFrames: number;
}

async function probe(path: string): Promise<Probe> {
  const args = ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,sample_rate,channels,bits_per_raw_sample,duration_ts,time_base,duration:format=duration', '-of', 'json', path];
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn('ffprobe', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(text) : reject(new DecodeError('decode-failed', err.trim().split('\n')[0] || 'ffprobe failed'))));
  });
  const json = JSON.parse(out) as { streams?: Record<string, string | number>[]; format?: { duration?: string } };
  const s = json.streams?.[0];
  if (!s) throw new DecodeError('decode-failed', 'no audio stream');
  const sampleRate = Number(s.sample_rate);
  const channels = Number(s.channels);
  const seconds = Number(s.duration ?? json.format?.duration ?? 0);
  if (!sampleRate || channels < 1 || channels > 8) throw new DecodeError('unsupported-format', `audio stream of ${channels} channels at ${sampleRate} Hz`);
  const bits = Number(s.bits_per_raw_sample);
  return { codec: String(s.codec_name), sampleRate, channels, bitsPerSample: bits > 0 ? bits : null, totalFrames: Math.round(seconds * sampleRate) };
}

class FfmpegSource implements PcmSource {
  private proc: ChildProcessByStdio<null, Readable, null> | null = null;
  private ended = false;
  private carry: Buffer | null = null;

  constructor(
    private readonly path: string,
    readonly format: SourceFormat,
  ) {
    this.start(0);
  }

  private start(frame: number): void {
    this.stop();
    const { sampleRate, channels } = this.format;
    // No -ss at 0: seeking would bypass the container's edit list, which trims the codec's priming samples.
    const seek = frame > 0 ? ['-ss', (frame / sampleRate).toFixed(6)] : [];
    const args = ['-v', 'error', '-nostdin', ...seek, '-i', this.path, '-map', '0:a:0'];
    args.push('-f', 's16le', '-acodec', 'pcm_s16le', '-ar', String(sampleRate), '-ac', String(channels), '-');
    const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    proc.on('error', () => (this.ended = true));
    proc.stdout.on('end', () => (this.ended = true));
    this.proc = proc;
    this.ended = false;
    this.carry = null;
  }

  private stop(): void {
    if (this.proc) {
      this.proc.stdout.destroy();
      this.proc.kill('SIGKILL');
      this.proc = null;
    }
  }

  async seek(frame: number): Promise<void> {
    this.start(Math.max(0, Math.min(frame, this.format.totalFrames)));
  }

  async read(out: Uint8Array, offset: number, maxFrames: number): Promise<number> {
    const bpf = this.format.channels * 2;
    const want = maxFrames * bpf;
    if (want <= 0) return 0;
    let got = 0;
    while (got < bpf) {
      const chunk = this.carry ?? (await this.next(want - got));
      this.carry = null;
      if (!chunk) break;
      const n = Math.min(chunk.length, want - got);
      out.set(chunk.subarray(0, n), offset + got);
      if (n < chunk.length) this.carry = chunk.subarray(n);
      got += n;
    }
    // Whole frames only: a partial one waits for the next read.
    const frames = Math.floor(got / bpf);
    const rest = got - frames * bpf;
    if (rest) this.carry = Buffer.from(out.subarray(offset + frames * bpf, offset + got));
    return frames;
  }

  /** Up to `size` bytes from ffmpeg, waiting for them; null at the end of its output. */
  private async next(size: number): Promise<Buffer | null> {
    const stdout = this.proc?.stdout;
    if (!stdout) return null;
    for (;;) {
      const chunk = (stdout.read(Math.min(size, stdout.readableLength || size)) as Buffer | null) ?? (stdout.read() as Buffer | null);
      if (chunk) return chunk;
      if (this.ended || stdout.destroyed) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          stdout.off('readable', done);
          stdout.off('end', done);
          stdout.off('close', done);
          resolve();
        };
        stdout.on('readable', done);
        stdout.on('end', done);
        stdout.on('close', done);
      });
    }
  }

  async close(): Promise<void> {
    this.stop();
  }
}

const MAGIC: readonly ((h: Uint8Array) => boolean)[] = [
  (h) => ascii(h, 4, 4) === 'ftyp', // MP4/M4A: AAC, ALAC
  (h) => h[0] === 0xff && (h[1]! & 0xf6) === 0xf0, // ADTS AAC (layer bits 00, unlike MPEG audio)
  (h) => ascii(h, 0, 4) === 'FORM' && /^AIF[FC]$/.test(ascii(h, 8, 4)),
  (h) => ascii(h, 0, 4) === 'caff' || ascii(h, 0, 4) === 'MAC ' || ascii(h, 0, 4) === 'wvpk' || ascii(h, 0, 4) === 'TTA1',
  (h) => h[0] === 0x30 && h[1] === 0x26 && h[2] === 0xb2 && h[3] === 0x75, // ASF (WMA)
  (h) => ascii(h, 0, 4) === 'OggS', // Ogg with another codec (FLAC, Speex)
  (h) => ascii(h, 0, 4) === 'RIFF' && ascii(h, 8, 4) === 'WAVE', // WAV codecs other than PCM and float
];

function ascii(h: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...h.subarray(at, at + n));
}

export const ffmpegDecoder: Decoder = {
  codec: 'ffmpeg',
  sniff: (head) => head.length >= 12 && MAGIC.some((m) => m(head)),
  async open(path) {
    if (!hasFfmpeg()) throw new DecodeError('unsupported-format', 'unsupported format: this format needs ffmpeg, which is not installed');
    const p = await probe(path);
    if (p.totalFrames <= 0) throw new DecodeError('decode-failed', 'ffprobe found no duration');
    return new FfmpegSource(path, { sampleRate: p.sampleRate, channels: p.channels, totalFrames: p.totalFrames, codec: p.codec, bitsPerSample: p.bitsPerSample });
  },
};
