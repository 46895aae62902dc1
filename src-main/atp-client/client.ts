import { EventEmitter } from 'node:events';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  AtpError,
  FrameDecoder,
  FrameType,
  PlayerFunc,
  UserDataFunc,
  build,
  decodeJsonObject,
  encodeFrame,
  frameName,
  isErrorCode,
  parseArtwork,
  parseBrowseReply,
  parseListReply,
  parseLoginReply,
  parseSetupReply,
  parseFavouritesReply,
  parseHistoryReply,
  parsePlaylistsReply,
  parseUsageReply,
  type FavouritesReply,
  type FavouritesRequest,
  type HistoryReply,
  type HistoryRequest,
  type PlaylistsReply,
  type PlaylistsRequest,
  type UsageReply,
  type UsageRequest,
  type Encoding,
  type ErrorBody,
  type Frame,
  type BrowseReply,
  type BrowseRequest,
  type ListReply,
  type ListRequest,
  type LoginReply,
  type LoginRequest,
  type ServerLimits,
} from '../../src-shared/protocol/index.js';
import { ClientStream } from './client-stream.js';
import { identityOf, recordingHostCheck, type ServerIdentity } from './server-identity.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** Give up connecting after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Largest payload accepted from the server (default 8 MiB: room for cover art). */
  maxPayload?: number;
}

export interface SetupOptions {
  window: number;
  checksum?: boolean;
  /** `original` asks for the file's own coded frames, `opus` for Opus; the reply says what the server sends. */
  encoding?: Encoding;
  /** For `opus`: kbit/s, 64–256. */
  bitrate?: number;
}

interface Pending {
  type: number;
  func: number;
  /**
   * Reads the answer synchronously, before frames behind it in the same chunk are handled (a PLAY's epoch must be
   * known before its first DATA). Throwing rejects the request: a reply of the wrong shape is its error.
   */
  read(f: Frame): unknown;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export interface AtpClientEvents {
  close: [err?: Error];
  error: [err: AtpError];
}

/**
 * An ATP/1 client on node:net. Requests return promises, answered in the order they were sent (the server answers
 * one request at a time per connection); PCM arrives as events of the ClientStream that SETUP returned.
 */
export class AtpClient extends EventEmitter<AtpClientEvents> {
  uid = 0;
  user: string | null = null;
  limits: ServerLimits | null = null;
  /** Set by encrypt(): who the server is. Whether to trust it is the caller's to decide (verifyServerIdentity). */
  identity: ServerIdentity | null = null;
  private decoder: FrameDecoder;
  private readonly pending: Pending[] = [];
  private readonly streams = new Map<number, ClientStream>();
  private keepalive: NodeJS.Timeout | null = null;
  private lastSent = Date.now();
  private closedWith: Error | null = null;
  private closed = false;

