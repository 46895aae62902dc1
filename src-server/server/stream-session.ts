import {
  DATA_HEADER_SIZE,
  PlayerFunc,
  FrameType,
  encodedSize,
  sealChecksum,
  writeDataHeader,
  writeFrameHead,
  type PauseReply,
  type PlayReply,
  type StreamFormat,
} from '../../src-shared/protocol/index.js';
import type { PcmSource } from '../../src-codecs/pcm-source.js';

/** What a stream needs from its connection: a way to write and to know whether the socket wants a pause. */
export interface StreamSink {
  readonly uid: number;
  readonly congested: boolean;
  /** True when the bytes went to the kernel at once, so the caller may reuse their buffer. */
  write(bytes: Uint8Array): boolean;
  /** `reason` is set only when the track ended before the totalFrames its SETUP reply announced. */
  onEnd(did: number, epoch: number, totalFrames: number, reason?: string): void;
  onFailure(did: number, err: Error): void;
}

/**
 * Frame buffers DATA is built in, reused once the socket has taken their bytes: a stream holds none between DATA,
 * and the garbage collector sees no buffer per frame. As many exist as DATA are being built at one moment.
 */
class FrameBuffers {
  private readonly free: Uint8Array[] = [];

  constructor(private readonly size: number) {}

  take(size: number): Uint8Array {
    if (size > this.size) return new Uint8Array(size);
    return this.free.pop() ?? new Uint8Array(this.size);
  }

  /** A buffer the socket still holds (it could not write it all at once) is left to it. */
  give(buffer: Uint8Array, reusable: boolean): void {
    if (reusable && buffer.length === this.size && this.free.length < 64) this.free.push(buffer);
  }
}

/**
 * The credit a stream waits for before it sends more, unless the track's rest is less: DATA of a few hundred bytes
 * for each small CREDIT would cost a system call each. Half the window at most, so a small window still flows.
 */
const buffersBySize = new Map<number, FrameBuffers>();

function frameBuffersFor(size: number): FrameBuffers {
  let pool = buffersBySize.get(size);
  if (!pool) buffersBySize.set(size, (pool = new FrameBuffers(size)));
  return pool;
}

export const LOW_WATER_BYTES = 16 * 1024;

/**
 * One set-up stream: a decoder positioned in a track and the receiver's window of credit. DATA is produced only
 * while playing, while credit lasts and while the socket drains; there is no timer, the receiver's CREDIT paces it.
 */
export class StreamSession {
  readonly format: StreamFormat;
  private epoch = 0;
  private playing = false;
  private nextFrame = 0;
  private credit: number;
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private stopRequested = false;
  private closed = false;
  private lowWater: number;
  private readonly buffers: FrameBuffers;

  constructor(
    readonly did: number,
    readonly trackId: string,
    private readonly source: PcmSource,
    private readonly sink: StreamSink,
    window: number,
    private readonly checksum: boolean,
    private readonly framesPerData: number,
  ) {
    const f = source.format;
    this.format = {
      sampleRate: f.sampleRate,
      channels: f.channels,
      sampleFormat: 's16le',
      bytesPerFrame: f.channels * 2,
      totalFrames: f.totalFrames,
      durationMs: Math.round((f.totalFrames * 1000) / f.sampleRate),
    };
    this.credit = window;
    this.lowWater = this.lowWaterFor(window);
    this.buffers = frameBuffersFor(encodedSize(DATA_HEADER_SIZE + framesPerData * this.format.bytesPerFrame, checksum));
  }

  /** Starts a new epoch, from `positionMs` or (absent) from where the stream stopped. */
  async play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply> {
    await this.stop();
    if (positionMs !== undefined) {
      const frame = Math.min(Math.round((positionMs * this.format.sampleRate) / 1000), this.format.totalFrames);
      await this.source.seek(frame);
      this.nextFrame = frame;
    }
    if (window !== undefined) {
      this.credit = window;
      this.lowWater = this.lowWaterFor(window);
    }
    this.epoch = (this.epoch + 1) >>> 0;
    this.playing = true;
    // The caller writes this reply and then calls resume(), so the ACK precedes the epoch's first DATA.
    return { epoch: this.epoch, startFrame: this.nextFrame, positionMs: this.positionMs() };
  }

