// The library as the running server sees it: files that change under it, and files that try to leave it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { AtpError } from '../../src-shared/protocol/index.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { writeWav } from '../helpers/wav-file.js';

const tone = (f: number) => 0.2 * Math.sin(f / 10);

describe('library safety while serving', () => {
  let server: RunningServer;
  let client: AtpClient;
  let root: string;
  let outside: string;

  before(async () => {
    const base = mkdtempSync(join(tmpdir(), 'atp-safety-'));
    root = join(base, 'music');
    outside = join(base, 'private');
    mkdirSync(root);
    mkdirSync(outside);
    writeWav(join(root, 'kept.wav'), { sampleRate: 8000, channels: 1, bits: 16, frames: 8000 }, tone);
    writeWav(join(root, 'swapped.wav'), { sampleRate: 8000, channels: 1, bits: 16, frames: 8000 }, tone);
    writeWav(join(outside, 'secret.wav'), { sampleRate: 8000, channels: 1, bits: 16, frames: 8000 }, tone);
    server = await startServer({ library: root, args: ['--rescan-interval', '0'] });
    client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    await client.login({ user: 'u' });
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  test('a file swapped for a link out of the library after the scan is not served', async () => {
    const page = await client.list({ query: 'swapped' });
    assert.equal(page.total, 1);
    rmSync(join(root, 'swapped.wav'));
    symlinkSync(join(outside, 'secret.wav'), join(root, 'swapped.wav'));
    await assert.rejects(client.setup(page.tracks[0]!.id, { window: 1000 }), (e: AtpError) => e.code === 'unplayable');
    const kept = await client.list({ query: 'kept' });
    const stream = await client.setup(kept.tracks[0]!.id, { window: 1000 });
    await stream.teardown();
  });

  test('SIGHUP rescans: a new file appears, a removed one goes', async () => {
    writeWav(join(root, 'new arrival.wav'), { sampleRate: 8000, channels: 1, bits: 16, frames: 4000 }, tone);
    rmSync(join(root, 'kept.wav'));
    server.proc.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    let titles: string[] = [];
    while (Date.now() < deadline) {
      titles = (await client.list({})).tracks.map((t) => t.title);
      if (titles.includes('new arrival') && !titles.includes('kept')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(titles.includes('new arrival'), `titles: ${titles.join(', ')}`);
    assert.ok(!titles.includes('kept'));
    assert.ok(!titles.includes('secret'), 'the link out of the library is not listed');
  });
});
