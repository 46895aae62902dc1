/**
 * A stand-in for the part of Electron's main-process API that src-main/electron uses, written from Electron's
 * documentation (each class cites its page), so that the real, built shell (dist/main/main.cjs and preload.cjs)
 * runs under Node's test runner where no Electron binary can be had. `loadBuiltMain` loads main.cjs with
 * `require('electron')` answered by the stand-in; nothing else in it is replaced.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { StandInApp } from './app.js';
import { StandInBrowserWindow, type PageHost } from './browser-window.js';
import { StandInIpcMain, StandInMessageChannelMain } from './ipc.js';
import { PreloadWorldPage } from './preload-world.js';
import { StandInNet, StandInProtocol, readAppFile } from './protocol.js';
import { StandInDialog, StandInMenu, StandInSafeStorage, StandInSession, StandInShell, StandInUtilityProcessModule } from './system.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const BUILT_MAIN = join(REPO, 'dist/main/main.cjs');
export const BUILT_PRELOAD = join(REPO, 'dist/main/preload.cjs');

export interface ElectronStandIn {
  app: StandInApp;
  BrowserWindow: typeof StandInBrowserWindow;
  ipcMain: StandInIpcMain;
  MessageChannelMain: typeof StandInMessageChannelMain;
  protocol: StandInProtocol;
  net: StandInNet;
  session: { defaultSession: StandInSession };
  Menu: typeof StandInMenu;
  dialog: StandInDialog;
  shell: StandInShell;
  safeStorage: StandInSafeStorage;
  utilityProcess: StandInUtilityProcessModule;
  /** Pages of windows made from now on come from `factory` (the Node preload world by default). */
  usePages(factory: () => PageHost): void;
  /** The page of the first window, when it is a Node preload world. */
  worldPage(): PreloadWorldPage;
}

/** `root`: the folder that holds userData (a new temporary one by default); the same root is the same profile. */
export function createElectronStandIn(root?: string): ElectronStandIn {
  const app = new StandInApp(root);
  const ready = () => app.isReady();
  const ipcMain = new StandInIpcMain();
  const protocol = new StandInProtocol(ready);
  const defaultSession = new StandInSession();
  StandInBrowserWindow.all.clear();
  StandInBrowserWindow.defaultSession = defaultSession;
  StandInBrowserWindow.pageFactory = () => new PreloadWorldPage(ipcMain);
  // docs/api/app.md#event-window-all-closed
  StandInBrowserWindow.onAllClosed = () => app.emit('window-all-closed');
  StandInMenu.application = null;
  return {
    app,
    BrowserWindow: StandInBrowserWindow,
    ipcMain,
    MessageChannelMain: StandInMessageChannelMain,
    protocol,
    net: new StandInNet(protocol),
    session: { defaultSession },
    Menu: StandInMenu,
    dialog: new StandInDialog(),
    shell: new StandInShell(),
    safeStorage: new StandInSafeStorage(ready),
    utilityProcess: new StandInUtilityProcessModule(ready),
    usePages(factory) {
      StandInBrowserWindow.pageFactory = factory;
    },
    worldPage() {
      const win = StandInBrowserWindow.getAllWindows()[0];
      if (!win || !(win.webContents.page instanceof PreloadWorldPage)) throw new Error('no window with a Node preload world');
      return win.webContents.page;
    },
  };
}

export interface LoadOptions {
  /** Plays a packaged app: `app.isPackaged` and `process.resourcesPath` (docs/api/process.md#processresourcespath-readonly). */
  packaged?: { resourcesPath: string };
  mainPath?: string;
}

/** Loads the built main process as Electron would, with `require('electron')` answered by the stand-in. */
export function loadBuiltMain(electron: ElectronStandIn, options: LoadOptions = {}): unknown {
  const require = createRequire(import.meta.url);
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const mainPath = options.mainPath ?? BUILT_MAIN;
  if (options.packaged) {
    electron.app.isPackaged = true;
    (process as { resourcesPath?: string }).resourcesPath = options.packaged.resourcesPath;
  }
  const originalLoad = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    // Never Node's node_modules/electron: requiring it would try to download a binary.
    if (request === 'electron') return electron;
    return originalLoad.call(this, request, ...rest);
  };
  try {
    if (mainPath.includes('.asar/')) return loadFromArchive(Module, mainPath);
    delete require.cache[mainPath];
    return require(mainPath);
  } finally {
    Module._load = originalLoad;
  }
}

/** Electron's asar support lets a packaged app's main run from inside app.asar, with __dirname inside it too. */
function loadFromArchive(Module: unknown, filename: string): unknown {
  const ModuleClass = Module as new (id: string) => { filename: string; paths: string[]; exports: unknown; _compile(source: string, filename: string): void };
  const module = new ModuleClass(filename);
  module.filename = filename;
  module.paths = [];
  module._compile(readAppFile(filename).toString('utf8'), filename);
  return module.exports;
}

/** Emits `ready` and waits until the shell's whenReady() work has run. */
export async function startApp(electron: ElectronStandIn): Promise<void> {
  electron.app.emitReady();
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Quits the app as a user would (its `quit` handlers run), then destroys the windows Electron closes as it goes. */
export async function quitApp(electron: ElectronStandIn): Promise<void> {
  if (!electron.app.quitted) {
    const quit = new Promise((resolve) => electron.app.once('quit', resolve));
    electron.app.quit();
    await quit;
  }
  // Electron closes the windows as the app goes; their pages' ports go with them.
  for (const win of electron.BrowserWindow.getAllWindows()) win.destroy();
}
