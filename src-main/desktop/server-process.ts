/**
 * How the bundled server is launched. Electron runs it with `utilityProcess.fork` (a Node child of Electron that
 * needs no RunAsNode); plain Node (the tests, the bench) runs the same script with `child_process.spawn`, adapted
 * here to the UtilityProcess shape (Electron docs: api/utility-process.md) so LocalServer has one code path.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';

/** The subset of Electron's UtilityProcess that LocalServer uses. */
export interface ServerProcess {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
  on(event: 'spawn', listener: () => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  once(event: 'spawn', listener: () => void): this;
  once(event: 'exit', listener: (code: number) => void): this;
}

/** `utilityProcess.fork`'s signature, as LocalServer calls it. */
export type ForkServer = (
  modulePath: string,
  args: string[],
  options: { env: Record<string, string>; stdio: 'pipe'; serviceName: string },
) => ServerProcess;

/**
 * The environment variables the server is given, by name, and why; nothing else of the app's environment (which
 * may hold other programs' secrets) reaches it. The token arrives as ATP_TOKEN besides these.
 * - PATH: the server runs `ffmpeg` and `ffprobe` for formats it does not decode itself, found on the PATH.
 * - HOME (USERPROFILE on Windows): ffmpeg reads its configuration from there, and Node's os.homedir() from it.
 * - LANG, LC_ALL, LC_CTYPE, LC_MESSAGES: file names are read and ffmpeg's messages are written in the user's
 *   locale, as when the server is run from a terminal.
 * - TZ: the times in the server's log are the user's local time.
 * - TMPDIR, TMP, TEMP: where os.tmpdir() points, which may be the only writable temporary folder in a sandbox.
 * - SYSTEMROOT, WINDIR: Windows' own folders; without them Node on Windows cannot open sockets or load DLLs.
 * XDG_* are not passed: the server's state folder and log are given on its command line, so it looks up none.
 */
export const SERVER_ENV_ALLOWLIST = [
  'PATH', 'HOME', 'USERPROFILE', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ', 'TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT', 'WINDIR',
] as const;

/** The allowlisted variables of `from` that are set, plus the token. */
export function serverEnvironment(token: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of SERVER_ENV_ALLOWLIST) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  env.ATP_TOKEN = token;
  return env;
}

/** The default launcher: `node <modulePath> ...args` as a child process, shaped like a UtilityProcess. */
export const forkWithNode: ForkServer = (modulePath, args, options) => {
  const child = spawn(process.execPath, [modulePath, ...args], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events = new EventEmitter();
  let spawned = false;
  child.once('spawn', () => {
    spawned = true;
    events.emit('spawn');
  });
  // UtilityProcess reports only a number: a signal becomes 128 + its number, as a shell reports it.
  child.once('exit', (code, signal) => events.emit('exit', code ?? 128 + (signal ? constants.signals[signal] : 0)));
  child.once('error', (err) => {
    // A child that never started (no such executable) still ends with an exit, as a UtilityProcess would.
    if (!spawned) {
      child.stderr?.emit('data', Buffer.from(`could not start ${process.execPath}: ${err.message}\n`));
      events.emit('exit', 127);
    }
  });
  const proc = {
    get pid() {
      return child.pid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    kill: () => child.kill('SIGTERM'),
    on(event: string, listener: (...a: unknown[]) => void) {
      events.on(event, listener);
      return proc;
    },
    once(event: string, listener: (...a: unknown[]) => void) {
      events.once(event, listener);
      return proc;
    },
  };
  return proc as ServerProcess;
};
