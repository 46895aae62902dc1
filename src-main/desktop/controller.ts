/**
 * The desktop controller: owns the AtpClient and the playback streams on it (stream-sessions.ts), answers the
 * renderer's requests, and keeps playing through dropped connections by reconnecting with backoff and reopening
 * the track where the renderer had got to. Plain Node: Electron's main process and the end-to-end tests run the
 * same code.
 *
 * The connection's lifecycle is the pure state machine of connection-machine.ts; this class runs its effects
 * (log in, close, retry timers, reopening the stream) and feeds their results back to it as events.
 */
import { EventEmitter } from 'node:events';
import type { AtpClient } from '../atp-client/client.js';
import type { AudioUpMessage } from '../../src-shared/ipc/audio-port.js';
import {
  type ConnectionState, type DesktopEvent, type DesktopHandlers, type LocalServerState, type SessionInfo,
} from '../../src-shared/ipc/contract.js';
import { formatAddress } from '../../src-shared/ipc/validate.js';
import type { Encoding, LoginRequest } from '../../src-shared/protocol/messages.js';
import { INITIAL_STATE, connectionStateOf, transition, type Effect, type MachineEvent, type MachineState, type Target } from './connection-machine.js';
import { DesktopError, toErrorInfo } from './desktop-error.js';
import type { LocalServer } from './local-server.js';
import type { AudioSink } from './playback-session.js';
import type { LinkEstimate } from './link-estimate.js';
import { SessionFile } from './session-file.js';
import { CoverSource } from './cover-source.js';
import type { Settings } from './settings.js';
import { connectAndLogIn, isLoopbackHost, ServerTrustError } from './server-trust.js';
import { StreamSessions } from './stream-sessions.js';

export interface ControllerOptions {
  settings: Settings;
  localServer?: LocalServer | null;
  /** The folder the local server serves until the user picks one. */
  demoLibrary?: string | null;
  connectTimeoutMs?: number;
  clientName?: string;
  /** Milliseconds before reconnect attempt `retry` (0-based); reconnect-schedule.ts by default. */
  reconnectDelay?: (retry: number) => number;
  /**
   * `original`: streams carry the files' own frames, decoded here with the server's decoders (the renderer still
   * gets PCM), which spares a LAN server's CPU. Default `pcm`.
   */
  encoding?: Encoding;
  /** Where the renderer's session (queue, position, volume, sort, view) is kept between runs; none: not kept. */
  sessionFile?: string | null;
  /** Where covers are kept between runs (a folder held under `artworkCacheBytes`, 64 MB by default); none: not kept. */
  artworkCacheDir?: string | null;
  artworkCacheBytes?: number;
  /**
   * Encrypt connections to loopback addresses too (every other address is always encrypted); as `atp --encrypt`.
   * The bundled local server is never encrypted: its token never leaves the machine.
   */
  encryptLoopback?: boolean;
  /** What the link carries, fed by every stream's DATA; a fresh one by default (tests hand in one they set). */
  linkEstimate?: LinkEstimate;
}

const NO_LOCAL_SERVER: LocalServerState = { available: false, phase: 'idle', running: false, stoppedByUser: false, library: null, address: null };

/** Stops listening to a client being let go; its errors still need a listener, or the emitter would throw them. */
function quiet(client: AtpClient): void {
  client.removeAllListeners('close');
  client.removeAllListeners('error');
  client.on('error', () => {});
}

const superseded = () => new DesktopError('cancelled', 'a newer connection or disconnection replaced this one');

