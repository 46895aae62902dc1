/**
 * The local server: the built atp-server run as a child process on a free loopback port, with a token generated
 * for this run and passed in the environment (so it never shows in a process list). Under Electron the child is
 * started with `utilityProcess.fork`; under plain Node with `node <script>` (see server-process.ts).
 *
 * Its lifecycle is one explicit phase at a time: idle → starting → running → stopping → stopped (→ starting…).
 * `ensure` for the folder already starting joins that start; a stop during a start cancels it (the start's callers
 * get a 'cancelled' error); the state says whether the user stopped it, so a connection to it is not retried.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { LocalServerState } from '../../src-shared/ipc/contract.js';
import { DesktopError } from './desktop-error.js';
import { forkWithNode, serverEnvironment, type ForkServer, type ServerProcess } from './server-process.js';

export type { ForkServer, ServerProcess } from './server-process.js';

export interface LocalServerOptions {
  /** dist/server/atp-server.mjs, or resources/server/atp-server.mjs in a packaged app. */
  serverScript: string;
  stateDir: string;
  logFile: string;
  /** Electron passes `utilityProcess.fork`; the default runs the script with this Node. */
  fork?: ForkServer;
  startTimeoutMs?: number;
  /** How long a stopping server has to exit after SIGTERM before it is killed. */
  killAfterMs?: number;
}

export interface LocalEndpoint {
  host: string;
  port: number;
  token: string;
}

interface Run {
  child: ServerProcess;
  library: string;
  exited: Promise<number>;
  log: WriteStream;
}

type Phase =
  | { name: 'idle' }
  | { name: 'starting'; run: Run; ready: Promise<LocalEndpoint> }
  | { name: 'running'; run: Run; endpoint: LocalEndpoint }
  | { name: 'stopping'; run: Run; byUser: boolean; done: Promise<void> }
  | { name: 'stopped'; library: string; byUser: boolean };

export class LocalServer extends EventEmitter<{ state: [LocalServerState] }> {
  private phase: Phase = { name: 'idle' };

  constructor(private readonly options: LocalServerOptions) {
    super();
  }

  get state(): LocalServerState {
    const p = this.phase;
    const e = p.name === 'running' ? p.endpoint : null;
    return {
      available: true,
      phase: p.name,
      running: e !== null,
      stoppedByUser: (p.name === 'stopping' || p.name === 'stopped') && p.byUser,
      library: p.name === 'idle' ? null : p.name === 'stopped' ? p.library : p.run.library,
      address: e ? `${e.host}:${e.port}` : null,
    };
  }

  get logFile(): string {
    return this.options.logFile;
  }

  /** The process id of the server while it is starting or running. */
  get pid(): number | undefined {
    const p = this.phase;
    return p.name === 'starting' || p.name === 'running' ? p.run.child.pid : undefined;
  }

  /** The running server if it serves `library`, the start in progress if it is for `library`, else a new one. */
  async ensure(library: string): Promise<LocalEndpoint> {
    for (;;) {
      const p = this.phase;
      if (p.name === 'running' && p.run.library === library) return p.endpoint;
      if (p.name === 'starting' && p.run.library === library) return p.ready;
      if (p.name === 'starting' || p.name === 'running') await this.halt(false);
      else if (p.name === 'stopping') await p.done;
      else return this.launch(library);
    }
  }

  /** The user's stop: SIGTERM, which the server handles by closing cleanly; killed if not gone in 3 s. */
  stop(): Promise<void> {
    return this.halt(true);
  }

  private emitState(): void {
    this.emit('state', this.state);
  }

  private launch(library: string): Promise<LocalEndpoint> {
    const token = randomBytes(32).toString('base64url');
    mkdirSync(dirname(this.options.logFile), { recursive: true });
    mkdirSync(this.options.stateDir, { recursive: true });
    const log = createWriteStream(this.options.logFile, { flags: 'a' });
    // One process: a player's own server has one listener, and no use for cluster workers.
    const args = ['--library', library, '--host', '127.0.0.1', '--port', '0', '--workers', '1', '--token-env', 'ATP_TOKEN',
      '--state-dir', this.options.stateDir, '--log-level', 'info'];
    const fork = this.options.fork ?? forkWithNode;
    const child = fork(this.options.serverScript, args, { env: serverEnvironment(token), stdio: 'pipe', serviceName: 'ATP local server' });
    const run: Run = { child, library, log, exited: new Promise<number>((resolve) => child.once('exit', resolve)) };
    child.stderr?.pipe(log, { end: false });

    const listening = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DesktopError('local-server-failed', 'the local server did not start in time')), this.options.startTimeoutMs ?? 20000);
      if (child.stdout) {
        createInterface({ input: child.stdout }).on('line', (line) => {
          try {
            const m = JSON.parse(line) as { event?: string; port?: number };
            if (m.event === 'listening' && typeof m.port === 'number') {
              clearTimeout(timer);
              resolve(m.port);
            }
          } catch {
            log.write(`${line}\n`);
          }
        });
      }
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(this.phase.name === 'stopping' && this.phase.run === run
          ? new DesktopError('cancelled', 'the local server was stopped before it was ready')
          : new DesktopError('local-server-failed', `the local server stopped (exit code ${code}); see its log: ${this.options.logFile}`));
      });
    });

    const ready = listening.then(
      (port) => {
        if (this.phase.name !== 'starting' || this.phase.run !== run) throw new DesktopError('cancelled', 'the local server was stopped before it was ready');
        const endpoint = { host: '127.0.0.1', port, token };
        this.phase = { name: 'running', run, endpoint };
        this.emitState();
        return endpoint;
      },
      async (err: unknown) => {
        if (this.phase.name === 'starting' && this.phase.run === run) await this.halt(false);
        throw err;
      },
    );
    child.once('exit', () => {
      // A crash while running; a stop is handled by halt, a failed start by `ready`.
      if (this.phase.name !== 'running' || this.phase.run !== run) return;
      run.log.end();
      this.phase = { name: 'stopped', library, byUser: false };
      this.emitState();
    });
    this.phase = { name: 'starting', run, ready };
    this.emitState();
    return ready;
  }

  private halt(byUser: boolean): Promise<void> {
    const p = this.phase;
    if (p.name === 'stopping') {
      if (byUser && !p.byUser) {
        p.byUser = true;
        this.emitState();
      }
      return p.done;
    }
    if (p.name === 'idle' || p.name === 'stopped') {
      if (byUser && p.name === 'stopped' && !p.byUser) {
        this.phase = { ...p, byUser: true };
        this.emitState();
      }
      return Promise.resolve();
    }
    const run = p.run;
    const done = (async () => {
      const force = setTimeout(() => {
        if (run.child.pid === undefined) return;
        try {
          process.kill(run.child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }, this.options.killAfterMs ?? 3000);
      run.child.kill();
      await run.exited;
      clearTimeout(force);
      run.log.end();
      const now = this.phase;
      if (now.name === 'stopping' && now.run === run) {
        this.phase = { name: 'stopped', library: run.library, byUser: now.byUser };
        this.emitState();
      }
    })();
    this.phase = { name: 'stopping', run, byUser, done };
    this.emitState();
    return done;
  }
}
