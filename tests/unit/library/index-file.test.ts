/** The index file: read a line at a time, an older file (with absolute paths) still loads, a damaged one does not. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { indexPathFor, loadIndex, saveIndex } from '../../../src-server/library/index-file.js';
import { openLibrary } from '../../../src-server/library/music-library.js';
import { createLogger } from '../../../src-server/log.js';
import { AUDIO } from '../../fixtures/fixtures.js';

const base = mkdtempSync(join(tmpdir(), 'atp-index-'));
after(() => rmSync(base, { recursive: true, force: true }));

async function savedLibrary(): Promise<{ root: string; stateDir: string; index: string }> {
  const root = mkdtempSync(join(base, 'music-'));
  const stateDir = mkdtempSync(join(base, 'state-'));
  mkdirSync(join(root, 'Album'));
  copyFileSync(join(AUDIO, 'flac16-stereo-44k.flac'), join(root, 'Album', '01 flac.flac'));
  copyFileSync(join(AUDIO, 'mp3-cbr128-stereo-44k.mp3'), join(root, 'Album', '02 mp3.mp3'));
  copyFileSync(join(AUDIO, 'vorbis-stereo-44k.ogg'), join(root, 'vorbis.ogg'));
  const lib = await openLibrary({ root, stateDir, log: createLogger('error'), rescanIntervalMs: 0 });
  await lib.close();
  return { root: lib.root, stateDir, index: join(stateDir, readdirSync(stateDir)[0]!) };
}

test('an index saved and loaded again gives the same entries, with no absolute paths', async () => {
  const { root, index } = await savedLibrary();
  assert.equal(index, indexPathFor(join(index, '..'), root));
  const entries = (await loadIndex(index, root))!;
  assert.deepEqual(entries.map((e) => e.path).sort(), ['Album/01 flac.flac', 'Album/02 mp3.mp3', 'vorbis.ogg']);
  assert.ok(!readFileSync(index, 'utf8').includes(root + '/'), 'the file holds relative paths only');
  const copy = join(base, 'copy.json');
  await saveIndex(copy, root, entries);
  assert.deepEqual(await loadIndex(copy, root), entries);
  assert.equal(await loadIndex(copy, '/another/root'), null);
});

test('an index from before absolute paths were dropped loads, and a restart reads no file again', async () => {
  const { root, stateDir, index } = await savedLibrary();
  // The earlier format: the same lines, each track with its absPath.
  const text = readFileSync(index, 'utf8').replace(/\{"id":"[^"]+","path":("[^"]+")/g, (m, p: string) => `${m},"absPath":${JSON.stringify(join(root, JSON.parse(p) as string))}`);
  assert.ok(text.includes('"absPath"'));
  writeFileSync(index, text);
  const events: Record<string, unknown>[] = [];
  const lib = await openLibrary({ root, stateDir, log: createLogger('debug', (l) => void events.push(JSON.parse(l))), rescanIntervalMs: 0 });
  assert.equal(lib.list({}).total, 3, 'listed from the index at once');
  await lib.rescan();
  assert.equal(events.filter((e) => e.event === 'library-scanned').at(-1)!.read, 0);
  const flac = lib.list({ query: 'flac sixteen' }).tracks[0]!;
  assert.equal(lib.get(flac.id)!.absPath, join(root, 'Album', '01 flac.flac'));
  await lib.close();
});

test('a damaged index is not used: the library is scanned again', async () => {
  const { root, index } = await savedLibrary();
  const text = readFileSync(index, 'utf8');
  for (const broken of [text.slice(0, Math.floor(text.length / 2)), text.replace(']}', ''), text.replace('"tracks":[', '"tracks": ['), '', 'garbage\n']) {
    writeFileSync(index, broken);
    assert.equal(await loadIndex(index, root), null, JSON.stringify(broken.slice(0, 40)));
  }
  assert.equal(await loadIndex(join(base, 'no-such-index.json'), root), null);
});

test('an index of an earlier version is not used, so files whose listing changed meaning are read again', async () => {
  const { root, index } = await savedLibrary();
  const text = readFileSync(index, 'utf8');
  assert.match(text, /^\{"version":2,/);
  writeFileSync(index, text.replace(/^\{"version":2,/, '{"version":1,'));
  assert.equal(await loadIndex(index, root), null);
});
