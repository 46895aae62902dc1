/**
 * The audio engine on the renderer's main thread: an AudioContext at the stream's sample rate with
 * player worklet → tap worklet → GainNode → speakers. It moves PCM from the audio port into the player (the
 * buffers are transferred, not copied), passes the player's consumption back up the port as credit, and
 * publishes what the player reports: position, buffering, underruns.
 */
import type { AudioDownMessage, AudioUpMessage } from '../../src-shared/ipc/audio-port.js';
import type { SeekResult, StreamStarted } from '../../src-shared/ipc/contract.js';
import playerUrl from './player-worklet.ts?worker&url';
import tapUrl from './tap-worklet.ts?worker&url';
import type { PlayerCommand, PlayerReport, TapCommand, TapReport } from './worklet-messages.js';

export interface EngineStatus {
  streamId: number;
  frame: number;
  sampleRate: number;
  buffering: boolean;
  underruns: number;
  bufferedFrames: number;
  /** All of the current stream has arrived; a prefetched stream's data can now follow it in the ring. */
  fullyReceived: boolean;
}

export interface EngineEvents {
  status(status: EngineStatus): void;
  trackStarted(streamId: number, frame: number): void;
  drained(streamId: number): void;
}

/** The rate the graph is built at before anything plays: most music is at 44.1 kHz. */
const WARM_SAMPLE_RATE = 44100;
/** A player paused or stopped this long suspends its AudioContext (long after the 5 ms fade-out has played). */
const IDLE_SUSPEND_MS = 2000;

interface Graph {
  context: AudioContext;
  player: AudioWorkletNode;
  tap: AudioWorkletNode;
  gain: GainNode;
}

export class AudioEngine {
  private graph: Graph | null = null;
  private building: Promise<Graph> | null = null;
  /** Commands that arrive while the graph is being (re)built. */
  private pending: { command: PlayerCommand; transfer: Transferable[] }[] = [];
  private port: MessagePort | null = null;
  private volume = 1;
  private tapWaiters: ((r: TapReport) => void)[] = [];
  /** Bytes per frame of each stream, to account for frames the player dropped. */
  private streams = new Map<number, StreamStarted>();
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** performance.now() when the player last reported a stream's first rendered frame (the bench reads it). */
  lastTrackStartedAt = 0;

  constructor(private readonly events: EngineEvents) {}

  /** The port the controller sends PCM on. The graph is built now, ahead of the first play (see `warm`). */
  attachPort(port: MessagePort): void {
    this.port = port;
    port.onmessage = (e: MessageEvent<AudioDownMessage>) => {
      const m = e.data;
      this.send(m, m.kind === 'pcm' ? [m.pcm] : []);
    };
    port.start();
    this.warm(WARM_SAMPLE_RATE);
  }

  get sampleRate(): number | null {
    return this.graph?.context.sampleRate ?? null;
  }

  /**
   * Builds the graph at `sampleRate` and leaves it suspended. Loading the worklets' modules is most of the time a
   * first play would otherwise wait (one to two hundred milliseconds of the first click → first sample); a
   * suspended context costs nothing, where a running one wakes the audio threads ~40 times a second.
   */
  warm(sampleRate: number): void {
    if (this.graph || this.building) return;
    void this.prepare(sampleRate, false).catch(() => {});
  }

  /** Makes sure a graph runs at `sampleRate`, building a new one if the rate differs (a gap is unavoidable then). */
  async prepare(sampleRate: number, run = true): Promise<void> {
    while (this.building) await this.building.catch(() => {});
    if (!this.graph || this.graph.context.sampleRate !== sampleRate) {
      const old = this.graph;
      this.graph = null;
      if (old) void old.context.close();
      this.building = this.build(sampleRate, !run);
      try {
        this.graph = await this.building;
      } finally {
        this.building = null;
      }
      for (const { command, transfer } of this.pending.splice(0)) this.graph.player.port.postMessage(command, transfer);
    }
    if (run && this.graph.context.state !== 'running') await this.graph.context.resume();
  }

  private async build(sampleRate: number, suspended: boolean): Promise<Graph> {
    // 'playback': the larger output buffer wakes the audio threads half as often as 'interactive' (Chromium's
    // audio callbacks cost more than the player's work in them), for some 70 ms of output latency that a music
    // player does not feel: pause and seek fade out over what is already queued.
    const context = new AudioContext({ sampleRate, latencyHint: 'playback' });
    if (suspended) await context.suspend();
    await Promise.all([context.audioWorklet.addModule(playerUrl), context.audioWorklet.addModule(tapUrl)]);
    const player = new AudioWorkletNode(context, 'atp-player', { numberOfInputs: 0, numberOfOutputs: 2, outputChannelCount: [2, 1] });
    const tap = new AudioWorkletNode(context, 'atp-tap', { numberOfInputs: 2, numberOfOutputs: 1, outputChannelCount: [2] });
    const gain = new GainNode(context, { gain: this.volume });
    player.connect(tap, 0, 0);
    player.connect(tap, 1, 1);
    tap.connect(gain).connect(context.destination);
    player.port.onmessage = (e: MessageEvent<PlayerReport>) => this.onReport(e.data, context.sampleRate);
    tap.port.onmessage = (e: MessageEvent<TapReport>) => this.tapWaiters.shift()?.(e.data);
    return { context, player, tap, gain };
  }

