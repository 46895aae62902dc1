/**
 * The `original` encoding's readers: per-file facts (the MPEG frame index, headers, lengths) built once and shared by
 * every stream of a file, units read out of the shared file blocks byte for byte (across block boundaries too),
 * answered without a promise when their block is cached, and a file changed on disk read afresh.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { BLOCK_BYTES, FileBlockCache, FileBytes } from '../../../src-codecs/file-blocks.js';
import { FlacFrameReader } from '../../../src-codecs/flac-frame-reader.js';
import { readStreamInfo } from '../../../src-codecs/flac-frames.js';
import { buildMpegIndex } from '../../../src-codecs/mpeg-frames.js';
import { PageReader } from '../../../src-codecs/ogg-pages.js';
import { openCodedSource, type CodedSource } from '../../../src-codecs/original/coded-source.js';

const fixture = (name: string) => resolve('tests/fixtures/audio', name);

function tempFile(bytes: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'atp-bytes-')), 'f.bin');
  writeFileSync(path, Uint8Array.from({ length: bytes }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
  return path;
}

/** Every unit from output frame `from` on, each copied (a unit is valid only until the next call). */
async function allUnits(coded: CodedSource, from = 0): Promise<Buffer[]> {
  await coded.restart(from);
  const units: Buffer[] = [];
  for (let unit = await coded.next(16384); unit; unit = await coded.next(16384)) units.push(Buffer.from(unit.bytes));
  return units;
}

const shared = (coded: CodedSource) => (coded as unknown as { shared: object }).shared;

describe('FileBytes', () => {
  it('joins a range across a block boundary byte for byte, and answers at once from cached blocks', async () => {
    const path = tempFile(3 * BLOCK_BYTES + 100);
    const want = readFileSync(path);
    const bytes = new FileBytes(await new FileBlockCache().open(path));
    const at = BLOCK_BYTES - 300;
    const first = bytes.run(() => bytes.bytes(at, 2 * BLOCK_BYTES));
    assert.ok(first instanceof Promise, 'blocks not yet read: a promise');
    assert.ok(Buffer.from(await first).equals(want.subarray(at, at + 2 * BLOCK_BYTES)));
    const again = bytes.run(() => bytes.bytes(at, 2 * BLOCK_BYTES));
    assert.ok(!(again instanceof Promise), 'cached: no promise');
    const tail = bytes.run(() => bytes.bytes(3 * BLOCK_BYTES + 50, 1000));
    assert.ok(Buffer.from(await tail).equals(want.subarray(3 * BLOCK_BYTES + 50)), 'cut short at the end of the file');
    await bytes.release();
  });

  it('gets a range of three blocks through a cache that holds one', async () => {
    const path = tempFile(3 * BLOCK_BYTES);
    const want = readFileSync(path);
    const bytes = new FileBytes(await new FileBlockCache(BLOCK_BYTES).open(path));
    const got = await bytes.run(() => bytes.bytes(10, 3 * BLOCK_BYTES - 20));
    assert.ok(Buffer.from(got).equals(want.subarray(10, 3 * BLOCK_BYTES - 10)));
    await bytes.release();
  });
});

