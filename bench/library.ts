/**
 * A generated library of N tracks (tiny MP3 copies, each with its own ID3v2 title, artist and album, 100 to a
 * folder): first-scan rate, rescan of the unchanged library and LIST latency (sorted pages, deep pages, searches)
 * in this process; then the real server (dist/server/atp-server.mjs, built by `node scripts/build.mjs server`) on
 * the same library, started twice, first with no index (it scans) then again (it loads the index file and rescans
 * in the background), with its RSS read from /proc when the scan ends and for half a minute after, then after a
 * LIST of every sort and a few searches over the wire, and its peak. The library is made once in the temp directory.
 * Run alone: node --import tsx bench/library.ts (BENCH_TRACKS=10000 for a quicker run).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AtpClient } from '../src-main/atp-client/client.js';
import { SORT_KEYS, type AlbumInfo, type ArtistInfo, type BrowseRequest, type ListRequest } from '../src-shared/protocol/index.js';
import { Catalog } from '../src-server/library/catalog.js';
import { indexPathFor, loadIndex } from '../src-server/library/index-file.js';
import { openLibrary } from '../src-server/library/music-library.js';
import { createLogger } from '../src-server/log.js';

export interface LibraryBenchOptions {
  tracks?: number;
  print?: (line: string) => void;
}

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(REPO, 'tests', 'fixtures', 'audio', 'mp3-mono-22k.mp3');
const SERVER_BIN = join(REPO, 'dist', 'server', 'atp-server.mjs');
const SORTS = ['path', 'title', 'artist', 'album', 'duration', 'added'] as const;
const SEARCHES = ['deja song 4242', 'fjord', 'amber artist 7'];
/**
 * RSS is read at the scan's end and every SETTLE_STEP_MS for SETTLE_MS: V8 keeps the heap that a scan's garbage
 * made it grow until its memory reducer runs, some seconds after the allocations stop.
 */
const SETTLE_MS = 30_000;
const SETTLE_STEP_MS = 10_000;
const WORDS = ['Amber', 'Blue', 'Crimson', 'Déjà', 'Echo', 'Fjörd', 'Glass', 'Harbor', 'Iris', 'Jade', 'Kite', 'Lumen'];

function id3Frame(id: string, text: string): Buffer {
  const body = Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')]); // encoding 3: UTF-8 (ID3v2.4)
  const head = Buffer.alloc(10);
  head.write(id, 0, 'latin1');
  const n = body.length;
  head.writeUInt32BE(((n & 0xfe00000) << 3) | ((n & 0x1fc000) << 2) | ((n & 0x3f80) << 1) | (n & 0x7f), 4);
  return Buffer.concat([head, body]);
}

function id3(tags: Record<string, string>): Buffer {
  const frames = Buffer.concat(Object.entries(tags).map(([id, text]) => id3Frame(id, text)));
  const head = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
  const n = frames.length;
  head.set([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f], 6);
  return Buffer.concat([head, frames]);
}

