/**
 * Runs the built atp-server (dist/server/atp-server.mjs) as a real process on loopback for the desktop tests:
 * an account file with one user, the demo library, port 0 unless a port is asked for (a restart on the same
 * port is how the tests bring a "crashed" server back).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO = resolve(import.meta.dirname, '../../..');
export const SERVER_SCRIPT = join(REPO, 'dist/server/atp-server.mjs');
export const DEMO_LIBRARY = join(REPO, 'assets/demo-library');
export const TEST_USER = 'listener';
export const TEST_PASSWORD = 'correct horse battery';

export interface RunningServer {
  host: string;
  port: number;
  stateDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL: the way a crash looks to the client. */
  kill(): Promise<void>;
}

export function serverBuilt(): boolean {
  return existsSync(SERVER_SCRIPT);
}

export function makeStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atp-desktop-test-'));
  const r = spawnSync(process.execPath, [SERVER_SCRIPT, 'user', 'add', TEST_USER, '--password-stdin', '--state-dir', dir], {
    input: TEST_PASSWORD,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`could not add the test user: ${r.stderr}`);
  return dir;
}

export async function startServer(options: { stateDir?: string; port?: number; library?: string } = {}): Promise<RunningServer> {
  const stateDir = options.stateDir ?? makeStateDir();
  const child = spawn(process.execPath, [
    SERVER_SCRIPT, '--library', options.library ?? DEMO_LIBRARY, '--host', '127.0.0.1', '--port', String(options.port ?? 0),
    '--state-dir', stateDir, '--users', join(stateDir, 'users.json'), '--log-level', 'warn',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolvePort, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const m = JSON.parse(line) as { event?: string; port?: number };
        if (m.event === 'listening' && typeof m.port === 'number') resolvePort(m.port);
      } catch {
        // not the line we wait for
      }
    });
    child.once('exit', (code) => reject(new Error(`atp-server exited with ${code} before listening`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    host: '127.0.0.1',
    port,
    stateDir,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
