/**
 * BrowserWindow, WebContents and WebFrameMain of the Electron stand-in, from Electron's documentation
 * (docs/api/browser-window.md, docs/api/web-contents.md, docs/api/web-frame-main.md). What a window shows is a
 * `PageHost`: a preload world run in Node (preload-world.ts) or a real Chromium page (page-host.ts). Frame URLs
 * are plain strings, as Electron gives them, for the main process to parse with Node's URL.
 */
import { EventEmitter } from 'node:events';
import type { StandInMessagePortMain } from './ipc.js';
import { preventableEvent } from './app.js';

/** What renders a window's page: it loads URLs, reports where its frames are, and receives what main sends. */
export interface PageHost {
  /** Called once by the window's WebContents, before anything loads. */
  attach(contents: StandInWebContents): void;
  load(url: string, preload: string | null): Promise<void>;
  /** The main frame's URL as Electron reports it (atp-app://renderer/… for the app's page). */
  mainFrameUrl(): string;
  /** docs/api/web-contents.md#contentssendchannel-args */
  deliver(channel: string, args: unknown[]): void;
  /** docs/api/web-contents.md#contentspostmessagechannel-message-transfer */
  deliverPorts(channel: string, message: unknown, ports: StandInMessagePortMain[]): void;
  close(): void;
}

let nextFrameId = 1;

/** docs/api/web-frame-main.md: `url`, `origin`, `parent`, `top`, ids. The URL is the page's own, never rewritten. */
export class StandInWebFrameMain {
  readonly routingId = nextFrameId++;
  readonly processId = 1;
  readonly frames: StandInWebFrameMain[] = [];
  detached = false;

  constructor(
    private readonly currentUrl: () => string,
    readonly parent: StandInWebFrameMain | null = null,
  ) {
    parent?.frames.push(this);
  }

  get url(): string {
    return this.currentUrl();
  }

  get top(): StandInWebFrameMain {
    return this.parent ? this.parent.top : this;
  }

  /** docs/api/web-frame-main.md#frameorigin-readonly: Chromium's serialisation, which is not Node's URL.origin. */
  get origin(): string {
    const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)/i.exec(this.url);
    return match ? `${match[1]}//${match[2]}` : 'null';
  }
}

/** docs/api/structures/window-open-handler-response.md */
export type WindowOpenHandler = (details: { url: string; frameName: string; disposition: string }) => { action: 'allow' | 'deny' };

export class StandInWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = StandInWebContents.nextId++;
  readonly mainFrame: StandInWebFrameMain;
  windowOpenHandler: WindowOpenHandler | null = null;
  private destroyed = false;

  constructor(
    readonly page: PageHost,
    readonly preload: string | null,
    readonly session: unknown,
  ) {
    super();
    this.mainFrame = new StandInWebFrameMain(() => page.mainFrameUrl());
    page.attach(this);
  }

  /** docs/api/web-contents.md#contentsloadurlurl-options */
  async loadURL(url: string): Promise<void> {
    await this.page.load(url, this.preload);
    this.emit('did-finish-load');
  }

  getURL(): string {
    return this.page.mainFrameUrl();
  }

  /** docs/api/web-contents.md#contentssendchannel-args: arguments travel by structured clone. */
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.page.deliver(channel, structuredClone(args));
  }

  /** docs/api/web-contents.md#contentspostmessagechannel-message-transfer */
  postMessage(channel: string, message: unknown, transfer: StandInMessagePortMain[] = []): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    for (const port of transfer) port.markTransferred();
    this.page.deliverPorts(channel, structuredClone(message), transfer);
  }

  /** docs/api/web-contents.md#contentssetwindowopenhandlerhandler */
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  /** Plays the page asking for a new window (window.open or a target=_blank link); answers what the shell decided. */
  requestWindow(url: string): 'allow' | 'deny' {
    return this.windowOpenHandler ? this.windowOpenHandler({ url, frameName: '', disposition: 'foreground-tab' }).action : 'allow';
  }

  /** Plays a navigation started by the page (docs/api/web-contents.md#event-will-navigate); true when it may go on. */
  requestNavigation(url: string): boolean {
    const event = Object.assign(preventableEvent(), { url, isMainFrame: true });
    this.emit('will-navigate', event, url);
    return !event.defaultPrevented;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    this.destroyed = true;
    this.mainFrame.detached = true;
    this.page.close();
    this.emit('destroyed');
  }
}

export interface BrowserWindowOptions {
  webPreferences?: Record<string, unknown> & { preload?: string; session?: unknown };
  [key: string]: unknown;
}

/** docs/api/browser-window.md */
export class StandInBrowserWindow extends EventEmitter {
  static readonly all = new Set<StandInBrowserWindow>();
  /** Where new windows render; the test installs a Chromium page host or the Node preload world. */
  static pageFactory: (() => PageHost) | null = null;
  static defaultSession: unknown = null;
  static onAllClosed: (() => void) | null = null;

  readonly webContents: StandInWebContents;
  readonly options: BrowserWindowOptions;
  visible = false;
  focused = false;
  private destroyed = false;

  constructor(options: BrowserWindowOptions = {}) {
    super();
    if (!StandInBrowserWindow.pageFactory) throw new Error('the Electron stand-in has no page host: call electron.control.usePages(...) first');
    this.options = options;
    const prefs = options.webPreferences ?? {};
    this.webContents = new StandInWebContents(StandInBrowserWindow.pageFactory(), prefs.preload ?? null, prefs.session ?? StandInBrowserWindow.defaultSession);
    StandInBrowserWindow.all.add(this);
    // Electron shows a window when its first paint is ready (docs/api/browser-window.md#event-ready-to-show).
    this.webContents.once('did-finish-load', () => this.emit('ready-to-show'));
  }

  static getAllWindows(): StandInBrowserWindow[] {
    return [...StandInBrowserWindow.all];
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }

  show(): void {
    this.visible = true;
  }

  focus(): void {
    this.focused = true;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** docs/api/browser-window.md#winclose: `close` (preventable), then `closed`. */
  close(): void {
    if (this.destroyed) return;
    const event = preventableEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroy();
    StandInBrowserWindow.all.delete(this);
    this.emit('closed');
    if (StandInBrowserWindow.all.size === 0) StandInBrowserWindow.onAllClosed?.();
  }
}