describe('per-file facts', () => {
  it('are built once for every reader of a file, again once the last is gone, and afresh for a changed file', async () => {
    const path = tempFile(1000);
    const cache = new FileBlockCache();
    let builds = 0;
    const build = async () => ({ build: ++builds });
    const a = await cache.open(path);
    const b = await cache.open(path);
    assert.equal(await a.derive('x', build), await b.derive('x', build));
    assert.equal(builds, 1);
    await a.release();
    await b.release();
    const c = await cache.open(path);
    assert.deepEqual(await c.derive('x', build), { build: 2 }, 'released with the last reader');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const d = await cache.open(path);
    assert.deepEqual(await d.derive('x', build), { build: 3 }, 'a changed file is another file');
    assert.deepEqual(await c.derive('x', build), { build: 2 }, 'its earlier reader keeps what it had');
    await c.release();
    await d.release();
  });

  it('two MPEG streams of one file share one frame index; a file changed on disk gets a fresh one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'atp-mpeg-')), 'a.mp3');
    copyFileSync(fixture('mp3-vbr-stereo-44k.mp3'), path);
    const a = (await openCodedSource(path))!;
    const b = (await openCodedSource(path))!;
    assert.equal(shared(a), shared(b));
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const c = (await openCodedSource(path))!;
    assert.notEqual(shared(c), shared(a));
    assert.deepEqual(await allUnits(c), await allUnits(a), 'the same bytes, read again');
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe('units out of the shared blocks', () => {
  it('MPEG frames are the frame index’s bytes, and a cached one comes without a promise', async () => {
    const path = fixture('mp3-cbr128-stereo-44k.mp3');
    const file = readFileSync(path);
    const fh = await open(path);
    const index = await buildMpegIndex(fh, file.length);
    await fh.close();
    const coded = (await openCodedSource(path))!;
    const units = await allUnits(coded);
    assert.equal(units.length, index.offsets.length);
    units.forEach((u, n) => assert.ok(u.equals(file.subarray(index.offsets[n]!, index.offsets[n]! + index.lengths[n]!)), `frame ${n}`));
    await coded.restart(0);
    await coded.next(16384);
    assert.ok(!(coded.next(16384) instanceof Promise), 'the next frame lies in a cached block');
    await coded.close();
  });

  for (const name of ['flac16-stereo-44k.flac', 'flac24-stereo-96k.flac', 'flac16-6ch-48k.flac']) {
    it(`${name}: frames equal the decoding source's reader's, from the start and after seeks, across block boundaries`, async () => {
      const path = fixture(name);
      const fh = await open(path);
      const size = (await fh.stat()).size;
      assert.ok(size > BLOCK_BYTES, 'the file spans blocks');
      const reader = new FlacFrameReader(fh, await readStreamInfo(fh), size);
      const coded = (await openCodedSource(path))!;
      try {
        for (const from of [0, 30_000, 12_345, coded.format.totalFrames - 100]) {
          await reader.restartAt(from);
          const want: Buffer[] = [];
          for (let f = await reader.nextFrame(); f; f = await reader.nextFrame()) {
            if (f.header.sample + f.header.blockSize > from) want.push(Buffer.from(f.bytes));
          }
          const got = await allUnits(coded, from);
          assert.equal(got.length, want.length, `from ${from}`);
          got.forEach((u, i) => assert.ok(u.equals(want[i]!), `from ${from}, frame ${i}`));
        }
      } finally {
        await fh.close();
        await coded.close();
      }
    });
  }

  for (const name of ['vorbis-stereo-44k.ogg', 'opus-stereo-48k.opus']) {
    it(`${name}: pages are the file's audio pages byte for byte, to its end`, async () => {
      const path = fixture(name);
      const fh = await open(path);
      const size = (await fh.stat()).size;
      const reader = new PageReader(fh, size);
      const pages: Buffer[] = [];
      for (let page = await reader.pageAt(0); page; page = await reader.pageAt(page.offset + page.size)) pages.push(Buffer.from(reader.bytesOf(page)));
      await fh.close();
      const coded = (await openCodedSource(path))!;
      const got = await allUnits(coded);
      // The first pages hold the headers (sent in SETUP's codec.setup); every later page is a unit.
      assert.ok(got.length > 0 && got.length < pages.length);
      const audio = pages.slice(pages.length - got.length);
      got.forEach((u, i) => assert.ok(u.equals(audio[i]!), `page ${i}`));
      await coded.close();
    });
  }

  it('a second Ogg stream of a file takes the pages the first checked, the same bytes', async () => {
    const path = fixture('vorbis-stereo-44k.ogg');
    const a = (await openCodedSource(path))!;
    const first = await allUnits(a);
    const b = (await openCodedSource(path))!;
    const pages = (shared(b) as { pages: Map<number, unknown> }).pages;
    assert.ok(pages.size >= first.length, 'every audio page is known');
    assert.deepEqual(await allUnits(b), first);
    await Promise.all([a.close(), b.close()]);
  });

  it('a second FLAC stream of a file takes the frame ends the first found, the same frames from the start and after a seek', async () => {
    const path = fixture('flac16-stereo-44k.flac');
    const a = (await openCodedSource(path))!;
    const first = await allUnits(a);
    const b = (await openCodedSource(path))!;
    const ends = (shared(b) as { ends: Map<number, number> }).ends;
    assert.equal(ends.size, first.length, 'every frame the first stream sent has its end known');
    assert.deepEqual(await allUnits(b), first);
    const from = 30_000;
    const again = await allUnits(b, from);
    assert.ok(again.length > 0 && again.length < first.length);
    assert.deepEqual(again, first.slice(first.length - again.length), 'after a seek: the tail of the same frames');
    await Promise.all([a.close(), b.close()]);
  });

  for (const name of ['mp3-vbr-stereo-44k.mp3', 'flac16-stereo-44k.flac', 'opus-stereo-48k.opus', 'pcm16-stereo-44k.wav']) {
    it(`${name}: a unit given back is given again, with its position`, async () => {
      const coded = (await openCodedSource(fixture(name)))!;
      await coded.restart(5000);
      const first = await coded.next(4096);
      const before = { bytes: Buffer.from(first!.bytes), position: first!.position, end: first!.end };
      const second = await coded.next(4096);
      coded.unread();
      const again = await coded.next(4096);
      assert.deepEqual({ bytes: Buffer.from(again!.bytes), position: again!.position, end: again!.end }, { bytes: Buffer.from(second!.bytes), position: second!.position, end: second!.end });
      assert.notDeepEqual(before.bytes, Buffer.from(again!.bytes));
      await coded.close();
    });
  }
});
