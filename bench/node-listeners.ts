// Listeners per node of the deployment in docs/SCALING.md: one atp-server on PostgreSQL, every listener logged in to
// an account of its own, so each stream writes its plays and listening to the database every 5 s as a user's
// would; beside the same server with listeners that have no account (nothing written), in the same run. Prints the
// table of the streams bench, what the database recorded, and PostgreSQL's own CPU. Never fails on speed.
//
//   node --import tsx bench/node-listeners.ts --database postgres://USER@HOST:PORT/postgres [--pg-data DIR]
//        [--listeners 250,500,1000] [--seconds 20]
//
// --database names a PostgreSQL the bench may create databases in (one per run, dropped after); --pg-data is that
// cluster's data folder, to count its CPU from postmaster.pid (optional). Build the server first.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { TrackInfo } from '../src-shared/protocol/index.js';
import { SERVER_BIN, startServer } from '../tests/helpers/server-process.js';
import { AtpWire } from './atp-wire.js';
import { makeBenchLibraries } from './bench-library.js';
import { formatTable, TABLE_HEADINGS, tableRow, type TargetRun } from './compare-figures.js';
import { measureRun, ONE_GENERATOR_MAX, RAMP_MS } from './compare-streams.js';
import type { GeneratorJob, GeneratorReport, GeneratorTarget } from './load-generator.js';
import { cpuSeconds, processTree, treeMemory } from './proc-stats.js';
import { probeAtpSeeks } from './seek-probe.js';
import { summarizeListeners } from './stream-stats.js';

const GENERATOR = fileURLToPath(new URL('./account-load-generator.ts', import.meta.url));
const SETTLE_MS = 1000;

