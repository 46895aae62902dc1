/**
 * `protocol` and `net` of the Electron stand-in, from Electron's documentation (docs/api/protocol.md,
 * docs/api/net.md#netfetchinput-init). Handlers receive real `Request` objects and must return real `Response`
 * objects. `net.fetch` of a file: URL reads the file as Chromium's file loader does, including files inside an
 * .asar archive, which Electron reads transparently (docs/tutorial/asar-archives.md).
 */
import { extractFile } from '@electron/asar';
import { readFileSync } from 'node:fs';
import { extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

type Handler = (request: Request) => Response | Promise<Response>;

/** docs/api/structures/custom-scheme.md */
export interface CustomScheme {
  scheme: string;
  privileges?: Record<string, boolean>;
}

/** The types Chromium's file loader gives by extension (enough for a built web app). */
const MIME_BY_EXTENSION: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.wasm': 'application/wasm',
  '.map': 'application/json', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};

export class StandInProtocol {
  readonly privileged: CustomScheme[] = [];
  private registeredPrivileged = false;
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly isReady: () => boolean) {}

  /** docs: only before `ready`, and only once. */
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (this.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    if (this.registeredPrivileged) throw new Error('protocol.registerSchemesAsPrivileged can only be called once');
    this.registeredPrivileged = true;
    this.privileged.push(...structuredClone(schemes));
  }

  /** docs/api/protocol.md#protocolhandlescheme-handler: after `ready`; a scheme handled twice is an error. */
  handle(scheme: string, handler: Handler): void {
    if (!this.isReady()) throw new Error('protocol.handle should be called after app is ready');
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }

  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }

  /** What the page's loader does for a URL of a handled scheme: a Request in, the handler's Response out. */
  async request(url: string, init?: RequestInit): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME (${scheme})`);
    const response = await handler(new Request(url, init));
    if (!(response instanceof Response)) throw new Error(`the ${scheme}: handler returned something that is not a Response`);
    return response;
  }
}

export class StandInNet {
  constructor(private readonly protocol: StandInProtocol) {}

  /** docs/api/net.md#netfetchinput-init */
  async fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input.url;
    if (url.startsWith('file:')) return fileResponse(fileURLToPath(url));
    if (/^https?:/.test(url)) return fetch(input, init);
    return this.protocol.request(url, init);
  }
}

async function fileResponse(path: string): Promise<Response> {
  let body: Buffer;
  try {
    body = readAppFile(path);
  } catch {
    // Electron's net.fetch rejects with Chromium's net error for a missing file.
    throw new Error('net::ERR_FILE_NOT_FOUND');
  }
  const type = MIME_BY_EXTENSION[extname(path).toLowerCase()] ?? 'application/octet-stream';
  return new Response(new Uint8Array(body), { status: 200, headers: { 'content-type': type } });
}

/**
 * Reads a file as Electron's patched fs does: a path through an archive (…/app.asar/dist/main/main.cjs) reads
 * the file from inside it.
 */
export function readAppFile(path: string): Buffer {
  const at = path.indexOf(`.asar${sep}`);
  if (at < 0) return readFileSync(path);
  return extractFile(path.slice(0, at + '.asar'.length), path.slice(at + '.asar'.length + 1));
}
