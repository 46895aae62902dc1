import { isIP, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import {
  AtpError,
  ControlFunc,
  FrameDecoder,
  FrameType,
  encodeFrame,
  frameName,
  build,
  type DecodeEvent,
  type ErrorCode,
  type Frame,
} from '../../src-shared/protocol/index.js';
import type { Logger } from '../log.js';
import type { ServerCredentials } from '../tls/server-credentials.js';
import type { ServerLimitsConfig } from './config.js';
import type { RequestHandlers } from './request-handlers.js';
import type { PlayerStream } from './original-stream-session.js';
import type { StreamSink } from './stream-session.js';

const ENCRYPTED_FRAME_REFUSAL =
  'frames are never encrypted one by one: encryption is CONTROL/ENCRYPT, which upgrades the whole connection';

type Answered = Pick<Frame, 'type' | 'func' | 'uid' | 'did'>;
type QueuedItem = { frame: Frame } | { refusal: { request: Answered; code: ErrorCode; message: string } };

export interface ConnectionContext {
  limits: ServerLimitsConfig;
  log: Logger;
  handlers: RequestHandlers;
  releaseUid(uid: number): void;
  onClosed(conn: Connection): void;
  /** The certificate ENCRYPT offers; null: this server answers ENCRYPT with `unsupported`. */
  tls: ServerCredentials | null;
  /** LOGIN with a password or token is accepted in clear over the network too (--allow-plaintext). */
  allowPlaintext: boolean;
}

/** Bytes a socket may hold in user space before its streams wait for 'drain'. */
const CONGESTED_BYTES = 512 * 1024;

/** A peer that asked for TLS and does not complete the handshake in this long is dropped. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * One client's TCP connection: frames in through a FrameDecoder, requests answered one at a time in arrival
 * order, DATA written by the connection's streams as credit and the socket allow.
 */
export class Connection implements StreamSink {
  uid = 0;
  user: string | null = null;
  /** The user had an account when it logged in: its streams record play time. */
  metered = false;
  /** The account had a monthly quota when it logged in, so each PLAY checks what is left of it. */
  hasQuota = false;
  readonly streams = new Map<number, PlayerStream>();
  readonly remote: string;
  /** The socket frames travel on: the TCP socket, or after ENCRYPT the TLS socket over it. */
  socket: Socket;
  /** Set when ENCRYPT was accepted: from then on no clear-text byte is read as a request. */
  encrypting = false;
  /** The TLS handshake is done; every frame from here on travelled encrypted. */
  encrypted = false;
  private decoder: FrameDecoder;
  /** Requests and refusals waiting their turn, so every request is answered in the order it was sent. */
  private readonly queue: QueuedItem[] = [];
  private lastFrameAt = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  private working = false;
  private closing = false;
  /** Writes of this turn are being gathered (writeChunks). */
  private corked = false;

  constructor(
    socket: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    this.socket = socket;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new FrameDecoder({ maxPayload: ctx.limits.maxPayload });
    socket.setNoDelay(true);
    this.attach(socket);
    this.armIdleTimer(ctx.limits.idleTimeoutMs);
  }

  /**
   * Whether a LOGIN may carry a password or token here: on an encrypted connection, one that never left this
   * machine (its local address is a loopback address), or anywhere when the server allows plain text.
   */
  get secretsAllowed(): boolean {
    return this.encrypted || this.ctx.allowPlaintext || isLoopbackAddress(this.socket.localAddress ?? '');
  }

  /**
   * Answers ENCRYPT and runs the server side of TLS on the TCP socket. Whatever the peer sent since ENCRYPT is dropped
   * unread (CVE-2011-0411: bytes injected before the handshake must not pass as requests sent under encryption); from
   * here the decoder starts afresh on the decrypted bytes.
   */
  acceptEncrypt(): void {
    const raw = this.socket;
    if (this.closing || raw.destroyed) return;
    if (this.write(encodeFrame(build.encryptAck()))) {
      this.startTls(true);
      return;
    }
    // The ACK is still queued: the peer cannot have it yet, so what it sends until it is out is not its handshake.
    // Reading stops until then, and what arrives meanwhile is left to TLS, which fails on anything but a handshake.
    raw.pause();
    raw.once('drain', () => this.startTls(false));
  }

  private startTls(dropUnread: boolean): void {
    const raw = this.socket;
    if (!this.ctx.tls || this.closing || raw.destroyed) return;
    raw.removeAllListeners('data');
    raw.removeAllListeners('drain');
    raw.removeAllListeners('close');
    if (dropUnread) while (raw.read() !== null);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.ctx.tls.context });
    this.socket = secure;
    this.decoder = new FrameDecoder({ maxPayload: this.ctx.limits.maxPayload });
    this.attach(secure);
    const timer = setTimeout(() => {
      this.ctx.log.info('tls-handshake-timeout', { remote: this.remote });
      secure.destroy();
    }, HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    secure.once('secure', () => {
      clearTimeout(timer);
      this.encrypted = true;
      this.ctx.log.info('encrypted', { remote: this.remote, protocol: secure.getProtocol(), fingerprint: this.ctx.tls?.fingerprint });
    });
    secure.once('close', () => clearTimeout(timer));
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk, this.onDecoded));
    socket.on('drain', () => {
      for (const s of this.streams.values()) s.resume();
    });
    socket.on('error', (err) => this.ctx.log.debug('socket-error', { uid: this.uid, remote: this.remote, error: err.message }));
    socket.on('close', () => void this.cleanup());
  }

  /**
   * The socket holds more than a stream should add to: the kernel is not taking bytes as fast as credit allows. Its
   * own high-water mark (16 KiB) would stop a turn after its first DATA while the socket is corked; past this many
   * bytes a write has returned false, so 'drain' comes once the kernel took them.
   */
  get congested(): boolean {
    return this.socket.writableLength >= CONGESTED_BYTES;
  }

  /** True when the socket handed every byte to the kernel at once and keeps no reference to `bytes`. */
  write(bytes: Uint8Array): boolean {
    if (this.socket.destroyed) return true;
    this.socket.write(bytes);
    return this.socket.writableLength === 0;
  }

  writeChunks(head: Uint8Array, body: readonly Uint8Array[]): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    // Everything a stream sends in one turn (a CREDIT's worth: DATA after DATA) goes out in one writev.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncork, socket);
    }
    socket.write(head);
    for (const chunk of body) socket.write(chunk);
  }

  private readonly uncork = (socket: Socket): void => {
    this.corked = false;
    socket.uncork();
  };

  send(f: Frame): void {
    this.write(encodeFrame(f));
  }

  /** Answers `request` with an error frame now; the connection lives on. */
  refuse(request: Answered, code: ErrorCode, message: string): void {
    this.ctx.log.info('refused', { uid: this.uid, did: request.did, request: frameName(request.type, request.func), code, message });
    this.send(build.error(request.uid, request.did, code, message, { type: request.type, func: request.func }));
  }

  /** Sends an error that answers no request, then closes the connection. */
  fail(code: ErrorCode, message: string): void {
    if (this.closing) return;
    this.closing = true;
    this.ctx.log.info('closing', { uid: this.uid, remote: this.remote, code, message });
    // Between ENCRYPT and the end of the handshake there is no channel to say why: the peer sees the close.
    if (this.encrypting === this.encrypted) this.send(build.error(this.uid, 0, code, message));
    this.socket.end();
    // A peer that never reads must not keep the socket (and its buffers) alive.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  onEnd(did: number, epoch: number, totalFrames: number, reason?: string): void {
    this.send(build.end(this.uid, did, reason === undefined ? { epoch, totalFrames } : { epoch, totalFrames, reason }));
    if (reason === undefined) this.ctx.log.debug('stream-end', { uid: this.uid, did });
    else this.ctx.log.warn('stream-ended-early', { uid: this.uid, did, totalFrames, reason });
  }

  onFailure(did: number, err: Error): void {
    this.ctx.log.warn('stream-failed', { uid: this.uid, did, error: err.message });
    this.send(build.error(this.uid, did, 'decode-failed', `decoding failed: ${err.message}`));
  }

  private readonly onDecoded = (event: DecodeEvent): void => {
    this.lastFrameAt = Date.now();
    switch (event.kind) {
      case 'frame':
        this.accept(event.frame);
        return;
      case 'refused': {
        const code = event.error.code === 'payload-too-large' ? 'payload-too-large' : 'checksum-mismatch';
        this.enqueue({ refusal: { request: event.header, code, message: event.error.message } });
        return;
      }
      case 'fatal':
        this.fail(event.error.code, event.error.message);
        return;
    }
  };

  private accept(f: Frame): void {
    if (this.closing) return;
    if (f.type === FrameType.ERROR) {
      // Never answer an error with an error: two confused peers would echo forever.
      this.ctx.log.info('client-error', { uid: this.uid, did: f.did, func: f.func });
      return;
    }
    const refusal = (code: ErrorCode, message: string) => this.enqueue({ refusal: { request: f, code, message } });
    if (this.uid !== 0 && f.uid !== this.uid) return refusal('wrong-uid', `this connection is uid ${this.uid}, the frame says ${f.uid}`);
    if (f.ack) return refusal('bad-state', 'a client sends requests, not ACK frames');
    // The flag is defined, so the frame is still framed and the connection lives; the frame itself is not acted on.
    if (f.encrypted) return refusal('unsupported', ENCRYPTED_FRAME_REFUSAL);
    if (f.type === FrameType.CONTROL && f.func === ControlFunc.ENCRYPT) {
      if (this.encrypting) return refusal('already-encrypted', 'this connection is encrypted already');
      if (this.uid !== 0) return refusal('already-logged-in', 'ENCRYPT comes before LOGIN: this connection is logged in in clear text');
      if (!this.ctx.tls) return refusal('unsupported', 'this server does not offer encryption');
      // Decided here, as the frame is read, not when its turn comes: the bytes after it must never be read.
      this.encrypting = true;
      this.decoder.stop();
    }
    // CREDIT is not a request and gets no answer: applying it at once keeps streams flowing behind slow requests.
    if (this.ctx.handlers.isImmediate(f)) {
      // Synchronous: a CREDIT is the most frequent frame, and needs no promise or queue turn of its own.
      try {
        this.ctx.handlers.handleImmediate(this, f);
      } catch (err) {
        this.failed(f, err);
      }
      return;
    }
    this.enqueue({ frame: f });
  }

  private enqueue(item: QueuedItem): void {
    if (this.queue.length >= this.ctx.limits.maxQueuedRequests) {
      // Answering out of turn would break the order clients rely on, and queueing without end costs memory.
      this.fail('too-many-requests', `more than ${this.ctx.limits.maxQueuedRequests} requests were waiting`);
      return;
    }
    this.queue.push(item);
    if (!this.working) void this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    this.working = true;
    while (this.queue.length > 0 && !this.closing) {
      // A peer that sends requests but does not read their answers must not make the server buffer them all.
      if (this.socket.writableNeedDrain) await this.drained();
      if (this.closing) break;
      const item = this.queue.shift()!;
      if ('frame' in item) await this.run(item.frame);
      else this.refuse(item.refusal.request, item.refusal.code, item.refusal.message);
    }
    this.working = false;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** One timer per connection, re-armed lazily: idle means no frame received, whatever the server sends. */
  private armIdleTimer(delay: number): void {
    const idle = this.ctx.limits.idleTimeoutMs;
    this.idleTimer = setTimeout(() => {
      const quiet = Date.now() - this.lastFrameAt;
      if (quiet >= idle) this.fail('idle-timeout', `no frame for ${idle} ms`);
      else this.armIdleTimer(idle - quiet);
    }, delay);
  }

  private async run(f: Frame): Promise<void> {
    try {
      await this.ctx.handlers.handle(this, f);
    } catch (err) {
      this.failed(f, err);
    }
  }

  private failed(f: Frame, err: unknown): void {
    if (err instanceof AtpError) {
      this.refuse(f, err.code, err.message);
    } else {
      this.ctx.log.error('handler-failed', { uid: this.uid, did: f.did, request: frameName(f.type, f.func), error: String(err) });
      this.refuse(f, 'internal', 'the server could not complete this request');
    }
  }

  private async cleanup(): Promise<void> {
    this.closing = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.queue.length = 0;
    const tail = this.decoder.pendingBytes;
    if (tail > 0) this.ctx.log.info('truncated-frame', { uid: this.uid, remote: this.remote, bytes: tail });
    const streams = [...this.streams.values()];
    this.streams.clear();
    await Promise.all(streams.map((s) => s.close()));
    if (this.uid !== 0) this.ctx.releaseUid(this.uid);
    this.ctx.log.info('disconnected', { uid: this.uid, user: this.user, remote: this.remote });
    this.ctx.onClosed(this);
  }
}

function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
}
