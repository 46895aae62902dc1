// A listener's buffer, drained on a clock at the stream's real-time rate: what a player does, without the sound.
import type { ListenerResult } from './stream-stats.js';

/** Playback begins once this much audio has arrived, as a player would wait before its first sample. */
export const START_SECONDS = 0.2;

export class PlayoutBuffer {
  /** Bytes received and not yet played. */
  buffered = 0;
  started = false;
  /** Ticks that found less audio than was due, once playback began and before the stream ended. */
  underruns = 0;
  /** The stream said it ended: a short tick after that is the track's end, not an underrun. */
  ended = false;
  firstDataMs: number | null = null;
  private owed = 0;

  /**
   * @param bytesPerSecond the real-time rate (CD: 176,400)
   * @param unit bytes are played in whole units of this size (a PCM frame: channels × 2)
   */
  constructor(
    readonly bytesPerSecond: number,
    readonly unit = 1,
  ) {}

  /** `bytes` arrived, `sincePlayMs` after the request for them was sent. */
  receive(bytes: number, sincePlayMs: number): void {
    if (this.firstDataMs === null) this.firstDataMs = sincePlayMs;
    this.buffered += bytes;
  }

  /** Plays `elapsedMs` of audio; returns the bytes played, which the listener gives back (credit, or reads on). */
  play(elapsedMs: number): number {
    if (!this.started) {
      if (this.buffered < this.bytesPerSecond * START_SECONDS) return 0;
      this.started = true;
    }
    // Fractions of a unit carry over, so that the rate is exact over any number of ticks.
    this.owed += (elapsedMs / 1000) * this.bytesPerSecond;
    const due = Math.floor(this.owed / this.unit) * this.unit;
    this.owed -= due;
    const played = Math.min(due, this.buffered);
    if (played < due && !this.ended) this.underruns++;
    this.buffered -= played;
    return played;
  }

  result(error?: string): ListenerResult {
    return { firstDataMs: this.firstDataMs, started: this.started, underruns: this.underruns, ...(error ? { error } : {}) };
  }
}
