// N real-time listeners against a real atp-server: PLAY→first DATA latency, underruns, server CPU and RSS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpClient } from '../src-main/atp-client/client.js';
import { startServer } from '../tests/helpers/server-process.js';
import { writeWav } from '../tests/helpers/wav-file.js';
import { formatMs, percentile, summarizeListeners, type ListenerResult } from './stream-stats.js';

export interface StreamsBenchOptions {
  clients: number;
  seconds: number;
}

const RATE = 44100;
const BYTES_PER_SECOND = RATE * 4;
const BUFFER_SECONDS = 2;
const TICK_MS = 50;
const RAMP_MS = 2000;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A listener that plays at CD rate: it consumes PCM on a clock and returns credit for what it played. */
async function listen(port: number, trackId: string, stopAt: number): Promise<ListenerResult> {
  try {
    return await play(port, trackId, stopAt);
  } catch (err) {
    // Counted, not thrown: one listener the server turned away must not hide what the others measured.
    return { firstDataMs: null, started: false, underruns: 0, error: (err as Error).message };
  }
}

async function play(port: number, trackId: string, stopAt: number): Promise<ListenerResult> {
  const client = await AtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 30000 });
  await client.login({ user: 'bench' });
  const stream = await client.setup(trackId, { window: BYTES_PER_SECOND * BUFFER_SECONDS });
  let buffered = 0;
  let firstDataMs: number | null = null;
  let underruns = 0;
  let started = false;
  const t0 = performance.now();
  stream.on('data', (c) => {
    if (firstDataMs === null) firstDataMs = performance.now() - t0;
    buffered += c.pcm.length;
  });
  await stream.play({ positionMs: 0 });
  const perTick = (BYTES_PER_SECOND * TICK_MS) / 1000;
  await new Promise<void>((resolve) => {
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.round(((now - last) / 1000) * BYTES_PER_SECOND / 4) * 4;
      last = now;
      if (!started && buffered >= perTick * 4) started = true; // playback starts after ~200 ms of audio
      if (started) {
        const played = Math.min(due, buffered);
        if (played < due) underruns++;
        buffered -= played;
        stream.credit(played);
      }
      if (Date.now() >= stopAt) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  client.close();
  return { firstDataMs, started, underruns };
}

/** One more client seeking at random while the others play: the latency a person feels on a busy server. */
async function probeSeeks(port: number, trackId: string, count: number): Promise<number[]> {
  const client = await AtpClient.connect({ host: '127.0.0.1', port });
  await client.login({ user: 'probe' });
  const stream = await client.setup(trackId, { window: 64 * 1024 });
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const positionMs = Math.floor(((i * 7919) % 1000) * 5);
    const t0 = performance.now();
    const first = new Promise<void>((r) => stream.once('data', () => r()));
    await stream.play({ positionMs, window: 64 * 1024 });
    await first;
    times.push(performance.now() - t0);
    await stream.pause();
  }
  client.close();
  return times;
}

export async function benchStreams(opts: StreamsBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'atp-bench-'));
  const trackSeconds = opts.seconds + 5;
  for (let i = 0; i < 4; i++) {
    writeWav(join(dir, `bench-${i}.wav`), { sampleRate: RATE, channels: 2, bits: 16, frames: RATE * trackSeconds }, (f, c) =>
      0.3 * Math.sin((2 * Math.PI * (200 + 50 * i + c) * f) / RATE),
    );
  }
  const server = await startServer({ library: dir, args: ['--max-connections', String(opts.clients + 16), '--log-level', 'warn'] });
  try {
    const probe = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    const ids = (await probe.login({ user: 'probe' })).library.tracks.map((t) => t.id);
    probe.close();
    const pid = server.proc.pid!;
    const cpu0 = cpuSeconds(pid);
    const wall0 = performance.now();
    const stopAt = Date.now() + opts.seconds * 1000;
    const results = [];
    // Listeners arrive over RAMP_MS, as people do; a thousand at the same instant would measure the accept queue
    // and this load generator's own event loop rather than the server.
    const all: Promise<ListenerResult>[] = [];
    const ramp0 = performance.now();
    for (let i = 0; i < opts.clients; i++) {
      all.push(listen(server.port, ids[i % ids.length]!, stopAt));
      const due = ((i + 1) * RAMP_MS) / opts.clients - (performance.now() - ramp0);
      if (due > 1) await new Promise((r) => setTimeout(r, due));
    }
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 250);
    await new Promise((r) => setTimeout(r, Math.min(3000, (opts.seconds * 1000) / 3)));
    const seeks = await probeSeeks(server.port, ids[0]!, 100);
    results.push(...(await Promise.all(all)));
    clearInterval(sampler);
    const wall = (performance.now() - wall0) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const summary = summarizeListeners(results);
    console.log(`streams: ${opts.clients} real-time CD-quality listeners for ${opts.seconds} s`);
    console.log(`  PLAY→first DATA, listeners arriving over ${RAMP_MS / 1000} s   p50 ${formatMs(summary.firstDataP50)}   p99 ${formatMs(summary.firstDataP99)}`);
    console.log(`  PLAY→first DATA, one more listener seeking under that load   p50 ${formatMs(percentile(seeks, 50))}   p99 ${formatMs(percentile(seeks, 99))}`);
    console.log(`  sustained without underrun  ${summary.withoutUnderrun} of ${opts.clients} (underrun ticks in all: ${summary.underrunTicks})`);
    if (summary.neverStarted > 0) {
      const why = summary.firstError ? ` (first error: ${summary.firstError})` : '';
      console.log(`  NEVER STARTED  ${summary.neverStarted} of ${opts.clients} listeners: no or too little DATA before the end${why}`);
    }
    console.log(`  server CPU  ${((cpu / wall) * 100).toFixed(1)}% of one core   peak RSS ${peakRss.toFixed(1)} MiB`);
    console.log(`  throughput  ${((opts.clients * BYTES_PER_SECOND) / 1e6).toFixed(1)} MB/s of PCM asked for`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
