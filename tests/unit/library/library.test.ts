/** The music library on a folder made at test time: listing, search, stable ids, incremental rescans, artwork. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openLibrary } from '../../../src-server/library/music-library.js';
import { createLogger } from '../../../src-server/log.js';
import { AUDIO } from '../../fixtures/fixtures.js';

const base = mkdtempSync(join(tmpdir(), 'atp-lib-'));
after(() => rmSync(base, { recursive: true, force: true }));

function makeLibrary(): { root: string; stateDir: string } {
  const root = mkdtempSync(join(base, 'music-'));
  const stateDir = mkdtempSync(join(base, 'state-'));
  mkdirSync(join(root, 'Album A'));
  mkdirSync(join(root, 'Album B'));
  copyFileSync(join(AUDIO, 'flac16-stereo-44k.flac'), join(root, 'Album A', '01 flac.flac'));
  copyFileSync(join(AUDIO, 'mp3-cbr128-stereo-44k.mp3'), join(root, 'Album A', '02 mp3.mp3'));
  copyFileSync(join(AUDIO, 'vorbis-stereo-44k.ogg'), join(root, 'Album B', 'vorbis.ogg'));
  copyFileSync(join(AUDIO, 'opus-stereo-48k.opus'), join(root, 'Album B', 'opus.opus'));
  copyFileSync(join(AUDIO, 'pcm16-stereo-44k.wav'), join(root, 'Album B', 'untagged wav.wav'));
  copyFileSync(join(AUDIO, 'art', 'cover.jpg'), join(root, 'Album B', 'Cover.JPG'));
  return { root, stateDir };
}

function logCapture() {
  const events: Record<string, unknown>[] = [];
  const log = createLogger('debug', (line) => void events.push(JSON.parse(line)));
  return { log, events, last: (event: string) => [...events].reverse().find((e) => e.event === event) };
}

test('lists every format with tags, or the file name when tags are missing', async () => {
  const { root, stateDir } = makeLibrary();
  const lib = await openLibrary({ root, stateDir, log: logCapture().log, rescanIntervalMs: 0 });
  const all = lib.list({ limit: 100 });
  assert.equal(all.total, 5);
  assert.deepEqual(all.scan, { state: 'idle', scanned: 5, total: 5 });
  const flac = all.tracks.find((t) => t.codec === 'flac')!;
  assert.deepEqual(
    [flac.title, flac.artist, flac.album, flac.albumArtist, flac.trackNo, flac.discNo, flac.year, flac.genre, flac.durationMs, flac.sampleRate, flac.channels, flac.bitsPerSample],
    ['Flac Sixteen', 'Ärtist Ünïcode', 'Fixtures', 'Various', 3, 1, 2021, 'Test', 2000, 44100, 2, 16],
  );
  assert.equal(all.tracks.find((t) => t.codec === 'pcm')!.title, 'untagged wav');
  assert.deepEqual(all.tracks.map((t) => t.codec).sort(), ['flac', 'mp3', 'opus', 'pcm', 'vorbis']);
  assert.ok(all.tracks.every((t) => t.playable && !('absPath' in t)));
  assert.equal(lib.get(flac.id)!.absPath, join(root, 'Album A', '01 flac.flac'));
  await lib.close();
});

test('pages, sorts and searches without regard to case or accents', async () => {
  const { root, stateDir } = makeLibrary();
  const lib = await openLibrary({ root, stateDir, log: logCapture().log, rescanIntervalMs: 0 });
  const titles = lib.list({ sort: 'title', limit: 100 }).tracks.map((t) => t.title);
  assert.deepEqual(titles, ['Flac Sixteen', 'Mp3 Cbr', 'Opus Title', 'untagged wav', 'Vorbis Title']);
  assert.deepEqual(lib.list({ sort: 'title', order: 'desc', limit: 2 }).tracks.map((t) => t.title), ['Vorbis Title', 'untagged wav']);
  const page = lib.list({ sort: 'title', offset: 2, limit: 2 });
  assert.deepEqual([page.total, page.offset, page.tracks.map((t) => t.title)], [5, 2, ['Opus Title', 'untagged wav']]);
  assert.deepEqual(lib.list({ query: 'ARTIST unicode' }).tracks.map((t) => t.title), ['Flac Sixteen']);
  assert.deepEqual(lib.list({ query: 'ÜNÏCODE' }).tracks.map((t) => t.title), ['Flac Sixteen']);
  assert.equal(lib.list({ query: 'ärtist' }).total, 4, 'accents fold both ways: "artist" is in four artists');
  assert.equal(lib.list({ query: 'fixtures' }).total, 3);
  assert.equal(lib.list({ query: 'fixtures', limit: 1, offset: 1 }).tracks.length, 1);
  assert.equal(lib.list({ query: 'nothing like this' }).total, 0);
  assert.deepEqual(lib.list({ sort: 'duration', limit: 1 }).tracks.map((t) => t.codec), ['pcm']);
  await lib.close();
});

test('ids survive a restart; rescans read only new and changed files and drop removed ones', async () => {
  const { root, stateDir } = makeLibrary();
  const first = logCapture();
  const lib1 = await openLibrary({ root, stateDir, log: first.log, rescanIntervalMs: 0 });
  const ids1 = new Map(lib1.list({ limit: 100 }).tracks.map((t) => [t.path, t.id]));
  assert.equal(first.last('library-scanned')!.read, 5);
  await lib1.close();
  const indexFiles = readdirSync(stateDir);
  assert.equal(indexFiles.length, 1, 'one index file, no temporary left behind');
  assert.equal(JSON.parse(readFileSync(join(stateDir, indexFiles[0]!), 'utf8')).tracks.length, 5);

  const second = logCapture();
  const lib2 = await openLibrary({ root, stateDir, log: second.log, rescanIntervalMs: 0 });
  assert.equal(lib2.list({}).total, 5, 'listed from the index at once');
  await lib2.rescan();
  assert.equal(second.last('library-scanned')!.read, 0, 'unchanged files are not read again');
  assert.deepEqual(new Map(lib2.list({ limit: 100 }).tracks.map((t) => [t.path, t.id])), ids1);

  copyFileSync(join(AUDIO, 'mp3-vbr-stereo-44k.mp3'), join(root, 'new.mp3'));
  unlinkSync(join(root, 'Album B', 'opus.opus'));
  utimesSync(join(root, 'Album A', '01 flac.flac'), new Date(), new Date(Date.now() + 5000));
  await lib2.rescan();
  const scanned = second.last('library-scanned')!;
  assert.deepEqual([scanned.read, scanned.removed, scanned.tracks], [2, 1, 5]);
  const paths = lib2.list({ sort: 'path', limit: 100 }).tracks.map((t) => t.path);
  assert.deepEqual(paths, ['Album A/01 flac.flac', 'Album A/02 mp3.mp3', 'Album B/untagged wav.wav', 'Album B/vorbis.ogg', 'new.mp3']);
  assert.equal(lib2.list({ query: 'flac sixteen' }).tracks[0]!.id, ids1.get('Album A/01 flac.flac'));
  await lib2.close();
});

test('artwork: embedded pictures, then the folder image', async () => {
  const { root, stateDir } = makeLibrary();
  const lib = await openLibrary({ root, stateDir, log: logCapture().log, rescanIntervalMs: 0 });
  const byCodec = new Map(lib.list({ limit: 100 }).tracks.map((t) => [t.codec, t]));
  const flacArt = await lib.artwork(byCodec.get('flac')!.id);
  assert.equal(flacArt?.mime, 'image/png');
  assert.deepEqual([...flacArt!.image.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  const folderArt = await lib.artwork(byCodec.get('vorbis')!.id);
  assert.equal(folderArt?.mime, 'image/jpeg');
  assert.deepEqual(Buffer.from(folderArt!.image), readFileSync(join(AUDIO, 'art', 'cover.jpg')));
  assert.equal(byCodec.get('vorbis')!.artwork, true);
  assert.equal(byCodec.get('opus')!.artwork, true, 'the folder image serves the whole folder');
  assert.equal(await lib.artwork('no-such-id'), null);
  await lib.close();
});
