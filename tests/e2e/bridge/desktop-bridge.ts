/**
 * The test side of the e2e bridge: serves the built renderer over http://127.0.0.1 (a secure context, so
 * AudioWorklets run), runs the real DesktopController in the test process, and bridges it to the page in place of
 * the preload: requests arrive through a Playwright binding and go through the same dispatchRequest the Electron
 * IPC handlers use; events and PCM go down one streamed HTTP response.
 */
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright';
import { isAudioUpMessage } from '../../../src-shared/ipc/audio-port.js';
import type { DesktopController } from '../../../src-main/desktop/controller.js';
import { dispatchRequest, isRequestName } from '../../../src-main/desktop/request-dispatch.js';
import { encodePush, encodeValue, decodeValue } from './bridge-codec.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

export function pageShimSource(): string {
  const out = buildSync({ entryPoints: [join(import.meta.dirname, 'page-shim.ts')], bundle: true, write: false, format: 'iife', target: 'chrome120' });
  return out.outputFiles[0]!.text;
}

export class DesktopBridge {
  private server: Server | null = null;
  private push: ServerResponse | null = null;
  private waiting: Uint8Array[] = [];
  readonly shim = pageShimSource();

  constructor(
    private readonly controller: DesktopController,
    private readonly rendererDir: string,
  ) {
    controller.on('event', (event) => this.send(encodePush({ t: 'event', event }, null)));
    controller.attachAudio({
      send: (message) => {
        if (message.kind === 'pcm') {
          const { pcm, ...header } = message;
          this.send(encodePush({ t: 'audio', message: header }, new Uint8Array(pcm)));
        } else {
          this.send(encodePush({ t: 'audio', message }, null));
        }
      },
    });
    controller.openAudioPort = () => {};
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/bridge/stream') {
        this.push?.end();
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
        this.push = res;
        for (const chunk of this.waiting.splice(0)) res.write(chunk);
        return;
      }
      const path = normalize(join(this.rendererDir, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
      if (!path.startsWith(this.rendererDir)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const body = readFileSync(path);
        res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Puts the bridge into `page` before any of its scripts run. */
  async install(page: Page): Promise<void> {
    await page.exposeBinding('__atpInvoke', async (_source, name: unknown, arg: unknown) => {
      if (!isRequestName(name) || typeof arg !== 'string') return encodeValue({ ok: false, error: { code: 'invalid-argument', message: 'no such request' } });
      return encodeValue(await dispatchRequest(this.controller.handlers, name, decodeValue(arg)));
    });
    await page.exposeBinding('__atpAudioUp', (_source, text: unknown) => {
      const batch = typeof text === 'string' ? (JSON.parse(text) as unknown) : null;
      if (!Array.isArray(batch)) return;
      for (const message of batch) if (isAudioUpMessage(message)) this.controller.audioUp(message);
    });
    await page.addInitScript({ content: this.shim });
  }

  private send(chunk: Uint8Array): void {
    if (this.push && !this.push.writableEnded) this.push.write(chunk);
    else this.waiting.push(chunk);
  }

  async close(): Promise<void> {
    this.push?.end();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }
}
