// atp-server beside nginx in the same run: the same WAV file, the same real-time listeners, for each N; then a
// mixed library (MP3, FLAC, Vorbis, Opus) in each encoding. Prints the table; never fails on speed.
// Run alone: node --import tsx bench/streams.ts [250,500 [seconds]]
import { pathToFileURL } from 'node:url';
import type { TrackInfo } from '../src-shared/protocol/index.js';
import { startServer } from '../tests/helpers/server-process.js';
import { AtpWire } from './atp-wire.js';
import { makeBenchLibraries, WAV_DATA_OFFSET, WAV_NAME } from './bench-library.js';
import { formatTable, TABLE_HEADINGS, tableRow, type TargetRun } from './compare-figures.js';
import { measureRun, ONE_GENERATOR_MAX, RAMP_MS, skippedRun } from './compare-streams.js';
import { CD_BYTES_PER_SECOND } from './load-generator.js';
import { findNginx, startNginx } from './nginx.js';
import { probeAtpSeeks, probeHttpSeeks } from './seek-probe.js';

export interface StreamsBenchOptions {
  /** The loads to measure, in listeners. */
  listeners: number[];
  /** Seconds each load plays after the last listener arrived. */
  seconds: number;
  /** `pcm`, and `original` once the protocol has it. */
  encodings: string[];
  /** Listeners on the mixed library; 0 skips it. */
  mixedListeners: number;
  /** atp-server's --workers; absent: the server's default (one per core). */
  workers?: string;
}

const SEEKS = 100;

/** Asks the server for the encoding; the reason it cannot be measured, or null when it can. */
async function encodingRefused(wire: AtpWire, track: string, encoding: string): Promise<string | null> {
  if (encoding === 'pcm') return null;
  try {
    const { reply } = await wire.setup({ track, window: 65536, encoding });
    if (reply.encoding === encoding) return null;
    return `the server answered SETUP {"encoding":"${encoding}"} with a PCM stream: this server does not send ${encoding} yet`;
  } catch (err) {
    return `the server refused SETUP {"encoding":"${encoding}"}: ${(err as Error).message}`;
  }
}

async function atpRun(library: string, label: string, encoding: string, listeners: number, seconds: number, sizes: Map<string, number>, workers?: string): Promise<TargetRun> {
  let server;
  try {
    const workerArgs = workers === undefined ? [] : ['--workers', workers];
    server = await startServer({ library, args: ['--max-connections', String(listeners + 64), '--log-level', 'warn', ...workerArgs] });
  } catch (err) {
    return skippedRun(label, listeners, `atp-server did not start: ${(err as Error).message.slice(0, 200)}`);
  }
  const proc = server.proc;
  const kill = () => proc.kill('SIGKILL');
  process.once('exit', kill);
  try {
    const port = server.port;
    const wire = await AtpWire.connect(port, {});
    const login = await wire.login('bench');
    const tracks = (login.library as { tracks: TrackInfo[] }).tracks.filter((t) => t.playable && t.durationMs);
    if (tracks.length === 0) return skippedRun(label, listeners, 'the server lists no playable track');
    const refused = await encodingRefused(wire, tracks[0]!.id, encoding);
    wire.close();
    if (refused) return skippedRun(label, listeners, refused);
    // An `original` listener plays the file's own bytes at the file's average rate.
    const rates = tracks.map((t) => ({ id: t.id, bytesPerSecond: (sizes.get(t.path) ?? NaN) / (t.durationMs! / 1000) }));
    const unknown = rates.find((r) => !(r.bytesPerSecond > 0));
    if (unknown) return skippedRun(label, listeners, `no file size for track ${unknown.id}: its listeners would not know their rate`);
    return await measureRun({
      label,
      listeners,
      seconds,
      pid: proc.pid!,
      target: { kind: 'atp', port, encoding, tracks: rates },
      probe: () => probeAtpSeeks(port, tracks[0]!.id, encoding, SEEKS),
    });
  } catch (err) {
    return skippedRun(label, listeners, `failed: ${(err as Error).message}`);
  } finally {
    await server.stop();
    process.off('exit', kill);
  }
}

