/**
 * Encryption and trust for the desktop's connections. Every connection to an address that is not loopback is
 * encrypted (CONTROL/ENCRYPT, TLS 1.3) before LOGIN, and the server's certificate is judged by the same decision
 * the command line uses (verifyServerIdentity): from a CA for this host, or the fingerprint pinned in the settings.
 * An unknown certificate or a changed one stops the login before any password is sent; the connection machine
 * then asks the user, or warns.
 */
import { isIP } from 'node:net';
import { AtpError } from '../../src-shared/protocol/errors.js';
import type { DesktopErrorCode, ServerIdentityInfo } from '../../src-shared/ipc/contract.js';
import { formatAddress } from '../../src-shared/ipc/validate.js';
import type { LoginReply, LoginRequest } from '../../src-shared/protocol/messages.js';
import { AtpClient } from '../atp-client/client.js';
import { verifyServerIdentity } from '../atp-client/server-identity.js';
import { DesktopError } from './desktop-error.js';

/** Bytes to these never leave the machine: the only addresses a password may be sent to in clear. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** A login stopped before LOGIN because of the server's certificate; `server` is what the user is shown. */
export class ServerTrustError extends DesktopError {
  constructor(
    code: Extract<DesktopErrorCode, 'untrusted-server' | 'server-identity-changed'>,
    message: string,
    readonly server: ServerIdentityInfo,
  ) {
    super(code, message);
    this.name = 'ServerTrustError';
  }
}

/**
 * ENCRYPT, then the trust decision. Resolves when the server may be sent a password; throws a ServerTrustError
 * (unknown or changed certificate) or a DesktopError (`encryption-unavailable`) otherwise. The caller closes the
 * connection on a throw, so nothing but ENCRYPT was sent.
 */
export async function encryptAndVerify(client: AtpClient, host: string, port: number, pinned: string | undefined): Promise<void> {
  const address = formatAddress(host, port);
  const identity = await client.encrypt().catch((err: unknown) => {
    if (err instanceof AtpError && err.code === 'unsupported') {
      throw new DesktopError('encryption-unavailable', `the server at ${address} offers no encryption, so no password was sent to it`);
    }
    throw err;
  });
  const decision = verifyServerIdentity({ identity, pinned });
  if (decision.trusted) return;
  if (decision.reason === 'unknown') {
    throw new ServerTrustError('untrusted-server', `the server at ${address} is not known: ${decision.why}`, {
      host, port, address, fingerprint: decision.fingerprint,
    });
  }
  throw new ServerTrustError(
    'server-identity-changed',
    `the certificate of the server at ${address} is not the one trusted before: someone may be intercepting this connection`,
    { host, port, address, fingerprint: decision.fingerprint, pinned: decision.expected },
  );
}

export interface LoginPlan {
  host: string;
  port: number;
  timeoutMs: number;
  request: LoginRequest;
  /**
   * `always`: ENCRYPT and trust before LOGIN. `if-required`: in clear (loopback), but encrypted after all when the
   * server answers encryption-required. `never`: the bundled server, whose token never leaves the machine.
   */
  encrypt: 'always' | 'if-required' | 'never';
  /** The fingerprint pinned for host:port, read when the certificate is judged. */
  pinned(): string | undefined;
}

/** Connects, encrypts as planned, logs in; a connection that fails on the way is closed before the error goes up. */
export async function connectAndLogIn(plan: LoginPlan): Promise<{ client: AtpClient; reply: LoginReply }> {
  const open = async (encrypt: boolean) => {
    const client = await AtpClient.connect({ host: plan.host, port: plan.port, timeoutMs: plan.timeoutMs });
    try {
      if (encrypt) await encryptAndVerify(client, plan.host, plan.port, plan.pinned());
      return { client, reply: await client.login(plan.request) };
    } catch (err) {
      client.close();
      throw err;
    }
  };
  if (plan.encrypt !== 'if-required') return open(plan.encrypt === 'always');
  return open(false).catch((err: unknown) => {
    if (err instanceof AtpError && err.code === 'encryption-required') return open(true);
    throw err;
  });
}
