/**
 * The heap of every process of the server, kept near what the streams need:
 *
 * - V8 doubles the young generation up to 32 MiB while a burst allocates (a thousand listeners arriving: their
 *   LOGIN, SETUP and IPC, or a scan) and keeps it, some 30 MiB per process that the streams bench counted against
 *   each listener. It stays at its first size instead (`--semi-space-growth-factor=1`).
 * - The old generation is collected once it has grown by a fifth (`--heap-growing-percent=20`) rather than when it
 *   has doubled: what a stream allocates is little and dies young, and at 2,000 listeners one process's peak RSS
 *   was 195 MiB with V8's growth and 148 MiB with this one, for the same CPU (docs/PERFORMANCE.md).
 *
 * Flags are read at start, but these two are read whenever the heap sizes a space, so they take effect at run time;
 * the earlier the better, so the server's entry imports this module before any other. A setting given to node wins.
 */
import v8 from 'node:v8';

export function keepHeapSmall(execArgv: readonly string[] = process.execArgv, set = (flags: string) => v8.setFlagsFromString(flags)): void {
  if (!execArgv.some((a) => /^--(max-semi-space-size|semi-space-growth-factor)/.test(a))) set('--semi-space-growth-factor=1');
  if (!execArgv.some((a) => /^--(heap-growing-percent|(no-)?optimize-for-size)/.test(a))) set('--heap-growing-percent=20');
}

keepHeapSmall();
