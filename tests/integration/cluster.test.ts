// A server with cluster workers: connections spread over the workers, each streams the file's own bytes, the one
// library in the primary answers every worker, a worker that dies is replaced, SIGTERM stops everything, and a
// killed primary takes its workers' connections with it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AtpClient } from '../../src-main/atp-client/client.js';
import { fetchTrack } from '../../src-main/atp-client/fetch-track.js';
import { DEMO_LIBRARY, startServer, type RunningServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import { wavData } from '../helpers/wav-file.js';

/** The pids of the server's cluster workers, from the process table. */
function workersOf(primary: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(primary)], { encoding: 'utf8' });
  return out.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('cluster workers', () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ args: ['--workers', '2'] });
  });

  after(async () => {
    await server?.stop();
  });

  test('two workers share the port; connections go to both, and each streams the file’s own bytes', async () => {
    assert.equal(workersOf(server.proc.pid!).length, 2);
    const clients = await Promise.all(Array.from({ length: 4 }, () => AtpClient.connect({ host: '127.0.0.1', port: server.port })));
    const logins = await Promise.all(clients.map((c) => c.login({ user: 'w' })));
    const uids = new Set(logins.map((l) => l.uid));
    assert.equal(uids.size, 4, 'every connection has its own uid');
    await waitFor(() => new Set(server.logs.filter((l) => l.event === 'login').map((l) => l.worker)).size === 2, 'logins on both workers');
    const track = logins[0]!.library.tracks.find((t) => t.title === 'Handshake')!;
    const { data } = wavData(join(DEMO_LIBRARY, track.path));
    const streams = await Promise.all(clients.map(async (c) => {
      const parts: Buffer[] = [];
      await fetchTrack(c, track.id, { write: (pcm) => void parts.push(Buffer.from(pcm)) });
      return Buffer.concat(parts);
    }));
    for (const pcm of streams) assert.ok(pcm.equals(data), 'byte-exact through a worker');
    for (const c of clients) c.close();
  });

  test('the library lives in the primary: LIST and search answer the same through every worker', async () => {
    const answers = await Promise.all(Array.from({ length: 4 }, async () => {
      const c = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
      await c.login({ user: 'l' });
      const found = await c.list({ query: 'credit window' });
      c.close();
      return found.tracks.map((t) => t.title);
    }));
    for (const titles of answers) assert.deepEqual(titles, ['Credit Window']);
  });

  test('a worker that dies is replaced, and the server goes on serving', async () => {
    const [victim] = workersOf(server.proc.pid!);
    process.kill(victim!, 'SIGKILL');
    await waitFor(() => server.logs.some((l) => l.event === 'worker-died'), 'the primary to notice');
    await waitFor(() => workersOf(server.proc.pid!).length === 2 && !workersOf(server.proc.pid!).includes(victim!), 'a new worker');
    // Round robin goes to listening workers only: logins on both show the new one serves.
    const logins = () => new Set(server.logs.filter((l) => l.event === 'login' && l.user === 'again').map((l) => l.worker)).size;
    await waitFor(() => {
      void AtpClient.connect({ host: '127.0.0.1', port: server.port }).then(async (c) => {
        await c.login({ user: 'again' }).catch(() => {});
        c.close();
      });
      return logins() === 2;
    }, 'both workers to serve logins');
  });

  test('SIGTERM stops the workers and the primary', async () => {
    const workers = workersOf(server.proc.pid!);
    const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    await client.login({ user: 'bye' });
    const told = new Promise<{ code?: string }>((resolve) => client.once('error', resolve));
    const closed = new Promise((resolve) => client.once('close', resolve));
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.equal((await told).code, 'shutting-down');
    await closed;
    await waitFor(() => workers.every((pid) => !alive(pid)), 'every worker gone');
  });
});

describe('cluster workers and --max-connections', () => {
  test('the limit is the whole server’s, whichever worker a connection lands on', async () => {
    const server = await startServer({ args: ['--workers', '2', '--max-connections', '5'] });
    try {
      const clients = [];
      for (let i = 0; i < 5; i++) {
        const c = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
        await c.login({ user: `c${i}` });
        clients.push(c);
      }
      const sixth = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
      await assert.rejects(sixth.login({ user: 'sixth' }));
      clients.pop()!.close();
      await waitFor(() => server.logs.filter((l) => l.event === 'disconnected' && l.user === 'c4').length === 1, 'a place to free');
      const again = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
      assert.ok((await again.login({ user: 'again' })).uid > 0, 'a freed place is taken');
      for (const c of [...clients, again]) c.close();
    } finally {
      await server.stop();
    }
  });
});

describe('cluster workers when the primary is killed', () => {
  test('the workers drop their connections and go too', async () => {
    const server = await startServer({ args: ['--workers', '2'] });
    const workers = workersOf(server.proc.pid!);
    const client = await AtpClient.connect({ host: '127.0.0.1', port: server.port });
    await client.login({ user: 'crash' });
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    await server.stop('SIGKILL');
    await closed;
    await waitFor(() => workers.every((pid) => !alive(pid)), 'every worker gone');
  });
});
