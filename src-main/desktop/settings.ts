/**
 * The app's settings, a JSON file in the user's data folder: recent servers, the local server's music folder, and
 * the fingerprints of the server certificates the user trusted (pinned per host:port, as SSH's known_hosts; no
 * secret, so not in the keychain).
 * A password is kept only encrypted by the system keychain (Electron's safeStorage, behind `SecretBox`). With no
 * keychain, or one whose key is no secret (Chromium's basic_text backend on Linux without a secret service), it
 * is not kept at all, and a password kept earlier is dropped when the settings are loaded.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { STREAM_QUALITIES, type KeychainStatus, type PinnedServer, type RecentServer, type ServerAddress, type StreamQuality } from '../../src-shared/ipc/contract.js';
import { formatAddress } from '../../src-shared/ipc/validate.js';
import { serverKey } from '../atp-client/known-servers.js';
import { isFingerprint, normalizeFingerprint } from '../atp-client/server-identity.js';

export type { KeychainStatus } from '../../src-shared/ipc/contract.js';

export interface SecretBox {
  status(): KeychainStatus;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

const NO_KEYCHAIN: KeychainStatus = { available: false, reason: 'no-keychain' };

interface StoredServer extends ServerAddress {
  user: string;
  sealedPassword?: string;
}

interface StoredPin extends ServerAddress {
  fingerprint: string;
}

interface SettingsFile {
  recent: StoredServer[];
  localLibrary: string | null;
  pinned: StoredPin[];
  streamQuality: StreamQuality;
}

const MAX_RECENT = 8;

export class Settings {
  private data: SettingsFile = { recent: [], localLibrary: null, pinned: [], streamQuality: 'auto' };

  constructor(
    private readonly file: string | null,
    private readonly secrets: SecretBox | null,
  ) {
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SettingsFile>;
      this.data = {
        recent: Array.isArray(parsed.recent) ? parsed.recent.filter(isStoredServer).slice(0, MAX_RECENT) : [],
        localLibrary: typeof parsed.localLibrary === 'string' ? parsed.localLibrary : null,
        pinned: Array.isArray(parsed.pinned) ? parsed.pinned.filter(isStoredPin) : [],
        streamQuality: STREAM_QUALITIES.find((q) => q === parsed.streamQuality) ?? 'auto',
      };
    } catch {
      // First start, or an unreadable file: begin afresh rather than refuse to start.
      return;
    }
    // Sealed under a backend now judged unsafe (or none): as good as clear text on disk, so it goes.
    if (!this.keychain().available && this.data.recent.some((r) => r.sealedPassword !== undefined)) {
      this.data.recent = this.data.recent.map(({ host, port, user }) => ({ host, port, user }));
      this.save();
    }
  }

  /** Whether a password given to `remember` will be kept. */
  keychain(): KeychainStatus {
    return this.secrets?.status() ?? NO_KEYCHAIN;
  }

  recent(): RecentServer[] {
    return this.data.recent.map(({ host, port, user, sealedPassword }) => ({ host, port, user, savedPassword: sealedPassword !== undefined }));
  }

  /** Puts the server first in the recent list; keeps the password only if the keychain can seal it. */
  remember(server: ServerAddress & { user: string }, password: string | null): void {
    const entry: StoredServer = { host: server.host, port: server.port, user: server.user };
    if (password !== null && this.secrets && this.keychain().available) entry.sealedPassword = this.secrets.encrypt(password);
    const others = this.data.recent.filter((r) => !(r.host === entry.host && r.port === entry.port && r.user === entry.user));
    this.data.recent = [entry, ...others].slice(0, MAX_RECENT);
    this.save();
  }

  savedPassword(server: ServerAddress & { user: string }): string | null {
    const found = this.data.recent.find((r) => r.host === server.host && r.port === server.port && r.user === server.user);
    if (!found?.sealedPassword || !this.secrets || !this.keychain().available) return null;
    try {
      return this.secrets.decrypt(found.sealedPassword);
    } catch {
      return null;
    }
  }

  pinned(): PinnedServer[] {
    return this.data.pinned.map(({ host, port, fingerprint }) => ({ host, port, address: formatAddress(host, port), fingerprint }));
  }

  /** The fingerprint the user trusted for host:port, if any. */
  pinnedFingerprint(host: string, port: number): string | undefined {
    const key = serverKey(host, port);
    return this.data.pinned.find((p) => serverKey(p.host, p.port) === key)?.fingerprint;
  }

  /** Trusts the certificate with this fingerprint for host:port from now on, in place of any other. */
  pin(host: string, port: number, fingerprint: string): void {
    const key = serverKey(host, port);
    const others = this.data.pinned.filter((p) => serverKey(p.host, p.port) !== key);
    this.data.pinned = [...others, { host, port, fingerprint: normalizeFingerprint(fingerprint) }];
    this.save();
  }

  /** Forgets what was trusted for host:port: the next connection asks again. */
  forgetPin(host: string, port: number): boolean {
    const key = serverKey(host, port);
    const kept = this.data.pinned.filter((p) => serverKey(p.host, p.port) !== key);
    if (kept.length === this.data.pinned.length) return false;
    this.data.pinned = kept;
    this.save();
    return true;
  }

  get localLibrary(): string | null {
    return this.data.localLibrary;
  }

  set localLibrary(folder: string | null) {
    this.data.localLibrary = folder;
    this.save();
  }

  /** How streams travel (Auto, Lossless, High, Data saver). */
  get streamQuality(): StreamQuality {
    return this.data.streamQuality;
  }

  set streamQuality(quality: StreamQuality) {
    this.data.streamQuality = quality;
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    // Write then rename, so a crash mid-write never leaves half a settings file.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function isStoredServer(x: unknown): x is StoredServer {
  const s = x as StoredServer;
  return typeof s === 'object' && s !== null && typeof s.host === 'string' && typeof s.port === 'number' && typeof s.user === 'string'
    && (s.sealedPassword === undefined || typeof s.sealedPassword === 'string');
}

function isStoredPin(x: unknown): x is StoredPin {
  const p = x as StoredPin;
  return typeof p === 'object' && p !== null && typeof p.host === 'string' && typeof p.port === 'number' && typeof p.fingerprint === 'string'
    && isFingerprint(p.fingerprint);
}