export function makeLibrary(tracks: number): string {
  const root = join(tmpdir(), 'atp-bench', `library-${tracks}`);
  if (existsSync(join(root, '.complete'))) return root;
  rmSync(root, { recursive: true, force: true });
  // A few frames of a real MP3 are enough audio; the tags are what differ.
  const audio = readFileSync(FIXTURE).subarray(0, 2048);
  for (let i = 0; i < tracks; i++) {
    const dir = join(root, `Artist ${Math.floor(i / 1000)}`, `Album ${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    const w = WORDS[i % WORDS.length]!;
    const tags = { TIT2: `${w} Song ${i}`, TPE1: `${WORDS[(i >> 3) % WORDS.length]} Artist ${Math.floor(i / 1000)}`, TALB: `Album ${Math.floor(i / 100)}`, TRCK: String((i % 100) + 1) };
    writeFileSync(join(dir, `${String(i % 100).padStart(2, '0')} track.mp3`), Buffer.concat([id3(tags), audio]));
  }
  writeFileSync(join(root, '.complete'), '');
  return root;
}

function timeList(lib: { list(r: ListRequest): unknown }, req: ListRequest, runs = 5): { first: number; median: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    lib.list(req);
    times.push(performance.now() - t0);
  }
  const first = times[0]!;
  times.sort((a, b) => a - b);
  return { first, median: times[Math.floor(runs / 2)]! };
}

/** BROWSE latency: pages of artists and albums, an album's and an artist's tracks, a search; groups made in the background. */
async function benchBrowse(lib: Awaited<ReturnType<typeof openLibrary>>, print: (line: string) => void): Promise<void> {
  const albums = lib.browse({ kind: 'albums', limit: 500 });
  const artists = lib.browse({ kind: 'artists', limit: 500 });
  print(`BROWSE: ${albums.total} albums, ${artists.total} artists`);
  const album = albums.items[Math.floor(albums.items.length / 2)] as AlbumInfo;
  const artist = artists.items[Math.floor(artists.items.length / 2)] as ArtistInfo;
  const cases: [string, BrowseRequest][] = [
    ['albums page 1 by title', { kind: 'albums', limit: 100 }],
    ['albums deep page by year', { kind: 'albums', sort: 'year', offset: Math.floor(albums.total / 2), limit: 100 }],
    ['albums recently added', { kind: 'albums', sort: 'added', order: 'desc', limit: 100 }],
    ['artists page 1', { kind: 'artists', limit: 100 }],
    ["an album's tracks", { kind: 'tracks', album: album.id, limit: 500 }],
    ["an artist's albums", { kind: 'albums', artist: artist.id, limit: 100 }],
    ["an artist's tracks by title", { kind: 'tracks', artist: artist.id, sort: 'title', limit: 100 }],
    ['search albums "album 42"', { kind: 'albums', query: 'album 42', limit: 100 }],
    ['search artists "fjord"', { kind: 'artists', query: 'fjord', limit: 100 }],
  ];
  for (const [name, req] of cases) {
    const t = timeList({ list: () => lib.browse(req) }, {});
    print(`BROWSE ${name.padEnd(26)} first ${t.first.toFixed(1).padStart(6)} ms, then ${t.median.toFixed(2).padStart(6)} ms`);
  }
}

function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Starts the real server on the library, waits for its 'library-scanned' log line (on a first start the scan ends
 * before it listens; on a restart the rescan runs after it), then reads its RSS, and again after LISTs over the wire.
 */
async function serverRun(label: string, root: string, stateDir: string, print: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [SERVER_BIN, '--library', root, '--port', '0', '--no-auth', '--state-dir', stateDir, '--rescan-interval', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // Should the bench itself die (an error, a closed pipe), the server must not outlive it.
  const stop = () => proc.kill('SIGTERM');
  process.once('exit', stop);
  try {
    const scanned = new Promise<number>((resolve, reject) => {
      createInterface({ input: proc.stderr }).on('line', (line) => {
        if (line.includes('"library-scanned"')) resolve(performance.now());
        if (line.includes('"level":"error"')) reject(new Error(`server: ${line}`));
      });
      void exited.then(() => reject(new Error('server exited')));
    });
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: proc.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
      void exited.then(() => reject(new Error('server exited')));
    });
    const listening = performance.now() - t0;
    const scanEnd = await scanned;
    const rss = () => procStatusMiB(proc.pid!, 'VmRSS').toFixed(0);
    const settle = async () => {
      const seen = [rss()];
      for (let t = SETTLE_STEP_MS; t <= SETTLE_MS; t += SETTLE_STEP_MS) {
        await sleep(SETTLE_STEP_MS);
        seen.push(rss());
      }
      return seen.join(' → ');
    };
    print(`server ${label}: listening after ${(listening / 1000).toFixed(1)} s, scan done after ${((scanEnd - t0) / 1000).toFixed(1)} s`);
    print(`server ${label}: RSS at the scan's end, then every ${SETTLE_STEP_MS / 1000} s: ${await settle()} MB`);
    const client = await AtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 30000 });
    await client.login({ user: 'bench' });
    const lists: string[] = [];
    for (const sort of SORTS) {
      const t = performance.now();
      await client.list({ sort, limit: 50 });
      lists.push(`${sort} ${(performance.now() - t).toFixed(0)}`);
    }
    for (const query of SEARCHES) {
      const t = performance.now();
      await client.list({ query, sort: 'title', limit: 50 });
      lists.push(`"${query}" ${(performance.now() - t).toFixed(0)}`);
    }
    client.close();
    print(`server ${label}: first LIST over the wire, ms: ${lists.join(', ')}`);
    print(`server ${label}: RSS after those LISTs, then every ${SETTLE_STEP_MS / 1000} s: ${await settle()} MB; peak ${procStatusMiB(proc.pid!, 'VmHWM').toFixed(0)} MB`);
  } finally {
    process.off('exit', stop);
    proc.kill('SIGTERM');
    await exited;
  }
}

