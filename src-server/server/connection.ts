import type { Socket } from 'node:net';
import {
  AtpError,
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
}

/**
 * One client's TCP connection: frames in through a FrameDecoder, requests answered one at a time in arrival
 * order, DATA written by the connection's streams as credit and the socket allow.
 */
export class Connection implements StreamSink {
  uid = 0;
  user: string | null = null;
  readonly streams = new Map<number, PlayerStream>();
  readonly remote: string;
  private readonly decoder: FrameDecoder;
  /** Requests and refusals waiting their turn, so every request is answered in the order it was sent. */
  private readonly queue: QueuedItem[] = [];
  private lastFrameAt = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  private working = false;
  private closing = false;

  constructor(
    readonly socket: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new FrameDecoder({ maxPayload: ctx.limits.maxPayload });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk, this.onDecoded));
    this.armIdleTimer(ctx.limits.idleTimeoutMs);
    socket.on('drain', () => {
      for (const s of this.streams.values()) s.resume();
    });
    socket.on('error', (err) => ctx.log.debug('socket-error', { uid: this.uid, remote: this.remote, error: err.message }));
    socket.on('close', () => void this.cleanup());
  }

  get congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  /** True when the socket handed every byte to the kernel at once and keeps no reference to `bytes`. */
  write(bytes: Uint8Array): boolean {
    if (this.socket.destroyed) return true;
    this.socket.write(bytes);
    return this.socket.writableLength === 0;
  }

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
    this.send(build.error(this.uid, 0, code, message));
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
    // CREDIT is not a request and gets no answer: applying it at once keeps streams flowing behind slow requests.
    if (this.ctx.handlers.isImmediate(f)) {
      void this.run(f);
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
      if (err instanceof AtpError) {
        this.refuse(f, err.code, err.message);
      } else {
        this.ctx.log.error('handler-failed', { uid: this.uid, did: f.did, request: frameName(f.type, f.func), error: String(err) });
        this.refuse(f, 'internal', 'the server could not complete this request');
      }
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
