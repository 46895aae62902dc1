// A decoding thread that stops the moment it is asked to read, as a thread that runs out of memory or meets a bug
// in a decoder would: it answers opens and seeks like the real one (it is the real one), then exits on a read.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport('../../src-server/decode/decode-thread.ts', import.meta.url);
parentPort.on('message', (req) => {
  if (req.op === 'read') process.exit(3);
});