  private constructor(
    private socket: Socket,
    private readonly host: string,
    private readonly maxPayload: number,
  ) {
    super();
    this.decoder = new FrameDecoder({ maxPayload });
    socket.setNoDelay(true);
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) =>
      this.decoder.push(chunk, (e) => {
        if (e.kind === 'frame') this.receive(e.frame);
        else this.destroy(new AtpError(e.error.code, `from server: ${e.error.message}`));
      }),
    );
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy(this.closedWith ?? undefined));
  }

  static connect(options: ConnectOptions): Promise<AtpClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer from ${options.host}:${options.port} within ${options.timeoutMs ?? 5000} ms`));
      }, options.timeoutMs ?? 5000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', reject);
        resolve(new AtpClient(socket, options.host, options.maxPayload ?? 8 * 1024 * 1024));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get encrypted(): boolean {
    return this.identity !== null;
  }

  /**
   * CONTROL/ENCRYPT, then TLS 1.3 on the same socket; before LOGIN. Resolves to the server's identity once the
   * handshake is done, whatever the certificate: the caller decides whether to trust it (verifyServerIdentity) and
   * closes the connection before LOGIN if not. Nothing the server sent after its ACK in clear text is read.
   */
  async encrypt(options: { timeoutMs?: number } = {}): Promise<ServerIdentity> {
    if (this.identity) throw new AtpError('already-encrypted', 'this connection is encrypted already');
    await this.request(build.encrypt(), () => {
      // Called as the ACK is read: the rest of that read, and all that follows in clear, is someone else's.
      this.decoder.stop();
      return undefined;
    });
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    raw.on('error', () => {});
    while (raw.read() !== null);
    const hostCheck = recordingHostCheck();
    const secure = tlsConnect({
      socket: raw,
      host: this.host,
      // SNI carries names only (RFC 6066): an address is checked against the certificate, never sent.
      servername: isIP(this.host) ? undefined : this.host,
      minVersion: 'TLSv1.3',
      // Refusing here would leave the caller nothing to show; the caller refuses an untrusted server before LOGIN.
      rejectUnauthorized: false,
      checkServerIdentity: hostCheck.check,
    });
    this.socket = secure;
    this.decoder = new FrameDecoder({ maxPayload: this.maxPayload });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the TLS handshake with ${this.host} did not finish within ${options.timeoutMs ?? 10000} ms`)), options.timeoutMs ?? 10000);
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        resolve();
      });
      secure.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`the TLS handshake failed: ${err.message}`));
      });
      secure.once('close', () => {
        clearTimeout(timer);
        reject(new Error('the server closed the connection during the TLS handshake'));
      });
    }).catch((err: Error) => {
      this.destroy(err);
      throw err;
    });
    this.attach(secure);
    this.identity = identityOf(secure, hostCheck.result());
    return this.identity;
  }

  async login(req: LoginRequest): Promise<LoginReply> {
    const reply = await this.request(build.login(req), (f) => {
      const r = parseLoginReply(f.payload);
      if (f.uid !== r.uid) throw new AtpError('bad-payload', `LOGIN reply says uid ${r.uid} in its payload and ${f.uid} in its header`);
      return r;
    });
    this.uid = reply.uid;
    this.user = reply.user;
    this.limits = reply.limits;
    this.startKeepalive(reply.limits.idleTimeoutMs);
    return reply;
  }

  async list(req: ListRequest = {}): Promise<ListReply> {
    return this.request(build.list(this.uid, req), (f) => parseListReply(f.payload));
  }

  async browse(req: BrowseRequest): Promise<BrowseReply> {
    return this.request(build.browse(this.uid, req), (f) => parseBrowseReply(f.payload));
  }

  async artwork(trackId: string): Promise<{ mime: string; image: Uint8Array }> {
    return this.request(build.artwork(this.uid, trackId), (f) => {
      const art = parseArtwork(f.payload);
      return { mime: art.mime, image: art.image };
    });
  }

  /** Favourite tracks, albums and artists of the logged-in account: add, remove, list. */
  async favourites(req: FavouritesRequest): Promise<FavouritesReply> {
    return this.request(build.userData(this.uid, UserDataFunc.FAVOURITES, req), (f) => parseFavouritesReply(f.payload));
  }

  /** Playlists: list, get, create, and changes made on a revision (a stale one rejects with `stale-revision`). */
  async playlists(req: PlaylistsRequest): Promise<PlaylistsReply> {
    return this.request(build.userData(this.uid, UserDataFunc.PLAYLISTS, req), (f) => parsePlaylistsReply(f.payload));
  }

  /** Plays, play counts, recently played. */
  async history(req: HistoryRequest): Promise<HistoryReply> {
    return this.request(build.userData(this.uid, UserDataFunc.HISTORY, req), (f) => parseHistoryReply(f.payload));
  }

  /** Listening time per day; another account's only for an admin. */
  async usage(req: UsageRequest = {}): Promise<UsageReply> {
    return this.request(build.userData(this.uid, UserDataFunc.USAGE, req), (f) => parseUsageReply(f.payload));
  }

  async setup(trackId: string, options: SetupOptions): Promise<ClientStream> {
    const request = build.setup(this.uid, { track: trackId, window: options.window, checksum: options.checksum, encoding: options.encoding, bitrate: options.encoding === 'opus' ? options.bitrate : undefined });
    // Registered as the answer is read, so DATA that follows in the same chunk finds its stream.
    return this.request(request, (f) => {
      if (f.did === 0) throw new AtpError('bad-payload', 'SETUP reply names no stream');
      const stream = new ClientStream(this, f.did, parseSetupReply(f.payload));
      this.streams.set(f.did, stream);
      return stream;
    });
  }

  async ping(): Promise<number> {
    const start = performance.now();
    await this.request(build.ping(this.uid), () => undefined);
    return performance.now() - start;
  }

  async logout(): Promise<void> {
    await this.request(build.logout(this.uid), () => undefined);
    this.close();
  }

  close(): void {
    this.socket.end();
    this.destroy();
  }

  /** @internal for ClientStream */
  request<T>(f: Frame, read: (answer: Frame) => T): Promise<T> {
    if (this.closed) return Promise.reject(this.closedWith ?? new Error('the connection is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ type: f.type, func: f.func, read, resolve: resolve as (value: unknown) => void, reject });
      this.send(f);
    });
  }

  /** @internal for ClientStream */
  send(f: Frame): void {
    if (this.closed) return;
    this.lastSent = Date.now();
    this.socket.write(encodeFrame(f));
  }

  /**
   * @internal for ClientStream. Only while `did` is still this stream's: the server may have given the id to a newer
   * stream (a TEARDOWN not awaited before the next SETUP), which must keep its DATA.
   */
  forget(did: number, stream: ClientStream): void {
    if (this.streams.get(did) === stream) this.streams.delete(did);
  }

  private receive(f: Frame): void {
    if (f.type === FrameType.PLAYER && (f.func === PlayerFunc.DATA || f.func === PlayerFunc.END) && !f.ack) {
      this.streams.get(f.did)?.receive(f);
      return;
    }
    if (f.type === FrameType.ERROR) {
      this.receiveError(f);
      return;
    }
    const head = this.pending[0];
    if (f.ack && head && head.type === f.type && head.func === f.func) {
      this.pending.shift();
      let value: unknown;
      try {
        value = head.read(f);
      } catch (err) {
        head.reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      head.resolve(value);
      return;
    }
    this.emit('error', new AtpError('bad-state', `unexpected ${frameName(f.type, f.func)} from server`));
  }

  private receiveError(f: Frame): void {
    let body: ErrorBody;
    try {
      body = decodeJsonObject(f.payload) as unknown as ErrorBody;
    } catch {
      body = { code: 'internal', message: 'unreadable error frame' };
    }
    const code = typeof body.code === 'string' && isErrorCode(body.code) ? body.code : 'internal';
    const err = new AtpError(code, String(body.message ?? code));
    const head = this.pending[0];
    if (body.request && head && head.type === body.request.type && head.func === body.request.func) {
      this.pending.shift();
      head.reject(err);
      return;
    }
    const stream = f.did !== 0 ? this.streams.get(f.did) : undefined;
    if (stream) stream.fail(err);
    else if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private startKeepalive(idleTimeoutMs: number): void {
    const every = Math.max(1000, Math.floor(idleTimeoutMs / 3));
    this.keepalive = setInterval(() => {
      if (Date.now() - this.lastSent >= every) this.ping().catch(() => {});
    }, every);
    this.keepalive.unref();
  }

  private destroy(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closedWith = err ?? null;
    if (this.keepalive) clearInterval(this.keepalive);
    this.socket.destroy();
    const reason = err ?? new Error('the connection is closed');
    for (const p of this.pending.splice(0)) p.reject(reason);
    for (const s of this.streams.values()) s.closed(reason);
    this.streams.clear();
    this.emit('close', err);
  }
}

export { ClientStream };
