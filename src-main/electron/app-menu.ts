/**
 * The application menu: connect to a remote server, start the local server on a chosen folder (or stop it), its
 * log, and the player's shortcuts. Menu items act through the controller or send a command to the renderer.
 */
import { Menu, dialog, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { DesktopController } from '../desktop/controller.js';
import type { LocalServer } from '../desktop/local-server.js';
import { sendEvent } from './ipc-handlers.js';

export interface MenuDeps {
  controller: DesktopController;
  localServer: LocalServer;
  window: () => BrowserWindow | null;
}

export function installMenu(deps: MenuDeps): void {
  const { controller, localServer, window } = deps;
  const isMac = process.platform === 'darwin';
  const report = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    sendEvent(window(), { type: 'error', error: { code: 'local-server-failed', message } });
  };

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'Server',
      submenu: [
        { label: 'Connect to server…', accelerator: 'CmdOrCtrl+K', click: () => sendEvent(window(), { type: 'menu', command: 'show-connect' }) },
        { type: 'separator' },
        {
          label: 'Start local server…',
          click: async () => {
            const win = window();
            const picked = win
              ? await dialog.showOpenDialog(win, { title: 'Choose your music folder', properties: ['openDirectory'] })
              : { canceled: true, filePaths: [] };
            const folder = picked.filePaths[0];
            if (picked.canceled || !folder) return;
            // One user action: the controller cancels any reconnect before it replaces the server.
            await controller.startLocalServer(folder).catch(report);
          },
        },
        { label: 'Stop local server', click: () => void controller.stopLocalServer().catch(report) },
        { label: 'Show local server log', click: () => void shell.openPath(localServer.logFile) },
        { type: 'separator' },
        { label: 'Disconnect', click: () => void controller.handlers.disconnect(null) },
        ...(isMac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Search', accelerator: 'CmdOrCtrl+F', click: () => sendEvent(window(), { type: 'menu', command: 'focus-search' }) },
        { label: 'Show or hide the queue', accelerator: 'CmdOrCtrl+U', click: () => sendEvent(window(), { type: 'menu', command: 'toggle-queue' }) },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
