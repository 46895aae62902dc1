/**
 * Messages on the audio MessagePort between the controller and the renderer's audio engine. PCM never goes
 * through the invoke channel: it flows down this port, and the renderer answers with what it consumed so the
 * controller can give the server its window of credit back.
 */
import { MAX_WINDOW } from '../protocol/payloads.js';

/**
 * The most bytes one `consumed` report may claim: the largest window a stream can have (MAX_WINDOW), since no more
 * than a window is ever in flight. A page claiming more is not believed, and the message is dropped.
 */
export const MAX_CONSUMED_BYTES = MAX_WINDOW;

/** Controller → renderer. */
export type AudioDownMessage =
  | {
      kind: 'pcm';
      streamId: number;
      epoch: number;
      /** Index of the first sample frame in `pcm`. */
      firstFrame: number;
      channels: number;
      /** Interleaved signed 16-bit little-endian PCM; a buffer of its own so it can be transferred. */
      pcm: ArrayBuffer;
    }
  /** The server has sent the whole track for this epoch. */
  | { kind: 'end'; streamId: number; epoch: number; totalFrames: number };

/** Renderer → controller. */
export type AudioUpMessage =
  /** Bytes of PCM of one epoch played since the last report: the credit to give back. */
  | { kind: 'consumed'; streamId: number; epoch: number; bytes: number }
  /** The frame being rendered now: where a reconnect resumes. */
  | { kind: 'position'; streamId: number; frame: number }
  /** Every frame of the stream has been rendered: the controller may close it. */
  | { kind: 'drained'; streamId: number };

export function isAudioUpMessage(value: unknown): value is AudioUpMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  const count = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (m.kind === 'consumed') {
    return count(m.streamId) && count(m.epoch) && Number.isSafeInteger(m.bytes) && (m.bytes as number) > 0 && (m.bytes as number) <= MAX_CONSUMED_BYTES;
  }
  if (m.kind === 'position') return count(m.streamId) && count(m.frame);
  if (m.kind === 'drained') return count(m.streamId);
  return false;
}
