import { EventEmitter } from 'node:events';
import {
  AtpError,
  PlayerFunc,
  build,
  parseEndNotice,
  parsePauseReply,
  parsePlayReply,
  parseData,
  type DataChunk,
  type EndNotice,
  type Frame,
  type PauseReply,
  type PlayReply,
  type PlayRequest,
  type CodecInfo,
  type SetupReply,
  type StreamFormat,
} from '../../src-shared/protocol/index.js';

/** The part of AtpClient a stream uses. */
export interface StreamTransport {
  uid: number;
  request<T>(f: Frame, read: (answer: Frame) => T): Promise<T>;
  send(f: Frame): void;
  forget(did: number, stream: ClientStream): void;
}

export interface ClientStreamEvents {
  data: [chunk: DataChunk];
  end: [notice: EndNotice];
  error: [err: Error];
  close: [err?: Error];
}

/**
 * A stream set up on the server. Emits only DATA of the current epoch: after play() is sent, anything still in
 * flight from before is dropped (and, as the protocol says, not credited).
 */
export class ClientStream extends EventEmitter<ClientStreamEvents> {
  readonly track: string;
  readonly format: StreamFormat;
  readonly checksum: boolean;
  /** What DATA carries, as the SETUP reply says (not necessarily what was asked for). */
  readonly encoding: 'pcm' | 'original' | 'opus';
  /** For an `original` or `opus` stream, what its DATA carries (chunk.pcm then holds the coded units); null for PCM. */
  readonly codec: CodecInfo | null;
  /** The epoch whose DATA is wanted; 0 while a PLAY is on its way. */
  epoch = 0;
  private open = true;

  constructor(
    private readonly transport: StreamTransport,
    readonly did: number,
    reply: SetupReply,
  ) {
    super();
    this.track = reply.track;
    this.format = reply.format;
    this.checksum = reply.checksum;
    this.encoding = reply.encoding ?? 'pcm';
    this.codec = reply.encoding === undefined ? null : reply.codec!;
  }

  async play(req?: PlayRequest): Promise<PlayReply> {
    this.epoch = 0;
    // The epoch must be known before the DATA that follows the ACK in the same chunk is read.
    return this.transport.request(build.play(this.transport.uid, this.did, req), (f) => {
      const reply = parsePlayReply(f.payload);
      this.epoch = reply.epoch;
      return reply;
    });
  }

  async pause(): Promise<PauseReply> {
    return this.transport.request(build.pause(this.transport.uid, this.did), (f) => parsePauseReply(f.payload));
  }

  /** Returns `bytes` of window to the server, as PCM is consumed. */
  credit(bytes: number): void {
    if (this.open && bytes > 0) this.transport.send(build.credit(this.transport.uid, this.did, bytes));
  }

  async teardown(): Promise<void> {
    if (!this.open) return;
    await this.transport.request(build.teardown(this.transport.uid, this.did), () => undefined);
    this.closed();
  }

  /** @internal */
  receive(f: Frame): void {
    // A frame of the wrong shape is this stream's error, not an exception out of the socket handler.
    try {
      if (f.func === PlayerFunc.END) {
        const notice = parseEndNotice(f.payload);
        if (notice.epoch === this.epoch) this.emit('end', notice);
      } else {
        const chunk = parseData(f.payload);
        if (chunk.epoch === this.epoch) this.emit('data', chunk);
      }
    } catch (err) {
      if (!(err instanceof AtpError)) throw err;
      this.fail(err);
    }
  }

  /** @internal */
  fail(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** @internal */
  closed(err?: Error): void {
    if (!this.open) return;
    this.open = false;
    this.transport.forget(this.did, this);
    this.emit('close', err);
  }
}
