/**
 * The renderer is served from its own scheme, atp-app://renderer/, rather than file://: a standard, secure origin
 * (AudioWorklets need a secure context) whose 'self' in the CSP means exactly the app's files, and nothing
 * outside dist/renderer can be read through it.
 */
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const APP_SCHEME = 'atp-app';
export const APP_ORIGIN = `${APP_SCHEME}://renderer`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** Before app ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** After app ready. */
export function serveRenderer(rendererDir: string): void {
  const root = normalize(rendererDir + sep);
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (url.host !== 'renderer' || !path.startsWith(root)) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(path).toString());
  });
}
