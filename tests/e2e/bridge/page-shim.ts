/**
 * Runs in the page in place of the preload (installed with page.addInitScript): the same `window.atp` the
 * preload exposes, typed by the same AtpDesktopApi, but its requests go to the test process through a
 * Playwright binding, and events and PCM come back on one streamed HTTP response. The audio port is a real
 * MessageChannel made here, handed to the page the way the preload hands over Electron's.
 */
import type { AudioDownMessage } from '../../../src-shared/ipc/audio-port.js';
import {
  API_GLOBAL, AUDIO_PORT_MESSAGE, DESKTOP_REQUESTS, type AtpDesktopApi, type DesktopEvent, type IpcResult,
} from '../../../src-shared/ipc/contract.js';
import { PushReader, decodeValue, encodeValue } from './bridge-codec.js';

interface Bindings {
  __atpInvoke(name: string, arg: string): Promise<string>;
  __atpAudioUp(message: string): Promise<void>;
}
const w = window as unknown as Bindings & Record<string, unknown>;
const listeners = new Set<(e: DesktopEvent) => void>();
let audio: MessagePort | null = null;

// A binding call is a round trip through the DevTools protocol: batch what the page sends up the port (credit
// arrives at most 50 ms later; the window is 1.5 s) so the bridge's cost does not swamp the app's in the bench.
let upBatch: unknown[] = [];
function sendUp(message: unknown): void {
  if (upBatch.length === 0) {
    setTimeout(() => {
      const batch = upBatch;
      upBatch = [];
      void w.__atpAudioUp(JSON.stringify(batch));
    }, 50);
  }
  upBatch.push(message);
}

async function invoke(name: string, arg: unknown): Promise<IpcResult<unknown>> {
  return decodeValue(await w.__atpInvoke(name, encodeValue(arg ?? null))) as IpcResult<unknown>;
}

const api = {
  onEvent(listener: (e: DesktopEvent) => void) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
} as unknown as AtpDesktopApi;
for (const name of DESKTOP_REQUESTS) (api as unknown as Record<string, unknown>)[name] = (arg: unknown) => invoke(name, arg);

api.openAudioPort = async () => {
  const channel = new MessageChannel();
  audio?.close();
  audio = channel.port1;
  audio.onmessage = (e) => sendUp(e.data);
  const result = (await invoke('openAudioPort', null)) as IpcResult<null>;
  window.postMessage(AUDIO_PORT_MESSAGE, '*', [channel.port2]);
  return result;
};

async function readPushStream(): Promise<void> {
  const response = await fetch('/bridge/stream');
  const reader = response.body!.getReader();
  const push = new PushReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    push.push(value, (header, body) => {
      if (header.t === 'event') for (const l of listeners) l(header.event as DesktopEvent);
      else if (header.t === 'audio' && audio) {
        const m = header.message as AudioDownMessage;
        if (m.kind === 'pcm') {
          m.pcm = body.buffer as ArrayBuffer;
          audio.postMessage(m, [m.pcm]);
        } else {
          audio.postMessage(m);
        }
      }
    });
  }
}

void readPushStream();
w[API_GLOBAL] = Object.freeze(api);
