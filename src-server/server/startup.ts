/**
 * The checks a server makes before it serves, each failing with one sentence a person can act on rather than
 * Node's own text (`ENOENT ... realpath`, `RangeError [ERR_SOCKET_BAD_PORT]`, `EADDRINUSE`).
 */
import { realpath, stat } from 'node:fs/promises';

/** A reason the server cannot start: `message` is the whole of what a person needs to read. */
export class StartupError extends Error {
  constructor(
    message: string,
    /** 2 for a command line that cannot be right, 1 for a machine whose state stops the server. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 65535) throw new StartupError(`--port must be a whole number from 0 to 65535, not "${value}"`, 2);
  return n;
}

/** The music folder's real path, once it is known to be a folder the server can read. */
export async function checkMusicFolder(path: string): Promise<string> {
  try {
    const real = await realpath(path);
    if (!(await stat(real)).isDirectory()) throw new StartupError(`the music folder ${path} is not a folder`);
    return real;
  } catch (err) {
    if (err instanceof StartupError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StartupError(`the music folder ${path} does not exist`);
    if (code === 'ENOTDIR') throw new StartupError(`the music folder ${path} does not exist: a part of its path is a file`);
    if (code === 'EACCES' || code === 'EPERM') throw new StartupError(`the music folder ${path} cannot be read: permission denied`);
    throw new StartupError(`the music folder ${path} cannot be opened: ${(err as Error).message}`);
  }
}

/** Why listening on host:port failed, in words. */
export function listenFailure(err: NodeJS.ErrnoException, host: string, port: number): StartupError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartupError(`port ${port} on ${host} is already in use: is another atp-server running? choose another with --port`);
    case 'EACCES':
      return new StartupError(`port ${port} on ${host} needs privileges this user does not have: choose a port above 1023 with --port`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`${host} is not an address of this machine: choose another with --host`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`the host name ${host} could not be resolved: choose another with --host`);
    default:
      return new StartupError(`cannot listen on ${host} port ${port}: ${err.message}`);
  }
}
