import {
  AtpError,
  ControlFunc,
  FrameType,
  OPUS_BITRATE_DEFAULT,
  LibraryFunc,
  PlayerFunc,
  UserDataFunc,
  build,
  isKnownFunc,
  isKnownType,
  parseArtworkRequest,
  parseBrowseRequest,
  parseCredit,
  parseListRequest,
  parseLoginRequest,
  parsePlayRequest,
  parseSetupRequest,
  type Frame,
} from '../../src-shared/protocol/index.js';
import { realpath } from 'node:fs/promises';
import { openCodedSource } from '../../src-codecs/original/coded-source.js';
import type { PcmOpener } from '../decode/decode-pool.js';
import { DecodeError } from '../../src-codecs/pcm-source.js';
import type { Library } from '../library/library.js';
import { isInside } from '../library/walk.js';
import type { Logger } from '../log.js';
import type { Authenticator } from './authenticator.js';
import { SERVER_NAME, SERVER_VERSION, type ServerLimitsConfig } from './config.js';
import type { Connection } from './connection.js';
import { OpusStreamSession } from './opus-stream-session.js';
import { OriginalStreamSession, type PlayerStream } from './original-stream-session.js';
import { StreamSession } from './stream-session.js';
import type { UserData } from '../storage/user-data.js';
import { playsForList, userDataHandler } from './user-data-handlers.js';
import { MeteredStream } from './user-data-play-meter.js';

const FIRST_PAGE = 50;

export interface HandlerContext {
  limits: ServerLimitsConfig;
  log: Logger;
  library: Library;
  auth: Authenticator;
  /** Favourites, playlists, history, listening: null where the server keeps none. */
  userData?: UserData | null;
  allocateUid(): number | null;
  /** Where a `pcm` or Opus stream's decoder runs: a decoding thread, or this thread. */
  pcm: PcmOpener;
}

type Handler = (conn: Connection, f: Frame) => Promise<void> | void;

/** What the server does with each request, by type and func. */
export class RequestHandlers {
  private readonly table = new Map<number, Handler>();

  constructor(private readonly ctx: HandlerContext) {
    const on = (type: number, func: number, h: Handler) => this.table.set(type * 256 + func, h);
    on(FrameType.CONTROL, ControlFunc.LOGIN, this.login);
    on(FrameType.CONTROL, ControlFunc.LOGOUT, this.logout);
    on(FrameType.CONTROL, ControlFunc.PING, (conn) => conn.send(build.pingAck(conn.uid)));
    on(FrameType.CONTROL, ControlFunc.ENCRYPT, this.encrypt);
    on(FrameType.LIBRARY, LibraryFunc.LIST, this.list);
    on(FrameType.LIBRARY, LibraryFunc.ARTWORK, this.artwork);
    on(FrameType.LIBRARY, LibraryFunc.BROWSE, this.browse);
    on(FrameType.PLAYER, PlayerFunc.SETUP, this.meteredSetup);
    on(FrameType.PLAYER, PlayerFunc.PLAY, this.play);
    on(FrameType.PLAYER, PlayerFunc.PAUSE, this.pause);
    on(FrameType.PLAYER, PlayerFunc.TEARDOWN, this.teardown);
    const serverOnly: Handler = () => {
      throw new AtpError('bad-state', 'DATA and END flow from the server to the client');
    };
    on(FrameType.PLAYER, PlayerFunc.DATA, serverOnly);
    on(FrameType.PLAYER, PlayerFunc.END, serverOnly);
    for (const func of Object.values(UserDataFunc)) on(FrameType.USERDATA, func, userDataHandler(ctx.userData ?? null));
  }

  isImmediate(f: Frame): boolean {
    return f.type === FrameType.PLAYER && f.func === PlayerFunc.CREDIT;
  }

  /** A CREDIT, applied at once and synchronously: it is not a request and gets no answer. */
  handleImmediate(conn: Connection, f: Frame): void {
    if (conn.uid === 0) throw new AtpError('not-logged-in', 'log in first');
    streamOf(conn, f).addCredit(parseCredit(f.payload));
  }

  async handle(conn: Connection, f: Frame): Promise<void> {
    if (!isKnownType(f.type)) throw new AtpError('unknown-type', `frame type ${f.type} is not defined in ATP/1`);
    if (!isKnownFunc(f.type, f.func)) throw new AtpError('unknown-func', `func ${f.func} is not defined for frame type ${f.type}`);
    const isPreLogin =
      f.type === FrameType.CONTROL && (f.func === ControlFunc.LOGIN || f.func === ControlFunc.PING || f.func === ControlFunc.ENCRYPT);
    if (conn.uid === 0 && !isPreLogin) throw new AtpError('not-logged-in', 'log in first');
    const handler = this.table.get(f.type * 256 + f.func);
    if (!handler) throw new AtpError('unsupported', 'this server does not offer this request (recording comes later)');
    await handler(conn, f);
  }

