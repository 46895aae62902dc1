/**
 * `app` of the Electron stand-in, written from Electron's documentation (docs/api/app.md): the lifecycle events
 * main.ts depends on, `whenReady`, paths, the single-instance lock and `isPackaged`. Nothing here is Electron's code.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The event object Electron passes to `before-quit` and `will-quit` (docs/api/app.md#event-before-quit). */
export interface PreventableEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}

export function preventableEvent(): PreventableEvent {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

export class StandInApp extends EventEmitter {
  /** docs/api/app.md#appispackaged-readonly */
  isPackaged = false;
  private readyState = false;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  /** Set when the app has really quit (after `will-quit` was not prevented). */
  quitted = false;
  /** What `requestSingleInstanceLock` answers: false plays a second instance. */
  singleInstance = true;
  readonly paths: Record<string, string>;

  constructor(root = mkdtempSync(join(tmpdir(), 'atp-electron-stand-in-'))) {
    super();
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    // docs/api/app.md#appgetpathname: userData is the profile folder, logs a folder of its own.
    this.paths = { userData: join(root, 'userData'), logs: join(root, 'logs'), temp: tmpdir(), home: root };
  }

  /** docs/api/app.md#appwhenready */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** docs/api/app.md#appisready */
  isReady(): boolean {
    return this.readyState;
  }

  /** Plays Electron finishing initialisation: `ready`, then whenReady() resolves. */
  emitReady(): void {
    if (this.readyState) return;
    this.readyState = true;
    this.emit('ready', preventableEvent(), {});
    this.markReady();
  }

  /** docs/api/app.md#apprequestsingleinstancelockadditionaldata */
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }

  /** docs/api/app.md#appgetpathname: throws for names the stand-in does not know, as Electron does for unknown names. */
  getPath(name: string): string {
    const path = this.paths[name];
    if (!path) throw new Error(`Failed to get '${name}' path`);
    return path;
  }

  getVersion(): string {
    return '0.0.0-stand-in';
  }

  getName(): string {
    return 'ATP Player';
  }

  /**
   * docs/api/app.md#appquit: `before-quit` first (preventable), then `will-quit` (preventable), then `quit`.
   * Windows are not closed here; the shell's window-all-closed path is exercised by closing windows.
   */
  quit(): void {
    if (this.quitted) return;
    const before = preventableEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    const will = preventableEvent();
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    this.quitted = true;
    this.emit('quit', preventableEvent(), 0);
  }

  /** docs/api/app.md#appexitexitcode: no events, straight out. */
  exit(): void {
    this.quitted = true;
    this.emit('stand-in:exit');
  }

  /** docs/api/app.md#appfocusoptions */
  focus(): void {}
}