  private send(command: PlayerCommand, transfer: Transferable[] = []): void {
    if (this.graph && !this.building) this.graph.player.port.postMessage(command, transfer);
    else this.pending.push({ command, transfer });
  }

  private onReport(r: PlayerReport, sampleRate: number): void {
    if (r.kind === 'status') {
      for (const c of r.consumed) {
        this.port?.postMessage({ kind: 'consumed', streamId: c.streamId, epoch: c.epoch, bytes: c.bytes } satisfies AudioUpMessage);
      }
      if (r.streamId > 0) this.port?.postMessage({ kind: 'position', streamId: r.streamId, frame: r.frame } satisfies AudioUpMessage);
      this.events.status({
        streamId: r.streamId, frame: r.frame, sampleRate, buffering: r.buffering, underruns: r.underruns, bufferedFrames: r.bufferedFrames,
        fullyReceived: r.fullyReceived,
      });
    } else if (r.kind === 'track-started') {
      this.lastTrackStartedAt = performance.now();
      this.events.trackStarted(r.streamId, r.frame);
    } else {
      this.port?.postMessage({ kind: 'drained', streamId: r.streamId } satisfies AudioUpMessage);
      this.streams.delete(r.streamId);
      if (this.streams.size === 0) this.playing(false); // the end of the queue: nothing follows
      this.events.drained(r.streamId);
    }
  }

  async start(stream: StreamStarted, fade: boolean): Promise<void> {
    // The player drops every older stream as this one starts (and a prefetched one would be newer).
    for (const id of this.streams.keys()) if (id < stream.streamId) this.streams.delete(id);
    this.streams.set(stream.streamId, stream);
    this.playing(!stream.paused);
    await this.prepare(stream.format.sampleRate);
    this.send({ cmd: 'play', streamId: stream.streamId, startFrame: stream.startFrame, fade });
    if (stream.paused) this.send({ cmd: 'pause' });
  }

  /**
   * Not playing (paused, stopped) for IDLE_SUSPEND_MS suspends the context, so the audio threads stop waking;
   * playing again resumes it. The worklet keeps its ring and state while suspended.
   */
  private playing(yes: boolean): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (yes) {
      if (this.graph && this.graph.context.state !== 'running') void this.graph.context.resume();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.graph?.context.state === 'running') void this.graph.context.suspend();
    }, IDLE_SUSPEND_MS);
  }

  /** A prefetched stream: its frames queue behind the current track's. */
  queue(stream: StreamStarted): void {
    this.streams.set(stream.streamId, stream);
  }

  drop(streamId: number): void {
    this.streams.delete(streamId);
    this.send({ cmd: 'drop', streamId });
  }

  pause(): void {
    this.playing(false);
    this.send({ cmd: 'pause' });
  }

  resume(): void {
    this.playing(true);
    this.send({ cmd: 'resume' });
  }

  hold(): void {
    this.send({ cmd: 'hold' });
  }

  seeked(r: SeekResult, playing: boolean): void {
    if (playing) this.playing(true);
    this.send({ cmd: 'seek', streamId: r.streamId, epoch: r.epoch, startFrame: r.startFrame, playing });
  }

  replaced(oldStreamId: number, stream: StreamStarted, playing: boolean): void {
    if (playing) this.playing(true);
    this.streams.delete(oldStreamId);
    this.streams.set(stream.streamId, stream);
    this.send({ cmd: 'replace', oldStreamId, streamId: stream.streamId, startFrame: stream.startFrame, playing });
  }

  stop(): void {
    this.playing(false);
    this.streams.clear();
    this.send({ cmd: 'stop' });
  }

  setVolume(volume: number): void {
    this.volume = volume;
    const g = this.graph;
    // A short time constant: volume moves without zipper noise.
    if (g) g.gain.gain.setTargetAtTime(volume, g.context.currentTime, 0.01);
  }

  /**
   * Checksums `frames` frames rendered from the first one at or after `fromFrame` (and before `beforeFrame`, so
   * frames of the other side of a seek are not taken): tests and bench.
   */
  tap(fromFrame: number, frames: number, beforeFrame = Number.MAX_SAFE_INTEGER): Promise<TapReport> {
    const g = this.graph;
    if (!g) return Promise.reject(new Error('no audio graph yet'));
    return new Promise((resolve) => {
      this.tapWaiters.push(resolve);
      g.tap.port.postMessage({ cmd: 'arm', fromFrame, beforeFrame, frames } satisfies TapCommand);
    });
  }
}
