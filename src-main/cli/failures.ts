import { AtpError } from '../../src-shared/protocol/index.js';

/** The exit codes of `atp`, as the README lists them. */
export const EXIT = {
  ok: 0,
  /** The command failed; nothing was written. */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** fetch wrote the file, but the server's stream ended before the track's announced length. */
  endedEarly: 3,
} as const;

/** A failure explained for a person; its message is printed as it is, after "atp: ". */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

const WHERE = 'another address: --host ADDR --port N, or ATP_HOST and ATP_PORT';

/** Why no connection could be made to `address` (host:port), and how to look elsewhere. */
export function connectFailure(err: Error, host: string, address: string): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return new CliError(`no ATP server is listening at ${address} (connection refused): is atp-server running there?\n  ${WHERE}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CliError(`the host "${host}" is unknown (${code}): is the name right?\n  ${WHERE}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new CliError(`${address} cannot be reached (${code}): is the machine on and the network up?\n  ${WHERE}`);
    default:
      return new CliError(`cannot connect to an ATP server at ${address}: ${err.message}\n  ${WHERE}`);
  }
}

/**
 * A refused LOGIN. The server answers bad-credentials alike for wrong and for missing credentials; the client knows
 * which, since it knows whether it sent a password or a token.
 */
export function loginFailure(err: Error, sent: { user?: string; password?: string; token?: string }, address: string): Error {
  if (err instanceof AtpError && err.code === 'encryption-required') {
    return new CliError(`the server at ${address} takes no password or token in clear text over the network: connect without --plaintext`);
  }
  if (!(err instanceof AtpError) || err.code !== 'bad-credentials') return err;
  if (sent.password !== undefined || sent.token !== undefined) return new CliError('wrong user name, password or token (bad-credentials)');
  if (sent.user !== undefined) {
    return new CliError(`the server at ${address} needs the password of ${sent.user}: put it in ATP_PASSWORD (or a token in ATP_TOKEN)`);
  }
  return new CliError(
    `the server at ${address} needs a login: give a user name (--user NAME or ATP_USER) with its password in ATP_PASSWORD, or a token in ATP_TOKEN`,
  );
}

/** The line printed for a failure, after "atp: ". */
export function describeFailure(err: Error): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof AtpError) return `${err.message} (${err.code})`;
  return err.message;
}
