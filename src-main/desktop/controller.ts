/**
 * The desktop controller: owns the AtpClient and the playback sessions, answers the renderer's requests, and
 * keeps playing through dropped connections by reconnecting with backoff and reopening the track where the
 * renderer had got to. Plain Node: Electron's main process and the end-to-end tests run the same code.
 */
import { EventEmitter } from 'node:events';
import { AtpClient } from '../atp-client/client.js';
import type { AudioUpMessage } from '../../src-shared/ipc/audio-port.js';
import type {
  ConnectionState, DesktopEvent, DesktopHandlers, SessionInfo, StreamStarted,
} from '../../src-shared/ipc/contract.js';
import { formatAddress } from '../../src-shared/ipc/validate.js';
import type { LoginRequest } from '../../src-shared/protocol/messages.js';
import { DesktopError, toErrorInfo } from './desktop-error.js';
import type { LocalServer } from './local-server.js';
import { PlaybackSession, type AudioSink } from './playback-session.js';
import { reconnectDelay } from './reconnect-schedule.js';
import type { Settings } from './settings.js';

export interface ControllerOptions {
  settings: Settings;
  localServer?: LocalServer | null;
  /** The folder the local server serves until the user picks one. */
  demoLibrary?: string | null;
  connectTimeoutMs?: number;
  clientName?: string;
}

interface Target {
  host: string;
  port: number;
  login: LoginRequest;
  local: boolean;
}

/** Window asked for at SETUP, before the format is known; the first PLAY sets the real one. */
const SETUP_WINDOW = 256 * 1024;