  private readonly login: Handler = async (conn, f) => {
    if (conn.uid !== 0) throw new AtpError('already-logged-in', `already logged in as ${conn.user}`);
    const req = parseLoginRequest(f.payload);
    // Refused before the secret is looked at: a server must not become an oracle for passwords sent in clear.
    if ((req.password !== undefined || req.token !== undefined) && !conn.secretsAllowed) {
      this.ctx.log.warn('login-in-clear-refused', { remote: conn.remote, user: req.user ?? null });
      throw new AtpError('encryption-required', 'send ENCRYPT first: this server takes no password or token in clear text over the network');
    }
    const user = await this.ctx.auth.authenticate(req).catch((err: unknown) => {
      this.ctx.log.warn('login-failed', { remote: conn.remote, user: req.user ?? null });
      throw err;
    });
    const uid = this.ctx.allocateUid();
    if (uid === null) throw new AtpError('too-many-connections', 'no user id is free');
    conn.uid = uid;
    conn.user = user;
    const { limits } = this.ctx;
    const account = (await this.ctx.userData?.accountAtLogin(user)) ?? null;
    const quota = account?.quota ?? null;
    // Play time is recorded only for an account, and PLAY asks the database again only for an account that had a
    // quota at LOGIN (PROTOCOL.md §14.4): other sessions' streams never touch the database.
    conn.metered = account !== null;
    conn.hasQuota = quota !== null;
    this.ctx.log.info('login', { uid, user, remote: conn.remote, client: req.client ?? null });
    conn.send(
      build.loginAck({
        uid,
        user,
        server: { name: SERVER_NAME, version: SERVER_VERSION, protocol: 1 },
        limits: { maxPayload: limits.maxPayload, maxStreams: limits.maxStreamsPerConnection, idleTimeoutMs: limits.idleTimeoutMs },
        library: await this.ctx.library.list({ offset: 0, limit: req.pageSize ?? FIRST_PAGE }),
        ...(quota ? { quota } : {}),
      }),
    );
  };

  /** The connection reader accepted it and stopped reading clear text; here, in its turn, comes the ACK and TLS. */
  private readonly encrypt: Handler = (conn) => {
    if (conn.uid !== 0) {
      // A LOGIN sent ahead of it in the same breath succeeded: the bytes after ENCRYPT are gone, so the connection is.
      conn.refuse({ type: FrameType.CONTROL, func: ControlFunc.ENCRYPT, uid: conn.uid, did: 0 }, 'already-logged-in', 'ENCRYPT comes before LOGIN');
      conn.fail('already-logged-in', 'the bytes sent after ENCRYPT were dropped: the connection cannot go on');
      return;
    }
    conn.acceptEncrypt();
  };

  private readonly logout: Handler = (conn) => {
    this.ctx.log.info('logout', { uid: conn.uid, user: conn.user });
    conn.send(build.logoutAck(conn.uid));
    conn.socket.end();
  };

  private readonly list: Handler = async (conn, f) => {
    const req = parseListRequest(f.payload);
    const plays = await playsForList(this.ctx.userData ?? null, conn.user!, req);
    conn.send(build.listAck(conn.uid, await this.ctx.library.list(req, plays)));
  };

  private readonly browse: Handler = async (conn, f) => {
    conn.send(build.browseAck(conn.uid, await this.ctx.library.browse(parseBrowseRequest(f.payload))));
  };

  private readonly artwork: Handler = async (conn, f) => {
    const { track } = parseArtworkRequest(f.payload);
    if (!(await this.ctx.library.get(track))) throw new AtpError('unknown-track', `no track with id ${track}`);
    const art = await this.ctx.library.artwork(track);
    if (!art) throw new AtpError('no-artwork', 'this track has no cover art');
    conn.send(build.artworkAck(conn.uid, art.mime, art.image));
  };

  /** SETUP, and the stream it made counts the play time its client confirms (user-data-play-meter.ts). */
  private readonly meteredSetup: Handler = async (conn, f) => {
    const before = new Set(conn.streams.keys());
    await this.setup(conn, f);
    const store = this.ctx.userData;
    if (!store || !conn.metered) return;
    // Nothing can reach the stream before this: CREDIT and PLAY are read in a later turn of the event loop.
    for (const [did, stream] of conn.streams) {
      if (!before.has(did)) {
        conn.streams.set(did, new MeteredStream(stream, parseSetupRequest(f.payload).window, { user: conn.user!, checksQuota: conn.hasQuota }, store, this.ctx.log));
      }
    }
  };

