/**
 * A stream set up with the `original` encoding (docs/PROTOCOL.md §8.10): the file's own coded units, read and sent
 * without decoding. Each PLAY restarts the units where the decoding source would restart for that frame, so the
 * client, which readies its decoder at every PLAY ACK, places samples exactly; a resume restarts at the frame the
 * units sent so far reach. The window counts the bytes after the DATA header, and a unit is never split.
 */
import {
  DATA_HEADER_SIZE,
  FrameType,
  PlayerFunc,
  UNIT_LENGTH_SIZE,
  encodedSize,
  sealChecksum,
  writeDataHeader,
  writeFrameHead,
  type CodecInfo,
  type PauseReply,
  type PlayReply,
  type StreamFormat,
} from '../../src-shared/protocol/index.js';
import type { CodedSource } from '../../src-codecs/original/coded-source.js';
import type { StreamSink } from './stream-session.js';

/** What a connection asks of every stream it holds, whatever its encoding. */
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

/** Bytes of units gathered into one DATA at most: few writes, and a frame well under any receiver's maxPayload. */
const DATA_BYTES = 32 * 1024;

interface HeldUnit {
  bytes: Uint8Array;
  position: number;
  end: number | null;
}

export class OriginalStreamSession implements PlayerStream {
  readonly format: StreamFormat;
  readonly codec: CodecInfo;
  private readonly bare: boolean;
  private epoch = 0;
  private playing = false;
  /** Where the next PLAY without a position restarts: the output frame the units sent so far reach. */
  private nextFrame = 0;
  private credit: number;
  /** A unit read but not yet covered by the window, kept (copied) until credit comes. */
  private held: HeldUnit | null = null;
  private atEnd = false;
  private running: Promise<void> | null = null;
  private stopRequested = false;
  private closed = false;

  constructor(
    readonly did: number,
    readonly trackId: string,
    private readonly source: CodedSource,
    private readonly sink: StreamSink,
    window: number,
    private readonly checksum: boolean,
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
    this.codec = source.codec;
    this.bare = source.codec.name === 'pcm';
    this.credit = window;
  }

  async play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply> {
    await this.stop();
    if (positionMs !== undefined) this.nextFrame = Math.min(Math.round((positionMs * this.format.sampleRate) / 1000), this.format.totalFrames);
    await this.source.restart(this.nextFrame);
    this.held = null;
    this.atEnd = false;
    if (window !== undefined) this.credit = window;
    this.epoch = (this.epoch + 1) >>> 0;
    this.playing = true;
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

  resume(): void {
    if (this.running || !this.playing || this.closed) return;
    this.running = this.produce().finally(() => {
      this.running = null;
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

  private positionMs(): number {
    return Math.round((this.nextFrame * 1000) / this.format.sampleRate);
  }

  private wireSize(unit: HeldUnit): number {
    return this.bare ? unit.bytes.length : UNIT_LENGTH_SIZE + unit.bytes.length;
  }

  /** The next unit to send, held or read; a unit larger than the codec allows is damage and is not sent. */
  private async take(room: number): Promise<HeldUnit | null> {
    if (this.held) {
      const unit = this.held;
      this.held = null;
      return unit;
    }
    for (;;) {
      const unit = await this.source.next(room);
      if (!unit) return null;
      if (!this.bare && UNIT_LENGTH_SIZE + unit.bytes.length > this.codec.maxUnitBytes) continue;
      return unit;
    }
  }

  private async produce(): Promise<void> {
    while (this.playing && !this.stopRequested && !this.sink.congested) {
      const units: HeldUnit[] = [];
      let bytes = 0;
      try {
        while (bytes < DATA_BYTES && !this.atEnd) {
          const room = Math.min(DATA_BYTES - bytes, this.credit - bytes);
          if (this.bare && room < this.codec.maxUnitBytes) break;
          const unit = await this.take(room);
          if (!unit) {
            this.atEnd = true;
            break;
          }
          // The reader's bytes are a view into its buffer, valid until its next read: copy what is kept.
          const kept = { bytes: unit.bytes.slice(), position: unit.position, end: unit.end };
          if (bytes + this.wireSize(kept) > this.credit) {
            this.held = kept;
            break;
          }
          units.push(kept);
          bytes += this.wireSize(kept);
        }
      } catch (err) {
        this.playing = false;
        this.sink.onFailure(this.did, err as Error);
        return;
      }
      if (units.length === 0) {
        // END costs no credit: a receiver that has been sent every unit learns so without granting more.
        if (this.atEnd && !this.held) return this.end();
        return;
      }
      this.send(units, bytes);
    }
  }

  private send(units: readonly HeldUnit[], bytes: number): void {
    const payloadLength = DATA_HEADER_SIZE + bytes;
    const buffer = new Uint8Array(encodedSize(payloadLength, this.checksum));
    const header = { type: FrameType.PLAYER, func: PlayerFunc.DATA, ack: false, encrypted: false, checksum: this.checksum, uid: this.sink.uid, did: this.did };
    const payloadStart = writeFrameHead(buffer, 0, header, payloadLength);
    writeDataHeader(buffer, payloadStart, this.epoch, units[0]!.position);
    let at = payloadStart + DATA_HEADER_SIZE;
    const view = new DataView(buffer.buffer);
    for (const unit of units) {
      if (!this.bare) {
        view.setUint32(at, unit.bytes.length);
        at += UNIT_LENGTH_SIZE;
      }
      buffer.set(unit.bytes, at);
      at += unit.bytes.length;
      if (unit.end !== null) this.nextFrame = Math.max(this.nextFrame, Math.min(unit.end, this.format.totalFrames));
    }
    if (this.checksum) sealChecksum(buffer, payloadStart, payloadStart + payloadLength);
    this.credit -= bytes;
    this.sink.write(buffer);
  }

  private end(): void {
    this.playing = false;
    this.nextFrame = this.format.totalFrames;
    this.sink.onEnd(this.did, this.epoch, this.format.totalFrames);
  }
}