function fork1(): Promise<ChildProcess> {
  const child = fork(GENERATOR, ['--account-load-generator'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code} before it was ready`)));
  });
}

/** compare-streams.ts's measureRun, with the generator that logs each listener in to its own account. */
async function measureWithAccounts(label: string, listeners: number, seconds: number, pid: number, target: GeneratorTarget, pgPid: number | null): Promise<{ run: TargetRun; pgCpuSeconds: number | null }> {
  const idleRssKiB = treeMemory(processTree(pid)).rssKiB;
  const count = listeners > ONE_GENERATOR_MAX ? 2 : 1;
  const generators = await Promise.all(Array.from({ length: count }, fork1));
  try {
    const startAt = Date.now() + 200;
    const stopAt = startAt + RAMP_MS + seconds * 1000;
    const reports = generators.map((g) => new Promise<GeneratorReport>((resolve) => g.once('message', (m) => resolve(m as GeneratorReport))));
    generators.forEach((g, k) => {
      const job: GeneratorJob = { target, indexes: Array.from({ length: listeners }, (_, i) => i).filter((i) => i % count === k), total: listeners, startAt, rampMs: RAMP_MS, stopAt };
      g.send(job);
    });
    let loadedRssKiB = idleRssKiB;
    const sampler = setInterval(() => (loadedRssKiB = Math.max(loadedRssKiB, treeMemory(processTree(pid)).rssKiB)), 500);
    await sleep(startAt + RAMP_MS + SETTLE_MS - Date.now());
    const t0 = performance.now();
    const server0 = cpuSeconds(processTree(pid));
    const pg0 = pgPid === null ? 0 : cpuSeconds(processTree(pgPid));
    const gen0 = generators.map((g) => cpuSeconds([g.pid!]));
    const probe = target.kind === 'atp' ? probeAtpSeeks(target.port, target.tracks[0]!.id, 'pcm', 100).catch(() => []) : Promise.resolve([]);
    await sleep(stopAt - 200 - Date.now());
    const windowSeconds = (performance.now() - t0) / 1000;
    const serverCpuSeconds = cpuSeconds(processTree(pid)) - server0;
    const pgCpuSeconds = pgPid === null ? null : cpuSeconds(processTree(pgPid)) - pg0;
    const generatorCores = generators.map((g, k) => (cpuSeconds([g.pid!]) - gen0[k]!) / windowSeconds);
    clearInterval(sampler);
    const peakRssKiB = treeMemory(processTree(pid)).peakKiB;
    const seekMs = await Promise.race([probe, sleep(5000).then(() => [] as number[])]);
    const results = (await Promise.all(reports)).flatMap((r) => r.results);
    const s = summarizeListeners(results);
    const run: TargetRun = {
      listeners, label, started: listeners - s.neverStarted, neverStarted: s.neverStarted, withUnderrun: listeners - s.neverStarted - s.withoutUnderrun,
      underrunTicks: s.underrunTicks, firstError: s.firstError, windowSeconds, serverCpuSeconds, idleRssKiB, loadedRssKiB, peakRssKiB,
      arrivalMs: results.flatMap((r) => (r.firstDataMs === null ? [] : [r.firstDataMs])), seekMs, generatorCores,
    };
    return { run, pgCpuSeconds };
  } finally {
    for (const g of generators) if (g.exitCode === null) g.kill('SIGKILL');
  }
}

/** A fresh database with the schema and accounts bench-0 … bench-(n−1) (the password is never used: --no-auth). */
async function makeDatabase(adminUrl: string, n: number, stateDir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `atp_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  // The server's own command makes the schema and one account; the others copy its row (one scrypt, not n).
  const r = spawnSync(process.execPath, [SERVER_BIN, 'user', 'add', 'bench-seed', '--password-stdin', '--state-dir', stateDir, '--database', url], { input: 'bench password\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const cols = (await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' AND column_name NOT IN ('id', 'name', 'role')")).rows.map((c) => c.column_name);
  await db.query(`INSERT INTO accounts (name, role, ${cols.join(', ')}) SELECT 'bench-' || g, 'listener', ${cols.join(', ')} FROM accounts, generate_series(0, $1 - 1) g WHERE name = 'bench-seed'`, [n]);
  await db.end();
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function recorded(url: string): Promise<string> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const { rows } = await db.query<{ plays: string; accounts: string; ms: string | null }>('SELECT COUNT(*) AS plays, COUNT(DISTINCT account_id) AS accounts, SUM(played_ms) AS ms FROM plays');
  await db.end();
  const r = rows[0]!;
  return `${r.plays} plays of ${r.accounts} accounts, ${(Number(r.ms ?? 0) / 60_000).toFixed(1)} listener-minutes recorded`;
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** Starts a server, hands its listener target and seek probe to `measure`, and stops it. */
async function withServer<T>(start: () => Promise<Server>, measure: (server: Server, target: GeneratorTarget, probe: () => Promise<number[]>) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    const wire = await AtpWire.connect(server.port, {});
    const track = ((await wire.login('probe')).library as { tracks: TrackInfo[] }).tracks[0]!.id;
    wire.close();
    return await measure(server, { kind: 'atp', port: server.port, encoding: 'pcm', tracks: [{ id: track, bytesPerSecond: 176_400 }] }, () => probeAtpSeeks(server.port, track, 'pcm', 100));
  } finally {
    await server.stop();
  }
}

const { values } = parseArgs({
  options: { database: { type: 'string' }, 'pg-data': { type: 'string' }, listeners: { type: 'string', default: '250,500,1000' }, seconds: { type: 'string', default: '20' } },
});
if (!values.database?.startsWith('postgres')) throw new Error('--database postgres://… names the PostgreSQL to make the bench databases in');
const pgPid = values['pg-data'] ? Number(readFileSync(join(values['pg-data'], 'postmaster.pid'), 'utf8').split('\n')[0]) : null;
const seconds = Number(values.seconds);
const libs = makeBenchLibraries(seconds + RAMP_MS / 1000 + 30, { mixed: false });
const runs: TargetRun[] = [];
const notes: string[] = [];
try {
  for (const n of values.listeners.split(',').map(Number)) {
    const stateDir = mkdtempSync(join(tmpdir(), 'atp-bench-node-'));
    const db = await makeDatabase(values.database, n, stateDir);
    try {
      // Each a fresh server on the same database: without accounts first (nothing written), then with them.
      const start = () => startServer({ library: libs.wavDir, stateDir, keepState: true, args: ['--database', db.url, '--max-connections', String(n + 64), '--log-level', 'warn', '--workers', 'auto'] });
      const plain = await withServer(start, (server, target, probe) => measureRun({ label: 'atp pcm, no account', listeners: n, seconds, pid: server.proc.pid!, target, probe }));
      const accounts = await withServer(start, (server, target) => measureWithAccounts('atp pcm, an account each', n, seconds, server.proc.pid!, target, pgPid));
      runs.push(plain, accounts.run);
      const pgNote = accounts.pgCpuSeconds === null ? '' : `; PostgreSQL CPU ${((accounts.pgCpuSeconds / accounts.run.windowSeconds) * 100).toFixed(1)}% of one core`;
      notes.push(`${n}: ${await recorded(db.url)}${pgNote}`);
      console.log(formatTable([TABLE_HEADINGS, tableRow(plain, undefined), tableRow(accounts.run, undefined)]));
      console.log(`  ${notes.at(-1)}`);
      for (const r of [plain, accounts.run]) if (r.neverStarted > 0 && r.firstError) console.log(`  ${r.label}: first listener error: ${r.firstError}`);
    } finally {
      await db.drop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  console.log('\nall runs:');
  console.log(formatTable([TABLE_HEADINGS, ...runs.map((r) => tableRow(r, undefined))]));
  for (const n of notes) console.log(`  ${n}`);
} finally {
  libs.remove();
}