  async pause(): Promise<PauseReply> {
    await this.stop();
    return { frame: this.nextFrame, positionMs: this.positionMs() };
  }

  addCredit(bytes: number): void {
    this.credit = Math.min(this.credit + bytes, Number.MAX_SAFE_INTEGER);
    this.resume();
  }

  /** Called when the socket drained or credit arrived: produce more if there is a reason to. */
  resume(): void {
    if (!this.playing || this.closed) return;
    if (this.running) {
      // Several CREDITs can arrive in one read: a run that just decided to wait must look at the credit again.
      this.wakeAgain = true;
      return;
    }
    this.running = this.produce().finally(() => {
      this.running = null;
      if (!this.wakeAgain) return;
      this.wakeAgain = false;
      this.resume();
    });
  }

  async close(): Promise<void> {
    await this.stop();
    this.closed = true;
    await this.source.close().catch(() => {});
  }

  private async stop(): Promise<void> {
    this.stopRequested = true;
    while (this.running) await this.running;
    this.stopRequested = false;
    this.playing = false;
  }

  private lowWaterFor(window: number): number {
    const { bytesPerFrame } = this.format;
    const bytes = Math.min(LOW_WATER_BYTES, Math.floor(window / 2));
    return Math.max(bytesPerFrame, bytes - (bytes % bytesPerFrame));
  }

  private positionMs(): number {
    return Math.round((this.nextFrame * 1000) / this.format.sampleRate);
  }

  private async produce(): Promise<void> {
    const { bytesPerFrame, totalFrames } = this.format;
    while (this.playing && !this.stopRequested && !this.sink.congested) {
      // END costs no credit: a receiver that has been sent every byte must learn so without granting more.
      if (this.nextFrame >= totalFrames) return this.end();
      const rest = totalFrames - this.nextFrame;
      if (this.credit < this.lowWater && this.credit < rest * bytesPerFrame) return;
      const frames = Math.min(this.framesPerData, Math.floor(this.credit / bytesPerFrame), rest);
      if (frames <= 0) return;
      // Decode straight into the frame's buffer, behind room for the ATP header and the DATA header.
      const buffer = this.buffers.take(encodedSize(DATA_HEADER_SIZE + frames * bytesPerFrame, this.checksum));
      const pcmOffset = encodedSize(0, false) + DATA_HEADER_SIZE;
      let got: number;
      try {
        got = await this.source.read(buffer, pcmOffset, frames);
      } catch (err) {
        this.buffers.give(buffer, true);
        this.playing = false;
        this.sink.onFailure(this.did, err as Error);
        return;
      }
      if (got === 0) {
        this.buffers.give(buffer, true);
        return this.end(
          `the file ended after ${this.nextFrame} of the ${totalFrames} sample frames announced: it is truncated or damaged`,
        );
      }
      const payloadLength = DATA_HEADER_SIZE + got * bytesPerFrame;
      const header = { type: FrameType.PLAYER, func: PlayerFunc.DATA, ack: false, encrypted: false, checksum: this.checksum, uid: this.sink.uid, did: this.did };
      const payloadStart = writeFrameHead(buffer, 0, header, payloadLength);
      writeDataHeader(buffer, payloadStart, this.epoch, this.nextFrame);
      if (this.checksum) sealChecksum(buffer, payloadStart, payloadStart + payloadLength);
      this.credit -= got * bytesPerFrame;
      this.nextFrame += got;
      this.buffers.give(buffer, this.sink.write(buffer.subarray(0, encodedSize(payloadLength, this.checksum))));
    }
  }

  private end(reason?: string): void {
    this.playing = false;
    this.sink.onEnd(this.did, this.epoch, this.nextFrame, reason);
  }
}
