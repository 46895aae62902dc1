/**
 * The desktop's playback streams on the current connection: the ones open (the playing track and a prefetched
 * next one), the one the renderer is rendering, and across a reconnect the one to reopen where the renderer had
 * got to. Each stream travels in the encoding the chooser picks (stream-choice.ts) and its PCM goes to the
 * renderer's audio port. The controller owns this and calls it from its requests and its connection's effects.
 */
import type { AtpClient } from '../atp-client/client.js';
import type { AudioUpMessage } from '../../src-shared/ipc/audio-port.js';
import type {
  DesktopEvent, DesktopRequests, SeekResult, StreamQuality, StreamStarted,
} from '../../src-shared/ipc/contract.js';
import { DesktopError, toErrorInfo } from './desktop-error.js';
import type { LinkEstimate } from './link-estimate.js';
import { PlaybackSession, type AudioSink } from './playback-session.js';
import { StreamChooser } from './stream-choice.js';

/** Window asked for at SETUP, before the format is known; the first PLAY sets the real one. */
const SETUP_WINDOW = 256 * 1024;

export class StreamSessions {
  private readonly sessions = new Map<number, PlaybackSession>();
  /** The stream the renderer is rendering: the one a reconnect reopens. */
  private current: PlaybackSession | null = null;
  private nextStreamId = 1;
  /** While reconnecting: the stream that was playing, still told the renderer's position until it is reopened. */
  private resuming: PlaybackSession | null = null;
  private sink: AudioSink | null = null;
  private readonly chooser: StreamChooser;

  constructor(
    /** The connection, while there is one. */
    private readonly client: () => AtpClient | null,
    /** Tells the renderer what no request answers: a stream handed over or reopened, an error in the background. */
    private readonly report: (event: DesktopEvent) => void,
    quality: () => StreamQuality,
    /** What a lossless choice travels as. */
    losslessEncoding: 'pcm' | 'original',
    link?: LinkEstimate,
  ) {
    this.chooser = new StreamChooser(quality, losslessEncoding, () => void this.refitCurrent(true), link);
  }

  /** What the link carries, as every stream's DATA measures it. */
  get link(): LinkEstimate {
    return this.chooser.link;
  }

  /** Where PCM goes: the Electron MessagePort, or the test bridge. */
  attachAudio(sink: AudioSink): void {
    this.sink = sink;
  }

  /** What the renderer says over the audio port. */
  audioUp(message: AudioUpMessage): void {
    // The renderer plays on from its buffer after a connection drops; the reopened track must start where it stops.
    if (message.kind === 'position' && this.resuming?.id === message.streamId) this.resuming.renderedFrame = message.frame;
    const session = this.sessions.get(message.streamId);
    if (!session) return;
    if (message.kind === 'consumed') session.consumed(message.epoch, message.bytes);
    else if (message.kind === 'position') {
      session.renderedFrame = message.frame;
      this.current = session;
    } else {
      this.sessions.delete(session.id);
      if (this.current === session) this.current = null;
      void session.close();
    }
  }

  async play({ track, positionMs }: DesktopRequests['play']['arg']): Promise<StreamStarted> {
    await this.closeSessions();
    const session = await this.openSession(track);
    this.current = session;
    return this.started(session, await session.seek(positionMs ?? 0));
  }

  async prefetch({ track }: DesktopRequests['prefetch']['arg']): Promise<StreamStarted> {
    for (const s of [...this.sessions.values()]) if (s !== this.current) await this.closeSession(s);
    const session = await this.openSession(track);
    return this.started(session, await session.seek(0));
  }

  async pause(streamId: number): Promise<{ positionMs: number }> {
    return { positionMs: await this.session(streamId).pause() };
  }

  async resume(streamId: number): Promise<SeekResult> {
    return this.session(streamId).resume();
  }

  async seek(streamId: number, positionMs: number): Promise<SeekResult> {
    return this.session(streamId).seek(positionMs);
  }

  async release(streamId: number): Promise<null> {
    const s = this.sessions.get(streamId);
    if (s) await this.closeSession(s);
    return null;
  }

  /** The quality setting changed: the stream being played follows it, up or down. */
  qualityChanged(): Promise<void> {
    return this.refitCurrent(false);
  }

  /**
   * Closes every stream. The map and `current` are emptied before this returns, so nothing started after it
   * (a reconnect's reopen, say) is closed by it.
   */
  async closeSessions(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.current = null;
    await Promise.all(all.map((s) => s.close()));
  }

  /** The connection dropped: keep the stream that was playing to reopen once it is back. */
  holdForResume(): void {
    this.resuming = this.current;
    // The server forgot the streams with the connection; nothing to tear down.
    this.sessions.clear();
    this.current = null;
  }

  /** Reconnected: the held stream opens again where the renderer had got to, and the renderer is told. */
  reopenHeld(): void {
    const resume = this.resuming;
    this.resuming = null;
    if (resume) void this.reopen(resume).catch((err: unknown) => this.report({ type: 'error', error: toErrorInfo(err) }));
  }

  forgetHeld(): void {
    this.resuming = null;
  }

  private requireClient(): AtpClient {
    const client = this.client();
    if (!client) throw new DesktopError('not-connected', 'not connected to a server');
    return client;
  }

  private session(streamId: number): PlaybackSession {
    const s = this.sessions.get(streamId);
    if (!s) throw new DesktopError('unknown-stream', `stream ${streamId} is not open`);
    return s;
  }

  private started(session: PlaybackSession, r: { epoch: number; startFrame: number; positionMs: number }): StreamStarted {
    return {
      streamId: session.id, trackId: session.trackId, format: session.format, epoch: r.epoch, startFrame: r.startFrame,
      positionMs: r.positionMs, paused: session.paused, transport: session.transport,
    };
  }

  private async openSession(trackId: string): Promise<PlaybackSession> {
    const { stream, choice, transport } = await this.chooser.open(this.requireClient(), trackId, SETUP_WINDOW);
    const sink: AudioSink = { send: (m) => this.sink?.send(m) };
    const session = new PlaybackSession(this.nextStreamId++, trackId, stream, sink, transport, choice);
    this.sessions.set(session.id, session);
    return session;
  }

  /**
   * The stream being played, handed over to what the quality setting and the link call for now (only downwards
   * when `stepDownOnly`: a new sample of the link); the renderer is told how it travels from then on.
   */
  private async refitCurrent(stepDownOnly: boolean): Promise<void> {
    const session = this.current;
    const client = this.client();
    if (!session || !client) return;
    try {
      if (await this.chooser.refit(session, client, SETUP_WINDOW, stepDownOnly)) {
        this.report({ type: 'stream-transport', streamId: session.id, transport: session.transport });
      }
    } catch (err) {
      this.report({ type: 'error', error: toErrorInfo(err) });
    }
  }

  private async closeSession(session: PlaybackSession): Promise<void> {
    this.sessions.delete(session.id);
    if (this.current === session) this.current = null;
    await session.close();
  }

  private async reopen(resume: PlaybackSession): Promise<void> {
    const session = await this.openSession(resume.trackId);
    this.current = session;
    let started: StreamStarted;
    if (resume.paused) {
      session.holdAt(resume.positionMs);
      const frame = session.renderedFrame;
      started = this.started(session, { epoch: 0, startFrame: frame, positionMs: resume.positionMs });
    } else {
      started = this.started(session, await session.seek(resume.positionMs));
    }
    this.report({ type: 'stream-replaced', replaces: resume.id, stream: started });
  }
}
