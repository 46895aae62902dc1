/**
 * `require('electron')` for the built preload when it runs in a Chromium page (page-host.ts bundles the two).
 * ipcRenderer's requests go to the test process through Playwright bindings, where the stand-in's ipcMain hands
 * them to the real handlers with this page's frame as the sender; what main sends comes back on one streamed
 * response. Ports main transfers arrive as real MessagePorts, relayed to their Node ends behind the bindings.
 */
import { StandInContextBridge, StandInIpcRenderer } from './renderer-api.js';
import { PushReader, decodeValue, encodeValue } from './wire.js';

interface Bindings {
  __standInInvoke(channel: string, args: string): Promise<string>;
  __standInSend(channel: string, args: string): Promise<void>;
  __standInPortUp(batch: string): Promise<void>;
}
const page = window as unknown as Bindings & Record<string, unknown>;

export const ipcRenderer = new StandInIpcRenderer({
  async invoke(channel, args) {
    const reply = decodeValue(await page.__standInInvoke(channel, encodeValue(args))) as { value?: unknown; error?: string };
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.value;
  },
  send(channel, args) {
    void page.__standInSend(channel, encodeValue(args));
  },
});

export const contextBridge = new StandInContextBridge(window as unknown as Record<string, unknown>);

const relays = new Map<number, MessagePort>();

// A binding call is a round trip through the DevTools protocol: what the page sends up its ports is batched, at
// most 50 ms late (the stream's window is 1.5 s), so the relay's cost does not swamp the app's in the bench.
let upBatch: Array<{ id: number; data: string }> = [];
function sendUp(id: number, data: unknown): void {
  if (upBatch.length === 0) {
    setTimeout(() => {
      const batch = upBatch;
      upBatch = [];
      void page.__standInPortUp(JSON.stringify(batch));
    }, 50);
  }
  upBatch.push({ id, data: encodeValue(data) });
}

function openRelay(id: number): MessagePort {
  const channel = new MessageChannel();
  relays.set(id, channel.port1);
  channel.port1.onmessage = (e) => sendUp(id, e.data);
  return channel.port2;
}

async function readPushStream(): Promise<void> {
  const response = await fetch('/__stand-in/push', { cache: 'no-store' });
  const reader = response.body!.getReader();
  const push = new PushReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    push.push(value, (header, body) => {
      if (header.t === 'ipc') {
        const ports = ((header.ports as number[] | undefined) ?? []).map(openRelay);
        ipcRenderer.deliver(header.channel as string, decodeValue(header.args as string) as unknown[], ports);
      } else if (header.t === 'port') {
        const relay = relays.get(header.id as number);
        if (!relay) return;
        const message = header.field ? { ...(header.message as object), [header.field as string]: body.buffer } : decodeValue(JSON.stringify(header.message));
        relay.postMessage(message, header.field ? [body.buffer] : []);
      }
    });
  }
}

void readPushStream();
