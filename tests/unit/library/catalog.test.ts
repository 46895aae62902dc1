/** The catalog on hand-made entries: every sort's order and tie-breaks, and searches that never span two tracks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalog, compactEntry, StringPool, trackIdFor, type LibraryEntry } from '../../../src-server/library/catalog.js';
import type { LibrarySortKey, ListRequest } from '../../../src-shared/protocol/index.js';

function entry(path: string, fields: Partial<LibraryEntry> = {}): LibraryEntry {
  return {
    id: trackIdFor(path),
    path,
    title: path,
    artist: null,
    album: null,
    albumArtist: null,
    trackNo: null,
    discNo: null,
    year: null,
    genre: null,
    durationMs: null,
    codec: 'mp3',
    sampleRate: 44100,
    channels: 2,
    bitsPerSample: null,
    playable: true,
    embeddedArt: false,
    size: 1,
    mtimeMs: 0,
    addedAt: 0,
    folderArt: null,
    ...fields,
  };
}

const ENTRIES = [
  entry('a/01.mp3', { title: 'Zebra', artist: 'Émile', album: 'Second', trackNo: 1, durationMs: 3000, addedAt: 5 }),
  entry('a/02.mp3', { title: 'apple', artist: 'emile', album: 'First', discNo: 2, trackNo: 1, durationMs: 1000, addedAt: 5 }),
  entry('a/03.mp3', { title: 'Apple', artist: 'Emile', album: 'First', discNo: 1, trackNo: 9, durationMs: null, addedAt: 1 }),
  entry('b/04.mp3', { title: 'Mango', artist: 'Bob', album: null, trackNo: 2, durationMs: 2000, addedAt: 3 }),
  entry('b/05.mp3', { title: 'Kiwi', artist: 'Bob', album: 'Alpha', trackNo: 1, durationMs: 2000, addedAt: 2 }),
  entry('c/06.mp3', { title: 'Cherry', artist: null, album: 'Beta', trackNo: 1, durationMs: 500, addedAt: 4 }),
];
const IDLE = { state: 'idle', scanned: 0, total: 0 } as const;

function paths(catalog: Catalog, req: ListRequest): string[] {
  return catalog.list({ limit: 500, ...req }, IDLE).tracks.map((t) => t.path);
}

test('each sort orders by its folded key, then its natural tie-breakers, then path', () => {
  const catalog = new Catalog(ENTRIES);
  const want: Record<LibrarySortKey, string[]> = {
    path: ['a/01.mp3', 'a/02.mp3', 'a/03.mp3', 'b/04.mp3', 'b/05.mp3', 'c/06.mp3'],
    // "apple" and "Apple" fold alike: path decides.
    title: ['a/02.mp3', 'a/03.mp3', 'c/06.mp3', 'b/05.mp3', 'b/04.mp3', 'a/01.mp3'],
    // Bob: no album first, then Alpha; the three spellings of Emile are one artist, album then disc then track;
    // no artist last.
    artist: ['b/04.mp3', 'b/05.mp3', 'a/03.mp3', 'a/02.mp3', 'a/01.mp3', 'c/06.mp3'],
    // No album last.
    album: ['b/05.mp3', 'c/06.mp3', 'a/03.mp3', 'a/02.mp3', 'a/01.mp3', 'b/04.mp3'],
    // No duration first; equal durations by path.
    duration: ['a/03.mp3', 'c/06.mp3', 'a/02.mp3', 'b/04.mp3', 'b/05.mp3', 'a/01.mp3'],
    added: ['a/03.mp3', 'b/05.mp3', 'b/04.mp3', 'c/06.mp3', 'a/01.mp3', 'a/02.mp3'],
  };
  for (const [sort, order] of Object.entries(want) as [LibrarySortKey, string[]][]) {
    assert.deepEqual(paths(catalog, { sort }), order, sort);
    assert.deepEqual(paths(catalog, { sort, order: 'desc' }), [...order].reverse(), `${sort} desc`);
    assert.deepEqual(paths(catalog, { sort, offset: 2, limit: 3 }), order.slice(2, 5), `${sort} page`);
  }
});

test('a search needs every word in one track, without regard to case, accents or repetition', () => {
  const catalog = new Catalog(ENTRIES);
  assert.deepEqual(paths(catalog, { query: 'EMILE first' }), ['a/02.mp3', 'a/03.mp3']);
  assert.deepEqual(paths(catalog, { query: 'émile émile first', sort: 'title', order: 'desc' }), ['a/03.mp3', 'a/02.mp3']);
  assert.deepEqual(paths(catalog, { query: 'bob zebra' }), [], 'words in two different tracks');
  // Track texts lie side by side in one string: a word must not run from one track into the next.
  assert.deepEqual(paths(catalog, { query: 'zebraapple' }), []);
  assert.deepEqual(paths(catalog, { query: 'beta\0mango' }), []);
  assert.deepEqual(paths(catalog, { query: 'cherry' }), ['c/06.mp3'], 'the last track is searched too');
  const page = catalog.list({ query: 'e', sort: 'path', offset: 1, limit: 2 }, IDLE);
  assert.equal(page.total, 4);
  assert.deepEqual(page.tracks.map((t) => t.path), ['a/02.mp3', 'a/03.mp3']);
});

test('compact entries keep every listed field and nothing else, in one shape', () => {
  const pool = new StringPool();
  const a = compactEntry({ ...ENTRIES[0]!, absPath: '/music/a/01.mp3' } as LibraryEntry, pool);
  const b = compactEntry({ ...ENTRIES[1]!, reason: 'why not', warning: 'cut short' }, pool);
  assert.deepEqual({ ...a }, { ...ENTRIES[0]!, reason: undefined, warning: undefined });
  assert.deepEqual([b.reason, b.warning], ['why not', 'cut short']);
  assert.ok(!('absPath' in a));
  assert.deepEqual(Object.keys(a), Object.keys(b), 'one shape for every entry');
  const catalog = new Catalog([a, b]);
  assert.equal(catalog.get(a.id), a);
  assert.equal(catalog.get('no such id'), undefined);
});

test('a search finds tracks by the words of their file and folder names, whatever their tags say', () => {
  const catalog = new Catalog([
    entry('Live 1999/03 Encore Medley.flac', { title: 'Track 3', artist: 'Band' }),
    entry('Live 1999/untagged.wav', { title: 'untagged' }),
    entry('Studio/Fjörd.mp3', { title: 'Fjörd' }),
  ]);
  assert.deepEqual(paths(catalog, { query: 'encore medley' }), ['Live 1999/03 Encore Medley.flac']);
  assert.deepEqual(paths(catalog, { query: 'live 1999' }), ['Live 1999/03 Encore Medley.flac', 'Live 1999/untagged.wav']);
  assert.deepEqual(paths(catalog, { query: 'fjord studio' }), ['Studio/Fjörd.mp3']);
  assert.deepEqual(paths(catalog, { query: 'flac' }), [], 'the extension is not a word of the name');
});
