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
import type { StreamSession, StreamSink } from './stream-session.js';

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
  readonly streams = new Map<number, StreamSession>();
  readonly remote: string;
  private readonly decoder: FrameDecoder;
  private readonly queue: Frame[] = [];
  private working = false;
  private closing = false;

  constructor(
    readonly socket: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new FrameDecoder({ maxPayload: ctx.limits.maxPayload });
    socket.setNoDelay(true);
    socket.setTimeout(ctx.limits.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk, this.onDecoded));
    socket.on('drain', () => {
      for (const s of this.streams.values()) s.resume();
    });
    socket.on('timeout', () => this.fail('idle-timeout', `no frame for ${ctx.limits.idleTimeoutMs} ms`));
    socket.on('error', (err) => ctx.log.debug('socket-error', { uid: this.uid, remote: this.remote, error: err.message }));
    socket.on('close', () => void this.cleanup());
  }

  get congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  send(f: Frame): void {
    this.write(encodeFrame(f));
  }

  /** Answers `request` with an error frame; the connection lives on. */
  refuse(request: Pick<Frame, 'type' | 'func' | 'did'>, code: ErrorCode, message: string): void {
    this.ctx.log.info('refused', { uid: this.uid, did: request.did, request: frameName(request.type, request.func), code, message });
    this.send(build.error(this.uid, request.did, code, message, { type: request.type, func: request.func }));
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

  onEnd(did: number, epoch: number, totalFrames: number): void {
    this.send(build.end(this.uid, did, { epoch, totalFrames }));
    this.ctx.log.debug('stream-end', { uid: this.uid, did });
  }

  onFailure(did: number, err: Error): void {
    this.ctx.log.warn('stream-failed', { uid: this.uid, did, error: err.message });
    this.send(build.error(this.uid, did, 'decode-failed', `decoding failed: ${err.message}`));
  }

  private readonly onDecoded = (event: DecodeEvent): void => {
    switch (event.kind) {
      case 'frame':
        this.accept(event.frame);
        return;
      case 'refused': {
        const code = event.error.code === 'payload-too-large' ? 'payload-too-large' : 'checksum-mismatch';
        this.refuse(event.header, code, event.error.message);
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
    if (this.uid !== 0 && f.uid !== this.uid) {
      this.refuse(f, 'wrong-uid', `this connection is uid ${this.uid}, the frame says ${f.uid}`);
      return;
    }
    if (f.ack) {
      this.refuse(f, 'bad-state', 'a client sends requests, not ACK frames');
      return;
    }
    if (f.encrypted) {
      this.refuse(f, 'unsupported', 'encrypted frames are not supported by this server');
      return;
    }
    // CREDIT is not a request and gets no answer: applying it at once keeps streams flowing behind slow requests.
    if (this.ctx.handlers.isImmediate(f)) {
      this.run(f);
      return;
    }
    if (this.queue.length >= this.ctx.limits.maxQueuedRequests) {
      this.refuse(f, 'too-many-requests', `more than ${this.ctx.limits.maxQueuedRequests} requests are waiting`);
      return;
    }
    this.queue.push(f);
    if (!this.working) void this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    this.working = true;
    while (this.queue.length > 0 && !this.closing) await this.run(this.queue.shift()!);
    this.working = false;
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
