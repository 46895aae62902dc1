/**
 * Electron's main process: a thin shell. It builds the plain-Node pieces (settings, local server, controller),
 * then the window, menu and IPC around them, and stops the local server when the app quits.
 */
import { app, BrowserWindow, safeStorage, utilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DesktopController } from '../desktop/controller.js';
import { LocalServer } from '../desktop/local-server.js';
import { Settings } from '../desktop/settings.js';
import { installMenu } from './app-menu.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { createAppWindow } from './app-window.js';
import { registerIpc } from './ipc-handlers.js';
import { keychainBox } from './keychain.js';

/** Where the built server, renderer and demo library are: inside the package, or in the repository. */
function locate(): { server: string; renderer: string; demo: string; preload: string } {
  const root = join(__dirname, '..', '..');
  const packaged = app.isPackaged;
  return {
    server: packaged ? join(process.resourcesPath, 'server', 'atp-server.mjs') : join(root, 'dist', 'server', 'atp-server.mjs'),
    demo: packaged ? join(process.resourcesPath, 'demo-library') : join(root, 'assets', 'demo-library'),
    renderer: join(root, 'dist', 'renderer'),
    preload: join(__dirname, 'preload.cjs'),
  };
}

if (!app.requestSingleInstanceLock()) app.quit();
registerAppScheme();

let win: BrowserWindow | null = null;
const window = () => win;

void app.whenReady().then(() => {
  const paths = locate();
  const userData = app.getPath('userData');
  const settings = new Settings(join(userData, 'settings.json'), keychainBox(safeStorage));
  const localServer = new LocalServer({
    serverScript: paths.server,
    stateDir: join(userData, 'local-server'),
    logFile: join(app.getPath('logs'), 'atp-server.log'),
    // A utility process is Electron's own Node: no RunAsNode fuse needed, and it dies with the app.
    fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
  });
  const controller = new DesktopController({
    settings,
    localServer: existsSync(paths.server) ? localServer : null,
    demoLibrary: paths.demo,
    sessionFile: join(userData, 'session.json'),
    artworkCacheDir: join(userData, 'artwork-cache'),
  });
  serveRenderer(paths.renderer);
  registerIpc(controller, window);
  installMenu({ controller, localServer, window });
  win = createAppWindow(paths.preload);
  win.on('closed', () => {
    win = null;
  });
  app.on('second-instance', () => win?.focus());

  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    // Stop the server we started before letting go; a second quit goes straight through.
    e.preventDefault();
    quitting = true;
    void Promise.allSettled([controller.dispose(), localServer.stop()]).then(() => app.quit());
  });
});

app.on('window-all-closed', () => app.quit());
