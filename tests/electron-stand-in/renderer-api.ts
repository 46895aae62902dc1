/**
 * The renderer side of the Electron stand-in, for a sandboxed preload: `contextBridge` (docs/api/context-bridge.md)
 * and `ipcRenderer` (docs/api/ipc-renderer.md). Plain browser-safe TypeScript: it runs in Node's preload world
 * (preload-world.ts) and is bundled into a Chromium page (page-electron.ts). How messages reach the main process
 * is the transport's business.
 */
export interface RendererTransport {
  invoke(channel: string, args: unknown[]): Promise<unknown>;
  send(channel: string, args: unknown[]): void;
}

/** docs/api/structures/ipc-renderer-event.md */
export interface StandInIpcRendererEvent {
  sender: StandInIpcRenderer;
  ports: MessagePort[];
}

type Listener = (event: StandInIpcRendererEvent, ...args: unknown[]) => void;

export class StandInIpcRenderer {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly transport: RendererTransport) {}

  /** Arguments travel by structured clone; a function or a DOM object is an error, as in Electron. */
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return this.transport.invoke(channel, structuredClone(args));
  }

  send(channel: string, ...args: unknown[]): void {
    this.transport.send(channel, structuredClone(args));
  }

  on(channel: string, listener: Listener): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }

  once(channel: string, listener: Listener): this {
    const wrapped: Listener = (event, ...args) => {
      this.removeListener(channel, wrapped);
      listener(event, ...args);
    };
    return this.on(channel, wrapped);
  }

  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  off(channel: string, listener: Listener): this {
    return this.removeListener(channel, listener);
  }

  removeAllListeners(channel?: string): this {
    if (channel === undefined) this.listeners.clear();
    else this.listeners.delete(channel);
    return this;
  }

  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  /** A message from main (webContents.send or postMessage) arriving in this renderer. */
  deliver(channel: string, args: unknown[], ports: MessagePort[] = []): void {
    for (const listener of [...(this.listeners.get(channel) ?? [])]) listener({ sender: this, ports }, ...args);
  }
}

/**
 * docs/api/context-bridge.md: values are copied into the page's world; functions become proxies that copy their
 * arguments and results; an existing property of the window cannot be overwritten.
 */
export class StandInContextBridge {
  constructor(private readonly mainWorld: Record<string, unknown>) {}

  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (apiKey in this.mainWorld) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
    this.mainWorld[apiKey] = copyAcross(api);
  }
}

function copyAcross(value: unknown): unknown {
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => {
      const result = fn(...args.map(copyAcross));
      return result instanceof Promise ? result.then(copyAcross) : copyAcross(result);
    };
  }
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return structuredClone(value);
  if (Array.isArray(value)) return value.map(copyAcross);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copyAcross(v);
  return out;
}
