// `atp fetch` writes a WAV whole or not at all, and says in the user's terms why it did not.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FrameDecoder, FrameType, PlayerFunc } from '../../src-shared/protocol/index.js';
import { CLI_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import { wavData, writeWav } from '../helpers/wav-file.js';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a user with none of the CLI's variables set, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['ATP_HOST', 'ATP_PORT', 'ATP_USER', 'ATP_PASSWORD', 'ATP_TOKEN', 'INIT_CWD']) delete env[name];
  return { ...env, ...extra };
}

function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliRun> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI_BIN, ...args], { env, cwd }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** What a folder holds besides `keep`: a failed fetch must leave no temporary file behind. */
const leftovers = (dir: string, ...keep: string[]) => readdirSync(dir).filter((n) => !keep.includes(n));

/**
 * A TCP relay between the CLI and the real server that can cut the connection once the server has sent `cutAfter`
 * bytes, stop passing the server's bytes on after `stallAfter` (a link gone quiet), and hold the client's PLAY until
 * `beforePlay` has run (to change the file between SETUP and PLAY).
 */
async function relay(
  serverPort: number,
  opts: { cutAfter?: number; stallAfter?: number; beforePlay?: () => void },
): Promise<{ port: number; close(): void }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(serverPort, '127.0.0.1');
    sockets.push(client, upstream);
    let fromServer = 0;
    upstream.on('data', (chunk: Buffer) => {
      fromServer += chunk.length;
      if (opts.cutAfter !== undefined && fromServer > opts.cutAfter) {
        client.destroy();
        upstream.destroy();
        return;
      }
      if (opts.stallAfter !== undefined && fromServer > opts.stallAfter) return;
      client.write(chunk);
    });
    const decoder = new FrameDecoder();
    client.on('data', (chunk: Buffer) => {
      let play = false;
      decoder.push(chunk, (e) => {
        if (e.kind === 'frame' && e.frame.type === FrameType.PLAYER && e.frame.func === PlayerFunc.PLAY) play = true;
      });
      if (play) opts.beforePlay?.();
      upstream.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const RATE = 8000;
const tone = (i: number, c: number) => Math.sin((i * (c + 1)) / 10) * 0.5;

describe('atp fetch', () => {
  let library: string;
  let out: string;
  let server: RunningServer;
  const env = (extra: Record<string, string> = {}) => cleanEnv({ ATP_PORT: String(server.port), ...extra });

  before(async () => {
    library = mkdtempSync(join(tmpdir(), 'atp-cli-lib-'));
    writeWav(join(library, 'Steady Tone.wav'), { sampleRate: RATE, channels: 2, bits: 16, frames: 20_000 }, tone);
    // 400 kB of audio: far more than one read-ahead, so a cut on disk is met while streaming.
    writeWav(join(library, 'Shrinking Tone.wav'), { sampleRate: RATE, channels: 2, bits: 16, frames: 100_000 }, tone);
    writeFileSync(join(library, 'Not Audio.wav'), 'RIFF but then only words, no audio at all');
    server = await startServer({ library });
  });
  after(async () => {
    await server?.stop();
    rmSync(library, { recursive: true, force: true });
  });

  const freshOut = () => {
    out = mkdtempSync(join(tmpdir(), 'atp-cli-out-'));
    return out;
  };

  test('a whole track: the file appears, with the track’s samples and nothing else beside it', async () => {
    const dir = freshOut();
    const r = await runCli(['fetch', 'steady', '--out', join(dir, 'steady.wav')], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote 20000 frames/);
    assert.ok(wavData(join(dir, 'steady.wav')).data.equals(wavData(join(library, 'Steady Tone.wav')).data));
    assert.deepEqual(leftovers(dir, 'steady.wav'), []);
  });

  test('an unknown track id leaves no file', async () => {
    const dir = freshOut();
    const r = await runCli(['fetch', 'AAAAAAAAAAAAAAAA', '--out', join(dir, 'x.wav')], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nothing was written to /);
    assert.deepEqual(leftovers(dir), [], 'no 44-byte empty WAV, no temporary file');
  });

  test('words that match nothing say so, not "no track with id"', async () => {
    const dir = freshOut();
    const r = await runCli(['fetch', 'no such song anywhere', '--out', join(dir, 'x.wav')], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no track matches "no such song anywhere"/);
    assert.doesNotMatch(r.stderr, /no track with id/);
    assert.deepEqual(leftovers(dir), []);
  });

  test('an unplayable file leaves no file, and a file already there is kept as it was', async () => {
    const dir = freshOut();
    writeFileSync(join(dir, 'keep.wav'), 'the user’s own file');
    const r = await runCli(['fetch', 'not audio', '--out', join(dir, 'keep.wav')], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot be played.*\(unplayable\); nothing was written to /);
    assert.equal(readFileSync(join(dir, 'keep.wav'), 'utf8'), 'the user’s own file');
    assert.deepEqual(leftovers(dir, 'keep.wav'), []);
  });

  test('a connection lost in the middle leaves no file and says what happened', async () => {
    const dir = freshOut();
    const cut = await relay(server.port, { cutAfter: 30_000 });
    try {
      const r = await runCli(['fetch', 'steady', '--out', join(dir, 'x.wav')], env({ ATP_PORT: String(cut.port) }));
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`the connection to 127\\.0\\.0\\.1:${cut.port} was lost before the end of the track`));
      assert.deepEqual(leftovers(dir), []);
    } finally {
      cut.close();
    }
  });

  test('a fetch interrupted with Ctrl-C leaves no file', async () => {
    const dir = freshOut();
    const quiet = await relay(server.port, { stallAfter: 30_000 });
    try {
      const proc = spawn(process.execPath, [CLI_BIN, 'fetch', 'steady', '--out', join(dir, 'x.wav')], {
        env: env({ ATP_PORT: String(quiet.port) }),
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      await waitFor(() => leftovers(dir).length > 0, 'the fetch has begun writing');
      proc.kill('SIGINT');
      assert.equal(await exited, 130);
      assert.deepEqual(leftovers(dir), []);
    } finally {
      quiet.close();
    }
  });

  test('--from at or past the end is an error that names the track and its length', async () => {
    const dir = freshOut();
    for (const from of ['2500', '99000']) {
      const r = await runCli(['fetch', 'steady', '--from', from, '--out', join(dir, 'x.wav')], env());
      assert.equal(r.code, 1, `--from ${from}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`--from ${from} ms is past the end of Steady Tone \\(0:03\\)`));
      assert.doesNotMatch(r.stderr, /wrote 0 frames/);
    }
    assert.deepEqual(leftovers(dir), []);
  });

  test('a relative --out under npm is taken from the folder npm was run in (INIT_CWD)', async () => {
    const userFolder = freshOut();
    const repoRoot = mkdtempSync(join(tmpdir(), 'atp-cli-repo-'));
    const r = await runCli(['fetch', 'steady', '--out', 'mine.wav'], env({ INIT_CWD: userFolder }), repoRoot);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(userFolder, 'mine.wav')));
    assert.deepEqual(readdirSync(repoRoot), []);
  });

  test('without INIT_CWD a relative --out is taken from the current folder', async () => {
    const cwd = freshOut();
    const r = await runCli(['fetch', 'steady', '--out', 'here.wav'], env(), cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(cwd, 'here.wav')));
  });

  test('a track that ends before its announced length: the file keeps what came, with a warning and exit code 3', async () => {
    const dir = freshOut();
    const shrinking = join(library, 'Shrinking Tone.wav');
    const whole = wavData(shrinking).data;
    // The file loses the second half of its audio between SETUP (which announced 100000 frames) and PLAY.
    const hold = await relay(server.port, { beforePlay: () => truncateSync(shrinking, 44 + 50_000 * 4) });
    try {
      const r = await runCli(['fetch', 'shrinking', '--out', join(dir, 'cut.wav')], env({ ATP_PORT: String(hold.port) }));
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /wrote 50000 frames/);
      assert.match(r.stderr, /warning: the track ended early: .*50000 of the 100000 sample frames/);
      assert.ok(wavData(join(dir, 'cut.wav')).data.equals(whole.subarray(0, 50_000 * 4)), 'the file holds what the server had');
      assert.deepEqual(leftovers(dir, 'cut.wav'), []);
    } finally {
      hold.close();
    }
  });
});
