/**
 * Serving, in one process (the default) or as a cluster. One event loop keeps every connection and stream, and the
 * decoding that `pcm` streams of compressed files need runs in decoding threads, one per core (decode-pool.ts). With
 * more than one worker, the primary keeps the library and the listening port; each cluster worker holds connections
 * and streams on the port the primary shares, asking the primary for library data (library-relay.ts), and has its
 * share of the decoding threads. Connections are spread across workers by the cluster's round robin. A worker that
 * dies is replaced; SIGTERM and SIGINT stop all cleanly. Every process that holds connections loads the TLS
 * certificate itself, and reloads it on SIGHUP (the primary tells its workers), so handshakes from then on use the
 * renewed files and no connection is dropped.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import type { Library } from '../library/library.js';
import { openLibrary } from '../library/music-library.js';
import { withFields, type Logger } from '../log.js';
import { DecodePool, decodeInProcess, type PcmOpener } from '../decode/decode-pool.js';
import { AtpServer } from './atp-server.js';
import type { Authenticator } from './authenticator.js';
import type { ServerLimitsConfig } from './config.js';
import { ClusterQuota, primaryQuota } from './connection-quota.js';
import { LibraryClient, answerLibraryCalls } from './library-relay.js';
import { OpeningLibrary } from './opening-library.js';
import { CertificateError, ServerCredentials } from '../tls/server-credentials.js';
import { ensureSelfSigned, type CertificatePaths } from '../tls/self-signed.js';
import { StartupError, checkMusicFolder, listenFailure } from './startup.js';
import type { UserData } from '../storage/user-data.js';

export interface ServeOptions {
  libraryPath: string;
  host: string;
  port: number;
  stateDir: string;
  log: Logger;
  limits: ServerLimitsConfig;
  /** Made in each process that serves connections: the single process, or each worker. */
  makeAuth(): Promise<Authenticator>;
  /** The environment a worker needs that the primary removed from its own (the token of --token-env). */
  workerEnv: Record<string, string>;
  watch: boolean;
  rescanIntervalMs: number;
  workers: number;
  /** Decoding threads in each process that serves connections; 0 decodes in the serving thread. */
  decodeThreads: number;
  /** The file a decoding thread loads: the server's own entry, which holds decode-thread.ts. */
  entry: URL;
  /** The certificate files; `selfSigned`: made in the state directory on first start when missing. */
  tls: { paths: CertificatePaths; selfSigned: boolean };
  allowPlaintext: boolean;
  /** The database's user data in the process that owns it, or a relay to that process in a worker. */
  userData: UserData | null;
}

const RELOAD_TLS = 'reload-tls';

/** The certificate this process offers, or a StartupError that names the file at fault. */
async function loadCredentials(o: ServeOptions): Promise<ServerCredentials> {
  try {
    if (o.tls.selfSigned && cluster.isPrimary && (await ensureSelfSigned(o.tls.paths))) {
      o.log.info('certificate-made', { cert: o.tls.paths.cert });
    }
    return await ServerCredentials.load(o.tls.paths);
  } catch (err) {
    if (err instanceof CertificateError) throw new StartupError(err.message);
    throw new StartupError(`the TLS certificate could not be made in ${o.tls.paths.cert}: ${(err as Error).message}`);
  }
}

async function reloadCredentials(credentials: ServerCredentials, log: Logger): Promise<void> {
  try {
    const { fingerprint } = await credentials.reload();
    log.info('certificate-reloaded', { fingerprint });
  } catch (err) {
    log.error('certificate-reload-failed', { error: (err as Error).message, fingerprint: credentials.fingerprint });
  }
}

const WORKER_ENV = { index: 'ATP_WORKER_INDEX', port: 'ATP_WORKER_PORT', root: 'ATP_WORKER_ROOT', count: 'ATP_WORKER_COUNT' };

/** Serves until a signal stops the process. */
export async function serve(o: ServeOptions): Promise<void> {
  if (cluster.isWorker) return serveAsWorker(o);
  const root = await checkMusicFolder(o.libraryPath);
  const credentials = await loadCredentials(o);
  o.log.info('certificate', { cert: o.tls.paths.cert, fingerprint: credentials.fingerprint });
  const library = new OpeningLibrary(root);
  const { stop, port, reloadTls } = o.workers > 1 ? await startWorkers(o, root, library) : await startInProcess(o, library, credentials);
  let stopping = false;
  const stopOn = (signal: string) => async () => {
    if (stopping) return;
    stopping = true;
    o.log.info('stopping', { signal });
    await stop();
    await library.close();
    o.log.info('stopped', {});
    process.exit(0);
  };
  process.on('SIGTERM', stopOn('SIGTERM'));
  process.on('SIGINT', stopOn('SIGINT'));

  const music = await openLibrary({ root, stateDir: o.stateDir, log: o.log, watch: o.watch, rescanIntervalMs: o.rescanIntervalMs });
  library.opened(music);
  announce(o.host, port);
  process.on('SIGHUP', () => {
    o.log.info('rescan-requested', { signal: 'SIGHUP' });
    reloadTls();
    void music.rescan();
  });
}

/** One machine-readable line on stdout once the library is listed, for the desktop app and the tests. */
function announce(host: string, port: number): void {
  process.stdout.write(JSON.stringify({ event: 'listening', host, port }) + '\n');
}

interface Started {
  port: number;
  stop(): Promise<void>;
  /** Reads the certificate files again in every process that holds connections. */
  reloadTls(): void;
}

