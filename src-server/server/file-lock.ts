/**
 * An exclusive lock between processes: a lock file created with O_EXCL beside the file it guards. The lock file
 * names its owner's pid and the machine's boot; one whose owner is gone (or was a process of an earlier boot, whose
 * pid may have been reused since) is taken over, so a process killed while holding it does not lock everyone out
 * for good. A caller may also take over locks older than `staleAfterMs` whatever their owner.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';

export interface FileLockOptions {
  /** A lock older than this is taken over even when its owner lives; null: only locks of dead owners. */
  staleAfterMs: number | null;
  /** How long to wait for a live holder before giving up with LockTimeoutError. */
  waitLimitMs: number;
}

const DEFAULTS: FileLockOptions = { staleAfterMs: 10_000, waitLimitMs: 30_000 };

interface LockOwner {
  pid: number;
  nonce: string;
  boot?: string;
}

export class LockTimeoutError extends Error {
  constructor(
    message: string,
    readonly holderPid: number | null,
  ) {
    super(message);
  }
}

/** Linux's id of this boot: a pid recorded under another boot names no process alive now. */
const BOOT_ID = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
})();

/** Runs `work` while holding the lock `lockPath`, waiting for other holders first. */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: Partial<FileLockOptions> = {}): Promise<T> {
  const owner: LockOwner = { pid: process.pid, nonce: randomBytes(8).toString('hex'), boot: BOOT_ID };
  await acquire(lockPath, owner, { ...DEFAULTS, ...options });
  try {
    return await work();
  } finally {
    await release(lockPath, owner);
  }
}

async function acquire(lockPath: string, owner: LockOwner, options: FileLockOptions): Promise<void> {
  const deadline = Date.now() + options.waitLimitMs;
  for (;;) {
    // The lock appears with its owner already written (a hard link of a finished file): a process killed while
    // taking it never leaves an empty lock that nobody could tell the owner of.
    const draft = `${lockPath}.${process.pid}-${owner.nonce}`;
    await writeFile(draft, JSON.stringify(owner) + '\n', { mode: 0o600 });
    try {
      await link(draft, lockPath);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(draft).catch(() => {});
    }
    const held = await inspect(lockPath, options.staleAfterMs);
    if (held && held.stale) await takeOver(lockPath, held.text);
    else if (Date.now() > deadline) {
      throw new LockTimeoutError(`${lockPath} is held by process ${held?.pid ?? '?'}; remove it if no atp-server command is running`, held?.pid ?? null);
    } else await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
}

async function inspect(lockPath: string, staleAfterMs: number | null): Promise<{ text: string; pid: number | null; stale: boolean } | null> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
  } catch {
    return null; // released meanwhile: try again at once
  }
  const pid = ownerPid(text);
  // A lock file still empty is one being written this instant, unless it has been empty for long.
  const ownerGone = pid !== null && (!isAlive(pid) || !sameBoot(text));
  const tooOld = Date.now() - mtimeMs > (staleAfterMs ?? 10_000);
  // Without an age limit, an empty or unreadable lock file is still given up after 10 s: no owner ever wrote it.
  return { text, pid, stale: ownerGone || (tooOld && (staleAfterMs !== null || pid === null)) };
}

/**
 * Moves the stale lock aside and deletes it. The rename is atomic, so of several processes taking over the same
 * lock one moves it; if what was moved is no longer the stale lock (its owner released it and another process
 * took it in between), it is put back.
 */
async function takeOver(lockPath: string, staleText: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  if (moved !== staleText) await link(aside, lockPath).catch(() => {});
  await unlink(aside).catch(() => {});
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  if (ownerPid(text) === owner.pid && text.includes(owner.nonce)) await unlink(lockPath).catch(() => {});
}

function ownerPid(text: string): number | null {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    return Number.isInteger(o.pid) ? o.pid! : null;
  } catch {
    return null;
  }
}

function sameBoot(text: string): boolean {
  try {
    const boot = (JSON.parse(text) as Partial<LockOwner>).boot;
    return boot === undefined || BOOT_ID === undefined || boot === BOOT_ID;
  } catch {
    return true;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
