/**
 * V8 doubles the young generation up to 32 MiB while a burst allocates (a thousand listeners arriving: their LOGIN,
 * SETUP and IPC, or a scan) and keeps it, some 30 MiB per process that the streams bench counted against each
 * listener. Every process of the server stays at its first size instead. Flags are read at start, but this one is
 * read whenever the space would grow, so it takes effect at run time; the earlier the better, so the server's entry
 * imports this module before any other. A size given to node wins.
 */
import v8 from 'node:v8';

export function keepYoungGenerationSmall(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((a) => /^--(max-semi-space-size|semi-space-growth-factor)/.test(a))) return;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

keepYoungGenerationSmall();
