// One server under one load: fork the load generator (two processes for a large N), let the listeners arrive and
// play, count the server's CPU over the steady part and its memory throughout, and probe seeks meanwhile.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetRun } from './compare-figures.js';
import type { GeneratorJob, GeneratorReport, GeneratorTarget } from './load-generator.js';
import { cpuSeconds, processTree, treeMemory } from './proc-stats.js';
import { summarizeListeners } from './stream-stats.js';

/** Listeners arrive over this span, as people do, rather than all in one instant. */
export const RAMP_MS = 2000;
/** Above this many listeners the load is split over two generator processes, so one event loop is not the limit. */
export const ONE_GENERATOR_MAX = 300;
/** CPU is counted from this long after the last arrival: LOGIN, SETUP and the first fill are not steady state. */
const SETTLE_MS = 1000;
const SAMPLE_MS = 500;
const GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

export interface RunPlan {
  label: string;
  listeners: number;
  seconds: number;
  /** The server's pid: it and every process under it are measured. */
  pid: number;
  target: GeneratorTarget;
  /** Listeners arrive over this span (default RAMP_MS). */
  rampMs?: number;
  /** PLAY → first DATA (or Range → first byte) times of one more listener seeking under the load. */
  probe(): Promise<number[]>;
}

function startGenerator(): Promise<ChildProcess> {
  const child = fork(GENERATOR, ['--load-generator'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  // Ready once it listens for its job: a message sent while it still loads could be lost.
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code} before it was ready`)));
  });
}

function report(child: ChildProcess): Promise<GeneratorReport> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as GeneratorReport));
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code} before its report`)));
  });
}

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await sleep(ms);
}

export async function measureRun(plan: RunPlan): Promise<TargetRun> {
  const idleRssKiB = treeMemory(processTree(plan.pid)).rssKiB;
  const count = plan.listeners > ONE_GENERATOR_MAX ? 2 : 1;
  const generators = await Promise.all(Array.from({ length: count }, startGenerator));
  try {
    const rampMs = plan.rampMs ?? RAMP_MS;
    const startAt = Date.now() + 200;
    const stopAt = startAt + rampMs + plan.seconds * 1000;
    const reports = generators.map(report);
    for (const r of reports) r.catch(() => {}); // awaited below; a generator that dies early must not crash the bench first
    generators.forEach((child, k) => {
      const indexes = Array.from({ length: plan.listeners }, (_, i) => i).filter((i) => i % count === k);
      const job: GeneratorJob = { target: plan.target, indexes, total: plan.listeners, startAt, rampMs, stopAt };
      child.send(job);
    });
    let loadedRssKiB = idleRssKiB;
    const sampler = setInterval(() => (loadedRssKiB = Math.max(loadedRssKiB, treeMemory(processTree(plan.pid)).rssKiB)), SAMPLE_MS);
    await sleepUntil(startAt + rampMs + SETTLE_MS);
    const generatorPids = generators.map((g) => g.pid!);
    const t0 = performance.now();
    const server0 = cpuSeconds(processTree(plan.pid));
    const gen0 = generatorPids.map((pid) => cpuSeconds([pid]));
    const probe = plan.probe().catch((err: Error) => {
      console.log(`  ${plan.label}: the seek probe failed: ${err.message}`);
      return [];
    });
    await sleepUntil(stopAt - 200);
    const windowSeconds = (performance.now() - t0) / 1000;
    const serverCpuSeconds = cpuSeconds(processTree(plan.pid)) - server0;
    const generatorCores = generatorPids.map((pid, k) => (cpuSeconds([pid]) - gen0[k]!) / windowSeconds);
    clearInterval(sampler);
    const peakRssKiB = treeMemory(processTree(plan.pid)).peakKiB;
    const seekMs = await Promise.race([probe, sleep(5000).then(() => [] as number[])]);
    const results = (await Promise.all(reports)).flatMap((r) => r.results);
    const s = summarizeListeners(results);
    const arrivalMs = results.flatMap((r) => (r.firstDataMs === null ? [] : [r.firstDataMs]));
    return {
      listeners: plan.listeners,
      label: plan.label,
      started: plan.listeners - s.neverStarted,
      neverStarted: s.neverStarted,
      withUnderrun: plan.listeners - s.neverStarted - s.withoutUnderrun,
      underrunTicks: s.underrunTicks,
      firstError: s.firstError,
      windowSeconds,
      serverCpuSeconds,
      idleRssKiB,
      loadedRssKiB,
      peakRssKiB,
      arrivalMs,
      seekMs,
      generatorCores,
    };
  } finally {
    for (const g of generators) if (g.exitCode === null) g.kill('SIGKILL');
  }
}

/** A run that was not made, with the reason the table prints. */
export function skippedRun(label: string, listeners: number, why: string): TargetRun {
  return {
    listeners, label, skipped: why, started: 0, neverStarted: 0, withUnderrun: 0, underrunTicks: 0, firstError: null,
    windowSeconds: 0, serverCpuSeconds: 0, idleRssKiB: 0, loadedRssKiB: 0, peakRssKiB: 0, arrivalMs: [], seekMs: [], generatorCores: [],
  };
}
