import { createHash, timingSafeEqual } from 'node:crypto';
import { AtpError, type LoginRequest } from '../../src-shared/protocol/index.js';
import type { AccountDirectory } from '../storage/accounts.js';
import { verifyPassword } from '../storage/password-hash.js';

export interface AuthConfig {
  /** Accounts with passwords (the database, or in a cluster worker the primary that owns it); null: none. */
  users: AccountDirectory | null;
  /** How many accounts there were at start, for the log. */
  accountCount?: number;
  /** Shared secret of token mode (the desktop app's local server). */
  token: string | null;
  /** Anyone may log in by name alone. Only offered on a loopback address, and only when asked for. */
  open: boolean;
}

/** Who a token login is when it names nobody: the owner of the desktop app's own server. */
export const TOKEN_USER = 'local';

/** Slows every failed login down, so guessing passwords over the network is slow; other sessions do not wait. */
const FAILURE_DELAY_MS = 300;

const digest = (s: string) => createHash('sha256').update(s).digest();

export class Authenticator {
  constructor(private readonly config: AuthConfig) {}

  describe(): string {
    const modes = [];
    if (this.config.users) modes.push(`accounts (${this.config.accountCount ?? '?'})`);
    if (this.config.token) modes.push('token');
    if (this.config.open) modes.push('open (loopback, no password)');
    return modes.join(', ') || 'none';
  }

  /** Resolves to the user name, or rejects with bad-credentials. */
  async authenticate(req: LoginRequest): Promise<string> {
    const { users, token, open } = this.config;
    if (req.token !== undefined && token !== null && timingSafeEqual(digest(req.token), digest(token))) {
      return req.user ?? TOKEN_USER;
    }
    if (req.user !== undefined && req.password !== undefined && users) {
      // Read at every login: an account added or removed while the server runs counts at once.
      if (await verifyPassword(req.password, await users.credentials(req.user))) return req.user;
    }
    if (open && req.token === undefined && req.password === undefined) return req.user ?? 'guest';
    await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
    throw new AtpError('bad-credentials', 'wrong user name, password or token');
  }
}
