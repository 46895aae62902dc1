/**
 * One stream the renderer plays: forwards its PCM to the audio port tagged with the controller's stream id, and
 * gives the server back credit as the renderer reports what it consumed, so the server's window stays topped up
 * while no more than a window's worth of audio is ever in flight.
 */
import type { PcmStream } from '../atp-client/decoding-stream.js';
import type { AudioDownMessage } from '../../src-shared/ipc/audio-port.js';
import type { SeekResult } from '../../src-shared/ipc/contract.js';
import type { StreamFormat } from '../../src-shared/protocol/messages.js';

export interface AudioSink {
  send(message: AudioDownMessage): void;
}

/** Seconds of audio the server may send ahead of what the renderer has played. */
export const WINDOW_SECONDS = 1.5;

export function windowBytes(format: StreamFormat): number {
  return Math.ceil(format.sampleRate * WINDOW_SECONDS) * format.bytesPerFrame;
}

export class PlaybackSession {
  readonly window: number;
  /** The frame the renderer last said it was playing. */
  renderedFrame = 0;
  paused = false;
  /** Set when the stream was reopened while paused: the first resume must say where to start. */
  private startAt: number | null = null;
  /** Credit returned for data of epochs before this one would count against a window already reset. */
  private windowEpoch = 0;
  /**
   * Bytes sent to the renderer and not yet credited, by epoch (only epochs since the last window reset). Credit
   * never exceeds these: a page that claims to have played more than it was given cannot open the server's window
   * wider than it is.
   */
  private readonly uncredited = new Map<number, number>();
  private closed = false;

  constructor(
    readonly id: number,
    readonly trackId: string,
    private readonly stream: PcmStream,
    private readonly sink: AudioSink,
  ) {
    this.window = windowBytes(stream.format);
    const channels = stream.format.channels;
    stream.on('data', (chunk) => {
      // A buffer of its own: the chunk is a view into a larger frame, and the port must carry only the PCM.
      const pcm = chunk.pcm.buffer.slice(chunk.pcm.byteOffset, chunk.pcm.byteOffset + chunk.pcm.byteLength) as ArrayBuffer;
      if (chunk.epoch >= this.windowEpoch) this.uncredited.set(chunk.epoch, (this.uncredited.get(chunk.epoch) ?? 0) + pcm.byteLength);
      this.sink.send({ kind: 'pcm', streamId: id, epoch: chunk.epoch, firstFrame: chunk.firstFrame, channels, pcm });
    });
    stream.on('end', (notice) => this.sink.send({ kind: 'end', streamId: id, epoch: notice.epoch, totalFrames: notice.totalFrames }));
    stream.on('error', () => {});
  }

  get format(): StreamFormat {
    return this.stream.format;
  }

  get positionMs(): number {
    return Math.round((this.renderedFrame * 1000) / this.format.sampleRate);
  }

  /** Starts flowing from `positionMs`, resetting the window. */
  async seek(positionMs: number): Promise<SeekResult> {
    const reply = await this.stream.play({ positionMs, window: this.window });
    this.windowEpoch = reply.epoch;
    for (const epoch of this.uncredited.keys()) if (epoch < reply.epoch) this.uncredited.delete(epoch);
    this.renderedFrame = reply.startFrame;
    this.paused = false;
    this.startAt = null;
    return { streamId: this.id, epoch: reply.epoch, startFrame: reply.startFrame, positionMs: reply.positionMs };
  }

  /** Opened but not flowing until `resume`, which starts at `positionMs`. */
  holdAt(positionMs: number): void {
    this.startAt = positionMs;
    this.paused = true;
    this.renderedFrame = Math.round((positionMs * this.format.sampleRate) / 1000);
  }

  async pause(): Promise<number> {
    this.paused = true;
    if (this.startAt === null) await this.stream.pause();
    return this.positionMs;
  }

  /** Continues where the server stopped: the renderer still holds what was sent before the pause. */
  async resume(): Promise<SeekResult> {
    if (this.startAt !== null) return this.seek(this.startAt);
    const reply = await this.stream.play();
    this.paused = false;
    return { streamId: this.id, epoch: reply.epoch, startFrame: reply.startFrame, positionMs: reply.positionMs };
  }

  /** The renderer played `bytes` of `epoch`: that much credit goes back, no more than it was sent. */
  consumed(epoch: number, bytes: number): void {
    if (epoch < this.windowEpoch || this.closed) return;
    const owed = this.uncredited.get(epoch) ?? 0;
    const credit = Math.min(bytes, owed);
    if (credit <= 0) return;
    this.uncredited.set(epoch, owed - credit);
    this.stream.credit(credit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.removeAllListeners('data');
    this.stream.removeAllListeners('end');
    await this.stream.teardown().catch(() => {});
  }
}
