// An esbuild plugin that puts opusscript's libopus WebAssembly binary inside the server bundle, so that
// dist/server/atp-server.mjs stays one file. The emscripten glue looks for the binary beside its own script
// (`__dirname`, which an ES module bundle does not have); it is handed the bytes instead (Module.wasmBinary's slot).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SCRIPT_DIR = 'p=ea?ia.dirname(p)+"/":__dirname+"/"';
const BINARY = 'var ka;h.wasmBinary&&(ka=h.wasmBinary);';

export const embedOpusWasm = {
  name: 'embed-opus-wasm',
  setup(build) {
    build.onLoad({ filter: /opusscript[\\/]build[\\/]opusscript_native_wasm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      // A new release that words these lines differently must fail the build, not a server at its first stream.
      for (const needle of [SCRIPT_DIR, BINARY]) {
        if (source.split(needle).length !== 2) throw new Error(`embed-opus-wasm: "${needle}" is not in ${args.path} exactly once`);
      }
      const wasm = readFileSync(join(dirname(args.path), 'opusscript_native_wasm.wasm')).toString('base64');
      const contents = source
        .replace(SCRIPT_DIR, 'p=""')
        .replace(BINARY, `var ka=h.wasmBinary||Buffer.from(${JSON.stringify(wasm)},"base64");`);
      return { contents, loader: 'js' };
    });
  },
};
