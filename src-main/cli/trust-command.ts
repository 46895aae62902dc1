/**
 * How `atp` encrypts and decides whether to trust a server, as SSH does: a certificate from a certificate authority
 * the system trusts that names the host is trusted; otherwise the fingerprint must be the one given with
 * --fingerprint (which is then remembered) or the one remembered in the known-servers file.
 */
import { homedir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { AtpError } from '../../src-shared/protocol/index.js';
import type { AtpClient } from '../atp-client/client.js';
import { pinServer, readKnownServers, serverKey } from '../atp-client/known-servers.js';
import { verifyServerIdentity } from '../atp-client/server-identity.js';
import { CliError } from './failures.js';

export function knownServersPath(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'atp', 'known_servers');
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

export interface TrustOptions {
  host: string;
  port: number;
  /** host:port as printed. */
  address: string;
  /** --fingerprint: the only certificate to accept. */
  fingerprint?: string;
}

/** ENCRYPT, then the trust decision; throws a CliError for a person, with nothing sent but ENCRYPT. */
export async function encryptAndVerify(client: AtpClient, o: TrustOptions): Promise<void> {
  const identity = await client.encrypt().catch((err: Error) => {
    if (err instanceof AtpError && err.code === 'unsupported') {
      throw new CliError(`the server at ${o.address} does not offer encryption: connect with --plaintext if its network is private (a password then crosses it in clear)`);
    }
    throw new CliError(`cannot encrypt the connection to ${o.address}: ${err.message}`);
  });
  const file = knownServersPath();
  const key = serverKey(o.host, o.port);
  const pinned = (await readKnownServers(file)).get(key);
  const decision = verifyServerIdentity({ identity, expected: o.fingerprint, pinned });
  if (decision.trusted) {
    if (decision.by === 'fingerprint' && pinned !== identity.fingerprint && !(identity.chainTrusted && identity.hostMatches)) {
      await pinServer(file, key, identity.fingerprint);
      process.stderr.write(`atp: trusted ${key} (${identity.fingerprint}); remembered in ${file}\n`);
    }
    return;
  }
  const connectOnce = `atp --host ${o.host} --port ${o.port} --fingerprint ${decision.fingerprint} …`;
  if (decision.reason === 'unknown') {
    throw new CliError(
      `the server at ${o.address} is not known, and ${decision.why}.\n` +
        `  Its certificate's fingerprint is ${decision.fingerprint}\n` +
        `  Compare it with what "atp-server fingerprint" prints on the server. If they are the same, trust it by\n` +
        `  connecting once with\n    ${connectOnce}\n  which remembers it in ${file}. Nothing was sent to the server.`,
    );
  }
  const said = decision.source === 'pin' ? `remembered in ${file}` : 'given with --fingerprint';
  throw new CliError(
    `WARNING: the certificate of the server at ${o.address} is not the one ${said}.\n` +
      `  Someone may be intercepting this connection. Nothing was sent to the server.\n` +
      `  expected: ${decision.expected}\n  the server shows: ${decision.fingerprint}\n` +
      `  If the server's certificate was really changed, check the new fingerprint on the server ("atp-server fingerprint")\n` +
      `  and only then trust it by connecting once with\n    ${connectOnce}`,
  );
}
