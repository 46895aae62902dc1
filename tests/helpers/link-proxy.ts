/**
 * A TCP proxy on loopback that makes a link slow the way the internet is: each direction delays what it carries
 * by half the round trip (plus jitter, in order), and the link can stall or go out for a while, holding what was
 * sent until it comes back, as TCP would after retransmitting. Bandwidth is the shaped namespace's (netns.ts).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface LinkProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  /** Round-trip time added, split evenly between the two directions. */
  rttMs: number;
  /** Extra one-way delay, uniform in [0, jitterMs); order is kept. */
  jitterMs?: number;
}

/** Bytes a direction may hold before it stops reading from its sender (a socket buffer's worth). */
const HOLD_LIMIT = 2 * 1024 * 1024;

class DelayLine {
  private readonly queue: { at: number; bytes: Buffer }[] = [];
  private held = 0;
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly link: LinkProxy,
  ) {
    from.on('data', (bytes) => {
      const delay = this.link.options.rttMs / 2 + Math.random() * (this.link.options.jitterMs ?? 0);
      this.lastAt = Math.max(this.lastAt, performance.now() + delay);
      this.queue.push({ at: this.lastAt, bytes });
      this.held += bytes.length;
      if (this.held > HOLD_LIMIT) from.pause();
      this.pump();
    });
    from.on('end', () => {
      this.queue.push({ at: this.lastAt, bytes: Buffer.alloc(0) });
      this.pump();
    });
  }

  pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = performance.now();
    const open = Math.max(now, this.link.downUntil);
    while (this.queue.length > 0 && this.queue[0]!.at <= now && open <= now) {
      const { bytes } = this.queue.shift()!;
      if (bytes.length === 0) {
        this.to.end();
        return;
      }
      this.held -= bytes.length;
      this.to.write(bytes);
    }
    if (this.held <= HOLD_LIMIT / 2 && this.from.isPaused()) this.from.resume();
    if (this.queue.length > 0) this.timer = setTimeout(() => this.pump(), Math.max(1, Math.max(this.queue[0]!.at, open) - now));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

export class LinkProxy {
  /** Nothing crosses before this time (performance.now()): a stall or an outage. */
  downUntil = 0;
  private readonly server: Server;
  private readonly lines = new Set<DelayLine>();
  private readonly sockets = new Set<Socket>();
  private stallTimer: NodeJS.Timeout | null = null;

  private constructor(readonly options: LinkProxyOptions) {
    this.server = createServer((client) => {
      const upstream = connect(options.upstreamPort, options.upstreamHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.setNoDelay(true);
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
        s.on('close', () => this.sockets.delete(s));
      }
      this.lines.add(new DelayLine(client, upstream, this));
      this.lines.add(new DelayLine(upstream, client, this));
    });
  }

  static async start(options: LinkProxyOptions): Promise<LinkProxy> {
    const proxy = new LinkProxy(options);
    await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Nothing crosses in either direction for `ms`; what was sent meanwhile arrives after. */
  outage(ms: number): void {
    this.downUntil = Math.max(this.downUntil, performance.now() + ms);
    setTimeout(() => this.pumpAll(), ms + 1).unref();
  }

  /** An outage of `ms` every `periodMs`, the first one `periodMs` from now. */
  stallEvery(periodMs: number, ms: number): void {
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = setInterval(() => this.outage(ms), periodMs);
  }

  private pumpAll(): void {
    for (const line of this.lines) line.pump();
  }

  async close(): Promise<void> {
    if (this.stallTimer) clearInterval(this.stallTimer);
    for (const line of this.lines) line.stop();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
