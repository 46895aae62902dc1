/** The connect screen says when passwords cannot be kept and how to fix it; covers only of shown image types. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { DesktopSnapshot, KeychainStatus } from '../../../src-shared/ipc/contract.js';
import { AppContext, type AppServices } from '../../../src-renderer/components/app-context.js';
import { ConnectScreen } from '../../../src-renderer/components/ConnectScreen.js';
import { coverUrl } from '../../../src-renderer/components/CoverArt.js';
import type { DesktopClient } from '../../../src-renderer/desktop-client.js';
import { keychainNotice, setLanguage } from '../../../src-renderer/i18n.js';
import { createConnectionStore } from '../../../src-renderer/stores/connection-store.js';

async function connectScreenWith(keychain: KeychainStatus): Promise<string> {
  const snapshot: DesktopSnapshot = {
    connection: { status: 'disconnected' },
    recent: [{ host: 'h', port: 1, user: 'u', savedPassword: false }],
    localServer: { available: false, phase: 'idle', running: false, stoppedByUser: false, library: null, address: null },
    keychain,
    pinned: [],
  };
  const api = { snapshot: async () => snapshot } as unknown as DesktopClient;
  const connection = createConnectionStore(api);
  await connection.getState().init();
  // Server rendering reads a store's initial state (useSyncExternalStore's server snapshot): render it as it stands.
  const services = { api, connection: { ...connection, getInitialState: connection.getState } } as unknown as AppServices;
  return renderToStaticMarkup(createElement(AppContext.Provider, { value: services }, createElement(ConnectScreen)));
}

describe('the connect screen and the keychain', () => {
  it('says nothing about the keychain when passwords can be kept', async () => {
    setLanguage('en');
    const html = await connectScreenWith({ available: true });
    assert.match(html, /Remember this server/);
    assert.doesNotMatch(html, /keychain-notice/);
  });

  it('says why passwords cannot be kept and how to get a keychain, next to "remember"', async () => {
    setLanguage('en');
    const none = await connectScreenWith({ available: false, reason: 'no-keychain' });
    assert.match(none, /keychain-notice/);
    assert.match(none, /no secure keychain is running/);
    assert.match(none, /GNOME Keyring or KWallet/);
    const plain = await connectScreenWith({ available: false, reason: 'plain-text-backend' });
    assert.match(plain, /in effect in plain text/);
    const links = [...plain.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!));
    assert.deepEqual(links.map((u) => `${u.protocol}//${u.hostname}`), ['https://wiki.gnome.org', 'https://userbase.kde.org'], 'help pages the shell lets open');
    assert.match(plain, /GNOME Keyring or KWallet/);
  });

  it('says it in Chinese too', () => {
    setLanguage('zh-CN');
    assert.match(keychainNotice({ available: false, reason: 'no-keychain' })!, /无法保存密码.*GNOME Keyring 或 KWallet/);
    assert.match(keychainNotice({ available: false, reason: 'plain-text-backend' })!, /明文/);
    assert.equal(keychainNotice({ available: true }), null);
    setLanguage('en');
  });
});

describe('cover art in the page', () => {
  const art = (mime: string) => ({ mime, bytes: new Uint8Array([1, 2, 3]) });
  const made: Blob[] = [];
  const makeUrl = (b: Blob) => (made.push(b), `blob:${made.length}`);

  it('makes an image only of jpeg, png, webp and gif; anything else, or nothing, is the placeholder', () => {
    for (const mime of ['image/jpeg', 'image/png', 'image/webp', 'image/gif']) assert.match(coverUrl(art(mime), makeUrl) ?? '', /^blob:/, mime);
    assert.equal(made.at(-1)?.type, 'image/gif');
    const before = made.length;
    for (const mime of ['image/svg+xml', 'text/html', 'image/x-icon', 'application/octet-stream', '']) assert.equal(coverUrl(art(mime), makeUrl), null, mime);
    assert.equal(coverUrl(null, makeUrl), null);
    assert.equal(made.length, before, 'no object URL made for what is not shown');
  });
});

describe('a connect replaced by a newer one', () => {
  it('is not shown as an error: the user asked for the newer one', async () => {
    const { DesktopCallError } = await import('../../../src-renderer/desktop-client.js');
    const api = {
      connectLocal: async () => {
        throw new DesktopCallError({ code: 'cancelled', message: 'a newer connection or disconnection replaced this one' });
      },
    } as unknown as DesktopClient;
    const store = createConnectionStore(api);
    assert.equal(await store.getState().connectLocal(), false);
    assert.equal(store.getState().error, null);
    assert.equal(store.getState().busy, false);
  });
});
