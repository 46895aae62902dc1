/**
 * Passwords and the keychain in the built shell, under the Electron stand-in's safeStorage: with Linux's basic_text
 * backend (a hard-coded key) encryption is "available", yet no password may be kept; with a real secret service
 * it is kept sealed, never in clear.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from '../unit/desktop/atp-server-process.js';
import { launchShell, ok, type LaunchedShell } from './shell-harness.js';

describe('the shell: passwords kept only in a real keychain', { skip: process.platform !== 'linux' && 'safeStorage backends are a Linux question' }, () => {
  let server: RunningServer;
  const shells: LaunchedShell[] = [];

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    for (const shell of shells) await shell.quit();
    await server?.stop();
  });

  async function connectAndRemember(backend: 'basic_text' | 'gnome_libsecret'): Promise<{ shell: LaunchedShell; settings: string }> {
    const shell = await launchShell({ backend });
    shells.push(shell);
    await ok(shell.api.connect({ host: '127.0.0.1', port: server.port, user: TEST_USER, password: TEST_PASSWORD, remember: true }));
    await ok(shell.api.disconnect(null));
    const settings = readFileSync(join(shell.electron.app.getPath('userData'), 'settings.json'), 'utf8');
    return { shell, settings };
  }

  it('with the basic_text backend: says why, and keeps no password, sealed or not', async () => {
    const { shell, settings } = await connectAndRemember('basic_text');
    assert.equal(shell.electron.safeStorage.isEncryptionAvailable(), true, 'the trap: Electron calls this available');
    const snapshot = await ok(shell.api.snapshot(null));
    assert.deepEqual(snapshot.keychain, { available: false, reason: 'plain-text-backend' });
    assert.equal(snapshot.recent[0]?.savedPassword, false);
    assert.doesNotMatch(settings, /sealedPassword/);
    assert.ok(!settings.includes(TEST_PASSWORD));
  });

  it('with a secret service: keeps the password sealed, and logs in with it again', async () => {
    const { shell, settings } = await connectAndRemember('gnome_libsecret');
    const snapshot = await ok(shell.api.snapshot(null));
    assert.deepEqual(snapshot.keychain, { available: true });
    assert.match(settings, /sealedPassword/);
    assert.ok(!settings.includes(TEST_PASSWORD));
    const again = await ok(shell.api.connectRecent(snapshot.recent[0]!));
    assert.equal(again.user, TEST_USER);
  });
});
