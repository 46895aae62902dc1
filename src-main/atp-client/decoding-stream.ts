/**
 * A stream set up as `original`, decoded here with the server's own decoders (src-codecs), so whoever holds it sees
 * what a PCM stream gives: `data` events of s16le PCM with their first frame, `end`, and credit counted in PCM bytes.
 * Coded DATA is decoded only while the PCM handed out and not yet credited stays within the PCM window asked for,
 * and its coded bytes are credited to the server as it is decoded: the receiver still paces the server.
 */
import { EventEmitter } from 'node:events';
import { OpusLinkDecoder } from '../../src-codecs/opus-transcode/opus-link-decoder.js';
import { OriginalDecoder, type DecodedPcm } from '../../src-codecs/original/original-decoder.js';
import {
  AtpError,
  readUnits,
  type CodecInfo,
  type DataChunk,
  type EndNotice,
  type PauseReply,
  type PlayReply,
  type PlayRequest,
  type StreamFormat,
} from '../../src-shared/protocol/index.js';
import type { AtpClient, SetupOptions } from './client.js';
import { CreditBatch, creditStep } from './credit-batch.js';
import type { ClientStream, ClientStreamEvents } from './client-stream.js';

/** What a player or a downloader needs of a stream, PCM or decoded here. */
export interface PcmStream extends EventEmitter<ClientStreamEvents> {
  readonly did: number;
  readonly track: string;
  readonly format: StreamFormat;
  play(req?: PlayRequest): Promise<PlayReply>;
  pause(): Promise<PauseReply>;
  credit(bytes: number): void;
  teardown(): Promise<void>;
}

/** Turns the units of each DATA into the stream's PCM: the `original` decoders, or Opus resampled back. */
export interface UnitDecoder {
  restart(startFrame: number): Promise<void>;
  readonly position: number;
  decode(position: number, units: readonly Uint8Array[]): Promise<DecodedPcm>;
  free(): void;
}

type Queued = { epoch: number; chunk: DataChunk } | { epoch: number; end: EndNotice };

/** Sets up a track; an `original` or `opus` stream comes back decoded, so the caller handles PCM either way. */
export async function openPcmStream(client: AtpClient, trackId: string, options: SetupOptions): Promise<PcmStream> {
  const stream = await client.setup(trackId, options);
  if (!stream.codec) return stream;
  try {
    const decoder = stream.encoding === 'opus' ? await OpusLinkDecoder.open(stream.format, stream.codec) : await OriginalDecoder.open(stream.format, stream.codec);
    return new DecodingStream(stream, stream.codec, decoder, options.window);
  } catch (err) {
    await stream.teardown().catch(() => {});
    throw err;
  }
}

export class DecodingStream extends EventEmitter<ClientStreamEvents> implements PcmStream {
  readonly did: number;
  readonly track: string;
  readonly format: StreamFormat;
  /** PCM bytes handed out and not yet credited may not exceed this. */
  private pcmWindow: number;
  private outstanding = 0;
  private readonly queue: Queued[] = [];
  /** Decoded PCM not yet handed out: a DATA may decode to more than the window has room for. */
  private held: DataChunk | null = null;
  /** The PLAY replies' start frames, by epoch: an epoch's units are decoded once its start is known. */
  private readonly starts = new Map<number, number>();
  /** The epoch the decoder is in; 0 before the first. */
  private decoding = 0;
  private pumping = false;
  /** Counts seeks: a DATA decoded while one was asked for belongs to a dropped epoch. */
  private seeks = 0;
  private closed = false;
  /** Coded bytes decoded, credited to the server in steps (credit-batch.ts). */
  private readonly credits: CreditBatch;

  constructor(
    private readonly raw: ClientStream,
    private readonly codec: CodecInfo,
    private readonly decoder: UnitDecoder,
    window: number,
  ) {
    super();
    this.did = raw.did;
    this.track = raw.track;
    this.format = raw.format;
    this.pcmWindow = window;
    this.credits = new CreditBatch((bytes) => this.raw.credit(bytes), creditStep(window));
    raw.on('data', (chunk) => {
      this.queue.push({ epoch: chunk.epoch, chunk });
      void this.pump();
    });
    raw.on('end', (notice) => {
      this.queue.push({ epoch: notice.epoch, end: notice });
      void this.pump();
    });
    raw.on('error', (err) => this.fail(err));
    raw.on('close', (err) => {
      this.closed = true;
      this.decoder.free();
      this.emit('close', err);
    });
  }

