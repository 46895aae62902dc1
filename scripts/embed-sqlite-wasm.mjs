// An esbuild plugin that puts node-sqlite3-wasm's WebAssembly binary inside the bundle that imports it, so that
// dist/server/atp-server.mjs stays one file (the desktop app's resource, the npm and .deb packages) and finds its
// SQLite without a file beside it. The library looks for the binary beside its own script (`__dirname`, which an
// ES module bundle does not have); it is handed the bytes instead, through emscripten's Module.wasmBinary.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MODULE_LINE = 'var Module=typeof Module!="undefined"?Module:{};';
const SCRIPT_DIR = 'scriptDirectory=__dirname+"/"';

export const embedSqliteWasm = {
  name: 'embed-sqlite-wasm',
  setup(build) {
    build.onLoad({ filter: /node-sqlite3-wasm[\\/]dist[\\/]node-sqlite3-wasm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      // A new release that words these lines differently must fail the build, not a server at its first start.
      for (const needle of [MODULE_LINE, SCRIPT_DIR]) {
        if (source.split(needle).length !== 2) throw new Error(`embed-sqlite-wasm: "${needle}" is not in ${args.path} exactly once`);
      }
      const wasm = readFileSync(join(dirname(args.path), 'node-sqlite3-wasm.wasm')).toString('base64');
      const contents = source
        .replace(MODULE_LINE, `var Module={wasmBinary:Buffer.from(${JSON.stringify(wasm)},"base64")};`)
        .replace(SCRIPT_DIR, 'scriptDirectory=""');
      return { contents, loader: 'js' };
    });
  },
};