export class DesktopController extends EventEmitter<{ event: [DesktopEvent] }> {
  private client: AtpClient | null = null;
  private target: Target | null = null;
  private connection: ConnectionState = { status: 'disconnected' };
  private readonly sessions = new Map<number, PlaybackSession>();
  /** The stream the renderer is rendering: the one a reconnect reopens. */
  private current: PlaybackSession | null = null;
  private nextStreamId = 1;
  /** While reconnecting: the stream that was playing, still told the renderer's position until it is reopened. */
  private resuming: PlaybackSession | null = null;
  private sink: AudioSink | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ControllerOptions) {
    super();
    options.localServer?.on('state', (state) => this.emit('event', { type: 'local-server', state }));
  }

  /** Opens a new audio port to the renderer and attaches it (set by the Electron shell or the test bridge). */
  openAudioPort: (() => void) | null = null;

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

  get connectionState(): ConnectionState {
    return this.connection;
  }

  readonly handlers: DesktopHandlers = {
    snapshot: async () => ({
      connection: this.connection,
      recent: this.options.settings.recent(),
      localServer: this.options.localServer?.state ?? { available: false, running: false, library: null, address: null },
    }),
    connect: async ({ host, port, user, password, remember }) => {
      const session = await this.open({ host, port, login: { user, password }, local: false });
      if (remember) this.options.settings.remember({ host, port, user }, password);
      return session;
    },
    connectRecent: async ({ host, port, user }) => {
      const password = this.options.settings.savedPassword({ host, port, user });
      if (password === null) throw new DesktopError('password-needed', `no password is saved for ${user} at ${formatAddress(host, port)}`);
      return this.open({ host, port, login: { user, password }, local: false });
    },
    connectLocal: async () => this.openLocal(),
    disconnect: async () => {
      await this.close();
      return null;
    },
    list: async (req) => this.requireClient().list(req),
    artwork: async ({ track }) => {
      try {
        const art = await this.requireClient().artwork(track);
        return { mime: art.mime, bytes: new Uint8Array(art.image) };
      } catch (err) {
        if ((err as { code?: string }).code === 'no-artwork') return null;
        throw err;
      }
    },
    play: async ({ track, positionMs }) => {
      await this.closeSessions();
      const session = await this.openSession(track);
      this.current = session;
      return this.started(session, await session.seek(positionMs ?? 0));
    },
    prefetch: async ({ track }) => {
      for (const s of [...this.sessions.values()]) if (s !== this.current) await this.release(s);
      const session = await this.openSession(track);
      return this.started(session, await session.seek(0));
    },
    pause: async ({ streamId }) => ({ positionMs: await this.session(streamId).pause() }),
    resume: async ({ streamId }) => this.session(streamId).resume(),
    seek: async ({ streamId, positionMs }) => this.session(streamId).seek(positionMs),
    release: async ({ streamId }) => {
      const s = this.sessions.get(streamId);
      if (s) await this.release(s);
      return null;
    },
    openAudioPort: async () => {
      if (!this.openAudioPort) throw new DesktopError('unsupported', 'no audio port can be opened here');
      this.openAudioPort();
      return null;
    },
  };

  /** Stops reconnecting, closes the connection; the local server is the caller's to stop. */
  async dispose(): Promise<void> {
    await this.close();
    this.removeAllListeners();
  }

  private async openLocal(): Promise<SessionInfo> {
    const server = this.options.localServer;
    const library = this.options.settings.localLibrary ?? this.options.demoLibrary;
    if (!server || !library) throw new DesktopError('local-server-failed', 'this build has no local server to start');
    const { host, port, token } = await server.ensure(library);
    return this.open({ host, port, login: { token }, local: true });
  }

  private setConnection(state: ConnectionState): void {
    this.connection = state;
    this.emit('event', { type: 'connection', state });
  }

  private requireClient(): AtpClient {
    if (!this.client) throw new DesktopError('not-connected', 'not connected to a server');
    return this.client;
  }

  private session(streamId: number): PlaybackSession {
    const s = this.sessions.get(streamId);
    if (!s) throw new DesktopError('unknown-stream', `stream ${streamId} is not open`);
    return s;
  }

  private started(session: PlaybackSession, r: { epoch: number; startFrame: number; positionMs: number }): StreamStarted {
    return {
      streamId: session.id, trackId: session.trackId, format: session.format, epoch: r.epoch, startFrame: r.startFrame,
      positionMs: r.positionMs, paused: session.paused,
    };
  }

  private async openSession(trackId: string): Promise<PlaybackSession> {
    const stream = await this.requireClient().setup(trackId, { window: SETUP_WINDOW });
    const sink: AudioSink = { send: (m) => this.sink?.send(m) };
    const session = new PlaybackSession(this.nextStreamId++, trackId, stream, sink);
    this.sessions.set(session.id, session);
    return session;
  }

  private async release(session: PlaybackSession): Promise<void> {
    this.sessions.delete(session.id);
    if (this.current === session) this.current = null;
    await session.close();
  }

  private async closeSessions(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.current = null;
    await Promise.all(all.map((s) => s.close()));
  }

  /** Connects and logs in, replacing any connection there was. */
  private async open(target: Target): Promise<SessionInfo> {
    await this.close();
    const address = formatAddress(target.host, target.port);
    this.setConnection({ status: 'connecting', address });
    try {
      const session = await this.login(target);
      this.target = target;
      this.setConnection({ status: 'connected', session });
      return session;
    } catch (err) {
      this.setConnection({ status: 'disconnected' });
      throw err;
    }
  }

  private async login(target: Target): Promise<SessionInfo> {
    const client = await AtpClient.connect({ host: target.host, port: target.port, timeoutMs: this.options.connectTimeoutMs ?? 5000 });
    try {
      const reply = await client.login({ ...target.login, client: this.options.clientName ?? 'ATP Player desktop', pageSize: 1 });
      client.on('close', (err) => this.onClientClose(client, err));
      client.on('error', (err) => this.emit('event', { type: 'error', error: toErrorInfo(err) }));
      this.client = client;
      return { address: formatAddress(target.host, target.port), user: reply.user, server: reply.server, local: target.local };
    } catch (err) {
      client.close();
      throw err;
    }
  }

  private async close(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.target = null;
    this.resuming = null;
    const client = this.client;
    this.client = null;
    await this.closeSessions();
    if (client) {
      await client.logout().catch(() => {});
      client.close();
    }
    if (this.connection.status !== 'disconnected') this.setConnection({ status: 'disconnected' });
  }

  private onClientClose(client: AtpClient, err?: Error): void {
    if (client !== this.client || !this.target) return;
    this.client = null;
    this.resuming = this.current;
    // The server forgot the streams with the connection; nothing to tear down.
    this.sessions.clear();
    this.current = null;
    this.scheduleReconnect(this.target, 0, err ?? new DesktopError('disconnected', 'the server closed the connection'));
  }

  private scheduleReconnect(target: Target, attempt: number, cause: unknown): void {
    const delay = reconnectDelay(attempt);
    const address = formatAddress(target.host, target.port);
    const error = toErrorInfo(cause);
    this.setConnection({ status: 'reconnecting', address, attempt: attempt + 1, retryInMs: delay, error: { ...error, code: 'disconnected' } });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect(target, attempt);
    }, delay);
  }

  private async reconnect(target: Target, attempt: number): Promise<void> {
    try {
      let t = target;
      if (target.local && this.options.localServer && !this.options.localServer.state.running) {
        // The local server died with the connection: start it again (a new port and token).
        const library = this.options.settings.localLibrary ?? this.options.demoLibrary!;
        const e = await this.options.localServer.ensure(library);
        t = { ...target, host: e.host, port: e.port, login: { token: e.token } };
      }
      const session = await this.login(t);
      if (this.target !== target) {
        // Someone connected elsewhere or disconnected meanwhile.
        this.client?.close();
        return;
      }
      this.target = t;
      this.setConnection({ status: 'connected', session });
      const resume = this.resuming;
      this.resuming = null;
      if (resume) await this.reopen(resume);
    } catch (err) {
      if (this.target === target) this.scheduleReconnect(target, attempt + 1, err);
    }
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
    this.emit('event', { type: 'stream-replaced', replaces: resume.id, stream: started });
  }
}
