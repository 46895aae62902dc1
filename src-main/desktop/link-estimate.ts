/**
 * What the link to the server carries, measured from the desktop's own DATA arrivals, and the encoding that fits
 * it. Arrivals say something about the link only while the server has credit to send: then the bytes arrive as
 * fast as the link allows, not as fast as the player consumes. Each second of such open-window time is one
 * measurement, and the higher of the last two is a sample: one stall or one lost packet's retransmission does not
 * make a link slow, two seconds in a row do (within the 4 s window). The estimate follows a falling sample at once
 * (a link that degrades must be stepped down within one window) and a rising one halfway, so one lucky burst does
 * not switch back to lossless.
 */
import type { StreamQuality } from '../../src-shared/ipc/contract.js';
import type { Encoding } from '../../src-shared/protocol/messages.js';

/** The listener's choice: Auto follows the link; the others are fixed. */
export { STREAM_QUALITIES, type StreamQuality } from '../../src-shared/ipc/contract.js';

export interface StreamChoice {
  encoding: Encoding;
  /** kbit/s, for `opus`. */
  bitrate?: number;
}

/** The lossless encoding needs this much headroom: a link at its bare bitrate underruns at the first hiccup. */
export const HEADROOM = 1.5;
/** Opus bitrates Auto chooses between, highest first; High and Data saver are the first and the fourth. */
export const OPUS_STEPS = [256, 160, 128, 96, 64] as const;
/** Open-window time that makes one sample. */
const SAMPLE_MS = 1000;

export class LinkEstimate {
  private kbps: number | null = null;
  private openMs = 0;
  private openBytes = 0;
  private lastAt: number | null = null;
  /** The last second's measurement, kbit/s. */
  private lastMeasured: number | null = null;

  /** The estimate in kbit/s; null before the first sample. */
  get estimateKbps(): number | null {
    return this.kbps;
  }

  /**
   * A DATA of `bytes` (what travelled: coded bytes for coded streams) arrived at `atMs`. `windowOpen` says whether
   * the server had credit to send it sooner: the time since the previous arrival counts only then.
   */
  observe(atMs: number, bytes: number, windowOpen: boolean): void {
    const last = this.lastAt;
    this.lastAt = atMs;
    if (!windowOpen || last === null) return;
    this.openMs += Math.max(0, atMs - last);
    this.openBytes += bytes;
    if (this.openMs < SAMPLE_MS) return;
    const measured = (this.openBytes * 8) / this.openMs;
    this.sample(Math.max(measured, this.lastMeasured ?? measured));
    this.lastMeasured = measured;
    this.openMs = 0;
    this.openBytes = 0;
  }

  /** A gap in arrivals that is no measure of the link (a pause, a seek): the next arrival starts afresh. */
  interrupt(): void {
    this.lastAt = null;
  }

  /** Another server is another link: what was measured says nothing about it. */
  reset(): void {
    this.kbps = null;
    this.openMs = 0;
    this.openBytes = 0;
    this.lastAt = null;
    this.lastMeasured = null;
  }

  sample(kbps: number): void {
    this.kbps = this.kbps === null || kbps < this.kbps ? kbps : (this.kbps + kbps) / 2;
  }

  /** What to set up for a track whose lossless stream costs `losslessKbps`. */
  choose(quality: StreamQuality, losslessKbps: number): StreamChoice {
    return chooseEncoding(quality, losslessKbps, this.kbps);
  }
}

export function chooseEncoding(quality: StreamQuality, losslessKbps: number, linkKbps: number | null): StreamChoice {
  if (quality === 'lossless') return { encoding: 'original' };
  if (quality === 'high') return { encoding: 'opus', bitrate: 256 };
  if (quality === 'data-saver') return { encoding: 'opus', bitrate: 96 };
  // Until there is a measurement, the link is taken to be a LAN's.
  if (linkKbps === null || linkKbps >= HEADROOM * losslessKbps) return { encoding: 'original' };
  const bitrate = OPUS_STEPS.find((b) => HEADROOM * b <= linkKbps) ?? OPUS_STEPS[OPUS_STEPS.length - 1]!;
  return { encoding: 'opus', bitrate };
}

/** PCM's bitrate for a format: the lossless stream's cost (a FLAC original is less, but not reliably). */
export function losslessKbps(format: { sampleRate: number; bytesPerFrame: number }): number {
  return (format.sampleRate * format.bytesPerFrame * 8) / 1000;
}

/** How a track travels, for the now-playing bar: "FLAC 44.1 kHz, Opus 160 kbit/s". */
export function travelLabel(codec: string, sampleRate: number, choice: StreamChoice): string {
  const source = `${codec.toUpperCase()} ${+(sampleRate / 1000).toFixed(1)} kHz`;
  if (choice.encoding === 'opus') return `${source}, Opus ${choice.bitrate} kbit/s`;
  return `${source}, ${choice.encoding === 'original' ? 'original' : 'PCM'}`;
}
