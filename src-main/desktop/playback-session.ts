/**
 * One stream the renderer plays: forwards its PCM to the audio port tagged with the controller's stream id, and
 * gives the server back credit as the renderer reports what it consumed, so the server's window stays topped up
 * while no more than a window's worth of audio is ever in flight.
 *
 * The stream underneath may be replaced mid-track (`handOver`: the link got slower, the rest travels as Opus).
 * The renderer never sees that: the new stream starts at the frame where the data sent so far ends, frames it
 * sends before that are dropped, and its epochs are renumbered so the renderer's epoch goes on.
 */
import type { PcmStream } from '../atp-client/decoding-stream.js';
import type { AudioDownMessage } from '../../src-shared/ipc/audio-port.js';
import type { SeekResult } from '../../src-shared/ipc/contract.js';
import type { StreamFormat } from '../../src-shared/protocol/messages.js';
import type { StreamChoice } from './link-estimate.js';

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
  /** The renderer's epoch is the stream's plus this: a stream handed over to starts again at epoch 1. */
  private epochOffset = 0;
  /** The renderer's current epoch: the last seek's or resume's. */
  private epoch = 0;
  /** The frame after the last one sent to the renderer; null once the track's END was sent. */
  private dataEnd: number | null = 0;
  /** Frames before this one, of the epoch `trimEpoch`, were sent by the stream handed over from. */
  private trimBefore = 0;
  private trimEpoch = -1;
  /** Seeks, pauses and handovers run one after the other: a handover must not start from a frame a seek left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly trackId: string,
    private stream: PcmStream,
    private readonly sink: AudioSink,
    /** How the stream travels now (the signal path shows it), and in which encoding. */
    public transport = '',
    public choice: StreamChoice = { encoding: 'pcm' },
  ) {
    this.window = windowBytes(stream.format);
    this.listen(stream);
  }

  private listen(stream: PcmStream): void {
    const channels = stream.format.channels;
    const { bytesPerFrame } = stream.format;
    stream.on('data', (chunk) => {
      const epoch = chunk.epoch + this.epochOffset;
      let { firstFrame, pcm: bytes } = chunk;
      if (chunk.epoch === this.trimEpoch && firstFrame < this.trimBefore) {
        const skip = Math.min(bytes.length, (this.trimBefore - firstFrame) * bytesPerFrame);
        // Dropped here, so its credit goes straight back: the server counted it against the window.
        stream.credit(skip);
        bytes = bytes.subarray(skip);
        firstFrame += skip / bytesPerFrame;
        if (bytes.length === 0) return;
      }
      // A buffer of its own: the chunk is a view into a larger frame, and the port must carry only the PCM.
      const pcm = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      if (epoch >= this.windowEpoch) this.uncredited.set(epoch, (this.uncredited.get(epoch) ?? 0) + pcm.byteLength);
      this.dataEnd = firstFrame + pcm.byteLength / bytesPerFrame;
      this.sink.send({ kind: 'pcm', streamId: this.id, epoch, firstFrame, channels, pcm });
    });
    stream.on('end', (notice) => {
      this.dataEnd = null;
      this.sink.send({ kind: 'end', streamId: this.id, epoch: notice.epoch + this.epochOffset, totalFrames: notice.totalFrames });
    });
    stream.on('error', () => {});
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Goes on in another encoding from the frame where the data sent so far ends: the renderer plays what it has,
   * then the new stream's frames, with nothing missing and nothing twice. Not while paused or after the track's
   * END (there is nothing to hand over); false then.
   */
  handOver(open: () => Promise<{ stream: PcmStream; choice: StreamChoice; transport: string }>): Promise<boolean> {
    return this.serial(async () => {
      if (this.closed || this.paused || this.dataEnd === null) return false;
      // The old stream plays on while the new one is set up; it stops only once there is something to hand over to.
      const opened = await open();
      if (this.closed || this.paused || this.dataEnd === null) {
        await opened.stream.teardown().catch(() => {});
        return false;
      }
      const old = this.stream;
      old.removeAllListeners('data');
      old.removeAllListeners('end');
      const from = this.dataEnd;
      void old.teardown().catch(() => {});
      const { stream } = opened;
      const epoch = this.epoch;
      // Epochs of a new stream start at 1 (PROTOCOL.md 8.2); known before its first DATA can arrive.
      this.epochOffset = epoch - 1;
      this.trimEpoch = 1;
      this.trimBefore = from;
      this.stream = stream;
      this.transport = opened.transport;
      this.choice = opened.choice;
      this.listen(stream);
      // What the renderer holds of the old stream still counts: its credit goes to the new one as it plays.
      const owed = [...this.uncredited.values()].reduce((a, b) => a + b, 0);
      const room = Math.max(this.window - owed, 4096 * this.format.bytesPerFrame);
      await stream.play({ positionMs: Math.floor((from * 1000) / this.format.sampleRate), window: room });
      return true;
    });
  }

  get format(): StreamFormat {
    return this.stream.format;
  }

  get positionMs(): number {
    return Math.round((this.renderedFrame * 1000) / this.format.sampleRate);
  }

  /** Starts flowing from `positionMs`, resetting the window. */
  seek(positionMs: number): Promise<SeekResult> {
    return this.serial(async () => {
      this.dataEnd = 0;
      const reply = await this.stream.play({ positionMs, window: this.window });
      const epoch = reply.epoch + this.epochOffset;
      this.windowEpoch = epoch;
      this.epoch = epoch;
      for (const e of this.uncredited.keys()) if (e < epoch) this.uncredited.delete(e);
      this.renderedFrame = reply.startFrame;
      this.paused = false;
      this.startAt = null;
      return { streamId: this.id, epoch, startFrame: reply.startFrame, positionMs: reply.positionMs };
    });
  }

  /** Opened but not flowing until `resume`, which starts at `positionMs`. */
  holdAt(positionMs: number): void {
    this.startAt = positionMs;
    this.paused = true;
    this.renderedFrame = Math.round((positionMs * this.format.sampleRate) / 1000);
  }

  pause(): Promise<number> {
    return this.serial(async () => {
      this.paused = true;
      if (this.startAt === null) await this.stream.pause();
      return this.positionMs;
    });
  }

  /** Continues where the server stopped: the renderer still holds what was sent before the pause. */
  async resume(): Promise<SeekResult> {
    if (this.startAt !== null) return this.seek(this.startAt);
    return this.serial(async () => {
      const reply = await this.stream.play();
      this.paused = false;
      this.epoch = reply.epoch + this.epochOffset;
      return { streamId: this.id, epoch: this.epoch, startFrame: reply.startFrame, positionMs: reply.positionMs };
    });
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
