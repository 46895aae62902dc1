// The tests' decoding thread. A worker thread does not inherit the test process's `--import tsx`, so this plain
// module loads the TypeScript it runs through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('../../src-server/decode/decode-thread.ts', import.meta.url);
