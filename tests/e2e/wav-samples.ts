/** Reads a PCM WAV file and checksums its frames the way the tap worklet does, as the renderer plays them. */
import { wavData } from '../helpers/wav-file.js';
import { FNV_OFFSET, fnv1aSample } from '../../src-renderer/audio/worklet-messages.js';

export interface WavPcm {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

export function readWav(path: string): WavPcm {
  const { data, sampleRate, channels, bits } = wavData(path);
  if (bits !== 16) throw new Error('only 16-bit WAV is read here');
  // Copy: the data chunk need not start at an even offset, which an Int16Array view requires.
  const samples = new Int16Array(data.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
  return { sampleRate, channels, samples };
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
