// The AudioWorkletGlobalScope, which TypeScript's DOM library does not describe. Read through this object
// rather than declared as globals, so the rest of the renderer cannot mistake them for window properties.
export interface WorkletProcessor {
  readonly port: MessagePort;
}
interface WorkletScope {
  AudioWorkletProcessor: new () => WorkletProcessor;
  registerProcessor(name: string, ctor: new () => WorkletProcessor): void;
  sampleRate: number;
}
export const worklet = globalThis as unknown as WorkletScope;
