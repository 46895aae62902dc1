// CPU time and memory of a process and everything it forked, read from /proc: a server that forks cluster
// workers, or nginx's master and its worker, is measured as the whole tree.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(stat: string): string[] {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 60)}`);
  return stat.slice(close + 2).trim().split(' ');
}

/** utime + stime, in clock ticks (fields 14 and 15 of stat; threads included). */
export function parseStatCpuTicks(stat: string): number {
  const f = statFields(stat);
  return Number(f[11]) + Number(f[12]);
}

/** The parent's pid (field 4 of stat). */
export function parseStatParent(stat: string): number {
  return Number(statFields(stat)[1]);
}

/** A "Name:   N kB" field of /proc/<pid>/status in KiB, or null when the process has none (a zombie). */
export function parseStatusKiB(status: string, field: 'VmRSS' | 'VmHWM'): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return m ? Number(m[1]) : null;
}

let ticksPerSecond: number | null = null;
function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(out.stdout?.trim());
    ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100; // USER_HZ is 100 on every Linux this runs on
  }
  return ticksPerSecond;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process exited between listing and reading
  }
}

/** The pids whose parent is in the set, given pid → parent pairs, breadth first from root. */
export function descendants(root: number, parents: ReadonlyMap<number, number>): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

/** The pid and all its living descendants. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(`/proc/${name}/stat`);
    if (stat) parents.set(Number(name), parseStatParent(stat));
  }
  return descendants(root, parents);
}

/** CPU seconds (user + system) the processes have used so far. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readOrNull(`/proc/${pid}/stat`);
    if (stat) ticks += parseStatCpuTicks(stat);
  }
  return ticks / clockTicksPerSecond();
}

export interface TreeMemory {
  /** Sum of the resident sets now, KiB. */
  rssKiB: number;
  /** Sum of each process's own peak resident set, KiB. */
  peakKiB: number;
}

export function treeMemory(pids: readonly number[]): TreeMemory {
  let rssKiB = 0;
  let peakKiB = 0;
  for (const pid of pids) {
    const status = readOrNull(`/proc/${pid}/status`);
    if (!status) continue;
    rssKiB += parseStatusKiB(status, 'VmRSS') ?? 0;
    peakKiB += parseStatusKiB(status, 'VmHWM') ?? 0;
  }
  return { rssKiB, peakKiB };
}
