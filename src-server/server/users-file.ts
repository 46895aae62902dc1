import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { withFileLock } from './file-lock.js';

/** scrypt parameters: about 16 MiB and tens of milliseconds per check, stored per user so they can be raised later. */
const PARAMS = { N: 16384, r: 8, p: 1, keylen: 32 };

interface UserEntry {
  salt: string;
  hash: string;
  N: number;
  r: number;
  p: number;
  created: string;
}

interface UsersDocument {
  version: 1;
  users: Record<string, UserEntry>;
}

const NAME_PATTERN = /^[\p{L}\p{N}._@-]{1,64}$/u;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keylen, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * The server's accounts: names and scrypt hashes in a JSON file only the server's user may read. Changes are made
 * under a lock file beside it, on a copy read again under the lock, so that writers running at once (several
 * `atp-server user add`) each keep the others' changes.
 */
export class UsersFile {
  private constructor(
    readonly path: string,
    private doc: UsersDocument,
  ) {}

  static async load(path: string): Promise<UsersFile> {
    return new UsersFile(path, await readDocument(path));
  }

  names(): string[] {
    return Object.keys(this.doc.users).sort();
  }

  get size(): number {
    return this.names().length;
  }

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.doc.users, name);
  }

  /** Adds the account or changes its password; true when it existed. */
  async set(name: string, password: string): Promise<boolean> {
    if (!NAME_PATTERN.test(name)) throw new Error('a user name is 1 to 64 letters, digits, or . _ @ -');
    if (password.length < 8) throw new Error('a password needs at least 8 characters');
    const salt = randomBytes(16);
    const hash = await scrypt(password, salt, PARAMS.keylen, PARAMS);
    const entry: UserEntry = {
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      N: PARAMS.N,
      r: PARAMS.r,
      p: PARAMS.p,
      created: new Date().toISOString(),
    };
    return this.change((users) => {
      const existed = Object.prototype.hasOwnProperty.call(users, name);
      users[name] = entry;
      return { write: true, result: existed };
    });
  }

  /** Removes the account; false when there was none. */
  async remove(name: string): Promise<boolean> {
    return this.change((users) => {
      if (!Object.prototype.hasOwnProperty.call(users, name)) return { write: false, result: false };
      delete users[name];
      return { write: true, result: true };
    });
  }

  /** True when the password matches. Unknown names cost the same work, so timing does not reveal them. */
  async verify(name: string, password: string): Promise<boolean> {
    const entry = this.has(name) ? this.doc.users[name]! : null;
    const salt = entry ? Buffer.from(entry.salt, 'base64') : Buffer.alloc(16);
    const expected = entry ? Buffer.from(entry.hash, 'base64') : Buffer.alloc(PARAMS.keylen);
    const params = entry ? { N: entry.N, r: entry.r, p: entry.p } : PARAMS;
    const actual = await scrypt(password, salt, expected.length, params);
    return entry !== null && timingSafeEqual(actual, expected);
  }

  /** Applies `edit` to the file as it is now on disk, under the lock, and writes it if `edit` changed something. */
  private async change<T>(edit: (users: Record<string, UserEntry>) => { write: boolean; result: T }): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    return withFileLock(`${this.path}.lock`, async () => {
      const doc = await readDocument(this.path);
      const { write, result } = edit(doc.users);
      if (write) await writeDocument(this.path, doc);
      this.doc = doc;
      return result;
    });
  }
}

async function readDocument(path: string): Promise<UsersDocument> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as UsersDocument;
    if (parsed.version !== 1 || typeof parsed.users !== 'object' || parsed.users === null) {
      throw new Error(`${path} is not an atp-server users file`);
    }
    return parsed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { version: 1, users: {} };
  }
}

/** Written whole to a temporary file and renamed over the old one, so a reader sees the old file or the new one. */
async function writeDocument(path: string, doc: UsersDocument): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}
