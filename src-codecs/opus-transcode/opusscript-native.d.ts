// The emscripten build inside opusscript (libopus 1.4 as WebAssembly), used without the package's wrapper.
declare module 'opusscript/build/opusscript_native_wasm.js' {
  export interface OpusScriptHandler {
    _encode(inputByteOffset: number, inputLength: number, outputPointer: number, frameSize: number): number;
    _encoder_ctl(ctl: number, arg: number): number;
  }
  export interface OpusNativeModule {
    OpusScriptHandler: {
      new (sampleRate: number, channels: number, application: number): OpusScriptHandler;
      destroy_handler(handler: OpusScriptHandler): void;
    };
    HEAPU8: Uint8Array;
    HEAPU16: Uint16Array;
    HEAP32: Int32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  }
  const createModule: (module?: object) => OpusNativeModule;
  export default createModule;
}
