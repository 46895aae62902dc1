/**
 * A generated library of N tracks (tiny MP3 copies, each with its own ID3v2 title, artist and album, 100 to a
 * folder): first-scan rate, rescan of the unchanged library, LIST latency (sorted pages, deep pages, searches) and
 * the process's RSS with it loaded. The library is made once in the temp directory.
 * Run alone: node --import tsx bench/library.ts (BENCH_TRACKS=10000 for a quicker run).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ListRequest } from '../src-shared/protocol/index.js';
import { openLibrary } from '../src-server/library/music-library.js';
import { createLogger } from '../src-server/log.js';

export interface LibraryBenchOptions {
  tracks?: number;
  print?: (line: string) => void;
}

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures', 'audio', 'mp3-mono-22k.mp3');
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

function makeLibrary(tracks: number): string {
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

export async function benchLibrary(opts: LibraryBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const tracks = opts.tracks ?? 100_000;
  let t0 = performance.now();
  const root = makeLibrary(tracks);
  print(`library: ${tracks} tracks ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (generated once, then reused)`);
  const stateDir = mkdtempSync(join(tmpdir(), 'atp-bench-state-'));
  const log = createLogger('error');
  try {
    const rssBefore = process.memoryUsage().rss;
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
      ['search "deja song 4242"', { query: 'deja song 4242', limit: 50 }],
      ['search "fjord" by title', { query: 'fjord', sort: 'title', limit: 50 }],
    ];
    for (const [name, req] of cases) {
      const t = timeList(lib, req);
      print(`LIST ${name.padEnd(26)} first ${t.first.toFixed(1).padStart(6)} ms, then ${t.median.toFixed(2).padStart(6)} ms`);
    }
    global.gc?.();
    const rss = process.memoryUsage().rss;
    print(`RSS with the library loaded: ${(rss / 1048576).toFixed(0)} MB (process before opening it: ${(rssBefore / 1048576).toFixed(0)} MB)`);
    await lib.close();
    t0 = performance.now();
    const again = await openLibrary({ root, stateDir, log, rescanIntervalMs: 0 });
    print(`restart from the index file: listing in ${(performance.now() - t0).toFixed(0)} ms`);
    await again.close();
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLibrary({ tracks: Number(process.env.BENCH_TRACKS ?? 100_000) });
}
