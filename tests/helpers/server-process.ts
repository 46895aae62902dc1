import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const SERVER_BIN = resolve('dist/server/atp-server.mjs');
export const CLI_BIN = resolve('dist/cli/atp.mjs');
export const DEMO_LIBRARY = resolve('assets/demo-library');

export interface RunningServer {
  port: number;
  proc: ChildProcess;
  stateDir: string;
  /** JSON log lines seen on stderr so far. */
  logs: Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  library?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Accounts to create before start: name → password. */
  users?: Record<string, string>;
  stateDir?: string;
  /** Keep stateDir after stop (for restarts). */
  keepState?: boolean;
}

export function addUser(stateDir: string, name: string, password: string): void {
  const r = spawnSync(process.execPath, [SERVER_BIN, 'user', 'add', name, '--password-stdin', '--state-dir', stateDir], { input: password + '\n' });
  if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
}

/** Starts the built atp-server on an ephemeral loopback port and waits for its "listening" line. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'atp-state-'));
  for (const [name, password] of Object.entries(options.users ?? {})) addUser(stateDir, name, password);
  const auth = options.users || options.args?.some((a) => a === '--token-env') ? [] : ['--no-auth'];
  // ATP_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under a test or bench.
  const nodeArgs = (process.env.ATP_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(
    process.execPath,
    [...nodeArgs, SERVER_BIN, '--library', options.library ?? DEMO_LIBRARY, '--port', '0', '--state-dir', stateDir, '--log-level', 'debug', ...auth, ...(options.args ?? [])],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ text: line });
    }
  });
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start: ${JSON.stringify(logs)}`)), 15000);
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      res((JSON.parse(line) as { port: number }).port);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code}: ${JSON.stringify(logs)}`));
    });
  });
  return {
    port,
    proc,
    stateDir,
    logs,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      if (!options.keepState && !options.stateDir) rmSync(stateDir, { recursive: true, force: true });
      return code;
    },
  };
}
