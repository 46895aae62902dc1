/**
 * A window's page without a browser: the built preload runs in a vm context the way Electron runs a sandboxed
 * preload (docs/tutorial/sandbox.md: `require` offers only electron's renderer modules, events, timers and url),
 * and what it exposes with contextBridge lands on `page`, the object the renderer's scripts would see as window.
 * Requests go to the stand-in's ipcMain with this window's main frame as the sender, its URL a plain string.
 */
import * as events from 'node:events';
import * as timers from 'node:timers';
import * as url from 'node:url';
import { createContext, runInContext } from 'node:vm';
import type { PageHost, StandInWebContents, StandInWebFrameMain } from './browser-window.js';
import type { StandInIpcMain, StandInMessagePortMain } from './ipc.js';
import { readAppFile } from './protocol.js';
import { StandInContextBridge, StandInIpcRenderer } from './renderer-api.js';

/** A message the preload posted to the page with window.postMessage. */
export interface PagePost {
  message: unknown;
  targetOrigin: string;
  ports: MessagePort[];
}

export class PreloadWorldPage implements PageHost {
  private url = 'about:blank';
  private contents: StandInWebContents | null = null;
  private ipcRenderer: StandInIpcRenderer | null = null;
  /** What the page's own scripts see on `window`: the APIs the preload exposed. */
  page: Record<string, unknown> = {};
  /** What the preload posted to the page (the audio port arrives this way). */
  readonly posts: PagePost[] = [];
  private readonly delivered: StandInMessagePortMain[] = [];

  constructor(private readonly ipcMain: StandInIpcMain) {}

  attach(contents: StandInWebContents): void {
    this.contents = contents;
  }

  async load(target: string, preload: string | null): Promise<void> {
    this.url = target;
    this.page = {};
    this.posts.length = 0;
    this.ipcRenderer = null;
    if (preload) this.runPreload(preload, this.contents!.mainFrame);
  }

  mainFrameUrl(): string {
    return this.url;
  }

  /** The page navigating by itself (a link, location.href): the preload runs again only if the load goes on. */
  navigateInPage(target: string): void {
    this.url = target;
  }

  deliver(channel: string, args: unknown[]): void {
    this.ipcRenderer?.deliver(channel, args);
  }

  deliverPorts(channel: string, message: unknown, ports: StandInMessagePortMain[]): void {
    this.delivered.push(...ports);
    // The renderer gets DOM-like MessagePorts: here the Node ends behind the main-process ports.
    this.ipcRenderer?.deliver(channel, [message], ports.map((p) => p.nodePort as unknown as MessagePort));
  }

  /** The page goes: ports it was given close with it, as a renderer's do. */
  close(): void {
    this.ipcRenderer = null;
    for (const port of this.delivered.splice(0)) port.nodePort.close();
  }

  /** Runs the preload again with `frame` as the sender of its requests: how a subframe's preload would talk. */
  preloadFor(frame: StandInWebFrameMain, preload: string): Record<string, unknown> {
    const saved = { page: this.page, ipc: this.ipcRenderer };
    this.page = {};
    this.runPreload(preload, frame);
    const exposed = this.page;
    this.page = saved.page;
    this.ipcRenderer = saved.ipc;
    return exposed;
  }

  private runPreload(preloadPath: string, frame: StandInWebFrameMain): void {
    const contents = this.contents!;
    const ipcRenderer = new StandInIpcRenderer({
      invoke: (channel, args) => this.ipcMain.invokeFrom(contents, frame, channel, args),
      send: (channel, args) => this.ipcMain.emit(channel, { sender: contents, senderFrame: frame }, ...args),
    });
    this.ipcRenderer = ipcRenderer;
    const page = this.page;
    const electron = { contextBridge: new StandInContextBridge(page), ipcRenderer };
    const allowed: Record<string, unknown> = { electron, events, timers, url };
    const sandboxRequire = (id: string) => {
      if (!(id in allowed)) throw new Error(`module not found: ${id}`);
      return allowed[id];
    };
    const world: Record<string, unknown> = {
      console,
      structuredClone,
      postMessage: (message: unknown, targetOrigin: string, ports: MessagePort[] = []) => this.posts.push({ message, targetOrigin, ports }),
    };
    world.window = world;
    const module = { exports: {} as unknown };
    const source = readAppFile(preloadPath).toString('utf8');
    const wrapped = runInContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, createContext(world), { filename: preloadPath });
    (wrapped as (...a: unknown[]) => void)(module.exports, sandboxRequire, module, preloadPath, '.');
  }
}