export class DesktopController extends EventEmitter<{ event: [DesktopEvent] }> {
  private machine: MachineState = INITIAL_STATE;
  private published: ConnectionState = connectionStateOf(INITIAL_STATE);
  /** The connection, while the machine is connected. */
  private client: AtpClient | null = null;
  /** Clients whose login succeeded, until the machine adopts or discards them, by login token. */
  private readonly loggedIn = new Map<number, AtpClient>();
  /** Each login in flight, by token: the user's request that started it waits on it. */
  private readonly logins = new Map<number, Promise<SessionInfo>>();
  private retryTimer: NodeJS.Timeout | null = null;
  /** The last connection being closed. */
  private dropping: Promise<void> = Promise.resolve();
  /** A connect with "remember" that stopped at an unknown certificate: kept once the user trusts it. */
  private rememberOnTrust: { host: string; port: number; user: string; password: string } | null = null;
  private readonly onLocalServer = (state: LocalServerState) => {
    this.emit('event', { type: 'local-server', state });
    // However the stop was asked for, a connection to a server the user stopped is over, not to be retried.
    if (state.stoppedByUser) this.dispatch({ type: 'local-server-stopped-by-user' });
  };

  private readonly sessionFile: SessionFile;
  private readonly covers: CoverSource;
  private readonly streams: StreamSessions;

  constructor(private readonly options: ControllerOptions) {
    super();
    this.streams = new StreamSessions(
      () => this.client, (event) => this.emit('event', event), () => options.settings.streamQuality,
      options.encoding === 'original' ? 'original' : 'pcm', options.linkEstimate,
    );
    this.sessionFile = new SessionFile(options.sessionFile ?? null);
    this.covers = new CoverSource(options.artworkCacheDir ?? null, options.artworkCacheBytes);
    options.localServer?.on('state', this.onLocalServer);
  }

  /** Opens a new audio port to the renderer and attaches it (set by the Electron shell or the test bridge). */
  openAudioPort: (() => void) | null = null;

  /** Where PCM goes: the Electron MessagePort, or the test bridge. */
  attachAudio(sink: AudioSink): void {
    this.streams.attachAudio(sink);
  }

  /** What the renderer says over the audio port. */
  audioUp(message: AudioUpMessage): void {
    this.streams.audioUp(message);
  }

  get connectionState(): ConnectionState {
    return this.published;
  }

  readonly handlers: DesktopHandlers = {
    snapshot: async () => ({
      connection: this.published,
      recent: this.options.settings.recent(),
      localServer: this.options.localServer?.state ?? NO_LOCAL_SERVER,
      keychain: this.options.settings.keychain(),
      pinned: this.options.settings.pinned(),
      streamQuality: this.options.settings.streamQuality,
    }),
    connect: async ({ host, port, user, password, remember }) => {
      this.rememberOnTrust = null;
      try {
        const session = await this.connectTo({ local: false, host, port, login: { user, password } }, formatAddress(host, port));
        if (remember) this.options.settings.remember({ host, port, user }, password);
        return session;
      } catch (err) {
        // Remembered once the user trusts the server and the login succeeds.
        if (remember && err instanceof ServerTrustError && err.code === 'untrusted-server') this.rememberOnTrust = { host, port, user, password };
        throw err;
      }
    },
    connectRecent: async ({ host, port, user }) => {
      const password = this.options.settings.savedPassword({ host, port, user });
      if (password === null) throw new DesktopError('password-needed', `no password is saved for ${user} at ${formatAddress(host, port)}`);
      return this.connectTo({ local: false, host, port, login: { user, password } }, formatAddress(host, port));
    },
    connectLocal: async () => this.connectTo({ local: true }, this.localAddress()),
    disconnect: async () => {
      this.dispatch({ type: 'user-disconnect' });
      await this.dropping;
      return null;
    },
    retryNow: async () => {
      this.dispatch({ type: 'user-retry' });
      return null;
    },
    trustServer: async ({ host, port, fingerprint }) => {
      const before = this.machine.token;
      this.dispatch({ type: 'user-trust', host, port, fingerprint });
      if (this.machine.token === before) throw new DesktopError('cancelled', `no connection waits for ${formatAddress(host, port)} to be trusted with ${fingerprint}`);
      const remember = this.rememberOnTrust;
      this.rememberOnTrust = null;
      const session = await this.logins.get(this.machine.token)!;
      if (remember?.host === host && remember.port === port) this.options.settings.remember(remember, remember.password);
      return session;
    },
    forgetServerIdentity: async ({ host, port }) => {
      if (this.options.settings.forgetPin(host, port)) this.emit('event', { type: 'pinned', pinned: this.options.settings.pinned() });
      return null;
    },
    list: async (req) => this.covers.page(() => this.requireClient().list(req)),
    browse: async (req) => this.covers.page(() => this.requireClient().browse(req)),
    favourites: async (req) => this.requireClient().favourites(req),
    playlists: async (req) => this.requireClient().playlists(req),
    history: async (req) => this.requireClient().history(req),
    artwork: async (req) => {
      const server = this.published.status === 'connected' && !this.published.session.local ? this.published.session.address : 'local';
      return this.covers.cover(this.requireClient(), server, req);
    },
    play: (req) => this.streams.play(req),
    prefetch: (req) => this.streams.prefetch(req),
    pause: ({ streamId }) => this.streams.pause(streamId),
    resume: ({ streamId }) => this.streams.resume(streamId),
    seek: ({ streamId, positionMs }) => this.streams.seek(streamId, positionMs),
    release: ({ streamId }) => this.streams.release(streamId),
    openAudioPort: async () => {
      if (!this.openAudioPort) throw new DesktopError('unsupported', 'no audio port can be opened here');
      this.openAudioPort();
      return null;
    },
    loadSession: async () => this.sessionFile.load(),
    saveSession: async ({ state }) => {
      this.sessionFile.save(state);
      return null;
    },
    setStreamQuality: async ({ quality }) => {
      this.options.settings.streamQuality = quality;
      await this.streams.qualityChanged();
      return null;
    },
  };

