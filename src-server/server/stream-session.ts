import { DATA_HEADER_SIZE, encodedSize, type PlayReply } from '../../src-shared/protocol/index.js';
import type { PcmSource } from '../../src-codecs/pcm-source.js';
import { DATA_PAYLOAD_OFFSET, FrameBuffers, PacedStream, type StreamSink } from './paced-stream.js';

export type { PlayerStream, StreamSink } from './paced-stream.js';

/** One set-up PCM stream: a decoder positioned in a track, decoding straight into the DATA it sends. */
export class StreamSession extends PacedStream {
  private readonly buffers: FrameBuffers;

  constructor(
    did: number,
    trackId: string,
    private readonly source: PcmSource,
    sink: StreamSink,
    window: number,
    checksum: boolean,
    private readonly framesPerData: number,
  ) {
    super(did, trackId, source.format, sink, window, source.format.channels * 2, checksum);
    this.buffers = FrameBuffers.of(encodedSize(DATA_HEADER_SIZE + framesPerData * this.format.bytesPerFrame, checksum));
  }

  /** Starts a new epoch, from `positionMs` or (absent) from where the stream stopped. */
  async play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply> {
    await this.stop();
    if (positionMs !== undefined) {
      const frame = this.frameAt(positionMs);
      await this.source.seek(frame);
      this.nextFrame = frame;
    }
    const epoch = this.startEpoch(window);
    // The caller writes this reply and then calls resume(), so the ACK precedes the epoch's first DATA.
    return { epoch, startFrame: this.nextFrame, positionMs: this.positionMs() };
  }

  /**
   * DATA whose samples are the file's own bytes: the header, then views of the shared file blocks, in one writev,
   * with no copy and no buffer of the stream's own (the socket holds the views until the kernel has the bytes).
   * False when the stream finished.
   */
  private sendViews(chunks: Uint8Array[]): boolean {
    const { bytesPerFrame, totalFrames } = this.format;
    let bytes = 0;
    for (const c of chunks) bytes += c.length;
    const got = bytes / bytesPerFrame;
    if (got === 0) {
      this.finish(this.nextFrame, `the file ended after ${this.nextFrame} of the ${totalFrames} sample frames announced: it is truncated or damaged`);
      return false;
    }
    this.sendDataViews(chunks, bytes, this.nextFrame);
    this.nextFrame += got;
    return true;
  }

  protected release(): Promise<void> {
    return this.source.close();
  }

  protected produce(): void | Promise<void> {
    return this.source.views && !this.checksum ? this.produceViews(this.source.views) : this.produceDecoded();
  }

  /** The frames the next DATA may hold, or 0 when the run must stop (after END, when the track is done). */
  private nextDataFrames(): number {
    const { bytesPerFrame, totalFrames } = this.format;
    // END costs no credit: a receiver that has been sent every byte must learn so without granting more.
    if (this.nextFrame >= totalFrames) {
      this.finish(this.nextFrame);
      return 0;
    }
    const rest = totalFrames - this.nextFrame;
    if (this.waitsForCredit(rest * bytesPerFrame)) return 0;
    return Math.max(0, Math.min(this.framesPerData, Math.floor(this.credit / bytesPerFrame), rest));
  }

  /** Cached blocks answer at once: a turn's DATA then go out with no promise and no queue turn between them. */
  private produceViews(views: (maxFrames: number) => Uint8Array[] | Promise<Uint8Array[]>): void | Promise<void> {
    while (this.flowing) {
      const frames = this.nextDataFrames();
      if (frames === 0) return;
      let chunks: Uint8Array[] | Promise<Uint8Array[]>;
      try {
        chunks = views(frames);
      } catch (err) {
        return this.fail(err as Error);
      }
      if (chunks instanceof Promise) {
        return chunks.then(
          (read) => (this.sendViews(read) ? this.produceViews(views) : undefined),
          (err: Error) => this.fail(err),
        );
      }
      if (!this.sendViews(chunks)) return;
    }
  }

  private async produceDecoded(): Promise<void> {
    const { bytesPerFrame, totalFrames } = this.format;
    while (this.flowing) {
      const frames = this.nextDataFrames();
      if (frames === 0) return;
      // Decode straight into the frame's buffer, behind room for the ATP header and the DATA header.
      const buffer = this.buffers.take(encodedSize(DATA_HEADER_SIZE + frames * bytesPerFrame, this.checksum));
      let got: number;
      try {
        got = await this.source.read(buffer, DATA_PAYLOAD_OFFSET, frames);
      } catch (err) {
        this.buffers.give(buffer, true);
        return this.fail(err as Error);
      }
      if (got === 0) {
        this.buffers.give(buffer, true);
        return this.finish(
          this.nextFrame,
          `the file ended after ${this.nextFrame} of the ${totalFrames} sample frames announced: it is truncated or damaged`,
        );
      }
      const frame = this.frameData(buffer, got * bytesPerFrame, this.nextFrame);
      this.nextFrame += got;
      this.buffers.give(buffer, this.sink.write(frame));
    }
  }
}
