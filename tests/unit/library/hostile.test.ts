/** A hostile library: each bad entry is skipped or listed unplayable with a logged reason; the rest still works. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openLibrary } from '../../../src-server/library/music-library.js';
import { createLogger } from '../../../src-server/log.js';
import { AUDIO } from '../../fixtures/fixtures.js';

const base = mkdtempSync(join(tmpdir(), 'atp-hostile-'));
after(() => rmSync(base, { recursive: true, force: true }));

test('corrupt, empty, mislabelled, looping, escaping and badly named files', async () => {
  const root = join(base, 'music');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  copyFileSync(join(AUDIO, 'flac16-stereo-44k.flac'), join(root, 'good.flac'));
  writeFileSync(join(root, 'empty.mp3'), '');
  writeFileSync(join(root, 'not-audio.mp3'), 'this is a text file, not music\n'.repeat(20));
  const mp3 = readFileSync(join(AUDIO, 'mp3-cbr128-stereo-44k.mp3'));
  writeFileSync(join(root, 'truncated.mp3'), mp3.subarray(0, 3000));
  copyFileSync(join(AUDIO, 'vorbis-stereo-44k.ogg'), join(root, 'sub', 'really-vorbis.flac'));
  symlinkSync(root, join(root, 'sub', 'loop'));
  copyFileSync(join(AUDIO, 'opus-stereo-48k.opus'), join(outside, 'secret.opus'));
  symlinkSync(join(outside, 'secret.opus'), join(root, 'escape.opus'));
  symlinkSync(outside, join(root, 'escape-dir'));
  copyFileSync(join(AUDIO, 'pcm8-mono-8k.wav'), Buffer.from(join(root, 'bad-\xff-name.wav'), 'latin1'));

  const events: Record<string, unknown>[] = [];
  const log = createLogger('debug', (line) => void events.push(JSON.parse(line)));
  const lib = await openLibrary({ root, stateDir: join(base, 'state'), log, rescanIntervalMs: 0 });
  const tracks = lib.list({ sort: 'path', limit: 100 }).tracks;
  const byPath = new Map(tracks.map((t) => [t.path, t]));

  assert.deepEqual([...byPath.keys()], ['empty.mp3', 'good.flac', 'not-audio.mp3', 'sub/really-vorbis.flac', 'truncated.mp3']);
  assert.equal(byPath.get('good.flac')!.playable, true);
  assert.deepEqual([byPath.get('empty.mp3')!.playable, byPath.get('empty.mp3')!.reason], [false, 'empty file']);
  assert.equal(byPath.get('not-audio.mp3')!.playable, false);
  assert.match(byPath.get('not-audio.mp3')!.reason!, /unsupported format/);
  const wrongExt = byPath.get('sub/really-vorbis.flac')!;
  assert.deepEqual([wrongExt.codec, wrongExt.title, wrongExt.playable], ['vorbis', 'Vorbis Title', true]);
  assert.equal(byPath.get('truncated.mp3')!.codec, 'mp3');

  const skips = events.filter((e) => e.event === 'library-skip').map((e) => `${e.path}: ${e.reason}`);
  assert.ok(skips.some((s) => s.startsWith('escape.opus: symlink leads outside')), skips.join('\n'));
  assert.ok(skips.some((s) => s.startsWith('escape-dir: symlink leads outside')), skips.join('\n'));
  assert.ok(skips.some((s) => s.startsWith('sub/loop: folder already visited')), skips.join('\n'));
  assert.ok(skips.some((s) => s.includes('not valid UTF-8')), skips.join('\n'));
  const unplayable = events.filter((e) => e.event === 'library-unplayable').map((e) => e.path);
  assert.deepEqual(unplayable.sort(), ['empty.mp3', 'not-audio.mp3']);
  assert.ok(tracks.every((t) => !lib.get(t.id)!.absPath.startsWith(base + '/outside')));
  await lib.close();
});
