/**
 * A streaming windowed-sinc resampler (Blackman window, docs/PROTOCOL.md §8.11's kernel), used by the server to
 * bring a source to Opus's 48 kHz and by the client to bring the decoded audio back to the source's rate. Output
 * sample n sits at input time n × inRate / outRate; it is given only once every input sample its kernel reads has
 * arrived, so both ends know exactly how far the output reaches. Input before the start index counts as silence.
 */
import { kernelHalfWidth, resampleCutoff } from '../../src-shared/protocol/opus-timeline.js';

/** Phases whose taps are kept: every phase of 44.1 ↔ 48 kHz (147 or 160) and of most rate pairs. */
const MAX_CACHED_PHASES = 4096;

export class Resampler {
  readonly half: number;
  private readonly cutoff: number;
  private readonly phases: number;
  private readonly step: number;
  private readonly taps = new Map<number, Float32Array>();
  /** Input kept, per channel, from absolute index `base` on; `filled` samples of it are valid. */
  private buffers: Float32Array[];
  private base = 0;
  private filled = 0;
  /** Input before this index is silence. */
  private startIndex = 0;
  /** The next output sample's index. */
  private nextOut = 0;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    readonly channels: number,
  ) {
    this.half = kernelHalfWidth(inRate, outRate);
    this.cutoff = resampleCutoff(inRate, outRate);
    const g = gcd(inRate, outRate);
    this.phases = outRate / g;
    this.step = inRate / g;
    this.buffers = Array.from({ length: channels }, () => new Float32Array(8192));
  }

  /** Starts over: the next input pushed has index `inputIndex` (silence before it), the next output `outputIndex`. */
  reset(inputIndex: number, outputIndex: number): void {
    this.base = inputIndex;
    this.startIndex = inputIndex;
    this.filled = 0;
    this.nextOut = outputIndex;
  }

  /** The input index after the last sample pushed. */
  get inputEnd(): number {
    return this.base + this.filled;
  }

  get outputIndex(): number {
    return this.nextOut;
  }

  /** Appends `frames` samples of each channel (planar). */
  push(planar: readonly Float32Array[], frames: number, from = 0): void {
    this.room(frames);
    for (let c = 0; c < this.channels; c++) this.buffers[c]!.set(planar[c]!.subarray(from, from + frames), this.filled);
    this.filled += frames;
  }

  /** Appends interleaved s16 samples. */
  pushS16(samples: Int16Array, frames: number): void {
    this.room(frames);
    const ch = this.channels;
    for (let c = 0; c < ch; c++) {
      const b = this.buffers[c]!;
      for (let i = 0; i < frames; i++) b[this.filled + i] = samples[i * ch + c]! / 32768;
    }
    this.filled += frames;
  }

  pushSilence(frames: number): void {
    this.room(frames);
    for (const b of this.buffers) b.fill(0, this.filled, this.filled + frames);
    this.filled += frames;
  }

  /** How many outputs the input so far completes. */
  available(): number {
    const end = this.inputEnd;
    if (this.half === 0) return Math.max(0, end - this.nextOut);
    // Output n is complete when floor(n × inRate / outRate) + half < end.
    const limit = end - this.half; // floor(t) < limit
    if (limit <= 0) return 0;
    const count = Math.floor((limit * this.outRate + this.inRate - 1) / this.inRate); // outputs with t < limit
    return Math.max(0, count - this.nextOut);
  }

  /** Writes up to `frames` outputs, interleaved, into `out` from sample `offset` (as floats in −1…1). */
  pull(out: Float32Array, offset: number, frames: number): number {
    const n = Math.min(frames, this.available());
    const ch = this.channels;
    for (let k = 0; k < n; k++) {
      const index = this.nextOut + k;
      if (this.half === 0) {
        for (let c = 0; c < ch; c++) out[offset + k * ch + c] = this.sampleAt(c, index);
        continue;
      }
      const num = index * this.step;
      const i0 = Math.floor(num / this.phases);
      const taps = this.tapsFor(num - i0 * this.phases);
      const first = i0 - this.half + 1;
      for (let c = 0; c < ch; c++) {
        let sum = 0;
        for (let j = 0; j < taps.length; j++) sum += taps[j]! * this.sampleAt(c, first + j);
        out[offset + k * ch + c] = sum;
      }
    }
    this.nextOut += n;
    this.trim();
    return n;
  }

  private sampleAt(channel: number, index: number): number {
    if (index < this.startIndex || index >= this.inputEnd) return 0;
    return this.buffers[channel]![index - this.base]!;
  }

  /** The kernel's 2 × half taps for output time i0 + phase / phases, normalised to unity gain. */
  private tapsFor(phase: number): Float32Array {
    const cached = this.taps.get(phase);
    if (cached) return cached;
    const frac = phase / this.phases;
    const taps = new Float32Array(2 * this.half);
    let sum = 0;
    for (let j = 0; j < taps.length; j++) {
      const d = frac + this.half - 1 - j; // output time minus input index
      const x = d / this.half;
      const window = Math.abs(x) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
      const arg = Math.PI * this.cutoff * d;
      taps[j] = (arg === 0 ? 1 : Math.sin(arg) / arg) * window;
      sum += taps[j]!;
    }
    for (let j = 0; j < taps.length; j++) taps[j]! /= sum;
    if (this.taps.size < MAX_CACHED_PHASES) this.taps.set(phase, taps);
    return taps;
  }

  /** Drops input no later output reads. */
  private trim(): void {
    const keepFrom = this.half === 0 ? this.nextOut : Math.floor((this.nextOut * this.step) / this.phases) - this.half + 1;
    const drop = Math.min(this.filled, Math.max(0, keepFrom - this.base));
    if (drop < 4096) return;
    for (const b of this.buffers) b.copyWithin(0, drop, this.filled);
    this.base += drop;
    this.filled -= drop;
  }

  private room(frames: number): void {
    if (this.filled + frames <= this.buffers[0]!.length) return;
    const size = Math.max(2 * this.buffers[0]!.length, this.filled + frames);
    this.buffers = this.buffers.map((b) => {
      const bigger = new Float32Array(size);
      bigger.set(b.subarray(0, this.filled));
      return bigger;
    });
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
