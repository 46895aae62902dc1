/**
 * The preload: a narrow door. It exposes exactly the AtpDesktopApi of the contract as `window.atp` (each
 * request a named function over ipcRenderer.invoke, plus onEvent) and hands the audio MessagePort into the page.
 * ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  API_GLOBAL, AUDIO_PORT_CHANNEL, AUDIO_PORT_MESSAGE, DESKTOP_REQUESTS, EVENT_CHANNEL, channelOf, type AtpDesktopApi, type DesktopEvent,
} from '../../src-shared/ipc/contract.js';

const api: Record<string, unknown> = {};
for (const name of DESKTOP_REQUESTS) {
  api[name] = (arg: unknown) => ipcRenderer.invoke(channelOf(name), arg ?? null);
}
api.onEvent = (listener: (event: DesktopEvent) => void) => {
  const handler = (_e: IpcRendererEvent, event: DesktopEvent) => listener(event);
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  };
};

// contextBridge cannot carry a MessagePort; window.postMessage with a transfer list can (Electron's documented way).
ipcRenderer.on(AUDIO_PORT_CHANNEL, (e) => {
  window.postMessage(AUDIO_PORT_MESSAGE, '*', e.ports);
});

contextBridge.exposeInMainWorld(API_GLOBAL, api satisfies Record<string, unknown> as unknown as AtpDesktopApi);