function decoding(o: ServeOptions, log: Logger): PcmOpener {
  return o.decodeThreads > 0 ? new DecodePool(o.entry, o.decodeThreads, log) : decodeInProcess;
}

async function startInProcess(o: ServeOptions, library: Library, tls: ServerCredentials): Promise<Started> {
  const auth = await o.makeAuth();
  const pcm = decoding(o, o.log);
  const server = new AtpServer({ library, auth, limits: o.limits, log: o.log, tls, allowPlaintext: o.allowPlaintext, userData: o.userData, pcm });
  const addr = await server.listen(o.host, o.port).catch((err: NodeJS.ErrnoException) => {
    throw listenFailure(err, o.host, o.port);
  });
  o.log.info('listening', { host: addr.host, port: addr.port, auth: auth.describe(), workers: 1, decodeThreads: o.decodeThreads });
  const stop = async () => {
    await server.close();
    await pcm.close();
  };
  return { port: addr.port, stop, reloadTls: () => void reloadCredentials(tls, o.log) };
}

/**
 * A worker's heap is kept small: 1 MiB semi-spaces (V8's default grows them to 16 MiB), and an old generation that
 * is collected once it has grown by a fifth (`--heap-growing-percent=20`) rather than when it has doubled. What a
 * stream allocates is little and dies young, so the collections cost little, and together they took the RSS a
 * listener adds from about 80 KiB to about 15 (docs/PERFORMANCE.md). V8's memory-saving mode (`--optimize-for-size`)
 * kept the heap as small but cost a third more CPU per listener. Flags given to node are kept and win.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const argv = [...execArgv];
  if (!argv.some((a) => /^--(max-semi-space-size|semi-space-growth-factor)/.test(a))) argv.push('--max-semi-space-size=1');
  if (!argv.some((a) => /^--(heap-growing-percent|(no-)?optimize-for-size)/.test(a))) argv.push('--heap-growing-percent=20');
  return argv;
}

/** The port is bound here first, so that a port in use is reported before workers or a scan start. */
async function probePort(host: string, port: number): Promise<number> {
  const probe = createServer();
  const bound = await new Promise<number>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenFailure(err, host, port)));
    probe.listen({ host, port }, () => resolve((probe.address() as { port: number }).port));
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return bound;
}

async function startWorkers(o: ServeOptions, root: string, library: Library): Promise<Started> {
  const port = await probePort(o.host, o.port);
  cluster.setupPrimary({ serialization: 'advanced', execArgv: workerExecArgv(process.execArgv) });
  const quota = new ClusterQuota(o.limits.maxConnections);
  let stopping = false;
  const fork = (index: number): Worker => {
    const worker = cluster.fork({
      ...o.workerEnv,
      [WORKER_ENV.index]: String(index), [WORKER_ENV.port]: String(port), [WORKER_ENV.root]: root, [WORKER_ENV.count]: String(o.workers),
    });
    answerLibraryCalls(worker, library);
    quota.serve(worker);
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      o.log.error('worker-died', { worker: index, code, signal });
      fork(index);
    });
    return worker;
  };
  const workers = Array.from({ length: o.workers }, (_, i) => fork(i));
  await Promise.all(workers.map((w, i) => new Promise<void>((resolve, reject) => {
    w.once('listening', () => resolve());
    w.once('exit', (code) => reject(new StartupError(`worker ${i} stopped before it listened (exit code ${code})`)));
  })));
  o.log.info('listening', { host: o.host, port, workers: o.workers, decodeThreads: o.decodeThreads });
  const stop = async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(alive.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.send({ kind: 'shutdown' });
      setTimeout(() => w.kill('SIGKILL'), 5000).unref();
    })));
  };
  const reloadTls = () => {
    for (const w of Object.values(cluster.workers ?? {})) if (w && !w.isDead()) w.send({ kind: RELOAD_TLS });
  };
  return { port, stop, reloadTls };
}

async function serveAsWorker(o: ServeOptions): Promise<void> {
  const index = Number(process.env[WORKER_ENV.index]);
  const count = Number(process.env[WORKER_ENV.count]);
  let server: AtpServer | null = null;
  let stopping = false;
  const log = withFields(o.log, { worker: index });
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server?.close();
    process.exit(code);
  };
  let credentials: ServerCredentials | null = null;
  // Listened for before anything else: a shutdown may come while this worker is still starting.
  process.on('message', (m: { kind?: string }) => {
    if (m?.kind === 'shutdown') void stop(0);
    if (m?.kind === RELOAD_TLS && credentials) void reloadCredentials(credentials, log);
  });
  // The primary decides when to stop: a terminal's Ctrl-C or hang-up reaches the whole group, the primary included.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  process.on('SIGTERM', () => void stop(0));
  // The primary is gone (killed): its clients must see their connections drop, as with a single process.
  process.on('disconnect', () => {
    for (const conn of server?.connectionList() ?? []) conn.socket.destroy();
    process.exit(1);
  });
  credentials = await loadCredentials(o);
  const created = new AtpServer({
    pcm: decoding(o, log),
    library: new LibraryClient(process.env[WORKER_ENV.root]!),
    auth: await o.makeAuth(),
    tls: credentials,
    allowPlaintext: o.allowPlaintext,
    userData: o.userData,
    log,
    limits: o.limits,
    // The limit is the whole server's: the primary counts every worker's connections.
    quota: primaryQuota(),
    uids: { first: index + 1, step: count },
  });
  if (stopping) return;
  server = created;
  await server.listen(o.host, Number(process.env[WORKER_ENV.port]));
}
