import { createServer, type Server, type Socket } from 'node:net';
import { build, encodeFrame } from '../../src-shared/protocol/index.js';
import type { Library } from '../library/library.js';
import type { Logger } from '../log.js';
import type { ServerCredentials } from '../tls/server-credentials.js';
import type { Authenticator } from './authenticator.js';
import type { ServerLimitsConfig } from './config.js';
import { Connection } from './connection.js';
import { localQuota, type ConnectionQuota } from './connection-quota.js';
import { RequestHandlers } from './request-handlers.js';
import type { UserData } from '../storage/user-data.js';
import { decodeInProcess, type PcmOpener } from '../decode/decode-pool.js';

export interface AtpServerOptions {
  library: Library;
  auth: Authenticator;
  limits: ServerLimitsConfig;
  log: Logger;
  /** Counts connections against --max-connections; a cluster worker's asks the primary. */
  quota?: ConnectionQuota;
  /** The user ids this server hands out: first, first + step, … (a cluster worker's share of the 16-bit space). */
  uids?: { first: number; step: number };
  /** The certificate CONTROL/ENCRYPT offers; null answers ENCRYPT with `unsupported`. */
  tls?: ServerCredentials | null;
  /** Accept a password or token in clear from the network (--allow-plaintext). */
  allowPlaintext?: boolean;
  /** What users keep (USERDATA, play time); a cluster worker's asks the primary. */
  userData?: UserData | null;
  /** Where `pcm` and Opus streams decode (decode-pool.ts); absent: in this thread. */
  pcm?: PcmOpener;
}

/** The TCP listener: admits connections up to the limit and hands out user ids. One event loop serves all. */
export class AtpServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly uidsInUse = new Set<number>();
  private nextUid: number;
  private readonly quota: ConnectionQuota;
  private readonly handlers: RequestHandlers;

  constructor(private readonly options: AtpServerOptions) {
    this.handlers = new RequestHandlers({
      limits: options.limits,
      log: options.log,
      library: options.library,
      auth: options.auth,
      userData: options.userData ?? null,
      allocateUid: () => this.allocateUid(),
      pcm: options.pcm ?? decodeInProcess,
    });
    this.server = createServer({ noDelay: true }, (socket) => void this.admit(socket));
    this.quota = options.quota ?? localQuota(options.limits.maxConnections);
    this.nextUid = options.uids?.first ?? 1;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') return reject(new Error('no TCP address'));
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  connectionList(): Connection[] {
    return [...this.connections];
  }

  /** Tells every client the server is going away, lets queued bytes out, then closes. */
  async close(graceMs = 2000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.fail('shutting-down', 'the server is shutting down');
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    const drained = new Promise<void>((resolve) => {
      const check = () => (this.connections.size === 0 ? resolve() : setTimeout(check, 20));
      check();
    });
    await Promise.race([drained, deadline]);
    for (const conn of this.connections) conn.socket.destroy();
    await closed;
  }

  private async admit(socket: Socket): Promise<void> {
    const { limits, log } = this.options;
    socket.on('error', () => {});
    const admitted = await this.quota.tryAdmit();
    if (admitted && socket.destroyed) {
      // Gone while the primary was asked: nothing to serve, and its place is free again.
      this.quota.release();
      return;
    }
    if (!admitted) {
      log.warn('connection-refused', { remote: `${socket.remoteAddress}:${socket.remotePort}`, reason: 'too many connections' });
      socket.on('error', () => {});
      socket.end(encodeFrame(build.error(0, 0, 'too-many-connections', `the server holds its limit of ${limits.maxConnections} connections`)));
      return;
    }
    const conn = new Connection(socket, {
      limits,
      log,
      handlers: this.handlers,
      releaseUid: (uid) => this.uidsInUse.delete(uid),
      onClosed: (c) => {
        if (this.connections.delete(c)) this.quota.release();
      },
      tls: this.options.tls ?? null,
      allowPlaintext: this.options.allowPlaintext ?? false,
    });
    this.connections.add(conn);
    log.debug('connected', { remote: conn.remote });
  }

  private allocateUid(): number | null {
    const { first, step } = this.options.uids ?? { first: 1, step: 1 };
    const share = Math.floor((0xffff - first) / step) + 1;
    if (this.uidsInUse.size >= share) return null;
    const next = (uid: number) => (uid + step > 0xffff ? first : uid + step);
    while (this.uidsInUse.has(this.nextUid)) this.nextUid = next(this.nextUid);
    const uid = this.nextUid;
    this.uidsInUse.add(uid);
    this.nextUid = next(this.nextUid);
    return uid;
  }
}
