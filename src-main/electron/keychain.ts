/**
 * Whether passwords can be kept, judged from Electron's safeStorage. On Linux `isEncryptionAvailable()` is also
 * true for the `basic_text` backend, which encrypts with a key hard-coded in Chromium: a password sealed that way
 * is as good as in clear, so it counts as no keychain at all.
 */
import type { safeStorage as SafeStorage } from 'electron';
import type { KeychainStatus, SecretBox } from '../desktop/settings.js';

type Storage = Pick<typeof SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>;

export function keychainStatus(platform: NodeJS.Platform, storage: Storage): KeychainStatus {
  if (!storage.isEncryptionAvailable()) return { available: false, reason: 'no-keychain' };
  if (platform !== 'linux') return { available: true };
  const backend = storage.getSelectedStorageBackend();
  if (backend === 'basic_text') return { available: false, reason: 'plain-text-backend' };
  // 'unknown' means asked before the app was ready: no backend has been chosen yet.
  if (backend === 'unknown') return { available: false, reason: 'no-keychain' };
  return { available: true };
}

export function keychainBox(storage: Storage, platform: NodeJS.Platform = process.platform): SecretBox {
  return {
    status: () => keychainStatus(platform, storage),
    encrypt: (plain) => storage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => storage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
