// A lean ATP connection for the load generator and the seek probe: requests answered in order, DATA handed over as
// it is read. It sends SETUP as given, so the bench can ask for an encoding before the client library knows of it,
// and it keeps a thousand listeners in one process cheap enough that the generator is not what is measured.
import { connect as netConnect, type Socket } from 'node:net';
import {
  FrameDecoder,
  FrameType,
  PlayerFunc,
  build,
  decodeJsonObject,
  encodeFrame,
  parsePlayReply,
  type Frame,
  type PlayReply,
} from '../src-shared/protocol/index.js';

export interface WireHandlers {
  /** A DATA frame's payload (the epoch, the first frame and the stream's bytes). */
  data?(payload: Uint8Array): void;
  end?(): void;
}

interface Pending {
  type: number;
  func: number;
  /** Reads the answer before frames behind it in the same chunk are handled (a PLAY's epoch). */
  read?(answer: Frame): void;
  resolve(answer: Frame): void;
  reject(err: Error): void;
}

export class AtpWire {
  uid = 0;
  private readonly pending: Pending[] = [];
  private readonly decoder = new FrameDecoder({ maxPayload: 8 * 1024 * 1024 });
  private closedWith: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly handlers: WireHandlers,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) =>
      this.decoder.push(chunk, (e) => (e.kind === 'frame' ? this.receive(e.frame) : this.fail(new Error(`from server: ${e.error.message}`)))),
    );
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  static connect(port: number, handlers: WireHandlers, timeoutMs = 30_000): Promise<AtpWire> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new AtpWire(socket, handlers));
      });
    });
  }

  async login(user: string): Promise<Record<string, unknown>> {
    const answer = await this.request(build.login({ user }));
    this.uid = answer.uid;
    return decodeJsonObject(answer.payload);
  }

  /** SETUP with any extra fields (an `encoding`); returns the stream handle and the reply as sent. */
  async setup(fields: { track: string; window: number } & Record<string, unknown>): Promise<{ did: number; reply: Record<string, unknown> }> {
    const answer = await this.request(build.setup(this.uid, fields));
    return { did: answer.did, reply: decodeJsonObject(answer.payload) };
  }

  /** PLAY from a position with a fresh window; `onEpoch` learns the new epoch before any DATA of it is handed over. */
  async play(did: number, positionMs: number, window: number, onEpoch?: (epoch: number) => void): Promise<PlayReply> {
    let reply: PlayReply | undefined;
    await this.request(build.play(this.uid, did, { positionMs, window }), (f) => {
      reply = parsePlayReply(f.payload);
      onEpoch?.(reply.epoch);
    });
    return reply!;
  }

  async pause(did: number): Promise<void> {
    await this.request(build.pause(this.uid, did));
  }

  credit(did: number, bytes: number): void {
    if (bytes > 0 && !this.closedWith) this.socket.write(encodeFrame(build.credit(this.uid, did, bytes)));
  }

  close(): void {
    this.fail(new Error('closed'));
  }

  private request(f: Frame, read?: (answer: Frame) => void): Promise<Frame> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      this.pending.push({ type: f.type, func: f.func, read, resolve, reject });
      this.socket.write(encodeFrame(f));
    });
  }

  private receive(f: Frame): void {
    if (f.type === FrameType.PLAYER && !f.ack && f.func === PlayerFunc.DATA) return this.handlers.data?.(f.payload!);
    if (f.type === FrameType.PLAYER && !f.ack && f.func === PlayerFunc.END) return this.handlers.end?.();
    const head = this.pending.shift();
    if (!head) return;
    if (f.type === FrameType.ERROR) {
      const body = decodeJsonObject(f.payload);
      head.reject(new Error(`${String(body.code)}: ${String(body.message)}`));
    } else if (f.ack && f.type === head.type && f.func === head.func) {
      head.read?.(f);
      head.resolve(f);
    } else {
      head.reject(new Error(`unexpected answer type ${f.type} func ${f.func}`));
    }
  }

  private fail(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    this.socket.destroy();
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}
