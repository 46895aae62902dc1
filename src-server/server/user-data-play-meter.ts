/**
 * Play time counted from what the client confirms, not from what was sent. A MeteredStream stands in front of a
 * stream of any encoding: it notes, at each CREDIT, how many bytes the stream has sent and which sample frame they
 * reach, and turns the bytes the client credits into the frames they carried (PCM bytes, or an `original` stream's
 * coded units, whose frames are where the stream's position got to when they were sent). Units sent before a
 * seek's target (pre-roll) carry no frames; bytes of an epoch that a seek abandoned are never credited.
 *
 * The milliseconds so far are written as a running total under a key of this stream (listening.ts) every
 * FLUSH_MS while credit comes, and when the stream closes; the store adds only what grew, so a repeated write
 * counts nothing twice, and a stream killed with its server loses at most the last FLUSH_MS, never counts double.
 */
import { randomUUID } from 'node:crypto';
import { AtpError, type PauseReply, type PlayReply, type StreamFormat } from '../../src-shared/protocol/index.js';
import type { Logger } from '../log.js';
import type { UserData } from '../storage/user-data.js';
import type { PlayerStream } from './paced-stream.js';

export const FLUSH_MS = 5000;

/** A stream's own accounting (PacedStream): what its window allows now, and where the data it sent reaches. */
interface StreamProgress {
  readonly credit: number;
  readonly nextFrame: number;
}

interface Sample {
  /** Bytes sent on the stream so far, and the sample frame they reach. */
  sent: number;
  frame: number;
}

export class MeteredStream implements PlayerStream {
  private readonly key = randomUUID();
  /** Everything that ever raised the stream's credit: sent bytes are this less what credit is left. */
  private granted: number;
  /** Bytes sent that the client has credited (or that a seek abandoned). */
  private confirmed = 0;
  private samples: Sample[];
  private playedFrames = 0;
  private startPositionMs: number | null = null;
  private startedAt = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private written = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: PlayerStream,
    window: number,
    private readonly listener: { user: string; checksQuota: boolean },
    private readonly store: UserData,
    private readonly log: Logger,
  ) {
    this.granted = window;
    this.samples = [{ sent: 0, frame: 0 }];
  }

  private get user(): string {
    return this.listener.user;
  }

  get did(): number {
    return this.inner.did;
  }
  get trackId(): string {
    return this.inner.trackId;
  }
  get format(): StreamFormat {
    return this.inner.format;
  }

  async play(positionMs: number | undefined, window: number | undefined): Promise<PlayReply> {
    const quota = this.listener.checksQuota ? await this.store.quota(this.user) : null;
    if (quota && quota.remainingSeconds <= 0) {
      throw new AtpError('quota-exceeded', `the ${quota.monthlyMinutes} minutes of listening of ${quota.month} are spent`);
    }
    // Read before PLAY resets the window; a seek abandons whatever the old epoch sends after this.
    this.note();
    const sent = this.sent();
    const reply = await this.inner.play(positionMs, window);
    if (window !== undefined) this.granted = sent + window;
    if (positionMs !== undefined) {
      // What was sent of the abandoned epoch is never credited now: count from what the new epoch sends.
      this.confirmed = sent;
      this.samples = [{ sent, frame: reply.startFrame }];
    }
    if (this.startPositionMs === null) {
      this.startPositionMs = reply.positionMs;
      this.startedAt = Date.now();
    }
    return reply;
  }

  pause(): Promise<PauseReply> {
    return this.inner.pause();
  }

  addCredit(bytes: number): void {
    this.note();
    const from = this.frameAt(this.confirmed);
    this.confirmed = Math.min(this.confirmed + bytes, this.sent());
    this.playedFrames += Math.max(0, this.frameAt(this.confirmed) - from);
    this.granted += bytes;
    this.inner.addCredit(bytes);
    while (this.samples.length > 1 && this.samples[1]!.sent <= this.confirmed) this.samples.shift();
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, FLUSH_MS);
  }

  resume(): void {
    this.inner.resume();
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await this.inner.close();
    await this.flush();
  }

  private progress(): StreamProgress {
    return this.inner as unknown as StreamProgress;
  }

  private sent(): number {
    return this.granted - this.progress().credit;
  }

  private note(): void {
    const sample = { sent: this.sent(), frame: this.progress().nextFrame };
    const last = this.samples.at(-1)!;
    if (sample.sent > last.sent) this.samples.push(sample);
  }

  /** The sample frame that the first `bytes` sent reach: between two notes, in proportion. */
  private frameAt(bytes: number): number {
    let prev = this.samples[0]!;
    if (bytes <= prev.sent) return prev.frame;
    for (const s of this.samples.slice(1)) {
      if (bytes <= s.sent) return prev.frame + ((s.frame - prev.frame) * (bytes - prev.sent)) / (s.sent - prev.sent);
      prev = s;
    }
    return prev.frame;
  }

  /** Writes the running total; one write at a time, and a failed one is made good by the next. */
  private flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const { sampleRate } = this.format;
      const playedMs = Math.floor((this.playedFrames * 1000) / sampleRate);
      if (playedMs <= this.written) return;
      const endPositionMs = Math.round((this.frameAt(this.confirmed) * 1000) / sampleRate);
      try {
        await this.store.recordPlay(this.user, {
          streamKey: this.key, track: this.trackId, startedAt: this.startedAt, startPositionMs: this.startPositionMs ?? 0, endPositionMs, playedMs, at: Date.now(),
        });
        this.written = playedMs;
      } catch (err) {
        this.log.error('play-record-failed', { user: this.user, track: this.trackId, error: (err as Error).message });
      }
    });
    return this.writing;
  }
}
