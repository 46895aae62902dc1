/** scrypt password hashes: the parameters are stored with each hash, so they can be raised later. */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** About 16 MiB and tens of milliseconds per check. */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1, keylen: 32 };

export interface PasswordHash {
  salt: string;
  hash: string;
  N: number;
  r: number;
  p: number;
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keylen, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export function checkPassword(password: string): void {
  if (password.length < 8) throw new Error('a password needs at least 8 characters');
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  checkPassword(password);
  const salt = randomBytes(16);
  const { N, r, p, keylen } = SCRYPT_PARAMS;
  const hash = await scrypt(password, salt, keylen, { N, r, p });
  return { salt: salt.toString('base64'), hash: hash.toString('base64'), N, r, p };
}

/** True when the password matches `stored`. With no stored hash it does the same work, so timing reveals nothing. */
export async function verifyPassword(password: string, stored: PasswordHash | null): Promise<boolean> {
  const salt = stored ? Buffer.from(stored.salt, 'base64') : Buffer.alloc(16);
  const expected = stored ? Buffer.from(stored.hash, 'base64') : Buffer.alloc(SCRYPT_PARAMS.keylen);
  const params = stored ? { N: stored.N, r: stored.r, p: stored.p } : SCRYPT_PARAMS;
  const actual = await scrypt(password, salt, expected.length, { N: params.N, r: params.r, p: params.p });
  return stored !== null && timingSafeEqual(actual, expected);
}
