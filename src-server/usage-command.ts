/**
 * `atp-server usage` and `atp-server user quota`: listening time per user and day, read straight from the database
 * (as the `user` commands do, so they work while the server runs), and the monthly quota that PLAY checks.
 */
import type { UsageDay } from '../src-shared/protocol/index.js';
import { setMonthlyMinutes, usageDays } from './storage/listening.js';
import { openStorage, type StorageOptions } from './storage/open-storage.js';
import { dayOf, monthOf } from './storage/user-accounts.js';

/** A command line that cannot be run: exit code 2 and the usage hint. */
export class UsageError extends Error {}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** undefined: not given; null: `none`, no quota. */
export function parseMonthlyMinutes(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`--monthly-minutes takes a whole number of minutes or "none", not "${value}"`);
  return n;
}

export async function setQuota(options: Omit<StorageOptions, 'lockWaitMs'>, name: string, minutes: number | null | undefined): Promise<number> {
  if (minutes === undefined) throw new UsageError('user quota NAME --monthly-minutes N|none');
  const { db } = await openStorage({ ...options, lockWaitMs: 60_000 });
  try {
    if (!(await setMonthlyMinutes(db, name, minutes))) throw new UsageError(`no user ${name} in ${db.location}`);
  } finally {
    await db.close();
  }
  process.stdout.write(minutes === null ? `${name} has no quota\n` : `${name} may listen ${minutes} minutes a month\n`);
  return 0;
}

export interface UsageOptions {
  from?: string;
  to?: string;
  user?: string;
  csv: boolean;
}

function format(days: UsageDay[], csv: boolean): string {
  if (csv) return ['user,day,seconds', ...days.map((d) => `${d.user},${d.day},${d.seconds.toFixed(3)}`)].join('\n') + '\n';
  const total = new Map<string, number>();
  const lines = days.map((d) => {
    total.set(d.user, (total.get(d.user) ?? 0) + Math.round(d.seconds * 1000));
    return `${d.user}\t${d.day}\t${d.seconds.toFixed(3)}`;
  });
  for (const [user, ms] of total) lines.push(`${user}\ttotal\t${(ms / 1000).toFixed(3)}`);
  return lines.map((l) => l + '\n').join('');
}

/** Prints seconds listened per user and day: tab-separated with a total per user, or CSV. */
export async function printUsage(options: Omit<StorageOptions, 'lockWaitMs'>, o: UsageOptions): Promise<number> {
  for (const [flag, v] of [['--from', o.from], ['--to', o.to]] as const) {
    if (v !== undefined && (!DAY.test(v) || Number.isNaN(Date.parse(v)))) throw new UsageError(`${flag} takes a day, YYYY-MM-DD, not "${v}"`);
  }
  const now = Date.now();
  const from = o.from ?? monthOf(now).first;
  const to = o.to ?? dayOf(now);
  if (from > to) throw new UsageError(`--from ${from} comes after --to ${to}`);
  const { db } = await openStorage({ ...options, lockWaitMs: 60_000 });
  try {
    const days = await db.transaction((tx) => usageDays(tx, o.user ?? null, from, to));
    process.stdout.write(format(days, o.csv));
  } finally {
    await db.close();
  }
  return 0;
}
