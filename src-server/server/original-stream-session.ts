/**
 * A stream set up with the `original` encoding (docs/PROTOCOL.md §8.10): the file's own coded units, read and sent
 * without decoding. Each PLAY restarts the units where the decoding source would restart for that frame, so the
 * client, which readies its decoder at every PLAY ACK, places samples exactly; a resume restarts at the frame the
 * units sent so far reach. The window counts the bytes after the DATA header, and a unit is never split.
 */
import {
  DATA_HEADER_SIZE,
  UNIT_LENGTH_SIZE,
  encodedSize,
  type CodecInfo,
  type PlayReply,
} from '../../src-shared/protocol/index.js';
import type { CodedSource, CodedUnit } from '../../src-codecs/original/coded-source.js';
import { DATA_PAYLOAD_OFFSET, FrameBuffers, PacedStream, type StreamSink } from './paced-stream.js';

export type { PlayerStream } from './paced-stream.js';

/** Bytes of units gathered into one DATA at most: few writes, and a frame well under any receiver's maxPayload. */
const DATA_BYTES = 64 * 1024;

export class OriginalStreamSession extends PacedStream {
  readonly codec: CodecInfo;
  private readonly bare: boolean;
  private atEnd = false;
  private readonly buffers: FrameBuffers;

  constructor(
    did: number,
    trackId: string,
    private readonly source: CodedSource,
    sink: StreamSink,
    window: number,
    checksum: boolean,
  ) {
    super(did, trackId, source.format, sink, window, 1, checksum);
    this.codec = source.codec;
    this.bare = source.codec.name === 'pcm';
    this.buffers = FrameBuffers.of(encodedSize(DATA_HEADER_SIZE + DATA_BYTES, checksum));
  }

  async play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply> {
    await this.stop();
    if (positionMs !== undefined) this.nextFrame = this.frameAt(positionMs);
    await this.source.restart(this.nextFrame);
    this.atEnd = false;
    const epoch = this.startEpoch(window);
    return { epoch, startFrame: this.nextFrame, positionMs: this.positionMs() };
  }

  protected release(): Promise<void> {
    return this.source.close();
  }

  private wireSize(unit: CodedUnit): number {
    return this.bare ? unit.bytes.length : UNIT_LENGTH_SIZE + unit.bytes.length;
  }

  /** A unit larger than the codec allows is damage and is not sent. */
  private damaged(unit: CodedUnit): boolean {
    return !this.bare && UNIT_LENGTH_SIZE + unit.bytes.length > this.codec.maxUnitBytes;
  }

  /**
   * The next unit to send. One in a cached block comes back at once, not as a promise: a unit costs no queue turn
   * unless a block must be read.
   */
  private take(room: number): CodedUnit | null | Promise<CodedUnit | null> {
    for (;;) {
      const next = this.source.next(room);
      if (next instanceof Promise) return next.then((unit) => (unit && this.damaged(unit) ? this.take(room) : unit));
      if (!next || !this.damaged(next)) return next;
    }
  }

  protected async produce(): Promise<void> {
    if (this.bare && !this.checksum) return this.produceViews();
    while (this.flowing) {
      if (this.atEnd) return this.end();
      // The rest of the track in coded bytes is not known ahead: wait for the mark (or the END that needs none).
      if (this.waitsForCredit(Number.MAX_SAFE_INTEGER)) return;
      let buffer = this.buffers.take(encodedSize(DATA_HEADER_SIZE + DATA_BYTES, this.checksum));
      let bytes = 0;
      let position = 0;
      try {
        // Units are copied once, straight into the DATA being built.
        while (bytes < DATA_BYTES && !this.atEnd) {
          const room = Math.min(DATA_BYTES - bytes, this.credit - bytes);
          if (this.bare && room < this.codec.maxUnitBytes) break;
          const taken = this.take(room);
          const unit = taken instanceof Promise ? await taken : taken;
          if (!unit) {
            this.atEnd = true;
            break;
          }
          const size = this.wireSize(unit);
          if (bytes + size > this.credit || (bytes > 0 && bytes + size > DATA_BYTES)) {
            // Read again for the next DATA (out of the shared blocks): the stream keeps no copy.
            this.source.unread();
            break;
          }
          if (DATA_PAYLOAD_OFFSET + size > buffer.length) {
            // One unit larger than a usual DATA (a high-resolution FLAC frame): a buffer of its own.
            this.buffers.give(buffer, true);
            buffer = new Uint8Array(encodedSize(DATA_HEADER_SIZE + size, this.checksum));
          }
          if (bytes === 0) position = unit.position;
          const at = DATA_PAYLOAD_OFFSET + bytes;
          if (!this.bare) {
            // The unit's length prefix, big-endian (§8.10), without a DataView per unit.
            const n = unit.bytes.length;
            buffer[at] = n >>> 24;
            buffer[at + 1] = (n >>> 16) & 0xff;
            buffer[at + 2] = (n >>> 8) & 0xff;
            buffer[at + 3] = n & 0xff;
          }
          buffer.set(unit.bytes, this.bare ? at : at + UNIT_LENGTH_SIZE);
          bytes += size;
          if (unit.end !== null) this.nextFrame = Math.max(this.nextFrame, Math.min(unit.end, this.format.totalFrames));
        }
      } catch (err) {
        this.buffers.give(buffer, true);
        return this.fail(err as Error);
      }
      if (bytes === 0) {
        this.buffers.give(buffer, true);
        // END costs no credit: a receiver that has been sent every unit learns so without granting more.
        if (this.atEnd) return this.end();
        return;
      }
      this.send(buffer, bytes, position);
    }
  }

  /**
   * A WAV's PCM without checksum: its DATA goes out as a header and views of the shared file blocks in one writev,
   * copied nowhere (the blocks are never written again, so the socket may keep them as long as it needs).
   */
  private async produceViews(): Promise<void> {
    const bytesPerFrame = this.codec.bytesPerFrame!;
    while (this.flowing) {
      if (this.atEnd) return this.end();
      if (this.waitsForCredit(Number.MAX_SAFE_INTEGER)) return;
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      let position = 0;
      try {
        for (;;) {
          const room = Math.min(DATA_BYTES - bytes, this.credit - bytes);
          if (room < bytesPerFrame) break;
          const taken = this.take(room);
          const unit = taken instanceof Promise ? await taken : taken;
          if (!unit) {
            this.atEnd = true;
            break;
          }
          if (bytes === 0) position = unit.position;
          chunks.push(unit.bytes);
          bytes += unit.bytes.length;
          if (unit.end !== null) this.nextFrame = Math.max(this.nextFrame, Math.min(unit.end, this.format.totalFrames));
        }
      } catch (err) {
        return this.fail(err as Error);
      }
      // END costs no credit: a receiver that has been sent every frame learns so without granting more.
      if (bytes === 0) return this.atEnd ? this.end() : undefined;
      this.sendDataViews(chunks, bytes, position);
    }
  }

  private send(buffer: Uint8Array, bytes: number, position: number): void {
    this.buffers.give(buffer, this.sink.write(this.frameData(buffer, bytes, position)));
  }

  private end(): void {
    this.nextFrame = this.format.totalFrames;
    this.finish(this.format.totalFrames);
  }
}
