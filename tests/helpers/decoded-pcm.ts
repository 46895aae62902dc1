/** Reading a stream's PCM to the end of a play, and how close it is to a reference's. */
import type { PcmStream } from '../../src-main/atp-client/decoding-stream.js';

export interface Played {
  startFrame: number;
  /** END's totalFrames. */
  endFrames: number;
  pcm: Buffer;
}

/**
 * Plays one epoch from `positionMs` to its END, crediting each chunk as it comes; rejects on the stream's error.
 * DATA and END may arrive before the PLAY reply is awaited, so both are kept by epoch from the start.
 */
export async function playToEnd(stream: PcmStream, positionMs: number, window = 1 << 20): Promise<Played> {
  const parts = new Map<number, Buffer[]>();
  const ends = new Map<number, number>();
  let onEnd: () => void = () => {};
  let onError: (err: Error) => void = () => {};
  const data = (chunk: { epoch: number; pcm: Uint8Array }) => {
    parts.set(chunk.epoch, [...(parts.get(chunk.epoch) ?? []), Buffer.from(chunk.pcm)]);
    stream.credit(chunk.pcm.length);
  };
  const end = (notice: { epoch: number; totalFrames: number }) => {
    ends.set(notice.epoch, notice.totalFrames);
    onEnd();
  };
  const error = (err: Error) => onError(err);
  stream.on('data', data);
  stream.on('end', end);
  stream.on('error', error);
  try {
    const reply = await stream.play({ positionMs, window });
    while (!ends.has(reply.epoch)) {
      await new Promise<void>((res, rej) => {
        onEnd = res;
        onError = rej;
      });
    }
    return { startFrame: reply.startFrame, endFrames: ends.get(reply.epoch)!, pcm: Buffer.concat(parts.get(reply.epoch) ?? []) };
  } finally {
    stream.off('data', data);
    stream.off('end', end);
    stream.off('error', error);
  }
}

/** The s16le samples of `pcm`, without a copy. */
export const samples = (pcm: Buffer): Int16Array => new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);

/** Signal-to-noise ratio of `got` against `want` in dB, skipping `edge` samples at each end. */
export function snr(want: Int16Array, got: Int16Array, edge: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = edge; i < want.length - edge; i++) {
    signal += want[i]! ** 2;
    noise += (want[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1));
}
