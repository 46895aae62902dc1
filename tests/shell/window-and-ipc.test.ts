/**
 * The built shell under the Electron stand-in: the window's security settings, the preload's narrow door, the
 * sender check on every IPC request (with frame URLs as Electron gives them: strings the main process parses with
 * Node's URL), navigation, new windows, permissions and the atp-app:// protocol handler.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DESKTOP_REQUESTS, channelOf, type AtpDesktopApi } from '../../src-shared/ipc/contract.js';
import { BUILT_PRELOAD, REPO } from '../electron-stand-in/index.js';
import { StandInWebFrameMain } from '../electron-stand-in/browser-window.js';
import { launchShell, ok, type LaunchedShell } from './shell-harness.js';

const APP_URL = 'atp-app://renderer/index.html';

describe('the shell: window, preload and IPC (built main under the Electron stand-in)', () => {
  let shell: LaunchedShell;

  before(async () => {
    shell = await launchShell();
  });

  after(async () => {
    await shell?.quit();
  });

  it('registers atp-app as a standard, secure scheme before ready and handles it after', () => {
    const { protocol } = shell.electron;
    assert.deepEqual(protocol.privileged, [{ scheme: 'atp-app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    assert.ok(protocol.isProtocolHandled('atp-app'));
  });

  it('opens one window, locked down, on the app’s own page with the built preload', () => {
    const [win, ...others] = shell.electron.BrowserWindow.getAllWindows();
    assert.equal(others.length, 0);
    const prefs = win!.options.webPreferences!;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.preload, BUILT_PRELOAD);
    assert.equal(win!.webContents.getURL(), APP_URL);
    assert.equal(win!.visible, true, 'shown once ready to show');
  });

  it('the preload exposes exactly the contract as window.atp, and no ipcRenderer', () => {
    assert.deepEqual(Object.keys(shell.page.page), ['atp']);
    assert.deepEqual(Object.keys(shell.api).sort(), [...DESKTOP_REQUESTS, 'onEvent'].sort());
    assert.deepEqual(shell.electron.ipcMain.channels.sort(), DESKTOP_REQUESTS.map(channelOf).sort());
  });

  it('answers requests from its own page, whose URL Node parses to the origin "null"', async () => {
    assert.equal(new URL(APP_URL).origin, 'null');
    const snapshot = await ok(shell.api.snapshot(null));
    assert.equal(snapshot.connection.status, 'disconnected');
    assert.equal(snapshot.localServer.available, true);
  });

  it('refuses requests once the page has navigated away, from a subframe, and from look-alike URLs', async () => {
    const page = shell.page;
    const win = shell.electron.BrowserWindow.getAllWindows()[0]!;
    for (const elsewhere of ['https://evil.example/index.html', 'atp-app://renderer.evil/index.html', 'atp-app://evil@renderer2/', 'file:///index.html']) {
      page.navigateInPage(elsewhere);
      const r = await shell.api.snapshot(null);
      assert.deepEqual(r, { ok: false, error: { code: 'forbidden', message: 'request from an unknown frame' } }, elsewhere);
    }
    page.navigateInPage(APP_URL);
    // An iframe showing even the app's own URL is not the main frame.
    const child = new StandInWebFrameMain(() => APP_URL, win.webContents.mainFrame);
    const framed = page.preloadFor(child, BUILT_PRELOAD).atp as AtpDesktopApi;
    assert.equal((await framed.snapshot(null)).ok, false);
    assert.equal((await shell.api.snapshot(null)).ok, true);
  });

  it('validates arguments after the sender check', async () => {
    const r = await shell.api.list({ offset: -1 } as never);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'invalid-argument');
  });

  it('keeps navigation on the app’s scheme and opens no window; only allowed https help links leave, for the browser', () => {
    const { webContents } = shell.electron.BrowserWindow.getAllWindows()[0]!;
    assert.equal(webContents.requestNavigation('atp-app://renderer/index.html#queue'), true);
    assert.equal(webContents.requestNavigation('https://evil.example/'), false);
    assert.equal(webContents.requestNavigation('file:///etc/passwd'), false);
    for (const url of ['https://wiki.gnome.org/Projects/GnomeKeyring', 'https://evil.example/', 'http://wiki.gnome.org/', 'https://user@wiki.gnome.org/', 'javascript:alert(1)']) {
      assert.equal(webContents.requestWindow(url), 'deny', url);
    }
    assert.deepEqual(shell.electron.shell.openedExternal, ['https://wiki.gnome.org/Projects/GnomeKeyring']);
  });

  it('denies every permission request and check', async () => {
    const session = shell.electron.session.defaultSession;
    const { webContents } = shell.electron.BrowserWindow.getAllWindows()[0]!;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      assert.equal(await session.requestPermission(webContents, permission), false, permission);
    }
    for (const permission of ['hid', 'serial', 'usb', 'media', 'clipboard-sanitized-write']) {
      assert.equal(session.checkPermission(webContents, permission, 'atp-app://renderer'), false, permission);
    }
  });

  it('serves the built renderer from atp-app://renderer/ and nothing outside it', async () => {
    const { protocol } = shell.electron;
    const index = await protocol.request(APP_URL);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html');
    assert.equal(await index.text(), readFileSync(join(REPO, 'dist/renderer/index.html'), 'utf8'));
    for (const url of ['atp-app://renderer/..%2F..%2Fpackage.json', 'atp-app://renderer/%2e%2e/%2e%2e/package.json', 'atp-app://other/index.html', 'atp-app://renderer/missing.js']) {
      assert.equal((await protocol.request(url)).status, 404, url);
    }
    assert.equal((await protocol.request('atp-app://renderer/%E0%A4%A')).status, 400);
  });
});