  /**
   * The user's "Start local server…": serve `folder` from now on, leave whatever connection there was (a reconnect
   * included), (re)start the bundled server on that folder and log in to it. The server it replaces is stopped
   * as part of this, not reported as a failure.
   */
  async startLocalServer(folder: string): Promise<SessionInfo> {
    this.options.settings.localLibrary = folder;
    return this.connectTo({ local: true }, this.localAddress());
  }

  /**
   * The user's "Stop local server": a connection to it ends (no reconnect, no restart: it stays disconnected
   * until the user connects again), then the server stops. A connection to another server is left alone.
   */
  async stopLocalServer(): Promise<void> {
    this.dispatch({ type: 'local-server-stopped-by-user' });
    await this.dropping;
    await this.options.localServer?.stop();
  }

  /** Stops reconnecting, closes the connection; the local server is the caller's to stop. */
  async dispose(): Promise<void> {
    this.dispatch({ type: 'user-disconnect' });
    await this.dropping;
    this.options.localServer?.off('state', this.onLocalServer);
    this.removeAllListeners();
  }

  private dispatch(event: MachineEvent): void {
    const { state, effects } = transition(this.machine, event, this.options.reconnectDelay);
    this.machine = state;
    const next = connectionStateOf(state);
    if (JSON.stringify(next) !== JSON.stringify(this.published)) {
      this.published = next;
      this.emit('event', { type: 'connection', state: next });
    }
    for (const effect of effects) this.run(effect);
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'drop-connection': {
        const client = this.client;
        this.client = null;
        const closing = this.streams.closeSessions();
        this.dropping = (async () => {
          await closing;
          if (!client) return;
          // Whatever it says while closing (a server shutting down, say) belongs to a connection the user left.
          quiet(client);
          await client.logout().catch(() => {});
          client.close();
        })();
        break;
      }
      case 'forget-connection':
        if (this.client) quiet(this.client);
        this.client?.close();
        this.client = null;
        break;
      case 'cancel-retry-timer':
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = null;
        break;
      case 'start-retry-timer':
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.dispatch({ type: 'retry-timer-fired', token: effect.token });
        }, effect.delayMs);
        break;
      case 'log-in': {
        const login = this.logIn(effect.token, effect.target);
        this.logins.set(effect.token, login);
        // A reconnect's failure is the machine's to handle; a user's request awaits the same promise.
        login.catch(() => {}).finally(() => this.logins.delete(effect.token));
        break;
      }
      case 'adopt-client': {
        const client = this.loggedIn.get(effect.token)!;
        this.loggedIn.delete(effect.token);
        this.client = client;
        client.on('close', (err) => this.dispatch({
          type: 'connection-lost', token: effect.token, error: toErrorInfo(err ?? new DesktopError('disconnected', 'the server closed the connection')),
        }));
        client.on('error', (err) => this.emit('event', { type: 'error', error: toErrorInfo(err) }));
        break;
      }
      case 'discard-client': {
        const client = this.loggedIn.get(effect.token);
        this.loggedIn.delete(effect.token);
        if (client) {
          quiet(client);
          void client.logout().catch(() => {}).finally(() => client.close());
        }
        break;
      }
      case 'hold-stream-for-resume':
        this.streams.holdForResume();
        break;
      case 'reopen-held-stream':
        this.streams.reopenHeld();
        break;
      case 'forget-held-stream':
        this.streams.forgetHeld();
        break;
      case 'pin':
        this.options.settings.pin(effect.host, effect.port, effect.fingerprint);
        this.emit('event', { type: 'pinned', pinned: this.options.settings.pinned() });
        break;
    }
  }

  /** A user's connect: the machine starts the login; this waits for its outcome. */
  private connectTo(target: Target, address: string): Promise<SessionInfo> {
    // A user's connect goes to another server as often as not: its link is measured afresh (a reconnect keeps it).
    this.streams.link.reset();
    this.dispatch({ type: 'user-connect', target, address });
    return this.logins.get(this.machine.token)!;
  }

  private localAddress(): string {
    return this.options.localServer?.state.address ?? '127.0.0.1';
  }

  /** Connects and logs in for the login `token`; reports the outcome to the machine, and answers it. */
  private async logIn(token: number, target: Target): Promise<SessionInfo> {
    let client: AtpClient | null = null;
    let session: SessionInfo;
    try {
      const { host, port, login } = target.local ? await this.localEndpoint() : target;
      if (this.machine.token !== token) throw superseded();
      const opened = await connectAndLogIn({
        host, port, timeoutMs: this.options.connectTimeoutMs ?? 5000,
        request: { ...login, client: this.options.clientName ?? 'ATP Player desktop', pageSize: 1 },
        encrypt: target.local ? 'never' : this.options.encryptLoopback || !isLoopbackHost(host) ? 'always' : 'if-required',
        pinned: () => this.options.settings.pinnedFingerprint(host, port),
      });
      client = opened.client;
      const { reply } = opened;
      session = { address: formatAddress(host, port), user: reply.user, server: reply.server, local: target.local };
    } catch (err) {
      client?.close();
      const stale = this.machine.token !== token;
      if (err instanceof ServerTrustError) {
        this.dispatch({ type: err.code === 'untrusted-server' ? 'login-untrusted' : 'login-identity-changed', token, server: err.server });
      } else {
        this.dispatch({ type: 'login-failed', token, error: toErrorInfo(err) });
      }
      throw stale ? superseded() : err;
    }
    this.loggedIn.set(token, client);
    this.dispatch({ type: 'login-succeeded', token, session });
    if (this.machine.name === 'connected' && this.machine.token === token) return session;
    throw superseded();
  }

  /** The bundled server, started (or started again after a crash) on the chosen folder. */
  private async localEndpoint(): Promise<{ host: string; port: number; login: LoginRequest }> {
    const server = this.options.localServer;
    const library = this.options.settings.localLibrary ?? this.options.demoLibrary;
    if (!server || !library) throw new DesktopError('local-server-failed', 'this build has no local server to start');
    const e = await server.ensure(library);
    return { host: e.host, port: e.port, login: { token: e.token } };
  }

  private requireClient(): AtpClient {
    if (!this.client) throw new DesktopError('not-connected', 'not connected to a server');
    return this.client;
  }
}
