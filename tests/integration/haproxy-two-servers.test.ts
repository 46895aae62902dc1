// Two atp-servers on one PostgreSQL and one music folder behind HAProxy (TCP mode, ATP PING as health check), all
// on loopback: what one server stores the other serves, and when the server of a playing desktop is killed, the
// desktop controller reconnects through HAProxy to the other and resumes where it was.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { DesktopController } from '../../src-main/desktop/controller.js';
import { dispatchRequest } from '../../src-main/desktop/request-dispatch.js';
import { Settings } from '../../src-main/desktop/settings.js';
import type { DesktopEvent } from '../../src-shared/ipc/contract.js';
import { SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const PASSWORD = 'a password for tests';
const pgUrl = process.env.ATP_TEST_POSTGRES_URL;
const haproxyBin = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((p) => spawnSync(p, ['-v']).status === 0);
const skip = !pgUrl
  ? 'no PostgreSQL: ATP_TEST_POSTGRES_URL is not set (.ci/run starts one and sets it)'
  : !haproxyBin
    ? 'no HAProxy: install Debian\'s haproxy (.ci/run does)'
    : false;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('two servers behind HAProxy on one PostgreSQL', { skip }, () => {
  const dbName = `atp_ha_${randomBytes(6).toString('hex')}`;
  let database = '';
  const servers: RunningServer[] = [];
  let haproxy: ChildProcess;
  let front = 0;
  const dir = mkdtempSync(join(tmpdir(), 'atp-haproxy-'));
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [SERVER_BIN, ...args, '--database', database, '--state-dir', join(dir, 'cli')], { input: `${PASSWORD}\n`, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const client = async (port: number, user: string) => {
    const c = await AtpClient.connect({ host: '127.0.0.1', port });
    await c.login({ user, password: PASSWORD, pageSize: 5 });
    return c;
  };

  before(async () => {
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(pgUrl!);
    u.pathname = `/${dbName}`;
    database = u.toString();
    cli('user', 'add', 'ann');
    for (const name of ['a', 'b']) {
      servers.push(await startServer({ users: {}, stateDir: join(dir, name), args: ['--database', database, '--workers', '1'] }));
    }
    front = await freePort();
    const config = readFileSync('tests/helpers/haproxy.cfg', 'utf8')
      .replace('@FRONTEND@', String(front))
      .replace('@SERVERS@', servers.map((s, i) => `  server atp${i} 127.0.0.1:${s.port}`).join('\n'));
    writeFileSync(join(dir, 'haproxy.cfg'), config);
    haproxy = spawn(haproxyBin!, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
    haproxy.stderr!.on('data', (d: Buffer) => process.stderr.write(`# haproxy: ${d}`));
    // Up once both servers passed their health checks and the frontend answers a LOGIN.
    await waitFor(() => haproxy.exitCode === null, 'haproxy runs');
    await sleep(1500);
    (await client(front, 'ann')).close();
  });
  after(async () => {
    haproxy?.kill('SIGTERM');
    for (const s of servers) await s.stop();
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a playlist saved through one server is listed through the other; an account added beside one logs in on the other', async () => {
    const [a, b] = servers;
    const onA = await client(a!.port, 'ann');
    const made = (await onA.playlists({ op: 'create', name: 'Shared', tracks: ['x', 'y'] })).playlist!;
    const onB = await client(b!.port, 'ann');
    assert.deepEqual((await onB.playlists({ op: 'list' })).playlists!.map((p) => [p.id, p.revision]), [[made.id, 1]]);
    await onB.playlists({ op: 'rename', id: made.id, revision: 1, name: 'Renamed on B' });
    await assert.rejects(onA.playlists({ op: 'rename', id: made.id, revision: 1, name: 'Stale on A' }), (e: { code: string }) => e.code === 'stale-revision');
    cli('user', 'add', 'ben');
    (await client(b!.port, 'ben')).close();
    (await client(a!.port, 'ben')).close();
    onA.close();
    onB.close();
  });

  test('usage sums what was played on both servers', async () => {
    const [a, b] = servers;
    const onA = await client(a!.port, 'ben');
    const onB = await client(b!.port, 'ben');
    const tracks = (await onA.list({})).tracks;
    const one = await fetchTrack(onA, tracks[0]!.id, { write: () => {} });
    const two = await fetchTrack(onB, tracks[1]!.id, { write: () => {} });
    const expected = one.format.totalFrames / one.format.sampleRate + two.format.totalFrames / two.format.sampleRate;
    for (const c of [onA, onB]) assert.ok(Math.abs((await c.usage()).totalSeconds - expected) <= 0.002, 'both servers report the sum');
    assert.match(cli('usage', '--user', 'ben'), /^ben\t\d{4}-\d\d-\d\d\t\d+\.\d{3}\nben\ttotal\t/);
    onA.close();
    onB.close();
  });

  test('the server of a playing desktop is killed: it reconnects through HAProxy to the other and resumes at its position', async () => {
    const c = new DesktopController({ settings: new Settings(null, null) });
    const events: DesktopEvent[] = [];
    c.on('event', (e) => events.push(e));
    c.attachAudio({ send: () => {} });
    const login = await dispatchRequest(c.handlers, 'connect', { host: '127.0.0.1', port: front, user: 'ann', password: PASSWORD, remember: false });
    assert.ok(login.ok);
    const track = (await c.handlers.list({ query: 'handshake' })).tracks[0]!;
    const seen = servers.map((srv) => srv.logs.length);
    const setUpSince = (i: number) => servers[i]!.logs.slice(seen[i]).some((l) => l.event === 'setup' && l.track === track.id);
    const s = await c.handlers.play({ track: track.id });
    await c.handlers.seek({ streamId: s.streamId, positionMs: 2000 });
    const frame = 2 * s.format.sampleRate + 441;
    c.audioUp({ kind: 'position', streamId: s.streamId, frame });
    await sleep(200);
    const serving = servers.find((_, i) => setUpSince(i));
    assert.ok(serving, 'one of the servers set up the stream');
    const killedAt = performance.now();
    serving.proc.kill('SIGKILL');
    await waitFor(() => events.some((e) => e.type === 'stream-replaced'), 'the stream is replaced', 30_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(events.map((e) => e.type))} ${JSON.stringify(c.connectionState)}`);
    });
    const failoverMs = Math.round(performance.now() - killedAt);
    const replaced = events.find((e) => e.type === 'stream-replaced');
    assert.ok(replaced?.type === 'stream-replaced');
    assert.equal(replaced.replaces, s.streamId);
    assert.ok(Math.abs(replaced.stream.startFrame - frame) <= 1, `reopened at ${replaced.stream.startFrame}, was at ${frame}`);
    assert.ok(setUpSince(servers.findIndex((srv) => srv !== serving)), 'the other server set up the resumed stream');
    process.stdout.write(`# failover: ${failoverMs} ms from SIGKILL to the resumed stream\n`);
    await c.dispose();
  });
});
