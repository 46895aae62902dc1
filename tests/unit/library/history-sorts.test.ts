/** LIST's history sorts on a hand-made catalog: which tracks they list, their order and every tie-break (PROTOCOL.md §7.1). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalog, trackIdFor, type LibraryEntry } from '../../../src-server/library/catalog.js';
import { parseListRequest, type ListRequest } from '../../../src-shared/protocol/index.js';
import type { TrackPlays } from '../../../src-server/storage/listening.js';

function entry(path: string, title: string): LibraryEntry {
  return {
    id: trackIdFor(path), path, title, artist: null, album: null, albumArtist: null, trackNo: null, discNo: null, year: null, genre: null,
    durationMs: 1000, codec: 'mp3', sampleRate: 44100, channels: 2, bitsPerSample: null, playable: true, embeddedArt: false, size: 1, mtimeMs: 0,
    addedAt: 0, folderArt: null,
  };
}

const catalog = new Catalog([entry('a.mp3', 'Alpha'), entry('b.mp3', 'Beta'), entry('c.mp3', 'Gamma'), entry('d.mp3', 'Delta'), entry('e.mp3', 'Never')]);
const id = (path: string) => trackIdFor(path);
const IDLE = { state: 'idle', scanned: 0, total: 0 } as const;

// b and d: two plays each, b's last later; a and c: one each at the same moment (path decides); a track the library
// no longer holds is left out; e was never played.
const PLAYS: TrackPlays[] = [
  { track: id('d.mp3'), plays: 2, lastPlayedAt: 100 },
  { track: id('a.mp3'), plays: 1, lastPlayedAt: 300 },
  { track: 'gone-from-library', plays: 9, lastPlayedAt: 999 },
  { track: id('b.mp3'), plays: 2, lastPlayedAt: 200 },
  { track: id('c.mp3'), plays: 1, lastPlayedAt: 300 },
];

function paths(req: ListRequest, plays: readonly TrackPlays[] = PLAYS): { total: number; paths: string[] } {
  const r = catalog.list({ limit: 500, ...req }, IDLE, plays);
  return { total: r.total, paths: r.tracks.map((t) => t.path) };
}

test('plays: by number of plays, then last play, then path; desc is the whole order reversed', () => {
  assert.deepEqual(paths({ sort: 'plays' }), { total: 4, paths: ['a.mp3', 'c.mp3', 'd.mp3', 'b.mp3'] });
  assert.deepEqual(paths({ sort: 'plays', order: 'desc' }), { total: 4, paths: ['b.mp3', 'd.mp3', 'c.mp3', 'a.mp3'] });
});

test('played: by last play, then path', () => {
  assert.deepEqual(paths({ sort: 'played' }), { total: 4, paths: ['d.mp3', 'b.mp3', 'a.mp3', 'c.mp3'] });
  assert.deepEqual(paths({ sort: 'played', order: 'desc' }), { total: 4, paths: ['c.mp3', 'a.mp3', 'b.mp3', 'd.mp3'] });
});

test('paged and searched like any LIST; nothing played lists nothing', () => {
  assert.deepEqual(paths({ sort: 'played', order: 'desc', offset: 1, limit: 2 }), { total: 4, paths: ['a.mp3', 'b.mp3'] });
  assert.deepEqual(paths({ sort: 'plays', order: 'desc', query: 'GAMMA' }), { total: 1, paths: ['c.mp3'] });
  assert.deepEqual(paths({ sort: 'plays', query: 'never' }), { total: 0, paths: [] }, 'a track never played is not listed');
  assert.deepEqual(paths({ sort: 'played' }, []), { total: 0, paths: [] });
  assert.deepEqual(paths({ sort: 'path' }).paths, ['a.mp3', 'b.mp3', 'c.mp3', 'd.mp3', 'e.mp3'], 'the other sorts ignore plays');
});

test('the request parser knows the two sorts and nothing like them', () => {
  const parse = (s: string) => parseListRequest(new TextEncoder().encode(s));
  assert.equal(parse('{"sort":"plays"}').sort, 'plays');
  assert.equal(parse('{"sort":"played","order":"desc"}').sort, 'played');
  for (const bad of ['{"sort":"Plays"}', '{"sort":"playcount"}', '{"sort":"recent"}', '{"sort":1}']) {
    assert.throws(() => parse(bad), (e: { code?: string }) => e.code === 'bad-payload', bad);
  }
});
