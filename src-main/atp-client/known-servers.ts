/**
 * The servers a user has trusted by fingerprint, one a line as `HOST:PORT SHA256:…` (an IPv6 address in brackets,
 * host names in lower case); `#` starts a comment. The command line keeps it in ~/.config/atp/known_servers.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isFingerprint, normalizeFingerprint } from './server-identity.js';

/** The key a server is pinned under. */
export function serverKey(host: string, port: number): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return `${h.includes(':') ? `[${h}]` : h}:${port}`;
}

export async function readKnownServers(path: string): Promise<Map<string, string>> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const pins = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [key, fingerprint] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (key && fingerprint && isFingerprint(fingerprint)) pins.set(key.toLowerCase(), normalizeFingerprint(fingerprint));
  }
  return pins;
}

/** Pins `fingerprint` for `key`, replacing what was pinned for it and keeping every other line as it was. */
export async function pinServer(path: string, key: string, fingerprint: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const kept = text.split('\n').filter((line) => line !== '' && line.replace(/#.*/, '').trim().split(/\s+/)[0]?.toLowerCase() !== key);
  kept.push(`${key} ${normalizeFingerprint(fingerprint)}`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.${process.pid}.partial`;
  const file = await open(partial, 'w', 0o600);
  try {
    await file.writeFile(kept.join('\n') + '\n');
  } finally {
    await file.close();
  }
  await rename(partial, path);
}
