/**
 * The ring buffer the player worklet plays from: stereo 16-bit frames in one fixed block of memory (no garbage
 * while audio runs), with a list of runs saying which stream, epoch and frame numbers the buffered frames belong
 * to. Frames of the next track can wait behind the current one, which is how albums play without a gap.
 */
export interface PcmRun {
  streamId: number;
  epoch: number;
  /** Frame index (in the track) of the first frame of this run still in the ring. */
  startFrame: number;
  frames: number;
  /** Bytes one frame took on the wire (source channels × 2): what consuming it gives back as credit. */
  bytesPerFrame: number;
}

export class PcmRing {
  readonly capacity: number;
  private readonly left: Int16Array;
  private readonly right: Int16Array;
  private readPos = 0;
  private size = 0;
  private readonly runs: PcmRun[] = [];

  constructor(capacityFrames: number) {
    this.capacity = capacityFrames;
    this.left = new Int16Array(capacityFrames);
    this.right = new Int16Array(capacityFrames);
  }

  get bufferedFrames(): number {
    return this.size;
  }

  get freeFrames(): number {
    return this.capacity - this.size;
  }

  /** The run that plays next, if any. */
  head(): PcmRun | undefined {
    return this.runs[0];
  }

  /** Runs in play order (read-only view for status reports and tests). */
  listRuns(): readonly PcmRun[] {
    return this.runs;
  }

  /**
   * Appends interleaved samples. Mono is played on both sides; beyond two channels the first two are kept.
   * Returns false, writing nothing, when the chunk does not fit.
   */
  write(streamId: number, epoch: number, firstFrame: number, channels: number, samples: Int16Array): boolean {
    const frames = Math.floor(samples.length / channels);
    if (frames > this.freeFrames) return false;
    let pos = (this.readPos + this.size) % this.capacity;
    const second = channels > 1 ? 1 : 0;
    for (let i = 0; i < frames; i++) {
      this.left[pos] = samples[i * channels]!;
      this.right[pos] = samples[i * channels + second]!;
      pos = pos + 1 === this.capacity ? 0 : pos + 1;
    }
    this.size += frames;
    const last = this.runs[this.runs.length - 1];
    if (last && last.streamId === streamId && last.epoch === epoch && last.startFrame + last.frames === firstFrame) {
      last.frames += frames;
    } else {
      this.runs.push({ streamId, epoch, startFrame: firstFrame, frames, bytesPerFrame: channels * 2 });
    }
    return true;
  }

  /**
   * Copies up to `count` frames of the head run, as floats in [-1, 1), into the outputs at `offset`. Reads never
   * cross into the next run, so the caller sees every boundary (a new track, a new epoch). Returns frames read.
   */
  read(outLeft: Float32Array, outRight: Float32Array, offset: number, count: number): number {
    const run = this.runs[0];
    if (!run) return 0;
    const n = Math.min(count, run.frames);
    let pos = this.readPos;
    for (let i = 0; i < n; i++) {
      outLeft[offset + i] = this.left[pos]! / 32768;
      outRight[offset + i] = this.right[pos]! / 32768;
      pos = pos + 1 === this.capacity ? 0 : pos + 1;
    }
    this.readPos = pos;
    this.size -= n;
    run.startFrame += n;
    run.frames -= n;
    if (run.frames === 0) this.runs.shift();
    return n;
  }

  /**
   * Removes every run `drop` selects, closing the gaps so the rest keep their order. Returns the runs removed.
   * Rare (a seek, a cancelled prefetch), so it copies rather than complicating the common path.
   */
  dropRuns(drop: (run: PcmRun) => boolean): PcmRun[] {
    const removed: PcmRun[] = [];
    const kept: PcmRun[] = [];
    let src = 0;
    let dst = 0;
    for (const run of this.runs) {
      if (drop(run)) {
        removed.push(run);
      } else {
        // dst never passes src, so copying forward in play order never overwrites a frame not yet moved.
        if (dst !== src) {
          for (let i = 0; i < run.frames; i++) {
            const from = (this.readPos + src + i) % this.capacity;
            const to = (this.readPos + dst + i) % this.capacity;
            this.left[to] = this.left[from]!;
            this.right[to] = this.right[from]!;
          }
        }
        kept.push(run);
        dst += run.frames;
      }
      src += run.frames;
    }
    this.runs.length = 0;
    this.runs.push(...kept);
    this.size = dst;
    return removed;
  }
}
