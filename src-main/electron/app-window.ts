/**
 * The one window, locked down per Electron's security checklist: context isolation, the sandbox, no Node in the
 * page, navigation and new windows refused, permission requests denied.
 */
import { BrowserWindow, session, shell } from 'electron';
import { APP_ORIGIN, APP_URL } from './app-protocol.js';

export function createAppWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 760,
    minWidth: 760,
    minHeight: 480,
    title: 'ATP Player',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  win.once('ready-to-show', () => win.show());
  const contents = win.webContents;
  contents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // Only plain web links leave the app, and then in the system browser, never in a window of ours.
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  void win.loadURL(APP_URL);
  return win;
}

/** IPC may come only from our own page, loaded from our own origin. */
export function isTrustedSender(win: BrowserWindow | null, frame: Electron.WebFrameMain | null): boolean {
  if (!win || win.isDestroyed() || !frame) return false;
  return frame === win.webContents.mainFrame && new URL(frame.url).origin === APP_ORIGIN;
}
