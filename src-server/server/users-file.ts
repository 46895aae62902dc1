import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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

/** The server's accounts: names and scrypt hashes in a JSON file only the server's user may read. */
export class UsersFile {
  private constructor(
    readonly path: string,
    private doc: UsersDocument,
  ) {}

  static async load(path: string): Promise<UsersFile> {
    let doc: UsersDocument = { version: 1, users: {} };
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as UsersDocument;
      if (parsed.version !== 1 || typeof parsed.users !== 'object' || parsed.users === null) {
        throw new Error(`${path} is not an atp-server users file`);
      }
      doc = parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new UsersFile(path, doc);
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

  async set(name: string, password: string): Promise<void> {
    if (!NAME_PATTERN.test(name)) throw new Error('a user name is 1 to 64 letters, digits, or . _ @ -');
    if (password.length < 8) throw new Error('a password needs at least 8 characters');
    const salt = randomBytes(16);
    const hash = await scrypt(password, salt, PARAMS.keylen, PARAMS);
    this.doc.users[name] = {
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      N: PARAMS.N,
      r: PARAMS.r,
      p: PARAMS.p,
      created: new Date().toISOString(),
    };
    await this.save();
  }

  async remove(name: string): Promise<boolean> {
    if (!this.has(name)) return false;
    delete this.doc.users[name];
    await this.save();
    return true;
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

  private async save(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.doc, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
