/**
 * What every stream shares, whatever its encoding: epochs, the receiver's window of credit, and one producing run
 * at a time that CREDIT and a draining socket wake. There is no timer: the receiver's CREDIT paces a stream. Each
 * encoding (stream-session.ts: PCM; original-stream-session.ts: the file's own units) says how it fills DATA.
 */
import {
  DATA_HEADER_SIZE,
  FrameType,
  PlayerFunc,
  encodedSize,
  sealChecksum,
  writeDataHeader,
  writeFrameHead,
  type PauseReply,
  type PlayReply,
  type StreamFormat,
} from '../../src-shared/protocol/index.js';
import type { SourceFormat } from '../../src-codecs/pcm-source.js';

/** What a stream needs from its connection: a way to write and to know whether the socket wants a pause. */
export interface StreamSink {
  readonly uid: number;
  readonly congested: boolean;
  /** True when the bytes went to the kernel at once, so the caller may reuse their buffer. */
  write(bytes: Uint8Array): boolean;
  /** One frame, its head and then its body in pieces, handed to the kernel in one system call (writev); the socket may keep the pieces. */
  writeChunks(head: Uint8Array, body: readonly Uint8Array[]): void;
  /** `reason` is set only when the track ended before the totalFrames its SETUP reply announced. */
  onEnd(did: number, epoch: number, totalFrames: number, reason?: string): void;
  onFailure(did: number, err: Error): void;
}

/** What a connection asks of every stream it holds. */
export interface PlayerStream {
  readonly did: number;
  readonly trackId: string;
  readonly format: StreamFormat;
  play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply>;
  pause(): Promise<PauseReply>;
  addCredit(bytes: number): void;
  resume(): void;
  close(): Promise<void>;
}

/**
 * The credit a stream waits for before it sends more, unless what is left of the track is less (PROTOCOL.md §8.3):
 * DATA of a few hundred bytes for each small CREDIT would cost a system call each, and every turn a listener costs
 * (a CREDIT read, a writev) costs more than the bytes: 256 KiB makes a CD listener with a 2 s window one turn a
 * second. Half the window at most, so a small window still flows and a client never waits on half its window.
 */
export const LOW_WATER_BYTES = 256 * 1024;

/** Where a DATA's samples or units start in a buffer it is built in: after the frame head and the DATA header. */
export const DATA_PAYLOAD_OFFSET = encodedSize(0, false) + DATA_HEADER_SIZE;

/**
 * Buffers DATA is built in, reused once the socket has taken their bytes: a stream holds none between DATA, and
 * the garbage collector sees no buffer per frame. As many exist as DATA are being built at one moment.
 */
export class FrameBuffers {
  private static readonly bySize = new Map<number, FrameBuffers>();
  private readonly free: Uint8Array[] = [];

  private constructor(private readonly size: number) {}

  /** The process's pool of buffers of `size` bytes. */
  static of(size: number): FrameBuffers {
    let pool = FrameBuffers.bySize.get(size);
    if (!pool) FrameBuffers.bySize.set(size, (pool = new FrameBuffers(size)));
    return pool;
  }

  take(size: number): Uint8Array {
    if (size > this.size) return new Uint8Array(size);
    return this.free.pop() ?? new Uint8Array(this.size);
  }

  /** A buffer the socket still holds (it could not write it all at once) is left to it. */
  give(buffer: Uint8Array, reusable: boolean): void {
    if (reusable && buffer.length === this.size && this.free.length < 64) this.free.push(buffer);
  }
}

export abstract class PacedStream implements PlayerStream {
  /** What the client plays, whatever travels: s16 PCM of the source's rate and channels. */
  readonly format: StreamFormat;
  /** The output frame the next PLAY without a position starts from: where what was sent so far reaches. */
  protected nextFrame = 0;
  protected epoch = 0;
  protected playing = false;
  /** Bytes the receiver's window still allows. */
  protected credit: number;
  protected lowWater: number;
  /** The run under way that waits for the disk; a run that needs nothing from it is over before resume() returns. */
  private running: Promise<void> | null = null;
  private producing = false;
  private wakeAgain = false;
  /** This run found the low-water mark reached: it sends all the credit allows, not just one DATA's worth. */
  private markReached = false;
  protected stopRequested = false;
  private closed = false;

  protected constructor(
    readonly did: number,
    readonly trackId: string,
    source: SourceFormat,
    protected readonly sink: StreamSink,
    window: number,
    /** The smallest amount worth a DATA: a PCM sample frame, a whole coded unit. */
    private readonly quantum: number,
    /** DATA frames carry a CRC-32 (asked for at SETUP). */
    protected readonly checksum: boolean,
  ) {
    this.format = {
      sampleRate: source.sampleRate,
      channels: source.channels,
      sampleFormat: 's16le',
      bytesPerFrame: source.channels * 2,
      totalFrames: source.totalFrames,
      durationMs: Math.round((source.totalFrames * 1000) / source.sampleRate),
    };
    this.credit = window;
    this.lowWater = this.lowWaterFor(window);
  }

