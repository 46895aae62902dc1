// Starts an atp-server from wherever a package put it (the desktop app's resources, an npm prefix) and checks what
// it serves through the real protocol, with the built `atp` command line.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { CLI_BIN } from '../helpers/server-process.js';
import { wavData } from '../helpers/wav-file.js';

const run = promisify(execFile);

export interface ServerCommand {
  port: number;
  proc: ChildProcess;
  stderr: string[];
  stop(): Promise<number | null>;
}

/**
 * Runs `command ...args --port 0` away from the clone (cwd: the temp folder, so nothing resolves from this
 * project's node_modules) and waits for the `{"event":"listening"}` line on stdout.
 */
export async function startServerCommand(command: string, args: string[]): Promise<ServerCommand> {
  const proc = spawn(command, [...args, '--port', '0'], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${command} did not start:\n${stderr.join('\n')}`)), 15_000);
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      res((JSON.parse(line) as { port: number }).port);
    });
    proc.once('error', (err) => {
      clearTimeout(timer);
      rej(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`${command} exited with ${code}:\n${stderr.join('\n')}`));
    });
  });
  return {
    port,
    proc,
    stderr,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

function cli(): string {
  if (!existsSync(CLI_BIN)) throw new Error(`run \`npm run build\` first: ${CLI_BIN} is missing`);
  return CLI_BIN;
}

/** `atp list` against the server on `port`; `env` may carry ATP_USER and ATP_PASSWORD. */
export async function listTracks(port: number, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [cli(), '--port', String(port), 'list'], { env: { ...process.env, ...env } });
  return stdout;
}

/** Fetches the track named `words` with `atp fetch` and returns the PCM of the WAV it wrote. */
export async function fetchPcm(port: number, words: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'atp-fetch-'));
  try {
    await run(process.execPath, [cli(), '--port', String(port), 'fetch', words, '--out', join(dir, 'track.wav')]);
    return wavData(join(dir, 'track.wav')).data;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
