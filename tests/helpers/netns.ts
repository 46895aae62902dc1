/**
 * A network namespace joined to this one by a veth pair whose two ends are rate-limited by `tc` tbf: a process run
 * inside it (the server) is reached over a link of a given bandwidth. Delay, jitter, stalls and outages are the
 * job of the delaying proxy (link-proxy.ts): this kernel has no netem. Everything made here is removed by close().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

let made = 0;

function run(args: string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.trim()}`);
}

/** Why shaped namespaces cannot be made here, or null when they can (tried for real: made, shaped, removed). */
export function namespaceUnavailable(): string | null {
  let link: ShapedNamespace | null = null;
  try {
    link = createShapedNamespace({ rateKbit: 1000 });
    return null;
  } catch (err) {
    return `network namespaces shaped by tc tbf cannot be made here (${(err as Error).message.split('\n')[0]})`;
  } finally {
    link?.close();
  }
}

export interface ShapedNamespace {
  name: string;
  /** This side's address on the veth pair. */
  hostAddress: string;
  /** The namespace's address: a server inside listens here. */
  address: string;
  /** Changes both directions' rate. */
  setRate(kbit: number): void;
  /** Starts `command` inside the namespace. */
  spawn(command: string, args: string[], options?: Parameters<typeof spawn>[2]): ChildProcess;
  /** Kills what still runs inside and removes the namespace and its veth pair. */
  close(): void;
}

function tbf(rateKbit: number): string[] {
  // A burst of at least 10 ms of the rate (and one full-size packet); the queue holds 200 ms, as a home router's might.
  const burst = Math.max(3000, Math.ceil((rateKbit * 1000) / 8 / 100));
  return ['tbf', 'rate', `${rateKbit}kbit`, 'burst', String(burst), 'latency', '200ms'];
}

export function createShapedNamespace(options: { rateKbit: number }): ShapedNamespace {
  const id = `${process.pid % 100000}x${made++}`;
  const name = `atp-link-${id}`;
  const hostIf = `atph${id}`;
  const nsIf = `atpn${id}`;
  const subnet = (process.pid * 7 + made * 13) % 250;
  const hostAddress = `10.211.${subnet}.1`;
  const address = `10.211.${subnet}.2`;
  const inNs = (args: string[]) => ['ip', 'netns', 'exec', name, ...args];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    spawnSync('ip', ['netns', 'del', name]);
    spawnSync('ip', ['link', 'del', hostIf]);
  };
  try {
    run(['ip', 'netns', 'add', name]);
    run(['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    run(['ip', 'link', 'set', nsIf, 'netns', name]);
    run(['ip', 'addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
    run(['ip', 'link', 'set', hostIf, 'up']);
    run(inNs(['ip', 'addr', 'add', `${address}/30`, 'dev', nsIf]));
    run(inNs(['ip', 'link', 'set', nsIf, 'up']));
    run(inNs(['ip', 'link', 'set', 'lo', 'up']));
    run(['tc', 'qdisc', 'add', 'dev', hostIf, 'root', ...tbf(options.rateKbit)]);
    run(inNs(['tc', 'qdisc', 'add', 'dev', nsIf, 'root', ...tbf(options.rateKbit)]));
  } catch (err) {
    close();
    throw err;
  }
  return {
    name,
    hostAddress,
    address,
    setRate(kbit) {
      run(['tc', 'qdisc', 'replace', 'dev', hostIf, 'root', ...tbf(kbit)]);
      run(inNs(['tc', 'qdisc', 'replace', 'dev', nsIf, 'root', ...tbf(kbit)]));
    },
    spawn(command, args, opts = {}) {
      return spawn('ip', ['netns', 'exec', name, command, ...args], opts);
    },
    close,
  };
}

/** The built atp-server, run inside `ns` on its address, serving `library` to the test user. */
export async function startServerInNamespace(ns: ShapedNamespace, library: string): Promise<{ port: number; stop(): Promise<void> }> {
  const { makeStateDir, SERVER_SCRIPT } = await import('../unit/desktop/atp-server-process.js');
  const stateDir = makeStateDir();
  const child = ns.spawn(process.execPath, [
    SERVER_SCRIPT, '--library', library, '--host', ns.address, '--port', '0', '--state-dir', stateDir,
    '--users', `${stateDir}/users.json`, '--log-level', 'warn', '--allow-plaintext',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolvePort, reject) => {
    let text = '';
    child.stdout!.on('data', (b: Buffer) => {
      text += b.toString();
      const m = /"event":"listening"[^\n]*"port":(\d+)/.exec(text) ?? /"port":(\d+)[^\n]*"event":"listening"/.exec(text);
      if (m) resolvePort(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`atp-server exited with ${code} before listening`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