  abstract play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply>;
  /**
   * Sends DATA while playing, credit and the socket allow; returns when one of them says wait. A run that needed
   * nothing from the disk returns at once (no promise): the usual turn of a listener whose blocks are cached.
   */
  protected abstract produce(): void | Promise<void>;
  protected abstract release(): Promise<void>;

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
    if (this.running || this.producing) {
      // Several CREDITs can arrive in one read: a run that just decided to wait must look at the credit again.
      this.wakeAgain = true;
      return;
    }
    this.markReached = false;
    let run: void | Promise<void>;
    this.producing = true;
    try {
      run = this.produce();
    } finally {
      this.producing = false;
    }
    if (run instanceof Promise) {
      this.running = run.finally(() => {
        this.running = null;
        this.runAgainIfWoken();
      });
    } else {
      this.runAgainIfWoken();
    }
  }

  private runAgainIfWoken(): void {
    if (!this.wakeAgain) return;
    this.wakeAgain = false;
    this.resume();
  }

  async close(): Promise<void> {
    await this.stop();
    this.closed = true;
    await this.release().catch(() => {});
  }

  /** Ends the current run and stops producing until the next PLAY. */
  protected async stop(): Promise<void> {
    this.stopRequested = true;
    while (this.running) await this.running;
    this.stopRequested = false;
    this.playing = false;
  }

  /** A new epoch, with `window` (when given) replacing all earlier accounting. */
  protected startEpoch(window: number | undefined): number {
    if (window !== undefined) {
      this.credit = window;
      this.lowWater = this.lowWaterFor(window);
    }
    this.epoch = (this.epoch + 1) >>> 0;
    this.playing = true;
    return this.epoch;
  }

  protected positionMs(): number {
    return Math.round((this.nextFrame * 1000) / this.format.sampleRate);
  }

  /** The output frame of a PLAY position, within the track. */
  protected frameAt(positionMs: number): number {
    return Math.min(Math.round((positionMs * this.format.sampleRate) / 1000), this.format.totalFrames);
  }

  /**
   * Whether to wait for more credit before sending, when `rest` bytes would finish the track. Asked before each DATA;
   * once a run has found the mark reached it goes on to the end of the credit, or a mark larger than one DATA would
   * send one DATA per mark's worth of credit.
   */
  protected waitsForCredit(rest: number): boolean {
    if (this.markReached) return false;
    if (this.credit < this.lowWater && this.credit < rest) return true;
    this.markReached = true;
    return false;
  }

  /** May a run go on: playing, not being stopped, and the socket not asking for a pause. */
  protected get flowing(): boolean {
    return this.playing && !this.stopRequested && !this.sink.congested;
  }

  /**
   * Frames a DATA built in `buffer`, whose `bytes` of payload already lie from DATA_PAYLOAD_OFFSET on: the heads in
   * front, the checksum after; the bytes leave the credit. The frame to write.
   */
  protected frameData(buffer: Uint8Array, bytes: number, firstFrame: number): Uint8Array {
    const payloadLength = DATA_HEADER_SIZE + bytes;
    const payloadStart = writeFrameHead(buffer, 0, this.dataHeader(), payloadLength);
    writeDataHeader(buffer, payloadStart, this.epoch, firstFrame);
    if (this.checksum) sealChecksum(buffer, payloadStart, payloadStart + payloadLength);
    this.credit -= bytes;
    return buffer.subarray(0, encodedSize(payloadLength, this.checksum));
  }

  /**
   * A DATA whose payload is `chunks` as they are (views of shared file blocks), without checksum: its heads in a
   * buffer of their own, handed with the chunks to the kernel in one writev; the bytes leave the credit.
   */
  protected sendDataViews(chunks: readonly Uint8Array[], bytes: number, firstFrame: number): void {
    const head = Buffer.allocUnsafe(encodedSize(DATA_HEADER_SIZE, false));
    const payloadStart = writeFrameHead(head, 0, this.dataHeader(), DATA_HEADER_SIZE + bytes);
    writeDataHeader(head, payloadStart, this.epoch, firstFrame);
    this.credit -= bytes;
    this.sink.writeChunks(head, chunks);
  }

  private dataHeader() {
    return { type: FrameType.PLAYER, func: PlayerFunc.DATA, ack: false, encrypted: false, checksum: this.checksum, uid: this.sink.uid, did: this.did };
  }

  protected finish(totalFrames: number, reason?: string): void {
    this.playing = false;
    this.sink.onEnd(this.did, this.epoch, totalFrames, reason);
  }

  protected fail(err: Error): void {
    this.playing = false;
    this.sink.onFailure(this.did, err);
  }

  private lowWaterFor(window: number): number {
    const bytes = Math.min(LOW_WATER_BYTES, Math.floor(window / 2));
    return Math.max(this.quantum, bytes - (bytes % this.quantum));
  }
}
