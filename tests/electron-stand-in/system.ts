/**
 * The rest of the Electron stand-in's main-process API, each from its page of Electron's documentation: session
 * permission handlers (docs/api/session.md), Menu (docs/api/menu.md, docs/api/menu-item.md), dialog
 * (docs/api/dialog.md), shell (docs/api/shell.md), safeStorage (docs/api/safe-storage.md) and utilityProcess
 * (docs/api/utility-process.md). What a test needs to see or steer is a plain field.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: object) => void;
type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string, details: object) => boolean;

/** docs/api/session.md#sessetpermissionrequesthandlerhandler and #sessetpermissioncheckhandlerhandler */
export class StandInSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }

  /** A page asking for a permission: with no handler Electron grants it, which is why the shell must set one. */
  requestPermission(webContents: unknown, permission: string): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(webContents, permission, resolve, {}));
  }

  /** A page checking a permission (navigator.permissions.query, device APIs): granted unless a handler says no. */
  checkPermission(webContents: unknown, permission: string, origin: string): boolean {
    return this.permissionCheckHandler ? this.permissionCheckHandler(webContents, permission, origin, {}) : true;
  }
}

/** docs/api/menu-item.md: the fields the shell's template uses. */
export interface StandInMenuItem {
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  enabled?: boolean;
  click?: (item: StandInMenuItem, window: unknown, event: object) => unknown;
  submenu?: StandInMenu;
}

export class StandInMenu {
  constructor(readonly items: StandInMenuItem[]) {}

  /** docs/api/menu.md#menubuildfromtemplatetemplate */
  static buildFromTemplate(template: Array<Record<string, unknown>>): StandInMenu {
    return new StandInMenu(template.map((entry) => {
      const { submenu, ...rest } = entry;
      const item = { enabled: true, ...rest } as StandInMenuItem;
      if (Array.isArray(submenu)) item.submenu = StandInMenu.buildFromTemplate(submenu as Array<Record<string, unknown>>);
      else if (submenu instanceof StandInMenu) item.submenu = submenu;
      return item;
    }));
  }

  static application: StandInMenu | null = null;

  static setApplicationMenu(menu: StandInMenu | null): void {
    StandInMenu.application = menu;
  }

  static getApplicationMenu(): StandInMenu | null {
    return StandInMenu.application;
  }

  /** Finds an item by its labels from the top, e.g. ['Server', 'Stop local server']. */
  find(path: string[]): StandInMenuItem {
    const [first, ...rest] = path;
    const item = this.items.find((i) => i.label === first);
    if (!item) throw new Error(`no menu item "${first}" among ${this.items.map((i) => i.label ?? i.role).join(', ')}`);
    if (rest.length === 0) return item;
    if (!item.submenu) throw new Error(`menu item "${first}" has no submenu`);
    return item.submenu.find(rest);
  }
}

/** docs/api/dialog.md#dialogshowopendialogwindow-options: the test queues the user's answers. */
export class StandInDialog {
  readonly openAnswers: Array<{ canceled: boolean; filePaths: string[] }> = [];
  readonly asked: unknown[] = [];

  async showOpenDialog(windowOrOptions: unknown, options?: unknown): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.asked.push(options ?? windowOrOptions);
    return this.openAnswers.shift() ?? { canceled: true, filePaths: [] };
  }
}

/** docs/api/shell.md: nothing leaves the test; what would have been opened is recorded. */
export class StandInShell {
  readonly openedExternal: string[] = [];
  readonly openedPaths: string[] = [];

  async openExternal(url: string): Promise<void> {
    this.openedExternal.push(url);
  }

  /** Resolves with an error message, '' on success. */
  async openPath(path: string): Promise<string> {
    this.openedPaths.push(path);
    return '';
  }
}

export type StorageBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/**
 * docs/api/safe-storage.md. On Linux `isEncryptionAvailable()` is true even with the `basic_text` backend, whose
 * key is hard-coded: that is the case the shell must not trust. `getSelectedStorageBackend()` is 'unknown' before
 * `ready`.
 */
export class StandInSafeStorage {
  backend: StorageBackend = 'gnome_libsecret';
  encryptionAvailable = true;
  private readonly key = randomBytes(16);

  constructor(private readonly isReady: () => boolean) {}

  isEncryptionAvailable(): boolean {
    return this.encryptionAvailable;
  }

  getSelectedStorageBackend(): StorageBackend {
    return this.isReady() ? this.backend : 'unknown';
  }

  encryptString(plainText: string): Buffer {
    if (!this.encryptionAvailable) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    const iv = Buffer.alloc(16, 0x20);
    const cipher = createCipheriv('aes-128-cbc', this.key, iv);
    // Chromium's OSCrypt prefixes its version: v11 for a keyring key, v10 for the hard-coded one.
    return Buffer.concat([Buffer.from(this.backend === 'basic_text' ? 'v10' : 'v11'), cipher.update(plainText, 'utf8'), cipher.final()]);
  }

  decryptString(encrypted: Buffer): string {
    const decipher = createDecipheriv('aes-128-cbc', this.key, Buffer.alloc(16, 0x20));
    return Buffer.concat([decipher.update(encrypted.subarray(3)), decipher.final()]).toString('utf8');
  }
}

/** docs/api/utility-process.md#class-utilityprocess: `spawn`, then `exit` with a numeric code; `kill()` is SIGTERM. */
export class StandInUtilityProcess extends EventEmitter {
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  pid: number | undefined;
  readonly modulePath: string;
  readonly args: string[];
  readonly options: ForkOptions;
  private readonly child: ReturnType<typeof spawn>;

  constructor(modulePath: string, args: string[], options: ForkOptions) {
    super();
    this.modulePath = modulePath;
    this.args = args;
    this.options = options;
    const piped = options.stdio === 'pipe' || (Array.isArray(options.stdio) && options.stdio[1] === 'pipe');
    // A utility process is Electron's Node in a child: here, this Node. Its environment is `env` when given, whole.
    this.child = spawn(process.execPath, [...(options.execArgv ?? []), modulePath, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', piped ? 'pipe' : 'inherit', piped ? 'pipe' : 'inherit'],
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.once('spawn', () => {
      this.pid = this.child.pid;
      this.emit('spawn');
    });
    this.child.once('exit', (code, signal) => {
      this.pid = undefined;
      // The code waitpid reports: a signal's death reads as 128 + its number.
      this.emit('exit', code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
    this.child.once('error', (err) => this.emit('error', 'FatalError', err.message, ''));
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

/** docs/api/utility-process.md#utilityprocessforkmodulepath-args-options */
export interface ForkOptions {
  env?: Record<string, string>;
  execArgv?: string[];
  cwd?: string;
  stdio?: 'pipe' | 'ignore' | 'inherit' | Array<'pipe' | 'ignore' | 'inherit'>;
  serviceName?: string;
  allowLoadingUnsignedLibraries?: boolean;
}

export class StandInUtilityProcessModule {
  readonly forked: StandInUtilityProcess[] = [];

  constructor(private readonly isReady: () => boolean) {}

  fork(modulePath: string, args: string[] = [], options: ForkOptions = {}): StandInUtilityProcess {
    if (!this.isReady()) throw new Error('utilityProcess cannot be created before app is ready.');
    const child = new StandInUtilityProcess(modulePath, args, options);
    this.forked.push(child);
    return child;
  }
}
