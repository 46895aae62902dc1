/**
 * ipcMain, MessageChannelMain and MessagePortMain of the Electron stand-in, from Electron's documentation
 * (docs/api/ipc-main.md, docs/api/structures/ipc-main-invoke-event.md, docs/api/message-channel-main.md,
 * docs/api/message-port-main.md). Values cross by structured clone, as they do between Electron's processes.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { StandInWebContents, StandInWebFrameMain } from './browser-window.js';

/** docs/api/structures/ipc-main-invoke-event.md */
export interface StandInIpcMainInvokeEvent {
  type: 'frame';
  processId: number;
  frameId: number;
  sender: StandInWebContents;
  readonly senderFrame: StandInWebFrameMain | null;
}

type InvokeHandler = (event: StandInIpcMainInvokeEvent, ...args: unknown[]) => unknown;

export class StandInIpcMain extends EventEmitter {
  private readonly handlers = new Map<string, InvokeHandler>();

  /** docs/api/ipc-main.md#ipcmainhandlechannel-listener: a second handler for one channel is an error. */
  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  get channels(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * What ipcRenderer.invoke does on the main side: the event names the frame that sent it; arguments and result are
   * structured clones; a handler's exception reaches the renderer as an Error whose message names the channel
   * (docs/api/ipc-renderer.md#ipcrendererinvokechannel-args).
   */
  async invokeFrom(sender: StandInWebContents, frame: StandInWebFrameMain | null, channel: string, args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const event: StandInIpcMainInvokeEvent = {
      type: 'frame', processId: frame?.processId ?? 0, frameId: frame?.routingId ?? 0, sender,
      // docs: null once the frame has navigated away or been destroyed.
      get senderFrame() {
        return frame && !frame.detached ? frame : null;
      },
    };
    try {
      return structuredClone(await handler(event, ...structuredClone(args)));
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`);
    }
  }
}

/**
 * docs/api/message-port-main.md: an EventEmitter, not an EventTarget; messages queue until `start()`; `message`
 * events carry `{ data, ports }`. Built on a Node MessagePort, whose other end is what the page receives.
 */
export class StandInMessagePortMain extends EventEmitter {
  private started = false;
  private transferred = false;

  constructor(readonly nodePort: MessagePort) {
    super();
    nodePort.on('close', () => this.emit('close'));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.nodePort.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
  }

  /** Structured clone; MessagePortMain cannot transfer ArrayBuffers, only ports. */
  postMessage(message: unknown): void {
    if (this.transferred) throw new Error('Port has been transferred to the renderer');
    this.nodePort.postMessage(message);
  }

  close(): void {
    this.nodePort.close();
  }

  /** Called by webContents.postMessage: this end now belongs to the renderer. */
  markTransferred(): void {
    this.transferred = true;
  }
}

/** docs/api/message-channel-main.md */
export class StandInMessageChannelMain {
  readonly port1: StandInMessagePortMain;
  readonly port2: StandInMessagePortMain;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new StandInMessagePortMain(port1);
    this.port2 = new StandInMessagePortMain(port2);
  }
}
