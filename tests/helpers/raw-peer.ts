import { connect, type Socket } from 'node:net';
import { FrameDecoder, decodeJsonObject, encodeFrame, FrameType, type Frame, type ErrorBody } from '../../src-shared/protocol/index.js';

/** A bare TCP peer for sending hand-made bytes and reading whatever frames come back. */
export class RawPeer {
  readonly frames: Frame[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder({ maxPayload: 16 * 1024 * 1024 });
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) =>
      this.decoder.push(chunk, (e) => {
        if (e.kind === 'frame') this.frames.push(e.frame);
        this.wake();
      }),
    );
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  send(bytes: Uint8Array | Frame): void {
    this.socket.write(bytes instanceof Uint8Array ? bytes : encodeFrame(bytes));
  }

  /** Waits until a frame satisfying `pred` has arrived (or the connection closed, or 5 s passed). */
  async next(pred: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      if (this.closed) throw new Error('connection closed before the frame came');
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  async nextError(): Promise<ErrorBody & { func: number; did: number }> {
    const f = await this.next((f) => f.type === FrameType.ERROR);
    return { ...(decodeJsonObject(f.payload) as unknown as ErrorBody), func: f.func, did: f.did };
  }

  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
