// The decode pool with real threads: streams spread over them, a stopped thread fails its streams' calls with a
// decode error (no call waits for ever), and the next stream gets a new thread.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DecodeError } from '../../../src-codecs/pcm-source.js';
import { openPcmSource } from '../../../src-codecs/registry.js';
import { DecodePool } from '../../../src-server/decode/decode-pool.js';
import { createLogger } from '../../../src-server/log.js';
import { FIXTURE_LIBRARY } from '../../helpers/fixture-session.js';

const THREAD = new URL('../../helpers/decode-thread-entry.mjs', import.meta.url);
const CRASHING = new URL('../../helpers/crashing-decode-thread.mjs', import.meta.url);
const FLAC = join(FIXTURE_LIBRARY, 'flac16-stereo-44k.flac');
const MP3 = join(FIXTURE_LIBRARY, 'mp3-cbr128-stereo-44k.mp3');

/** Runs `body` with a pool of `size` threads loading `entry`, and the lines it logged; the pool is closed after. */
async function withPool(entry: URL, size: number, body: (pool: DecodePool, lines: Record<string, unknown>[]) => Promise<void>): Promise<void> {
  const lines: Record<string, unknown>[] = [];
  const pool = new DecodePool(entry, size, createLogger('debug', (l) => void lines.push(JSON.parse(l) as Record<string, unknown>)));
  try {
    await body(pool, lines);
  } finally {
    await pool.close();
  }
}

async function firstFrames(path: string, frame: number, count: number, open: (p: string) => Promise<Awaited<ReturnType<typeof openPcmSource>>>) {
  const source = await open(path);
  try {
    await source.seek(frame);
    const out = new Uint8Array(8 + count * source.format.channels * 2);
    const got = await source.read(out, 8, count);
    return { got, pcm: out.subarray(8, 8 + got * source.format.channels * 2), format: source.format };
  } finally {
    await source.close();
  }
}

describe('DecodePool', () => {
  test('a source in a thread seeks and reads what the decoder gives here, at the offset asked', () =>
    withPool(THREAD, 2, async (pool) => {
      for (const path of [FLAC, MP3]) {
        const there = await firstFrames(path, 1000, 3000, (p) => pool.open(p));
        const here = await firstFrames(path, 1000, 3000, openPcmSource);
        assert.deepEqual(there.format, here.format);
        assert.equal(there.got, here.got);
        assert.deepEqual(there.pcm, here.pcm);
      }
    }));

  test('open sources go to the thread with the fewest, up to the pool size', () =>
    withPool(THREAD, 2, async (pool, lines) => {
      const sources = await Promise.all([FLAC, MP3, FLAC].map((p) => pool.open(p)));
      assert.equal(pool.threadCount, 2);
      assert.equal(lines.filter((l) => l.event === 'decode-thread-started').length, 2);
      await Promise.all(sources.map((s) => s.close()));
    }));

  test('a file no decoder reads is refused as it is in one thread', () =>
    withPool(THREAD, 1, async (pool) => {
      await assert.rejects(pool.open(join(FIXTURE_LIBRARY, 'art', 'missing.flac')), /ENOENT|no such file/);
    }));

  test('a thread that stops fails its pending read with a decode error; the next open starts another thread', () =>
    withPool(CRASHING, 1, async (pool, lines) => {
      const source = await pool.open(FLAC);
      await assert.rejects(source.read(new Uint8Array(4096), 0, 1024), (err: Error) => {
        assert.ok(err instanceof DecodeError);
        assert.equal(err.code, 'decode-failed');
        assert.match(err.message, /the decoding thread stopped: it exited with code 3/);
        return true;
      });
      await assert.rejects(source.seek(0), /the decoding thread stopped/, 'later calls fail at once');
      await source.close();
      assert.equal(pool.threadCount, 0);
      assert.equal(lines.filter((l) => l.event === 'decode-thread-stopped').length, 1);
      const next = await pool.open(FLAC);
      assert.equal(next.format.sampleRate, 44100, 'a new thread opened the next source');
      assert.equal(pool.threadCount, 1);
    }));
});
