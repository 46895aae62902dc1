/**
 * The `opus` encoding's clock (docs/PROTOCOL.md §8.11). Opus runs at 48 kHz whatever the source's rate, so the
 * stream keeps two timelines: granules (48 kHz samples, granule g at g / 48000 s from the track's start) on the
 * wire, and the source's sample frames for every position a client sees (PLAY, PAUSE, END, the format). Server
 * and client resample with the same kernel, so both know from the granules sent how far the audio reaches.
 */

export const OPUS_RATE = 48000;
/** Every unit is one Opus packet of 20 ms. */
export const OPUS_PACKET_GRANULES = 960;
/** SETUP's `bitrate`, in kbit/s. */
export const OPUS_BITRATE_MIN = 64;
export const OPUS_BITRATE_MAX = 256;
export const OPUS_BITRATE_DEFAULT = 160;
/** An Opus packet is at most 1275 bytes (RFC 6716 §3.4), plus the unit's length prefix. */
export const OPUS_MAX_UNIT_BYTES = 4 + 1275;
/** Zero crossings of the resampling kernel on each side, at the lower of the two rates. */
const KERNEL_ZEROS = 16;
/** How far before the first frame a client needs an epoch restarts, so a fresh encoder and resampler have settled. */
export const OPUS_RESTART_GRANULES = 2 * OPUS_PACKET_GRANULES;

/** Input samples on each side of an output sample that the kernel reads, converting inRate to outRate; 0 when equal. */
export function kernelHalfWidth(inRate: number, outRate: number): number {
  if (inRate === outRate) return 0;
  return Math.ceil(KERNEL_ZEROS / resampleCutoff(inRate, outRate));
}

/** The kernel's cutoff as a fraction of the input's Nyquist frequency: below the lower Nyquist, with a margin. */
export function resampleCutoff(inRate: number, outRate: number): number {
  return 0.97 * Math.min(1, outRate / inRate);
}

/** The granule where an epoch restarts to give source frame `frame` from its start. */
export function restartGranule(frame: number, sampleRate: number): number {
  if (frame === 0) return 0;
  return Math.max(0, Math.floor((frame * OPUS_RATE) / sampleRate) - OPUS_RESTART_GRANULES);
}

/**
 * Source frames a client can give once the granules before `granuleEnd` are decoded: frame f is complete when the
 * kernel around its time (f × 48000 / sampleRate granules) lies before granuleEnd. Capped at the track's length.
 */
export function framesReached(granuleEnd: number, sampleRate: number, totalFrames: number): number {
  const usable = granuleEnd - kernelHalfWidth(OPUS_RATE, sampleRate);
  if (usable <= 0) return 0;
  // ceil(usable × sampleRate / 48000) in integers: exact for any track shorter than centuries.
  const frames = Math.floor((usable * sampleRate + OPUS_RATE - 1) / OPUS_RATE);
  return Math.min(frames, totalFrames);
}