async function nginxRun(binary: string | null, root: string, listeners: number, seconds: number): Promise<TargetRun> {
  if (!binary) return skippedRun('nginx', listeners, 'nginx is not installed (apt-get install nginx)');
  let nginx;
  try {
    nginx = await startNginx(binary, root, listeners + 256);
  } catch (err) {
    return skippedRun('nginx', listeners, (err as Error).message);
  }
  try {
    const { port } = nginx;
    const path = `/${WAV_NAME}`;
    return await measureRun({
      label: 'nginx',
      listeners,
      seconds,
      pid: nginx.pid,
      target: { kind: 'http', port, path },
      probe: () => probeHttpSeeks(port, path, WAV_DATA_OFFSET, CD_BYTES_PER_SECOND, SEEKS),
    });
  } catch (err) {
    return skippedRun('nginx', listeners, `failed: ${(err as Error).message}`);
  } finally {
    await nginx.stop();
  }
}

function printRows(runs: readonly TargetRun[], all: readonly TargetRun[]): void {
  const nginxAt = (n: number) => all.find((r) => r.label === 'nginx' && r.listeners === n);
  console.log(formatTable([TABLE_HEADINGS, ...runs.map((r) => tableRow(r, nginxAt(r.listeners)))]));
  for (const r of runs) if (r.neverStarted > 0 && r.firstError) console.log(`  ${r.label} at ${r.listeners}: first listener error: ${r.firstError}`);
}

export async function benchStreams(opts: StreamsBenchOptions): Promise<void> {
  // Ctrl-C runs the exit handlers that stop every server and generator this started.
  const interrupted = () => process.exit(130);
  process.once('SIGINT', interrupted);
  const fileSeconds = opts.seconds + RAMP_MS / 1000 + 30;
  const libs = makeBenchLibraries(fileSeconds);
  const nginxBin = findNginx();
  const workersNote = opts.workers === undefined ? '' : `, --workers ${opts.workers}`;
  const runs: TargetRun[] = [];
  console.log(`streams: listeners play at real-time rate (CD: ${CD_BYTES_PER_SECOND} bytes/s), arriving over ${RAMP_MS / 1000} s, then ${opts.seconds} s measured;`);
  console.log(`  the load generator runs in 2 processes above ${ONE_GENERATOR_MAX} listeners; server CPU and RSS include every process it forked`);
  try {
    for (const n of opts.listeners) {
      const these = [await nginxRun(nginxBin, libs.wavDir, n, opts.seconds)];
      for (const encoding of opts.encodings) these.push(await atpRun(libs.wavDir, `atp ${encoding}${workersNote}`, encoding, n, opts.seconds, libs.sizes, opts.workers));
      runs.push(...these);
      printRows(these, runs);
    }
    if (opts.mixedListeners > 0) {
      const n = opts.mixedListeners;
      const these = opts.encodings.map((e) => (libs.mixedDir ? null : skippedRun(`atp ${e}, mixed`, n, libs.mixedSkipped ?? '')));
      for (const [i, encoding] of opts.encodings.entries()) {
        these[i] ??= await atpRun(libs.mixedDir!, `atp ${encoding}, mixed${workersNote}`, encoding, n, opts.seconds, libs.sizes, opts.workers);
      }
      runs.push(...(these as TargetRun[]));
      console.log('mixed library: one file each of MP3, FLAC, Vorbis and Opus; the ratio is to nginx serving the WAV to as many listeners');
      printRows(these as TargetRun[], runs);
    }
    console.log(`\nall runs:`);
    printRows(runs, runs);
    console.log('CPU-s/listener-min: server CPU seconds (user + system, all its processes) per minute of one listener playing.');
    console.log('RSS/listener: (RSS under load − RSS idle) ÷ listeners. underran: listeners whose buffer ran dry at least once (ticks of 100 ms).');
    console.log('seek: PLAY → first DATA (nginx: Range request → first byte) for one more listener under the load. generator CPU: each process, % of one core.');
  } finally {
    libs.remove();
    process.off('SIGINT', interrupted);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const listeners = (process.argv[2] ?? '250').split(',').map(Number);
  await benchStreams({ listeners, seconds: Number(process.argv[3] ?? 60), encodings: ['pcm', 'original'], mixedListeners: listeners[0]! });
  process.exit(0);
}
