/**
 * `atp fetch` decodes original streams by default and writes the same WAV as with --encoding pcm; a SETUP naming
 * an encoding the server does not offer is refused with unknown-encoding while the connection and its other
 * streams go on; a stream whose window is smaller than a unit waits for credit instead of splitting the unit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AtpError, build, encodeJson, readUnits } from '../../src-shared/protocol/index.js';
import { fixtureSession } from '../helpers/fixture-session.js';
import { CLI_BIN } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

function runCli(args: string[]): Promise<{ code: number; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['ATP_HOST', 'ATP_PORT', 'ATP_USER', 'ATP_PASSWORD', 'ATP_TOKEN', 'INIT_CWD']) delete env[name];
  return new Promise((res) =>
    execFile(process.execPath, [CLI_BIN, ...args], { env }, (err, _stdout, stderr) =>
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
    ),
  );
}

describe('original streams: the CLI and bad input', () => {
  const session = fixtureSession();

  for (const file of ['flac16-stereo-44k.flac', 'vorbis-stereo-44k.ogg']) {
    test(`atp fetch ${file}: original by default, the same WAV as --encoding pcm`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'atp-original-cli-'));
      const id = session.tracks.get(file)!.id;
      const base = ['--host', '127.0.0.1', '--port', String(session.server.port), '--user', 't', 'fetch', id];
      const setups = () => session.server.logs.filter((l) => l.msg === 'setup' || l.event === 'setup').length;
      const before = setups();
      assert.equal((await runCli([...base, '--out', join(dir, 'default.wav')])).code, 0);
      await waitFor(() => setups() > before, 'the SETUP logged');
      assert.equal(session.server.logs.filter((l) => (l.msg === 'setup' || l.event === 'setup') && l.encoding === 'original').length >= 1, true);
      assert.equal((await runCli([...base, '--out', join(dir, 'pcm.wav'), '--encoding', 'pcm'])).code, 0);
      const original = readFileSync(join(dir, 'default.wav'));
      assert.ok(original.length > 44);
      assert.ok(original.equals(readFileSync(join(dir, 'pcm.wav'))));
    });
  }

  test('atp fetch --encoding flac is a usage error', async () => {
    const r = await runCli(['--port', String(session.server.port), 'fetch', 'x', '--out', '/tmp/x.wav', '--encoding', 'flac']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--encoding is pcm or original/);
  });

  test('SETUP with an unknown encoding is unknown-encoding; the connection and its other stream go on', async () => {
    const track = session.tracks.get('mp3-cbr128-stereo-44k.mp3')!;
    const playing = await session.client.setup(track.id, { window: 1 << 20, encoding: 'original' });
    const units: Uint8Array[] = [];
    playing.on('data', (chunk) => units.push(...readUnits(chunk.pcm, false)));
    const bad = build.setup(session.client.uid, { track: track.id, window: 0 });
    bad.payload = encodeJson({ track: track.id, window: 0, encoding: 'mp3-at-320k' });
    const refused = await session.client.request(bad, () => null).catch((err: unknown) => err);
    assert.ok(refused instanceof AtpError);
    assert.equal(refused.code, 'unknown-encoding');
    assert.match(refused.message, /mp3-at-320k/);
    const ended = new Promise((res) => playing.once('end', res));
    await playing.play({ positionMs: 0 });
    await ended;
    assert.ok(units.length > 50, 'the other stream got its MPEG frames');
    assert.ok(units.every((u) => u[0] === 0xff && (u[1]! & 0xe0) === 0xe0), 'every unit is one MPEG frame, from its sync');
    assert.ok((await session.client.ping()) >= 0);
    await playing.teardown();
  });

  test('a window smaller than an Ogg page waits for credit; the page is sent whole once credit covers it', async () => {
    const track = session.tracks.get('opus-stereo-48k.opus')!;
    const stream = await session.client.setup(track.id, { window: 10, encoding: 'original' });
    const sizes: number[] = [];
    stream.on('data', (chunk) => sizes.push(chunk.pcm.length));
    await stream.play({ positionMs: 0 });
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(sizes, [], 'nothing fits in 10 bytes');
    stream.credit(stream.codec!.maxUnitBytes);
    await waitFor(() => sizes.length > 0, 'a DATA once the credit covers a page');
    assert.ok(sizes[0]! <= 10 + stream.codec!.maxUnitBytes);
    await stream.teardown();
  });
});