  /**
   * A seek (a position) drops what was queued, as the protocol drops an old epoch's DATA; a resume keeps it, since
   * the server goes on where its units reached, which is where the queued ones end.
   */
  async play(req?: PlayRequest): Promise<PlayReply> {
    if (req?.positionMs !== undefined) {
      this.seeks++;
      this.queue.length = 0;
      this.held = null;
    }
    let window: number | undefined;
    if (req?.window !== undefined) {
      this.pcmWindow = req.window;
      this.outstanding = 0;
      window = Math.max(req.window, 2 * this.codec.maxUnitBytes);
      this.credits.reset(creditStep(window));
    }
    const reply = await this.raw.play(req === undefined ? undefined : { ...req, window });
    this.starts.set(reply.epoch, reply.startFrame);
    void this.pump();
    return reply;
  }

  pause(): Promise<PauseReply> {
    return this.raw.pause();
  }

  credit(bytes: number): void {
    this.outstanding = Math.max(0, this.outstanding - bytes);
    void this.pump();
  }

  async teardown(): Promise<void> {
    this.queue.length = 0;
    await this.raw.teardown();
  }

  private fail(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.outstanding < this.pcmWindow) {
        if (this.held) {
          if (!this.handOut(this.held)) break;
          continue;
        }
        const next = this.queue[0];
        if (!next) break;
        if (next.epoch !== this.decoding) {
          const start = this.starts.get(next.epoch);
          if (start === undefined) break; // its PLAY reply is still being read
          await this.decoder.restart(start);
          this.decoding = next.epoch;
          for (const epoch of this.starts.keys()) if (epoch < next.epoch) this.starts.delete(epoch);
        }
        this.queue.shift();
        if ('end' in next) {
          // Every unit sent is decoded: what is held goes back now, before the holder tears the stream down.
          this.credits.flush();
          this.emit('end', this.endOf(next.end));
          continue;
        }
        // The raw stream read the DATA header; what it calls PCM is the coded units.
        const body = next.chunk.pcm;
        const seeks = this.seeks;
        const decoded = await this.decoder.decode(next.chunk.firstFrame, readUnits(body, this.codec.name === 'pcm'));
        if (seeks !== this.seeks) continue; // dropped, and so not credited
        this.credits.add(body.length);
        if (this.queue.length === 0) this.credits.flush(); // all that arrived is decoded: nothing to wait for
        if (decoded.pcm.length > 0) this.held = { epoch: next.epoch, firstFrame: decoded.firstFrame, pcm: decoded.pcm };
      }
    } catch (err) {
      this.queue.length = 0;
      this.fail(err instanceof AtpError ? err : new AtpError('decode-failed', `decoding the stream failed: ${(err as Error).message}`));
    } finally {
      this.pumping = false;
    }
  }

  /** Hands out as much of `chunk` as the window has room for, keeping the rest; false when nothing fitted. */
  private handOut(chunk: DataChunk): boolean {
    const { bytesPerFrame } = this.format;
    const room = this.pcmWindow - this.outstanding;
    const bytes = Math.min(chunk.pcm.length, room - (room % bytesPerFrame));
    if (bytes <= 0) return false;
    const out = bytes === chunk.pcm.length ? chunk : { ...chunk, pcm: chunk.pcm.subarray(0, bytes) };
    this.held = bytes === chunk.pcm.length ? null : { ...chunk, firstFrame: chunk.firstFrame + bytes / bytesPerFrame, pcm: chunk.pcm.subarray(bytes) };
    this.outstanding += bytes;
    this.emit('data', out);
    return true;
  }

  /** END as a PCM stream's: where the decoded audio stopped, with the reason when that is short of the announced length. */
  private endOf(notice: EndNotice): EndNotice {
    const reached = Math.min(notice.totalFrames, this.decoder.position);
    if (reached >= this.format.totalFrames || notice.reason !== undefined) return { ...notice, totalFrames: reached };
    return {
      epoch: notice.epoch,
      totalFrames: reached,
      reason: `the stream's frames decoded to ${reached} of the ${this.format.totalFrames} sample frames announced: the file is truncated or damaged`,
    };
  }
}
