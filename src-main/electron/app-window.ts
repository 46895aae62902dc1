/**
 * The one window, locked down per Electron's security checklist: context isolation, the sandbox, no Node in the
 * page, navigation and new windows refused, permission requests and checks denied, and only links to a few known
 * help sites handed to the system browser.
 */
import { BrowserWindow, session, shell } from 'electron';
import { APP_URL, isAppUrl } from './app-protocol.js';

/** Hosts of the help pages the app links to (how to set up a keychain); any other link stays unopened. */
export const EXTERNAL_LINK_HOSTS: ReadonlySet<string> = new Set(['wiki.gnome.org', 'userbase.kde.org']);

/** An https link to one of EXTERNAL_LINK_HOSTS, and nothing else, may leave the app. */
export function mayOpenExternally(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && EXTERNAL_LINK_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}

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
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // Never a window of ours; an allowed help link opens in the system browser.
    if (mayOpenExternally(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The app needs no permission at all: requests (camera, notifications…) and checks (device access) are refused.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  void win.loadURL(APP_URL);
  return win;
}

/** IPC may come only from our own page: the window's main frame, showing a URL of our scheme. */
export function isTrustedSender(win: BrowserWindow | null, frame: Electron.WebFrameMain | null): boolean {
  if (!win || win.isDestroyed() || !frame) return false;
  return frame === win.webContents.mainFrame && isAppUrl(frame.url);
}
