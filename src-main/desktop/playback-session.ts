/**
 * One stream the renderer plays: forwards its PCM to the audio port tagged with the controller's stream id, and
 * gives the server back credit as the renderer reports what it consumed, so the server's window stays topped up
 * while no more than a window's worth of audio is ever in flight.
 *
 * The stream underneath may be replaced mid-track (`handOver`: the link got slower, the rest travels as Opus).
 * The renderer never sees that: the new stream starts at the frame where the data sent so far ends, frames it
 * sends before that are dropped, and its epochs are renumbered so the renderer's epoch goes on.
 */
import { CreditBatch, LOW_WATER_BYTES, creditStep } from '../atp-client/credit-batch.js';
import { DecodingStream, type PcmStream } from '../atp-client/decoding-stream.js';
import type { AudioDownMessage } from '../../src-shared/ipc/audio-port.js';
import type { SeekResult } from '../../src-shared/ipc/contract.js';
import type { StreamFormat } from '../../src-shared/protocol/messages.js';
import type { StreamChoice } from './link-estimate.js';

export interface AudioSink {
  send(message: AudioDownMessage): void;
}

/**
 * Seconds of audio the server may send ahead of what the renderer has played: what a link may stall for without
 * a dropout (a 3 s stall of a mobile or Wi-Fi link, with time to spare for the refill).
 */
export const WINDOW_SECONDS = 4;
/**
 * A seek's first DATA carries no more than this much audio. A DATA is read whole, so before the first sound the
 * link must carry all of it (the server's DATA are up to 64 KiB: 130 ms at 4 Mbit/s); a quarter second still
 * outlasts the round trip for the credit that opens the rest of the window.
 */
export const FIRST_DATA_SECONDS = 0.25;
/**
 * The window a seek opens at once. The rest grows as the renderer plays (each credit counts twice until the window
 * is whole), so the server never sends a whole window in one burst: a burst queues on a slow link ahead of
 * whatever is asked next, and the next seek would wait behind it.
 */
export const SEEK_WINDOW_SECONDS = 1;
/**
 * A decoded stream's (Opus, `original`) window: its coded bytes wait ahead of the decoder as well, and the server
 * counts its window in coded bytes, so this many PCM bytes are many more seconds on the link.
 */
export const DECODED_WINDOW_SECONDS = 1.5;

export function windowBytes(format: StreamFormat, seconds = WINDOW_SECONDS): number {
  return Math.ceil(format.sampleRate * seconds) * format.bytesPerFrame;
}

export class PlaybackSession {
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
  /** Credit the renderer reported, returned to the server in steps (credit-batch.ts). */
  private readonly credits = new CreditBatch((bytes) => this.stream.credit(bytes), LOW_WATER_BYTES);
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
  /** Window bytes not yet granted since the last seek: given as extra credit while the renderer plays. */
  private growth = 0;
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
      // A decoded stream's own window is set only by PLAY (credit for the old stream's frames is not its own): whole.
      const room = this.decoded ? this.window : Math.max(this.window - owed, 4096 * this.format.bytesPerFrame);
      this.growth = 0;
      await stream.play({ positionMs: Math.floor((from * 1000) / this.format.sampleRate), window: room });
      // Credit held was the old stream's, and the new one's window is this PLAY's.
      this.credits.reset(creditStep(room, this.format.bytesPerFrame));
      return true;
    });
  }

  get format(): StreamFormat {
    return this.stream.format;
  }

  private get decoded(): boolean {
    return this.stream instanceof DecodingStream;
  }

  /** Bytes the server may send ahead of what the renderer has played. */
  get window(): number {
    return windowBytes(this.format, this.decoded ? DECODED_WINDOW_SECONDS : WINDOW_SECONDS);
  }

  get positionMs(): number {
    return Math.round((this.renderedFrame * 1000) / this.format.sampleRate);
  }

  /** Starts flowing from `positionMs`, resetting the window. */
  seek(positionMs: number): Promise<SeekResult> {
    return this.serial(async () => {
      this.dataEnd = 0;
      // A raw PCM stream starts on a small window, so its first DATA is small, gets more as credit once the reply
      // is in, and the rest while it plays; the server's low-water mark (half the PLAY's window) keeps its later DATA
      // small too, so the next seek waits behind less. A decoded stream's credit never reaches the server (it
      // credits coded bytes as it decodes): it gets the whole window at once.
      const first = this.decoded ? this.window : Math.min(this.window, windowBytes(this.format, FIRST_DATA_SECONDS));
      this.growth = 0;
      const reply = await this.stream.play({ positionMs, window: first });
      const opened = Math.max(first, Math.min(this.window, windowBytes(this.format, SEEK_WINDOW_SECONDS)));
      if (opened > first) this.stream.credit(opened - first);
      this.growth = this.window - opened;
      const epoch = reply.epoch + this.epochOffset;
      // The PLAY reset the window: what was held is owed no more, and the server's mark is that of this window.
      this.credits.reset(creditStep(first, this.format.bytesPerFrame));
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
    const extra = Math.min(credit, this.growth);
    this.growth -= extra;
    this.credits.add(credit + extra);
    // All that was sent has played (the end of the track, or the renderer ran dry): what is held goes back now.
    if (credit === owed) this.credits.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.removeAllListeners('data');
    this.stream.removeAllListeners('end');
    await this.stream.teardown().catch(() => {});
  }
}
