/**
 * The renderer's view of the main process: `window.atp` (the preload's contract, or the test bridge's) turned
 * into calls that throw a `DesktopCallError` carrying the error's code, and the audio port.
 */
import {
  API_GLOBAL, AUDIO_PORT_MESSAGE, DESKTOP_REQUESTS, type AtpDesktopApi, type DesktopErrorInfo, type DesktopEvent, type DesktopRequestName,
  type DesktopRequests,
} from '../src-shared/ipc/contract.js';

export class DesktopCallError extends Error {
  readonly code: string;
  constructor(info: DesktopErrorInfo) {
    super(info.message);
    this.name = 'DesktopCallError';
    this.code = info.code;
  }
}

export type DesktopClient = {
  [K in DesktopRequestName]: (arg: DesktopRequests[K]['arg']) => Promise<DesktopRequests[K]['result']>;
} & { onEvent(listener: (event: DesktopEvent) => void): () => void };

export function desktopClient(api: AtpDesktopApi): DesktopClient {
  const client = { onEvent: (listener: (e: DesktopEvent) => void) => api.onEvent(listener) } as DesktopClient;
  for (const name of DESKTOP_REQUESTS) {
    const call = api[name] as (arg: unknown) => ReturnType<AtpDesktopApi[typeof name]>;
    (client as Record<string, unknown>)[name] = async (arg: unknown) => {
      const result = await call(arg);
      if (!result.ok) throw new DesktopCallError(result.error);
      return result.value;
    };
  }
  return client;
}

export function installedApi(): AtpDesktopApi | null {
  return ((window as unknown as Record<string, unknown>)[API_GLOBAL] as AtpDesktopApi | undefined) ?? null;
}

/** Asks for the audio port and resolves with it when the preload (or bridge) posts it into the page. */
export function openAudioPort(client: DesktopClient): Promise<MessagePort> {
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== window || e.data !== AUDIO_PORT_MESSAGE || !e.ports[0]) return;
      window.removeEventListener('message', onMessage);
      resolve(e.ports[0]);
    };
    window.addEventListener('message', onMessage);
    client.openAudioPort(null).catch((err: unknown) => {
      window.removeEventListener('message', onMessage);
      reject(err as Error);
    });
  });
}
