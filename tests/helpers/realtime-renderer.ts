/**
 * The renderer's part of playback at the speed of sound: it takes the controller's PCM for the stream and epoch
 * it plays, starts once 200 ms are buffered, plays on a 20 ms clock, and gives credit and position back as it
 * plays. It keeps what a listener would notice: underruns, the time from a request to its first sound, and
 * whether the frames played run on without a gap or a repeat.
 */
import type { AudioDownMessage } from '../../src-shared/ipc/audio-port.js';
import type { DesktopController } from '../../src-main/desktop/controller.js';

type Pcm = Extract<AudioDownMessage, { kind: 'pcm' }>;

const START_FRAMES = 0.2 * 44100;
const TICK_MS = 20;

export class RealtimeRenderer {
  streamId = -1;
  epoch = -1;
  /** The next frame to play. */
  frame = 0;
  /** Underrun episodes: the clock found too little audio, once playback had begun, before the track ended. */
  underruns = 0;
  /** When each underrun began (ms since the renderer was made). */
  readonly underrunsAt: number[] = [];
  /** Chunks that did not start where the one before ended (a gap or a repeat). */
  discontinuities = 0;
  ended = false;
  /** performance.now() of the first sound after the last follow(). */
  firstSoundAt: number | null = null;
  private readonly queue: Pcm[] = [];
  private buffered = 0;
  private playing = false;
  private starving = false;
  private owed = 0;
  private last = performance.now();
  private readonly born = performance.now();
  private readonly clock: NodeJS.Timeout;
  private queuedEnd = 0;
  private readonly early: Pcm[] = [];

  constructor(private readonly controller: DesktopController) {
    controller.attachAudio({ send: (m) => this.receive(m) });
    this.clock = setInterval(() => this.tick(), TICK_MS);
  }

  /** Plays `streamId` from `epoch`, starting at `frame`; what it held of anything else is dropped. */
  follow(streamId: number, epoch: number, frame: number): void {
    this.streamId = streamId;
    this.epoch = epoch;
    this.frame = frame;
    this.queuedEnd = frame;
    this.queue.length = 0;
    this.buffered = 0;
    this.playing = false;
    this.starving = false;
    this.ended = false;
    this.firstSoundAt = null;
    const early = this.early.splice(0);
    for (const m of early) this.receive(m);
  }

  private receive(m: AudioDownMessage): void {
    if (m.kind === 'end' && m.streamId === this.streamId && m.epoch === this.epoch) this.ended = true;
    if (m.kind !== 'pcm') return;
    if (m.streamId !== this.streamId || m.epoch !== this.epoch) {
      // Data can overtake the answer that names its stream and epoch: kept until follow() says.
      this.early.push(m);
      if (this.early.length > 256) this.early.shift();
      return;
    }
    if (m.firstFrame !== this.queuedEnd) this.discontinuities++;
    this.queuedEnd = m.firstFrame + m.pcm.byteLength / (2 * m.channels);
    this.queue.push(m);
    this.buffered += m.pcm.byteLength / (2 * m.channels);
  }

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.last;
    this.last = now;
    if (!this.playing) {
      if (this.buffered < START_FRAMES && !(this.ended && this.buffered > 0)) return;
      this.playing = true;
      this.firstSoundAt ??= now;
      this.owed = 0;
      return;
    }
    this.owed += (elapsed / 1000) * 44100;
    let due = Math.floor(this.owed);
    this.owed -= due;
    if (due > this.buffered && !this.ended) {
      if (!this.starving) {
        this.underruns++;
        this.underrunsAt.push(now - this.born);
      }
      this.starving = true;
    } else if (due <= this.buffered) {
      this.starving = false;
    }
    while (due > 0 && this.queue.length > 0) {
      const m = this.queue[0]!;
      const bytesPerFrame = 2 * m.channels;
      if (m.firstFrame > this.frame) this.frame = m.firstFrame;
      const left = m.pcm.byteLength / bytesPerFrame - (this.frame - m.firstFrame);
      const take = Math.min(left, due);
      due -= take;
      this.frame += take;
      this.buffered -= take;
      this.controller.audioUp({ kind: 'consumed', streamId: m.streamId, epoch: m.epoch, bytes: take * bytesPerFrame });
      if (take === left) this.queue.shift();
    }
    this.controller.audioUp({ kind: 'position', streamId: this.streamId, frame: this.frame });
  }

  get positionMs(): number {
    return (this.frame * 1000) / 44100;
  }

  sinceBornMs(): number {
    return performance.now() - this.born;
  }

  stop(): void {
    clearInterval(this.clock);
  }
}