  private readonly setup: Handler = async (conn, f) => {
    const req = parseSetupRequest(f.payload);
    const track = await this.ctx.library.get(req.track);
    if (!track) throw new AtpError('unknown-track', `no track with id ${req.track}`);
    if (!track.playable) throw new AtpError('unplayable', `this track cannot be played: ${track.reason ?? 'unknown reason'}`);
    if (conn.streams.size >= this.ctx.limits.maxStreamsPerConnection) {
      throw new AtpError('too-many-streams', `at most ${this.ctx.limits.maxStreamsPerConnection} streams per connection`);
    }
    const did = freeDid(conn);
    // The file may have been swapped for a link since the scan: serve it only if it still lies inside the library.
    const real = await realpath(track.absPath).catch(() => null);
    if (real === null || !isInside(this.ctx.library.root, real)) {
      throw new AtpError('unplayable', 'this track is no longer in the library');
    }
    const checksum = req.checksum ?? false;
    // `original` where the file's own frames can be sent; else (ffmpeg's formats, chained Ogg) the stream is PCM.
    const coded = req.encoding === 'original' ? await opening(() => openCodedSource(real)) : null;
    if (coded) {
      const session = new OriginalStreamSession(did, track.id, coded, conn, req.window, checksum);
      conn.streams.set(did, session);
      this.ctx.log.info('setup', { uid: conn.uid, did, track: track.id, encoding: 'original', codec: session.codec.name });
      conn.send(build.setupAck(conn.uid, did, { track: track.id, format: session.format, checksum, encoding: 'original', codec: session.codec }));
      return;
    }
    const source = await opening(() => this.ctx.pcm.open(real));
    // `opus` for one or two channels; a track with more is set up as PCM, as the reply (without encoding) says.
    if (req.encoding === 'opus' && OpusStreamSession.carries(source.format.channels)) {
      const bitrate = req.bitrate ?? OPUS_BITRATE_DEFAULT;
      let session: OpusStreamSession;
      try {
        session = new OpusStreamSession(did, track.id, source, conn, req.window, checksum, bitrate);
      } catch (err) {
        await source.close().catch(() => {});
        throw new AtpError('decode-failed', `the Opus encoder could not start: ${(err as Error).message}`);
      }
      conn.streams.set(did, session);
      this.ctx.log.info('setup', { uid: conn.uid, did, track: track.id, encoding: 'opus', bitrate });
      conn.send(build.setupAck(conn.uid, did, { track: track.id, format: session.format, checksum, encoding: 'opus', codec: session.codec }));
      return;
    }
    const session = new StreamSession(did, track.id, source, conn, req.window, checksum, this.ctx.limits.framesPerData);
    conn.streams.set(did, session);
    this.ctx.log.info('setup', { uid: conn.uid, did, track: track.id });
    conn.send(build.setupAck(conn.uid, did, { track: track.id, format: session.format, checksum }));
  };

  private readonly play: Handler = async (conn, f) => {
    const stream = streamOf(conn, f);
    const req = parsePlayRequest(f.payload);
    const reply = await stream.play(req.positionMs, req.window);
    this.ctx.log.debug('play', { uid: conn.uid, did: f.did, ...reply });
    conn.send(build.playAck(conn.uid, f.did, reply));
    stream.resume();
  };

  private readonly pause: Handler = async (conn, f) => {
    const reply = await streamOf(conn, f).pause();
    conn.send(build.pauseAck(conn.uid, f.did, reply));
  };

  private readonly teardown: Handler = async (conn, f) => {
    const stream = streamOf(conn, f);
    conn.streams.delete(f.did);
    await stream.close();
    this.ctx.log.info('teardown', { uid: conn.uid, did: f.did });
    conn.send(build.teardownAck(conn.uid, f.did));
  };

}

/** Opens a track's file, turning what goes wrong into the error SETUP answers with. */
async function opening<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (err instanceof DecodeError) throw new AtpError(err.code === 'unsupported-format' ? 'unsupported-format' : 'decode-failed', err.message);
    throw new AtpError('decode-failed', `the file could not be opened: ${(err as Error).message}`);
  }
}

function streamOf(conn: Connection, f: Frame): PlayerStream {
  const s = conn.streams.get(f.did);
  if (!s) throw new AtpError('unknown-stream', `no stream ${f.did} on this connection`);
  return s;
}

function freeDid(conn: Connection): number {
  for (let did = 1; did <= 0xffff; did++) if (!conn.streams.has(did)) return did;
  throw new AtpError('too-many-streams', 'no stream handle is free');
}
