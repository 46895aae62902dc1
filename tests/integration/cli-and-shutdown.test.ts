import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { AtpError } from '../../src-shared/protocol/index.js';
import { CLI_BIN, DEMO_LIBRARY, startServer, type RunningServer } from '../helpers/server-process.js';
import { wavData } from '../helpers/wav-file.js';

const run = promisify(execFile);

describe('the atp command line', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ users: { erin: 'erin-password' } });
  });
  after(async () => {
    await server?.stop();
  });
  const env = () => ({ ...process.env, ATP_PORT: String(server.port), ATP_USER: 'erin', ATP_PASSWORD: 'erin-password' });

  test('atp list prints the library', async () => {
    const { stdout } = await run(process.execPath, [CLI_BIN, 'list'], { env: env() });
    assert.match(stdout, /Handshake/);
    assert.match(stdout, /3 of 3 tracks/);
  });

  test('atp fetch --from writes a WAV with the file samples from that point', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'atp-cli-')), 'out.wav');
    await run(process.execPath, [CLI_BIN, 'fetch', 'Credit Window', '--out', out, '--from', '2000'], { env: env() });
    const got = wavData(out);
    const src = wavData(join(DEMO_LIBRARY, '02 Credit Window.wav'));
    assert.equal(got.sampleRate, src.sampleRate);
    assert.ok(got.data.equals(src.data.subarray(2 * src.sampleRate * src.channels * 2)));
  });

  test('a wrong password is a clear error and exit code 1', async () => {
    const err = await run(process.execPath, [CLI_BIN, 'list'], { env: { ...env(), ATP_PASSWORD: 'nope-nope' } }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((err as { code: number }).code, 1);
    assert.match((err as { stderr: string }).stderr, /wrong user name, password or token \(bad-credentials\)/);
  });
});

describe('SIGTERM', () => {
  test('tells connected clients, closes sessions and exits 0', async () => {
    const server = await startServer({ stateDir: mkdtempSync(join(tmpdir(), 'atp-term-')) });
    const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    const reply = await client.login({ user: 'u' });
    const stream = await client.setup(reply.library.tracks[0]!.id, { window: 4096 });
    await stream.play({ positionMs: 0 });
    const told = new Promise<AtpError>((r) => client.once('error', r));
    const closed = new Promise((r) => client.once('close', r));
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.equal((await told).code, 'shutting-down');
    await closed;
    assert.ok(server.logs.some((l) => l.event === 'stopped'));
    assert.ok(readFileSync('/proc/self/status', 'utf8').length > 0);
  });
});
