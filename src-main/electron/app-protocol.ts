/**
 * The renderer is served from its own scheme, atp-app://renderer/, rather than file://: a standard, secure origin
 * (AudioWorklets need a secure context) whose 'self' in the CSP means exactly the app's files, and nothing
 * outside dist/renderer can be read through it.
 */
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const APP_SCHEME = 'atp-app';
export const APP_HOST = 'renderer';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Whether `url` is one of the app's own pages. Scheme and host are compared, never `URL.origin`: in the main
 * process URL is Node's, and for a scheme Node does not know as special the origin is the string "null".
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Before app ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** After app ready. */
export function serveRenderer(rendererDir: string): void {
  const root = normalize(rendererDir + sep);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    let path: string;
    try {
      path = normalize(join(root, decodeURIComponent(url.pathname)));
    } catch {
      return new Response('bad request', { status: 400 });
    }
    if (url.host !== APP_HOST || !path.startsWith(root)) return new Response('not found', { status: 404 });
    // net.fetch rejects for a missing file; the page gets a plain 404 instead of a failed load.
    return net.fetch(pathToFileURL(path).toString()).catch(() => new Response('not found', { status: 404 }));
  });
}
