/** Messages between the audio engine (renderer main thread) and its two worklets. */
import type { AudioDownMessage } from '../../src-shared/ipc/audio-port.js';

export type PlayerCommand =
  | AudioDownMessage
  /** Play this stream from its first buffered frame; anything older is dropped. */
  | { cmd: 'play'; streamId: number; startFrame: number; fade: boolean }
  | { cmd: 'pause' }
  | { cmd: 'resume' }
  /** A seek is on its way: fade out and stop consuming until the new epoch arrives. */
  | { cmd: 'hold' }
  | { cmd: 'seek'; streamId: number; epoch: number; startFrame: number; playing: boolean }
  /** After a reconnect the controller reopened the track as a new stream. */
  | { cmd: 'replace'; oldStreamId: number; streamId: number; startFrame: number; playing: boolean }
  /** Forget a stream's frames (a cancelled prefetch). */
  | { cmd: 'drop'; streamId: number }
  | { cmd: 'stop' };

export interface ConsumedBytes {
  streamId: number;
  epoch: number;
  bytes: number;
}

export type PlayerReport =
  | {
      kind: 'status';
      streamId: number;
      epoch: number;
      /** Next frame to render of the current stream: the position, taken from frames actually rendered. */
      frame: number;
      consumed: ConsumedBytes[];
      underruns: number;
      buffering: boolean;
      bufferedFrames: number;
      overflows: number;
      /** The server has sent all of the current stream: what is left of it is in the ring. */
      fullyReceived: boolean;
    }
  /** The first frame of a stream was rendered (a new play, or the next track of a gapless album). */
  | { kind: 'track-started'; streamId: number; frame: number }
  | { kind: 'drained'; streamId: number };

/** Capture `frames` frames from the first clean one in [fromFrame, beforeFrame). */
export type TapCommand = { cmd: 'arm'; fromFrame: number; beforeFrame: number; frames: number };
export interface TapReport {
  kind: 'tap';
  firstFrame: number;
  frames: number;
  /** FNV-1a over the rendered samples as 16-bit little-endian, left then right, frame after frame. */
  checksum: number;
  /** Times the frame numbers did not follow one another while capturing. */
  discontinuities: number;
}

/** Frame numbers on the tap's side channel wrap here (floats hold integers exactly below 2^24). */
export const FRAME_INDEX_MODULO = 2 ** 24;

/** FNV-1a over one 16-bit sample; shared by the tap and the tests that check it. */
export function fnv1aSample(hash: number, sample: number): number {
  let h = hash;
  h = Math.imul(h ^ (sample & 0xff), 0x01000193);
  h = Math.imul(h ^ ((sample >> 8) & 0xff), 0x01000193);
  return h >>> 0;
}
export const FNV_OFFSET = 0x811c9dc5;
