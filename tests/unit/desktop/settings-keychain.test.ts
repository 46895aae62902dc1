/** Passwords are kept only under a keychain that is one: never with none, never under a plain-text backend. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KeychainStatus } from '../../../src-shared/ipc/contract.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { Settings, type SecretBox } from '../../../src-main/desktop/settings.js';

/** A box whose sealing is visible in the file (reversed base64), with the status given. */
function box(status: KeychainStatus): SecretBox & { sealed: number } {
  const b = {
    sealed: 0,
    status: () => status,
    encrypt: (p: string) => (b.sealed++, Buffer.from(p).toString('base64').split('').reverse().join('')),
    decrypt: (s: string) => Buffer.from(s.split('').reverse().join(''), 'base64').toString(),
  };
  return b;
}

const SERVER = { host: 'music.example', port: 2333, user: 'ana' };

describe('Settings and the keychain', () => {
  it('keeps and returns a password under a real keychain', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atp-settings-')), 's.json');
    const safe = box({ available: true });
    new Settings(file, safe).remember(SERVER, 'hunter2');
    assert.ok(!readFileSync(file, 'utf8').includes('hunter2'), 'sealed on disk');
    const again = new Settings(file, safe);
    assert.equal(again.recent()[0]?.savedPassword, true);
    assert.equal(again.savedPassword(SERVER), 'hunter2');
  });

  for (const reason of ['plain-text-backend', 'no-keychain'] as const) {
    it(`keeps no password when the keychain is unavailable (${reason}), but still remembers the server`, () => {
      const file = join(mkdtempSync(join(tmpdir(), 'atp-settings-')), 's.json');
      const unsafe = box({ available: false, reason });
      const settings = new Settings(file, unsafe);
      settings.remember(SERVER, 'hunter2');
      assert.equal(unsafe.sealed, 0, 'nothing was handed to the box');
      assert.deepEqual(new Settings(file, unsafe).recent(), [{ ...SERVER, savedPassword: false }]);
      assert.equal(settings.savedPassword(SERVER), null);
      assert.deepEqual(settings.keychain(), { available: false, reason });
    });
  }

  it('drops, on load, a password sealed earlier under a backend now judged unsafe', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atp-settings-')), 's.json');
    new Settings(file, box({ available: true })).remember(SERVER, 'hunter2');
    assert.match(readFileSync(file, 'utf8'), /sealedPassword/);
    const loaded = new Settings(file, box({ available: false, reason: 'plain-text-backend' }));
    assert.deepEqual(loaded.recent(), [{ ...SERVER, savedPassword: false }]);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /sealedPassword/, 'gone from the file too');
  });

  it('ignores a stored entry whose sealed password is not text', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atp-settings-')), 's.json');
    writeFileSync(file, JSON.stringify({ recent: [{ ...SERVER, sealedPassword: 42 }], localLibrary: null }));
    assert.deepEqual(new Settings(file, box({ available: true })).recent(), []);
  });

  it('tells the renderer in the snapshot whether passwords can be kept, and why not', async () => {
    const status: KeychainStatus = { available: false, reason: 'plain-text-backend' };
    const c = new DesktopController({ settings: new Settings(null, box(status)) });
    assert.deepEqual((await c.handlers.snapshot(null)).keychain, status);
    const none = new DesktopController({ settings: new Settings(null, null) });
    assert.deepEqual((await none.handlers.snapshot(null)).keychain, { available: false, reason: 'no-keychain' });
    await c.dispose();
    await none.dispose();
  });
});