export async function benchLibrary(opts: LibraryBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const tracks = opts.tracks ?? 100_000;
  let t0 = performance.now();
  const root = makeLibrary(tracks);
  print(`library: ${tracks} tracks ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (generated once, then reused)`);
  const stateDir = mkdtempSync(join(tmpdir(), 'atp-bench-state-'));
  const log = createLogger('error');
  try {
    t0 = performance.now();
    const lib = await openLibrary({ root, stateDir, log, rescanIntervalMs: 0 });
    const scanS = (performance.now() - t0) / 1000;
    print(`first scan: ${lib.list({}).total} tracks in ${scanS.toFixed(1)} s = ${(tracks / scanS).toFixed(0)} tracks/s`);
    t0 = performance.now();
    await lib.rescan();
    print(`rescan, nothing changed: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    const cases: [string, ListRequest][] = [
      ['page 1 by path', { limit: 50 }],
      ['page 1 by title', { sort: 'title', limit: 50 }],
      ['page 1 by artist, desc', { sort: 'artist', order: 'desc', limit: 50 }],
      ['deep page by album', { sort: 'album', offset: Math.floor(tracks / 2), limit: 50 }],
      ['page 1 by duration', { sort: 'duration', limit: 50 }],
      ['page 1 by added', { sort: 'added', limit: 50 }],
      ['search "deja song 4242"', { query: 'deja song 4242', limit: 50 }],
      ['search "fjord" by title', { query: 'fjord', sort: 'title', limit: 50 }],
      ['search "artist" (all match)', { query: 'artist', limit: 50 }],
    ];
    // The library computes every sort order in the background once its catalog is made, so a first LIST by any
    // sort finds it ready; the cost of each, for a LIST that would come before, is measured below.
    for (const [name, req] of cases) {
      const t = timeList(lib, req);
      print(`LIST ${name.padEnd(28)} first ${t.first.toFixed(1).padStart(6)} ms, then ${t.median.toFixed(2).padStart(6)} ms`);
    }
    await benchBrowse(lib, print);
    await lib.close();
    const entries = (await loadIndex(indexPathFor(stateDir, lib.root), lib.root))!;
    t0 = performance.now();
    const fresh = new Catalog(entries);
    const build = performance.now() - t0;
    const cold = SORT_KEYS.map((sort) => `${sort} ${timeList({ list: (r) => fresh.list(r, lib.scanStatus()) }, { sort, limit: 50 }, 1).first.toFixed(0)}`);
    print(`catalog: made in ${build.toFixed(0)} ms; a first LIST before its sort is ready, ms: ${cold.join(', ')}`);
    t0 = performance.now();
    void fresh.groups;
    print(`catalog: artists, albums and genres grouped for BROWSE (in the background after a scan) in ${(performance.now() - t0).toFixed(0)} ms`);
    t0 = performance.now();
    const again = await openLibrary({ root, stateDir, log, rescanIntervalMs: 0 });
    print(`restart from the index file: listing in ${(performance.now() - t0).toFixed(0)} ms`);
    await again.close();
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
  if (!existsSync(SERVER_BIN)) {
    print(`server RSS skipped: build the server first (node scripts/build.mjs server)`);
    return;
  }
  const serverState = mkdtempSync(join(tmpdir(), 'atp-bench-state-'));
  try {
    await serverRun('first start', root, serverState, print);
    await serverRun('restart', root, serverState, print);
  } finally {
    rmSync(serverState, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLibrary({ tracks: Number(process.env.BENCH_TRACKS ?? 100_000) });
}
