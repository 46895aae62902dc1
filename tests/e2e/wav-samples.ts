/** Reads a PCM WAV file and checksums its frames the way the tap worklet does, as the renderer plays them. */
import { readFileSync } from 'node:fs';
import { FNV_OFFSET, fnv1aSample } from '../../src-renderer/audio/worklet-messages.js';

export interface WavPcm {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

export function readWav(path: string): WavPcm {
  const b = readFileSync(path);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path} is not a WAV file`);
  let at = 12;
  let sampleRate = 0;
  let channels = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(at + 10);
      sampleRate = b.readUInt32LE(at + 12);
      if (b.readUInt16LE(at + 22) !== 16) throw new Error('only 16-bit WAV is read here');
    } else if (id === 'data') {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = b.readInt16LE(at + 8 + i * 2);
      return { sampleRate, channels, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** FNV-1a over frames [first, first + count) as stereo (mono played on both sides), like the tap. */
export function checksumFrames(wav: WavPcm, first: number, count: number, seed = FNV_OFFSET): number {
  let h = seed;
  const second = wav.channels > 1 ? 1 : 0;
  for (let f = first; f < first + count; f++) {
    h = fnv1aSample(h, wav.samples[f * wav.channels]!);
    h = fnv1aSample(h, wav.samples[f * wav.channels + second]!);
  }
  return h;
}
