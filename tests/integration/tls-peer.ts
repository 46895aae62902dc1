/** A bare peer that speaks ATP by hand and can run TLS on its socket after ENCRYPT, as a client would. */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { FrameDecoder, FrameType, decodeJsonObject, encodeFrame, type ErrorBody, type Frame } from '../../src-shared/protocol/index.js';

export class TlsPeer {
  readonly frames: Frame[] = [];
  /** Every byte received in clear text, before any TLS. */
  readonly clearBytes: Buffer[] = [];
  closed = false;
  socket: Socket;
  private decoder = new FrameDecoder({ maxPayload: 16 * 1024 * 1024 });

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.clearBytes.push(chunk);
      this.decoder.push(chunk, (e) => e.kind === 'frame' && this.frames.push(e.frame));
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static open(port: number, host = '127.0.0.1'): Promise<TlsPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(new TlsPeer(s)));
      s.once('error', reject);
    });
  }

  send(bytes: Uint8Array | Frame): void {
    this.socket.write(bytes instanceof Uint8Array ? bytes : encodeFrame(bytes));
  }

  /** Runs the client side of TLS on the socket; frames from here on are read from the decrypted stream. */
  async startTls(): Promise<TLSSocket> {
    const raw = this.socket;
    raw.removeAllListeners('data');
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    this.decoder = new FrameDecoder({ maxPayload: 16 * 1024 * 1024 });
    secure.on('data', (chunk: Buffer) => this.decoder.push(chunk, (e) => e.kind === 'frame' && this.frames.push(e.frame)));
    secure.on('close', () => (this.closed = true));
    secure.on('error', () => {});
    this.socket = secure;
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
      secure.once('close', () => reject(new Error('closed during the handshake')));
    });
    return secure;
  }

  async next(pred: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      if (this.closed) throw new Error('connection closed before the frame came');
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async nextError(): Promise<ErrorBody & { func: number }> {
    const f = await this.next((f) => f.type === FrameType.ERROR);
    return { ...(decodeJsonObject(f.payload) as unknown as ErrorBody), func: f.func };
  }

  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
