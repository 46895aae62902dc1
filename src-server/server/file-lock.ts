/**
 * An exclusive lock between processes: a lock file created with O_EXCL beside the file it guards. The lock file
 * names its owner's pid; one whose owner is gone, or that is older than STALE_AFTER_MS (no writer holds it nearly
 * that long), is taken over, so a writer killed while holding it does not lock everyone out for good.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';

const STALE_AFTER_MS = 10_000;
const WAIT_LIMIT_MS = 30_000;

interface LockOwner {
  pid: number;
  nonce: string;
}

export class LockTimeoutError extends Error {}

/** Runs `work` while holding the lock `lockPath`, waiting for other holders first. */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const owner: LockOwner = { pid: process.pid, nonce: randomBytes(8).toString('hex') };
  await acquire(lockPath, owner);
  try {
    return await work();
  } finally {
    await release(lockPath, owner);
  }
}

async function acquire(lockPath: string, owner: LockOwner): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      await fh.writeFile(JSON.stringify(owner) + '\n');
      await fh.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await inspect(lockPath);
    if (held && held.stale) await takeOver(lockPath, held.text);
    else if (Date.now() > deadline) {
      throw new LockTimeoutError(`${lockPath} is held by process ${held?.pid ?? '?'}; remove it if no atp-server command is running`);
    } else await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
}

async function inspect(lockPath: string): Promise<{ text: string; pid: number | null; stale: boolean } | null> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
  } catch {
    return null; // released meanwhile: try again at once
  }
  const pid = ownerPid(text);
  // A lock file still empty is one being written this instant, unless it has been empty for long.
  const ownerGone = pid !== null && !isAlive(pid);
  return { text, pid, stale: ownerGone || Date.now() - mtimeMs > STALE_AFTER_MS };
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
