// The server binds its port before the first scan, serves during it, and says in one sentence why it cannot start.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { FrameType, build, parseListReply, parseLoginReply, type Frame } from '../../src-shared/protocol/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { DEMO_LIBRARY, SERVER_BIN } from '../helpers/server-process.js';

interface Exit {
  code: number | null;
  /** stderr lines that are not JSON: what a person reads. */
  people: string[];
  events: string[];
  ms: number;
}

function runServer(args: string[], stateDir: string): Promise<Exit> {
  const began = Date.now();
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [SERVER_BIN, '--no-auth', '--state-dir', stateDir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const people: string[] = [];
    const events: string[] = [];
    createInterface({ input: proc.stderr }).on('line', (line) => {
      try {
        events.push(String((JSON.parse(line) as { event: unknown }).event));
      } catch {
        people.push(line);
      }
    });
    proc.on('close', (code) => resolve({ code, people, events, ms: Date.now() - began }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A library big enough that its first scan takes a good part of a second or more. */
function makeLibrary(files: number): string {
  const root = mkdtempSync(join(tmpdir(), 'atp-big-'));
  const wav = Buffer.alloc(44 + 400);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + 400, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(400, 40);
  for (let d = 0; d < files / 100; d++) {
    mkdirSync(join(root, `album ${d}`));
    for (let i = 0; i < 100; i++) writeFileSync(join(root, `album ${d}`, `track ${i}.wav`), wav);
  }
  return root;
}

describe('server start-up', () => {
  const dirs: string[] = [];
  let big: string;
  let occupied: Server;
  let busyPort: number;
  const state = () => {
    const d = mkdtempSync(join(tmpdir(), 'atp-state-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    big = makeLibrary(4000);
    dirs.push(big);
    occupied = createServer();
    await new Promise<void>((r) => occupied.listen(0, '127.0.0.1', () => r()));
    busyPort = (occupied.address() as { port: number }).port;
  });
  after(() => {
    occupied?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const refuses = (name: string, args: () => string[], sentence: () => string) =>
    test(`${name}: one sentence for people, exit code not 0`, async () => {
      const r = await runServer(args(), state());
      assert.notEqual(r.code, 0);
      assert.deepEqual(r.people, [`atp-server: ${sentence()}`]);
      assert.ok(!r.events.some((e) => e.startsWith('library-')), `no scan before the refusal: ${r.events.join(', ')}`);
    });

  refuses('a music folder that does not exist', () => ['--library', '/no/such/music'], () => 'the music folder /no/such/music does not exist');
  refuses('a music folder that is a file', () => ['--library', join(DEMO_LIBRARY, 'LICENSE.txt')], () => `the music folder ${join(DEMO_LIBRARY, 'LICENSE.txt')} is not a folder`);
  for (const port of ['70000', 'abc', '1.5', '=-1']) {
    refuses(`--port ${port}`, () => ['--library', DEMO_LIBRARY, port.startsWith('=') ? `--port${port}` : '--port', ...(port.startsWith('=') ? [] : [port])], () => `--port must be a whole number from 0 to 65535, not "${port.replace(/^=/, '')}"`);
  }
  const badCounts = [
    ['--decode-threads', 'many', '--decode-threads takes a whole number, not "many"'],
    ['--decode-threads', '-1', '--decode-threads takes a whole number, not "-1"'],
    ['--workers', '0', '--workers takes a whole number of at least 1, or auto'],
  ];
  for (const [flag, value, sentence] of badCounts) {
    test(`${flag} ${value}: the reason and where to look, exit code 2, before any scan`, async () => {
      const r = await runServer(['--library', DEMO_LIBRARY, `${flag}=${value}`], state());
      assert.equal(r.code, 2);
      assert.deepEqual(r.people, [`atp-server: ${sentence}`, 'run "atp-server --help" for the options']);
      assert.ok(!r.events.some((e) => e.startsWith('library-')), `no scan before the refusal: ${r.events.join(', ')}`);
    });
  }
  refuses(
    'a port already in use, with a big library: before any scan',
    () => ['--library', big, '--port', String(busyPort)],
    () => `port ${busyPort} on 127.0.0.1 is already in use: is another atp-server running? choose another with --port`,
  );

  test('a client that logs in during the first scan is served, and sees the library once the scan ends', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, [SERVER_BIN, '--library', big, '--no-auth', '--state-dir', state(), '--port', String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const ready = new Promise<void>((resolve) => createInterface({ input: proc.stdout }).once('line', () => resolve()));
    try {
      // The server binds the port once to check it is free before it scans: a connection that lands in that instant
      // is closed with the check, as one made before any server listens is refused. Either way the client tries again.
      let peer: RawPeer | null = null;
      let loginAck: Frame | null = null;
      for (const deadline = Date.now() + 10_000; !loginAck && Date.now() < deadline; ) {
        peer = await RawPeer.open(port).catch(() => null);
        if (!peer) {
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        peer.send(build.login({ user: 'early' }));
        loginAck = await peer.next((f) => f.ack).catch(() => null);
        if (!loginAck) peer.close();
      }
      assert.ok(peer && loginAck, 'the port is bound and LOGIN answered');
      const login = parseLoginReply(loginAck.payload);
      assert.equal(login.library.scan.state, 'scanning');
      assert.equal(login.library.total, 0);
      await ready;
      peer.send(build.list(login.uid, { limit: 1 }));
      const list = parseListReply((await peer.next((f) => f.ack && f.type === FrameType.LIBRARY)).payload);
      assert.equal(list.total, 4000);
      assert.equal(list.scan.state, 'idle');
      peer.close();
    } finally {
      proc.kill();
    }
  });
});
