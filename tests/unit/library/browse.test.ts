/** BROWSE on hand-made entries: grouping by folded tags, each kind's sorts and filters, searches, pages, unknown ids. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browseCatalog } from '../../../src-server/library/browse.js';
import { Catalog, trackIdFor, type LibraryEntry } from '../../../src-server/library/catalog.js';
import type { AlbumInfo, ArtistInfo, BrowseRequest, GenreInfo, TrackInfo } from '../../../src-shared/protocol/index.js';

function entry(path: string, fields: Partial<LibraryEntry> = {}): LibraryEntry {
  return {
    id: trackIdFor(path), path, title: path, artist: null, album: null, albumArtist: null, trackNo: null, discNo: null,
    year: null, genre: null, durationMs: null, codec: 'mp3', sampleRate: 44100, channels: 2, bitsPerSample: null,
    playable: true, embeddedArt: false, size: 1, mtimeMs: 0, addedAt: 0, folderArt: null, ...fields,
  };
}

const ENTRIES = [
  // Émile's "First" in two discs, tagged in three spellings; the cover sits on the second track.
  entry('e/first/2-1.mp3', { title: 'D2T1', artist: 'emile', album: 'First', discNo: 2, trackNo: 1, durationMs: 1000, year: 2001, genre: 'Jazz', addedAt: 5 }),
  entry('e/first/1-9.mp3', { title: 'D1T9', artist: 'Émile', album: 'first', discNo: 1, trackNo: 9, durationMs: 2000, year: 2001, genre: 'jazz', addedAt: 1, embeddedArt: true }),
  entry('e/first/1-2.mp3', { title: 'D1T2', artist: 'Emile', album: 'First', discNo: 1, trackNo: 2, durationMs: null, genre: 'Jazz', addedAt: 2 }),
  entry('e/second/1.mp3', { title: 'Zebra', artist: 'Emile', album: 'Second', trackNo: 1, durationMs: 3000, year: 1999, genre: 'Rock', addedAt: 9 }),
  // Another artist's album of the same name stays apart.
  entry('b/first/1.mp3', { title: 'Kiwi', artist: 'Bob', album: 'First', trackNo: 1, durationMs: 500, genre: 'Rock', addedAt: 3 }),
  // A compilation: one album by its album artist, each track by its own artist.
  entry('v/mix/1.mp3', { title: 'Mix one', artist: 'Bob', albumArtist: 'Various', album: 'Mix', trackNo: 1, durationMs: 100, addedAt: 4 }),
  entry('v/mix/2.mp3', { title: 'Mix two', artist: 'Cleo', albumArtist: 'Various', album: 'Mix', trackNo: 2, durationMs: 100, addedAt: 4, folderArt: '/x/cover.jpg' }),
  // No album, no artist.
  entry('loose.mp3', { title: 'Loose' }),
];
const IDLE = { state: 'idle', scanned: 0, total: 0 } as const;
const catalog = new Catalog(ENTRIES);
const browse = (req: BrowseRequest) => browseCatalog(catalog, req, IDLE);
const albums = (req: Omit<BrowseRequest, 'kind'> = {}) => browse({ kind: 'albums', limit: 500, ...req }).items as AlbumInfo[];
const artists = (req: Omit<BrowseRequest, 'kind'> = {}) => browse({ kind: 'artists', limit: 500, ...req }).items as ArtistInfo[];
const titles = (req: Omit<BrowseRequest, 'kind'> = {}) => (browse({ kind: 'tracks', limit: 500, ...req }).items as TrackInfo[]).map((t) => t.title);

test('albums are grouped by folded title and artist, with the facts an album page shows', () => {
  const all = albums();
  assert.deepEqual(all.map((a) => `${a.title}/${a.artist}`), ['First/Bob', 'First/emile', 'Mix/Various', 'Second/Emile']);
  const first = all.find((a) => a.artist === 'emile')!;
  assert.equal(first.tracks, 3);
  assert.equal(first.discs, 2);
  assert.equal(first.durationMs, 3000, 'unknown durations count as 0');
  assert.equal(first.year, 2001);
  assert.equal(first.artworkTrack, trackIdFor('e/first/1-9.mp3'));
  assert.equal(all.find((a) => a.title === 'Mix')!.artworkTrack, trackIdFor('v/mix/2.mp3'), 'a folder image counts as a cover');
  assert.equal(all.find((a) => a.artist === 'Bob')!.artworkTrack, null);
  assert.notEqual(first.id, all[0]!.id);
  // Ids are the same in a catalog made again (a rescan, a restart).
  assert.deepEqual(browseCatalog(new Catalog(ENTRIES), { kind: 'albums', limit: 500 }, IDLE).items.map((a) => a.id), all.map((a) => a.id));
});

test("an album's tracks come by disc then track number; its reply names it", () => {
  const first = albums().find((a) => a.artist === 'emile')!;
  const reply = browse({ kind: 'tracks', album: first.id });
  assert.deepEqual((reply.items as TrackInfo[]).map((t) => t.title), ['D1T2', 'D1T9', 'D2T1']);
  assert.deepEqual(reply.album, first);
  assert.deepEqual(titles({ album: first.id, order: 'desc' }), ['D2T1', 'D1T9', 'D1T2']);
  assert.deepEqual(titles({ album: first.id, sort: 'title' }), ['D1T2', 'D1T9', 'D2T1']);
  assert.deepEqual(titles({ album: first.id, sort: 'duration' }), ['D1T2', 'D2T1', 'D1T9']);
});

test('artists: one per folded name, album artists too; their albums and tracks', () => {
  const all = artists();
  assert.deepEqual(all.map((a) => [a.name, a.albums, a.tracks]), [['Bob', 2, 2], ['Cleo', 1, 1], ['emile', 2, 4], ['Various', 1, 2]]);
  const bob = all[0]!;
  assert.deepEqual(albums({ artist: bob.id }).map((a) => `${a.title}/${a.artist}`), ['First/Bob', 'Mix/Various']);
  assert.deepEqual(titles({ artist: bob.id }), ['Kiwi', 'Mix one']);
  const emile = all[2]!;
  assert.deepEqual(titles({ artist: emile.id }), ['D1T2', 'D1T9', 'D2T1', 'Zebra']);
  assert.equal(albums().find((a) => a.artist === 'emile')!.artistId, emile.id, "an album links to its artist's page");
  // desc turns the whole order, ties too.
  assert.deepEqual(artists({ sort: 'tracks', order: 'desc' }).map((a) => a.name), ['emile', 'Various', 'Bob', 'Cleo']);
});

test('genres group folded names; they filter artists, albums and tracks', () => {
  const genres = browse({ kind: 'genres' }).items as GenreInfo[];
  assert.deepEqual(genres.map((g) => [g.name, g.albums, g.tracks]), [['Jazz', 1, 3], ['Rock', 2, 2]]);
  const rock = genres[1]!;
  assert.deepEqual(albums({ genre: rock.id }).map((a) => a.title), ['First', 'Second']);
  assert.deepEqual(artists({ genre: rock.id }).map((a) => a.name), ['Bob', 'emile']);
  assert.deepEqual(titles({ genre: rock.id, sort: 'title' }), ['Kiwi', 'Zebra']);
  assert.deepEqual(titles({ genre: rock.id, artist: artists()[0]!.id }), ['Kiwi'], 'filters combine');
});

test('album sorts: artist, year (none first), added; desc turns each', () => {
  assert.deepEqual(albums({ sort: 'artist' }).map((a) => a.artist), ['Bob', 'Emile', 'emile', 'Various']);
  assert.deepEqual(albums({ sort: 'year' }).map((a) => a.year), [null, null, 1999, 2001]);
  assert.deepEqual(albums({ sort: 'added', order: 'desc' }).map((a) => a.title), ['Second', 'First', 'Mix', 'First']);
});

test('searches are folded and need every word; pages count the matches', () => {
  assert.deepEqual(albums({ query: 'EMILE fir' }).map((a) => a.artist), ['emile']);
  assert.deepEqual(artists({ query: 'émi' }).map((a) => a.name), ['emile']);
  assert.deepEqual(titles({ query: 'mix', artist: artists()[0]!.id }), ['Mix one']);
  const page = browse({ kind: 'albums', offset: 1, limit: 2 });
  assert.equal(page.total, 4);
  assert.equal(page.offset, 1);
  assert.deepEqual((page.items as AlbumInfo[]).map((a) => a.title), ['First', 'Mix']);
  assert.equal(browse({ kind: 'albums', offset: 10 }).items.length, 0);
});

test('an id the library does not hold: an empty page, and the group named null', () => {
  const reply = browse({ kind: 'tracks', album: 'nonesuch' });
  assert.equal(reply.total, 0);
  assert.equal(reply.album, null);
  assert.equal(browse({ kind: 'albums', artist: 'nonesuch' }).artist, null);
  assert.equal(browse({ kind: 'albums' }).artist, undefined, 'no group named, none in the reply');
});

test('an empty library browses to empty pages', () => {
  const empty = new Catalog([]);
  for (const kind of ['artists', 'albums', 'genres', 'tracks'] as const) assert.equal(browseCatalog(empty, { kind }, IDLE).total, 0);
});
