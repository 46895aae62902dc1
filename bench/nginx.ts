// nginx as the reference: Debian's binary run as an unprivileged process on loopback, with its own config, pid and
// temp files in a temp folder. It never touches /etc/nginx or a running nginx service.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree } from './proc-stats.js';

export interface NginxConfigOptions {
  /** The temp folder that holds the pid, the error log and nginx's temp paths. */
  prefix: string;
  /** The folder served as static files. */
  root: string;
  port: number;
  connections: number;
  /**
   * SO_SNDBUF of each connection, KiB. Left to autotuning, loopback send buffers grow to megabytes and nginx would
   * push half a minute of audio into the kernel at once, then idle through the measured span.
   */
  sendBufferKiB: number;
}

/** One worker, sendfile, no access log: the cheapest way nginx serves a static file. */
export function nginxConfig(o: NginxConfigOptions): string {
  const p = (name: string) => join(o.prefix, name);
  return `daemon off;
master_process on;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections ${o.connections}; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${p('client_body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};
  types { audio/wav wav; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${o.port} sndbuf=${o.sendBufferKiB}k;
    root ${o.root};
  }
}
`;
}

/** The nginx binary, or null when it is not installed (the bench then says so and measures atp alone). */
export function findNginx(): string | null {
  for (const path of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) if (existsSync(path)) return path;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface RunningNginx {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** nobody, when the bench runs as root: nginx's worker should not hold root's rights to serve a file. */
const UNPRIVILEGED = { uid: 65534, gid: 65534 };

export async function startNginx(binary: string, root: string, connections: number): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'atp-bench-nginx-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(prefix, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ prefix, root, port, connections, sendBufferKiB: 64 }));
  const proc = spawn(binary, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(asRoot ? UNPRIVILEGED : {}),
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const kill = () => {
    for (const pid of proc.exitCode === null ? processTree(proc.pid!).reverse() : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', kill);
  const stop = async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM'); // fast shutdown: the master stops its worker
    await Promise.race([exited, sleep(5000)]);
    kill();
    await exited;
    process.off('exit', kill);
    rmSync(prefix, { recursive: true, force: true });
  };
  for (let waited = 0; !(await accepts(port)); waited += 50) {
    if (proc.exitCode !== null || waited > 5000) {
      const log = existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '';
      await stop();
      throw new Error(`nginx did not start: ${(stderr + log).trim().split('\n').slice(-3).join(' / ')}`);
    }
    await sleep(50);
  }
  return { pid: proc.pid!, port, stop };
}
