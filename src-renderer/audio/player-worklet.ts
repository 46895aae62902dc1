/**
 * The player: an AudioWorkletProcessor rendering from a PcmRing that the audio port fills. It reports the frame
 * it is rendering (the position the UI shows), what it consumed (the credit the controller returns to the
 * server), and underruns. Output 0 is the music; output 1 carries the frame number of each sample to the tap,
 * or -1 where the sample is not the track's own (silence, a fade).
 */
import { PcmRing } from './pcm-ring.js';
import { FRAME_INDEX_MODULO, type ConsumedBytes, type PlayerCommand, type PlayerReport } from './worklet-messages.js';
import { worklet } from './worklet-scope.js';

const RING_SECONDS = 12;
const FADE_SECONDS = 0.005;
/**
 * How often the player reports position and consumption: four times a second, and half as often while the ring
 * holds CALM_SECONDS or more (the credit can wait then). Each report wakes the page's main thread and sends credit
 * and the position up to the controller, so this cadence is most of the renderer's cost while it plays; a change
 * the page must see at once (running dry, the whole stream received) is reported at once.
 */
const REPORT_SECONDS = 0.25;
const CALM_SECONDS = 1.5;

type Mode = 'idle' | 'playing' | 'paused';

class PlayerProcessor extends worklet.AudioWorkletProcessor {
  private readonly ring = new PcmRing(Math.ceil(worklet.sampleRate * RING_SECONDS));
  private mode: Mode = 'idle';
  private current = 0;
  private frame = 0;
  private started = false;
  /** Data has flowed since the last start, seek or reconnect: only then is running dry an underrun. */
  private primed = false;
  /** Per stream, the epoch of the last seek: data of older epochs is stale. */
  private readonly minEpochs = new Map<number, number>();
  private readonly ended = new Map<number, number>();
  private gain = 1;
  private target = 1;
  private readonly step = 1 / (worklet.sampleRate * FADE_SECONDS);
  private consumed: ConsumedBytes[] = [];
  private underruns = 0;
  private starved = false;
  private overflows = 0;
  private quanta = 0;
  private readonly reportEvery = Math.max(1, Math.round((worklet.sampleRate * REPORT_SECONDS) / 128));
  private readonly calmFrames = worklet.sampleRate * CALM_SECONDS;
  /** The fade-out of a pause or a seek's hold just ended: where it stopped is reported at once. */
  private stopped = false;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<PlayerCommand>) => this.command(e.data);
  }

  private send(report: PlayerReport): void {
    this.port.postMessage(report);
  }

  private command(m: PlayerCommand): void {
    if ('kind' in m) {
      if (m.kind === 'pcm') this.receive(m.streamId, m.epoch, m.firstFrame, m.channels, new Int16Array(m.pcm));
      else if ((this.minEpochs.get(m.streamId) ?? 0) <= m.epoch) {
        this.ended.set(m.streamId, m.epoch);
        // The store opens the next track's stream on this (gapless): it should not wait for the next report.
        if (m.streamId === this.current) this.report();
      }
      return;
    }
    switch (m.cmd) {
      case 'play':
        this.dropStreamsBelow(m.streamId);
        this.begin(m.streamId, m.startFrame, m.fade);
        break;
      case 'pause':
        if (this.mode === 'playing') this.fadeTo(0);
        break;
      case 'resume':
        if (this.mode === 'paused' || this.target === 0) {
          this.mode = 'playing';
          this.fadeTo(1);
        }
        break;
      case 'hold':
        this.fadeTo(0);
        break;
      case 'seek':
        this.seekTo(m.streamId, m.epoch);
        if (m.streamId === this.current) this.restartAt(m.startFrame, m.playing);
        break;
      case 'replace':
        this.ring.dropRuns((r) => r.streamId === m.oldStreamId);
        this.current = m.streamId;
        this.restartAt(m.startFrame, m.playing);
        break;
      case 'drop':
        this.ring.dropRuns((r) => r.streamId === m.streamId);
        break;
      case 'stop':
        this.ring.dropRuns(() => true);
        this.mode = 'idle';
        this.current = 0;
        break;
    }
  }

  private begin(streamId: number, startFrame: number, fade: boolean): void {
    this.current = streamId;
    this.mode = 'playing';
    this.started = false;
    this.primed = false;
    this.starved = false;
    this.frame = startFrame;
    this.gain = fade ? 0 : 1;
    this.target = 1;
  }

  private receive(streamId: number, epoch: number, firstFrame: number, channels: number, samples: Int16Array): void {
    if (streamId < this.current || epoch < (this.minEpochs.get(streamId) ?? 0)) return;
    if (!this.ring.write(streamId, epoch, firstFrame, channels, samples)) this.overflows++;
  }

  /**
   * A seek made every older epoch of the stream stale. (A resume also starts an epoch, but continues where the
   * last one stopped, so epochs alone do not say what to drop: only a seek does.)
   */
  private seekTo(streamId: number, epoch: number): void {
    this.minEpochs.set(streamId, epoch);
    this.ring.dropRuns((r) => r.streamId === streamId && r.epoch < epoch);
    if ((this.ended.get(streamId) ?? epoch) < epoch) this.ended.delete(streamId);
  }

  /** Starts the current stream over at `frame`, from silence, so the jump makes no click. */
  private restartAt(frame: number, playing: boolean): void {
    this.frame = frame;
    this.starved = false;
    this.primed = false;
    this.mode = playing ? 'playing' : 'paused';
    this.gain = 0;
    this.target = 1;
  }

  private dropStreamsBelow(streamId: number): void {
    this.ring.dropRuns((r) => r.streamId < streamId);
    for (const id of [...this.minEpochs.keys()]) if (id < streamId) this.minEpochs.delete(id);
    for (const id of [...this.ended.keys()]) if (id < streamId) this.ended.delete(id);
  }

  private fadeTo(target: number): void {
    this.target = target;
  }

  private count(streamId: number, epoch: number, bytes: number): void {
    const last = this.consumed[this.consumed.length - 1];
    if (last && last.streamId === streamId && last.epoch === epoch) last.bytes += bytes;
    else this.consumed.push({ streamId, epoch, bytes });
  }

  /** Moves past runs that can no longer play and into the next stream when the current one is finished. */
  private settleHead(): void {
    for (;;) {
      const head = this.ring.head();
      const epoch = this.minEpochs.get(this.current) ?? 0;
      if (head && (head.streamId < this.current || (head.streamId === this.current && head.epoch < epoch))) {
        this.ring.dropRuns((r) => r === head);
        continue;
      }
      const finished = this.ended.has(this.current) && (!head || head.streamId !== this.current);
      if (!finished) return;
      this.send({ kind: 'drained', streamId: this.current });
      this.ended.delete(this.current);
      if (head) {
        // The next track is already buffered behind: go on without a gap.
        this.current = head.streamId;
        this.frame = head.startFrame;
        this.started = false;
      } else {
        this.mode = 'idle';
      }
      return;
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const left = outputs[0]![0]!;
    const right = outputs[0]![1] ?? left;
    const index = outputs[1]![0]!;
    const n = left.length;
    let done = 0;
    if (this.mode === 'playing' || (this.target === 0 && this.gain > 0)) {
      while (done < n) {
        this.settleHead();
        const head = this.ring.head();
        if (this.mode === 'idle' || !head || head.streamId !== this.current) break;
        const { streamId, epoch, bytesPerFrame } = head;
        const first = head.startFrame;
        const got = this.ring.read(left, right, done, n - done);
        if (!this.started) {
          this.started = true;
          this.send({ kind: 'track-started', streamId, frame: first });
        }
        if (this.gain === 1 && this.target === 1) {
          // The common case: the samples are the track's own, as read. Frame numbers stay below 2^24 until wrapping.
          const wrapAt = FRAME_INDEX_MODULO - (first % FRAME_INDEX_MODULO);
          for (let i = 0; i < got; i++) index[done + i] = i < wrapAt ? (first % FRAME_INDEX_MODULO) + i : i - wrapAt;
        } else {
          for (let i = 0; i < got; i++) {
            const clean = this.gain === 1;
            left[done + i] = left[done + i]! * this.gain;
            right[done + i] = right[done + i]! * this.gain;
            index[done + i] = clean ? (first + i) % FRAME_INDEX_MODULO : -1;
            if (this.gain !== this.target) {
              this.gain = this.target > this.gain ? Math.min(this.target, this.gain + this.step) : Math.max(this.target, this.gain - this.step);
            }
          }
        }
        this.count(streamId, epoch, got * bytesPerFrame);
        this.frame = first + got;
        done += got;
        this.starved = false;
        this.primed = true;
        if (this.gain === 0 && this.target === 0) {
          this.mode = this.mode === 'playing' ? 'paused' : this.mode;
          this.stopped = true;
          break;
        }
      }
      if (done < n && this.mode === 'playing' && this.primed && !this.starved && !this.ended.has(this.current)) {
        this.starved = true;
        this.underruns++;
        this.report(); // "Buffering…" shows at once
      }
    }
    left.fill(0, done);
    if (right !== left) right.fill(0, done);
    index.fill(-1, done);
    const every = this.ring.bufferedFrames >= this.calmFrames ? 2 * this.reportEvery : this.reportEvery;
    if (++this.quanta >= every || this.stopped) this.report();
    return true;
  }

  private report(): void {
    this.quanta = 0;
    this.stopped = false;
    this.send({
      kind: 'status',
      streamId: this.current,
      epoch: this.minEpochs.get(this.current) ?? 0,
      frame: this.frame,
      consumed: this.consumed,
      underruns: this.underruns,
      buffering: this.mode === 'playing' && (this.starved || !this.primed),
      bufferedFrames: this.ring.bufferedFrames,
      overflows: this.overflows,
      fullyReceived: this.ended.has(this.current),
    });
    this.consumed = [];
  }
}

worklet.registerProcessor('atp-player', PlayerProcessor);
