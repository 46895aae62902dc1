/**
 * The tap: passes the music through untouched and, when armed, checksums the samples the player rendered
 * together with their frame numbers (the player's second output). Tests compare that checksum with the track's
 * own samples, which proves what was heard rather than what the UI claims.
 */
import { FNV_OFFSET, FRAME_INDEX_MODULO, fnv1aSample, type TapCommand, type TapReport } from './worklet-messages.js';
import { worklet } from './worklet-scope.js';

function toInt16(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
}

class TapProcessor extends worklet.AudioWorkletProcessor {
  private armed: TapCommand | null = null;
  private capturing = false;
  private firstFrame = 0;
  private previous = 0;
  private frames = 0;
  private hash = FNV_OFFSET;
  private discontinuities = 0;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<TapCommand>) => {
      this.armed = e.data;
      this.capturing = false;
      this.frames = 0;
      this.hash = FNV_OFFSET;
      this.discontinuities = 0;
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const music = inputs[0] ?? [];
    const out = outputs[0]!;
    for (let c = 0; c < out.length; c++) {
      const src = music[c] ?? music[0];
      if (src) out[c]!.set(src);
      else out[c]!.fill(0);
    }
    const index = inputs[1]?.[0];
    const left = music[0];
    if (!this.armed || !index || !left) return true;
    const right = music[1] ?? left;
    for (let i = 0; i < index.length && this.armed; i++) {
      const frame = index[i]!;
      if (frame < 0) continue;
      if (!this.capturing) {
        if (frame < this.armed.fromFrame % FRAME_INDEX_MODULO || frame >= this.armed.beforeFrame) continue;
        this.capturing = true;
        this.firstFrame = frame;
      } else if (frame !== (this.previous + 1) % FRAME_INDEX_MODULO) {
        this.discontinuities++;
      }
      this.previous = frame;
      this.hash = fnv1aSample(fnv1aSample(this.hash, toInt16(left[i]!)), toInt16(right[i]!));
      if (++this.frames === this.armed.frames) {
        const report: TapReport = {
          kind: 'tap', firstFrame: this.firstFrame, frames: this.frames, checksum: this.hash, discontinuities: this.discontinuities,
        };
        this.port.postMessage(report);
        this.armed = null;
      }
    }
    return true;
  }
}

worklet.registerProcessor('atp-tap', TapProcessor);
