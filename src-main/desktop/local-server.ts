/**
 * The local server: the built atp-server run as a child process on a free loopback port, with a token generated
 * for this run and passed in the environment (so it never shows in a process list). Under Electron the child is
 * Electron's own binary in Node mode, which is why ELECTRON_RUN_AS_NODE is set; plain Node ignores it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { LocalServerState } from '../../src-shared/ipc/contract.js';
import { DesktopError } from './desktop-error.js';

export interface LocalServerOptions {
  /** dist/server/atp-server.mjs, or resources/server/atp-server.mjs in a packaged app. */
  serverScript: string;
  stateDir: string;
  logFile: string;
  execPath?: string;
  startTimeoutMs?: number;
}

export interface LocalEndpoint {
  host: string;
  port: number;
  token: string;
}

export class LocalServer extends EventEmitter<{ state: [LocalServerState] }> {
  private child: ChildProcess | null = null;
  private endpoint: LocalEndpoint | null = null;
  private library: string | null = null;
  private log: WriteStream | null = null;

  constructor(private readonly options: LocalServerOptions) {
    super();
  }

  get state(): LocalServerState {
    const e = this.endpoint;
    return { available: true, running: e !== null, library: this.library, address: e ? `${e.host}:${e.port}` : null };
  }

  get logFile(): string {
    return this.options.logFile;
  }

  /** The running server if it serves `library`, else a new one. */
  async ensure(library: string): Promise<LocalEndpoint> {
    if (this.endpoint && this.library === library) return this.endpoint;
    return this.start(library);
  }

  async start(library: string): Promise<LocalEndpoint> {
    await this.stop();
    const token = randomBytes(32).toString('base64url');
    mkdirSync(dirname(this.options.logFile), { recursive: true });
    mkdirSync(this.options.stateDir, { recursive: true });
    this.log = createWriteStream(this.options.logFile, { flags: 'a' });
    const args = [this.options.serverScript, '--library', library, '--host', '127.0.0.1', '--port', '0', '--token-env', 'ATP_TOKEN',
      '--state-dir', this.options.stateDir, '--log-level', 'info'];
    const child = spawn(this.options.execPath ?? process.execPath, args, {
      env: { ...process.env, ATP_TOKEN: token, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.library = library;
    child.stderr!.pipe(this.log, { end: false });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DesktopError('local-server-failed', 'the local server did not start in time')), this.options.startTimeoutMs ?? 20000);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        try {
          const m = JSON.parse(line) as { event?: string; port?: number };
          if (m.event === 'listening' && typeof m.port === 'number') {
            clearTimeout(timer);
            resolve(m.port);
          }
        } catch {
          this.log?.write(`${line}\n`);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new DesktopError('local-server-failed', `the local server stopped (${signal ?? `exit code ${code}`}); see its log: ${this.options.logFile}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new DesktopError('local-server-failed', `the local server could not start: ${err.message}`));
      });
    }).catch(async (err: unknown) => {
      await this.stop();
      throw err;
    });
    child.once('exit', () => {
      if (this.child !== child) return;
      this.child = null;
      this.endpoint = null;
      this.emit('state', this.state);
    });
    this.endpoint = { host: '127.0.0.1', port, token };
    this.emit('state', this.state);
    return this.endpoint;
  }

  /** SIGTERM, which the server handles by closing cleanly; SIGKILL if it has not gone within 3 s. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.endpoint = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.log?.end();
    this.log = null;
    this.emit('state', this.state);
  }
}
