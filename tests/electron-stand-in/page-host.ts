/**
 * A window's page in Debian's Chromium. Chromium here cannot have Electron's atp-app:// scheme, so the host serves
 * that one origin at an http://127.0.0.1 origin of its own (a secure context, so AudioWorklets run): every request
 * the page makes becomes a `Request` for the same path on atp-app://renderer/ and goes to the handler main
 * registered with protocol.handle; every frame URL main reads is the page's URL mapped back the same way. The
 * built preload runs in the page with page-electron.ts as its `electron`; its IPC reaches the stand-in's ipcMain
 * with the real frame the binding call came from.
 */
import { buildSync } from 'esbuild';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright';
import { StandInWebFrameMain, type PageHost, type StandInWebContents } from './browser-window.js';
import type { StandInIpcMain, StandInMessagePortMain } from './ipc.js';
import type { StandInProtocol } from './protocol.js';
import { decodeValue, encodePush, encodeValue, splitBody } from './wire.js';

const PUSH_PATH = '/__stand-in/push';

export class ChromiumPageHost implements PageHost {
  private server: Server | null = null;
  private httpOrigin = '';
  private contents: StandInWebContents | null = null;
  private push: ServerResponse | null = null;
  private waiting: Uint8Array[] = [];
  private installed = false;
  private nextPortId = 1;
  private readonly ports = new Map<number, StandInMessagePortMain>();
  private readonly frames = new WeakMap<Frame, StandInWebFrameMain>();

  constructor(
    readonly page: Page,
    private readonly protocol: StandInProtocol,
    private readonly ipcMain: StandInIpcMain,
    /** The origin main loads its page from, which this host serves at its http origin. */
    private readonly appOrigin = 'atp-app://renderer',
  ) {}

  attach(contents: StandInWebContents): void {
    this.contents = contents;
  }

  async load(url: string, preload: string | null): Promise<void> {
    await this.listen();
    if (preload && !this.installed) await this.install(preload);
    await this.page.goto(this.toHttp(url));
  }

  mainFrameUrl(): string {
    return this.toApp(this.page.mainFrame().url());
  }

  deliver(channel: string, args: unknown[]): void {
    this.send({ t: 'ipc', channel, args: encodeValue(args) }, null);
  }

  deliverPorts(channel: string, message: unknown, ports: StandInMessagePortMain[]): void {
    const ids = ports.map((port) => {
      const id = this.nextPortId++;
      this.ports.set(id, port);
      // What main posts on its end arrives at this (transferred) end: relay it into the page.
      port.nodePort.on('message', (data: unknown) => {
        const { header, body, field } = splitBody(data);
        this.send({ t: 'port', id, message: header, field }, body);
      });
      return id;
    });
    this.send({ t: 'ipc', channel, args: encodeValue([message]), ports: ids }, null);
  }

  close(): void {
    this.push?.end();
    for (const port of this.ports.values()) port.nodePort.close();
    this.server?.closeAllConnections();
    this.server?.close();
  }

  private toHttp(url: string): string {
    return url.startsWith(`${this.appOrigin}/`) ? this.httpOrigin + url.slice(this.appOrigin.length) : url;
  }

  private toApp(url: string): string {
    return url.startsWith(`${this.httpOrigin}/`) ? this.appOrigin + url.slice(this.httpOrigin.length) : url;
  }

  /** The WebFrameMain for a frame of the page: the window's main frame, or one per subframe. */
  private frameOf(frame: Frame): StandInWebFrameMain {
    if (frame === this.page.mainFrame()) return this.contents!.mainFrame;
    let known = this.frames.get(frame);
    if (!known) {
      known = new StandInWebFrameMain(() => this.toApp(frame.url()), this.frameOf(frame.parentFrame() ?? this.page.mainFrame()));
      this.frames.set(frame, known);
    }
    return known;
  }

  private async install(preload: string): Promise<void> {
    this.installed = true;
    const bundle = buildSync({
      entryPoints: [preload], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120',
      alias: { electron: join(import.meta.dirname, 'page-electron.ts') },
    }).outputFiles[0]!.text;
    await this.page.exposeBinding('__standInInvoke', async (source, channel: string, args: string) => {
      try {
        const value = await this.ipcMain.invokeFrom(this.contents!, this.frameOf(source.frame), channel, decodeValue(args) as unknown[]);
        return encodeValue({ value });
      } catch (err) {
        return encodeValue({ error: (err as Error).message });
      }
    });
    await this.page.exposeBinding('__standInSend', (source, channel: string, args: string) => {
      this.ipcMain.emit(channel, { sender: this.contents, senderFrame: this.frameOf(source.frame) }, ...(decodeValue(args) as unknown[]));
    });
    await this.page.exposeBinding('__standInPortUp', (_source, batch: string) => {
      for (const { id, data } of JSON.parse(batch) as Array<{ id: number; data: string }>) this.ports.get(id)?.nodePort.postMessage(decodeValue(data));
    });
    await this.page.addInitScript({ content: bundle });
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.httpOrigin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url === PUSH_PATH) {
      this.push?.end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
      this.push = res;
      for (const chunk of this.waiting.splice(0)) res.write(chunk);
      return;
    }
    try {
      const response = await this.protocol.request(this.appOrigin + (req.url ?? '/'), { method: req.method });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      // A handler that throws is a failed load in Electron; here the page sees a 500.
      res.writeHead(500).end(String(err));
    }
  }

  private send(header: object, body: Uint8Array | null): void {
    const chunk = encodePush(header, body);
    if (this.push && !this.push.writableEnded) this.push.write(chunk);
    else this.waiting.push(chunk);
  }
}
