/** `atp fetch --encoding opus [--bitrate N]`: the track decoded back from Opus at the bitrate asked for, whole. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { snr } from '../helpers/decoded-pcm.js';
import { CLI_BIN, DEMO_LIBRARY, startServer, type RunningServer } from '../helpers/server-process.js';
import { readWav } from './wav-samples.js';

function atp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: '' };
  for (const name of ['ATP_HOST', 'ATP_PORT', 'ATP_USER', 'ATP_PASSWORD', 'ATP_TOKEN']) delete env[name];
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI_BIN, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );
}

describe('atp fetch --encoding opus', () => {
  let server: RunningServer;
  const dir = mkdtempSync(join(tmpdir(), 'atp-opus-cli-'));
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('writes the whole track at its own rate, close to the source, at each bitrate asked for', async () => {
    const source = readWav(join(DEMO_LIBRARY, '01 Handshake.wav'));
    const ratios: number[] = [];
    for (const bitrate of ['64', '256']) {
      const out = join(dir, `handshake-${bitrate}.wav`);
      const run = await atp(['--port', String(server.port), 'fetch', 'Handshake', '--out', out, '--encoding', 'opus', '--bitrate', bitrate]);
      assert.equal(run.code, 0, run.stderr);
      const got = readWav(out);
      assert.equal(got.sampleRate, source.sampleRate);
      assert.equal(got.samples.length, source.samples.length, 'every frame of the track');
      ratios.push(snr(source.samples, got.samples, 882));
    }
    assert.ok(ratios[0]! > 12 && ratios[1]! > 20, `${ratios.map((r) => r.toFixed(1)).join(' and ')} dB at 64 and 256 kbit/s`);
    assert.ok(ratios[1]! > ratios[0]!, 'the higher bitrate is the closer one: the bitrate reached the server');
  });

  test('refuses a bitrate out of range, or without opus, before connecting', async () => {
    const out = join(dir, 'refused.wav');
    const high = await atp(['--port', String(server.port), 'fetch', 'Handshake', '--out', out, '--encoding', 'opus', '--bitrate', '300']);
    assert.equal(high.code, 2);
    assert.match(high.stderr, /--bitrate is a number of kbit\/s from 64 to 256, not 300/);
    const alone = await atp(['--port', String(server.port), 'fetch', 'Handshake', '--out', out, '--bitrate', '96']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--bitrate goes with --encoding opus/);
    assert.equal(existsSync(out), false);
  });
});
