/** LocalServer running the built atp-server with plain node: its lifecycle, its launcher and its environment. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { LocalServerState } from '../../../src-shared/ipc/contract.js';
import { LocalServer, type ForkServer } from '../../../src-main/desktop/local-server.js';
import { SERVER_ENV_ALLOWLIST, forkWithNode } from '../../../src-main/desktop/server-process.js';
import { AtpClient } from '../../../src-main/atp-client/client.js';
import { DEMO_LIBRARY, SERVER_SCRIPT } from './atp-server-process.js';

const servers: LocalServer[] = [];
function localServer(fork?: ForkServer): { server: LocalServer; states: LocalServerState[] } {
  const dir = mkdtempSync(join(tmpdir(), 'atp-local-server-'));
  const server = new LocalServer({ serverScript: SERVER_SCRIPT, stateDir: join(dir, 'state'), logFile: join(dir, 'server.log'), ...(fork ? { fork } : {}) });
  const states: LocalServerState[] = [];
  server.on('state', (s) => states.push(s));
  servers.push(server);
  return { server, states };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('LocalServer', () => {
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('goes idle → starting → running → stopping → stopped, and says the user stopped it', async () => {
    const { server, states } = localServer();
    assert.equal(server.state.phase, 'idle');
    const endpoint = await server.ensure(DEMO_LIBRARY);
    assert.equal(server.state.phase, 'running');
    assert.equal(server.state.address, `127.0.0.1:${endpoint.port}`);
    const client = await AtpClient.connect({ host: endpoint.host, port: endpoint.port });
    await client.login({ token: endpoint.token, client: 'test' });
    client.close();
    await server.stop();
    assert.deepEqual(states.map((s) => [s.phase, s.stoppedByUser]), [
      ['starting', false], ['running', false], ['stopping', true], ['stopped', true],
    ]);
    assert.equal(server.state.running, false);
  });

  it('ensure for the folder already starting joins that start: one process, one endpoint', async () => {
    let forks = 0;
    const { server } = localServer((m, a, o) => (forks++, forkWithNode(m, a, o)));
    const [a, b] = await Promise.all([server.ensure(DEMO_LIBRARY), server.ensure(DEMO_LIBRARY)]);
    assert.deepEqual(a, b);
    assert.equal(forks, 1);
    assert.deepEqual(await server.ensure(DEMO_LIBRARY), a, 'running on that folder: the same server');
    await server.stop();
  });

  it('a stop during the start cancels it cleanly: the start answers "cancelled", the process is gone, nothing restarts', async () => {
    const { server, states } = localServer();
    const starting = server.ensure(DEMO_LIBRARY);
    assert.equal(server.state.phase, 'starting');
    const pid = server.pid!;
    await server.stop();
    await assert.rejects(starting, (err: { code?: string }) => err.code === 'cancelled');
    assert.equal(alive(pid), false);
    assert.deepEqual(states.map((s) => s.phase), ['starting', 'stopping', 'stopped']);
    assert.equal(server.state.stoppedByUser, true);
  });

  it('a start on another folder replaces the running server without calling it a user stop', async () => {
    const { server, states } = localServer();
    const first = await server.ensure(DEMO_LIBRARY);
    const other = mkdtempSync(join(tmpdir(), 'atp-other-library-'));
    const second = await server.ensure(other);
    assert.notEqual(second.token, first.token);
    assert.equal(server.state.library, other);
    assert.ok(states.every((s) => !s.stoppedByUser), 'no state of this says the user stopped it');
    await server.stop();
  });

  it('reports a crash as a stop the user did not ask for, and the next ensure starts it again', async () => {
    const { server } = localServer();
    await server.ensure(DEMO_LIBRARY);
    const stopped = new Promise<LocalServerState>((resolve) => server.on('state', (s) => s.phase === 'stopped' && resolve(s)));
    process.kill(server.pid!, 'SIGKILL');
    const s = await stopped;
    assert.equal(s.stoppedByUser, false);
    await server.ensure(DEMO_LIBRARY);
    assert.equal(server.state.phase, 'running');
    await server.stop();
  });

  it('launches through the fork it is given, UtilityProcess-style, with the token in the environment only', async () => {
    const calls: { modulePath: string; args: string[]; options: Parameters<ForkServer>[2] }[] = [];
    const { server } = localServer((modulePath, args, options) => {
      calls.push({ modulePath, args, options });
      return forkWithNode(modulePath, args, options);
    });
    const endpoint = await server.ensure(DEMO_LIBRARY);
    assert.equal(calls.length, 1);
    const { modulePath, args, options } = calls[0]!;
    assert.equal(modulePath, SERVER_SCRIPT);
    assert.equal(options.stdio, 'pipe');
    assert.equal(typeof options.serviceName, 'string');
    assert.equal(options.env.ATP_TOKEN, endpoint.token);
    assert.ok(!args.some((a) => a.includes(endpoint.token)), 'the token is not on the command line');
    assert.equal(options.env.ELECTRON_RUN_AS_NODE, undefined);
    await server.stop();
  });

  it('gives the child only the allowlisted environment: a variable of the app does not reach it', { skip: process.platform !== 'linux' && 'reads /proc/<pid>/environ, which only Linux has' }, async () => {
    process.env.ATP_TEST_APP_SECRET = 'must not leak';
    process.env.ELECTRON_RUN_AS_NODE = '1';
    try {
      const { server } = localServer();
      await server.ensure(DEMO_LIBRARY);
      const names = readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => kv.slice(0, kv.indexOf('=')));
      assert.ok(!names.includes('ATP_TEST_APP_SECRET'));
      assert.ok(!names.includes('ELECTRON_RUN_AS_NODE'));
      assert.ok(names.includes('PATH'), 'PATH, so ffmpeg can be found');
      const allowed = new Set<string>([...SERVER_ENV_ALLOWLIST, 'ATP_TOKEN']);
      assert.deepEqual(names.filter((n) => !allowed.has(n)), []);
      await server.stop();
    } finally {
      delete process.env.ATP_TEST_APP_SECRET;
      delete process.env.ELECTRON_RUN_AS_NODE;
    }
  });
});
