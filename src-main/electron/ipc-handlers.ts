/**
 * IPC: one handler per request of the contract, each checking its sender before anything else, then running
 * through dispatchRequest (argument validation, error values). Events go to the window; the audio port is a
 * MessageChannelMain whose main side feeds the controller.
 */
import { ipcMain, MessageChannelMain, type BrowserWindow, type MessagePortMain } from 'electron';
import { isAudioUpMessage } from '../../src-shared/ipc/audio-port.js';
import { AUDIO_PORT_CHANNEL, DESKTOP_REQUESTS, EVENT_CHANNEL, channelOf, type DesktopEvent } from '../../src-shared/ipc/contract.js';
import type { DesktopController } from '../desktop/controller.js';
import { dispatchRequest } from '../desktop/request-dispatch.js';
import { isTrustedSender } from './app-window.js';

export function registerIpc(controller: DesktopController, window: () => BrowserWindow | null): void {
  for (const name of DESKTOP_REQUESTS) {
    ipcMain.handle(channelOf(name), async (event, arg: unknown) => {
      if (!isTrustedSender(window(), event.senderFrame)) {
        return { ok: false, error: { code: 'forbidden', message: 'request from an unknown frame' } };
      }
      return dispatchRequest(controller.handlers, name, arg);
    });
  }

  controller.on('event', (event) => sendEvent(window(), event));

  let port: MessagePortMain | null = null;
  controller.openAudioPort = () => {
    const win = window();
    if (!win) return;
    port?.close();
    const { port1, port2 } = new MessageChannelMain();
    port = port1;
    port1.on('message', (e) => {
      if (isAudioUpMessage(e.data)) controller.audioUp(e.data);
    });
    port1.start();
    // Across the process boundary the PCM is serialised once; inside the renderer it is transferred, not copied.
    controller.attachAudio({ send: (m) => port1.postMessage(m) });
    win.webContents.postMessage(AUDIO_PORT_CHANNEL, null, [port2]);
  };
}

export function sendEvent(win: BrowserWindow | null, event: DesktopEvent): void {
  if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
}
