// The arithmetic and the table of the streams comparison, apart from the measuring, so that both can be tested.
import { percentile } from './stream-stats.js';

/** CPU seconds per minute of one listener's playing: cpu ÷ (listeners × minutes measured). */
export function cpuPerListenerMinute(cpuSeconds: number, listeners: number, windowSeconds: number): number | null {
  if (listeners <= 0 || windowSeconds <= 0) return null;
  return cpuSeconds / (listeners * (windowSeconds / 60));
}

/** a ÷ b, or null when either is missing or b is not a positive number. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !(b > 0)) return null;
  return a / b;
}

/** What each listener added to the resident set: (RSS under load − RSS idle) ÷ listeners, in KiB. */
export function marginalRssKiB(loadedKiB: number, idleKiB: number, listeners: number): number | null {
  if (listeners <= 0) return null;
  return (loadedKiB - idleKiB) / listeners;
}

/** One server under one load, as measured. */
export interface TargetRun {
  listeners: number;
  /** "nginx", "atp pcm", "atp original", "atp pcm, mixed". */
  label: string;
  /** Why this server and encoding were not measured. */
  skipped?: string;
  /** Listeners that began playing; the CPU and memory per listener are divided by this. */
  started: number;
  neverStarted: number;
  withUnderrun: number;
  underrunTicks: number;
  firstError: string | null;
  /** Seconds over which CPU was counted: from a second after the last arrival to the end. */
  windowSeconds: number;
  serverCpuSeconds: number;
  idleRssKiB: number;
  /** The largest sum of the tree's VmRSS seen while the listeners played. */
  loadedRssKiB: number;
  /** Sum of the tree's VmHWM at the end. */
  peakRssKiB: number;
  arrivalMs: readonly number[];
  seekMs: readonly number[];
  /** Each load-generator process's CPU over the window, as a fraction of one core. */
  generatorCores: readonly number[];
}

const fixed = (x: number | null, digits: number, unit = ''): string => (x === null ? 'n/a' : `${x.toFixed(digits)}${unit}`);

export function formatRatio(x: number | null): string {
  if (x === null) return 'n/a';
  return `${x < 10 ? x.toFixed(1) : x.toFixed(0)}×`;
}

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const ms = (x: number | null) => (x === null ? 'n/a' : x < 10 ? x.toFixed(2) : x.toFixed(0));

export const TABLE_HEADINGS = [
  'listeners',
  'server',
  'CPU-s/listener-min',
  '÷ nginx',
  'peak RSS',
  'RSS/listener',
  'never started',
  'underran (ticks)',
  'seek p50/p99 ms',
  'arrival p50/p99 ms',
  'generator CPU',
];

/** One line of the table; `nginx` is the same load's nginx run, the reference of the ratio. */
export function tableRow(run: TargetRun, nginx: TargetRun | undefined): string[] {
  const n = run.listeners.toLocaleString('en-US');
  if (run.skipped) return [n, run.label, `skipped: ${run.skipped}`];
  const cpu = cpuPerListenerMinute(run.serverCpuSeconds, run.started, run.windowSeconds);
  const ref = nginx && !nginx.skipped ? cpuPerListenerMinute(nginx.serverCpuSeconds, nginx.started, nginx.windowSeconds) : null;
  return [
    n,
    run.label,
    fixed(cpu, 4),
    run === nginx ? '1' : formatRatio(ratio(cpu, ref)),
    mib(run.peakRssKiB),
    fixed(marginalRssKiB(run.loadedRssKiB, run.idleRssKiB, run.started), 1, ' KiB'),
    String(run.neverStarted),
    `${run.withUnderrun} (${run.underrunTicks})`,
    `${ms(percentile(run.seekMs, 50))} / ${ms(percentile(run.seekMs, 99))}`,
    `${ms(percentile(run.arrivalMs, 50))} / ${ms(percentile(run.arrivalMs, 99))}`,
    run.generatorCores.map((c) => `${(c * 100).toFixed(0)}%`).join(' + '),
  ];
}

/** Columns padded to their widest cell; a short row (a skipped run) runs on in its last cell. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    if (row.length < rows[0]!.length) continue;
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
