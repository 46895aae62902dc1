/** The shared file blocks behind WAV streams: one copy per block whatever the readers, a byte budget, fresh bytes for a changed file. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileBlockCache } from '../../../src-codecs/file-blocks.js';

function fileOf(bytes: number, fill = (i: number) => i & 0xff): string {
  const path = join(mkdtempSync(join(tmpdir(), 'atp-blocks-')), 'f.bin');
  writeFileSync(path, Uint8Array.from({ length: bytes }, (_, i) => fill(i)));
  return path;
}

const openFds = () => readdirSync('/proc/self/fd').length;

describe('FileBlockCache', () => {
  it('gives every reader the same block, read once, and the file’s own bytes', async () => {
    const path = fileOf(10_000);
    const cache = new FileBlockCache(1 << 20);
    const a = await cache.open(path);
    const b = await cache.open(path);
    const [first, second] = await Promise.all([a.blockAt(4000, 3000), b.blockAt(4000, 3000)]);
    assert.equal(first, second, 'two concurrent misses share one read');
    assert.equal(b.blockAt(4000, 3000), first, 'a hit is answered without a promise');
    assert.deepEqual([...first!.subarray(0, 4)], [4000 & 0xff, 4001 & 0xff, 4002 & 0xff, 4003 & 0xff]);
    assert.equal((await a.blockAt(9000, 3000)).length, 1000, 'short at the end of the file');
    assert.equal(cache.cachedBytes, 4000);
    await a.release();
    await b.release();
  });

  it('keeps within its byte budget, least recently used first', async () => {
    const path = fileOf(100_000);
    const cache = new FileBlockCache(25_000);
    const f = await cache.open(path);
    for (let start = 0; start < 100_000; start += 10_000) await f.blockAt(start, 10_000);
    assert.ok(cache.cachedBytes <= 25_000, `${cache.cachedBytes} bytes held`);
    assert.ok(f.blockAt(90_000, 10_000) instanceof Buffer, 'the newest block is still there');
    assert.ok(!(f.blockAt(0, 10_000) instanceof Buffer), 'the oldest went');
    await f.release();
  });

  it('counts a hit as a use: the block asked for again outlives one asked for later but not since', async () => {
    const path = fileOf(100_000);
    const cache = new FileBlockCache(20_000);
    const f = await cache.open(path);
    await f.blockAt(0, 10_000);
    await f.blockAt(10_000, 10_000);
    assert.ok(f.blockAt(0, 10_000) instanceof Buffer, 'a hit');
    await f.blockAt(20_000, 10_000);
    assert.ok(f.blockAt(0, 10_000) instanceof Buffer, 'the block hit last is kept');
    assert.ok(!(f.blockAt(10_000, 10_000) instanceof Buffer), 'the one not asked for since went');
    await f.release();
  });

  it('keeps blocks of two sizes of one file apart, and a closed file’s blocks for its next reader', async () => {
    const path = fileOf(100_000);
    const cache = new FileBlockCache(1 << 20);
    const f = await cache.open(path);
    const small = await f.blockAt(8_000, 4_000);
    const large = await f.blockAt(8_000, 16_000);
    assert.deepEqual([small.length, large.length], [4_000, 16_000], 'the same start in two block sizes is two blocks');
    assert.equal(small[0], large[0]);
    await f.release();
    const again = await cache.open(path);
    assert.equal(again.blockAt(8_000, 16_000), large, 'reopened: still cached, answered at once');
    await again.release();
  });

  it('lets a block go once no reader has asked for it for a while, within the budget too', async () => {
    const path = fileOf(100_000);
    let now = 0;
    const cache = new FileBlockCache(1 << 20, 10_000, () => now);
    const f = await cache.open(path);
    await f.blockAt(0, 10_000);
    now = 6_000;
    await f.blockAt(10_000, 10_000);
    now = 9_000;
    assert.ok(f.blockAt(0, 10_000) instanceof Buffer, 'asked for again within the idle time: kept, and its clock restarts');
    now = 17_000;
    await f.blockAt(20_000, 10_000);
    assert.equal(cache.cachedBytes, 20_000, 'one block held for 11 s went, though far within the budget');
    assert.ok(f.blockAt(0, 10_000) instanceof Buffer, 'touched 8 s ago: kept');
    const reread = f.blockAt(10_000, 10_000);
    assert.ok(reread instanceof Promise, 'the one untouched for 11 s is read again');
    assert.equal((await reread)[0], 10_000 & 0xff);
    await f.release();
  });

  it('opens a file once for all its readers and closes it with the last', async () => {
    const path = fileOf(1000);
    const cache = new FileBlockCache();
    const before = openFds();
    const readers = await Promise.all(Array.from({ length: 20 }, () => cache.open(path)));
    assert.equal(openFds(), before + 1);
    for (const r of readers.slice(1)) await r.release();
    assert.equal(openFds(), before + 1);
    await readers[0]!.release();
    await readers[0]!.release();
    assert.equal(openFds(), before);
  });

  it('never serves a changed file’s old bytes', async () => {
    const path = fileOf(1000, () => 1);
    const cache = new FileBlockCache();
    const old = await cache.open(path);
    assert.equal((await old.blockAt(0, 100))[0], 1);
    writeFileSync(path, new Uint8Array(1000).fill(2));
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const fresh = await cache.open(path);
    assert.equal((await fresh.blockAt(0, 100))[0], 2);
    await old.release();
    await fresh.release();
  });
});
