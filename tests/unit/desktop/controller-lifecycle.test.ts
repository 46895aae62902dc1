/**
 * The controller's lifecycle under the racy sequences a person produces with the menu, against real processes:
 * the bundled server (LocalServer running dist/server/atp-server.mjs with plain node) and atp-server instances.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { DesktopEvent } from '../../../src-shared/ipc/contract.js';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { LocalServer } from '../../../src-main/desktop/local-server.js';
import { Settings } from '../../../src-main/desktop/settings.js';
import { DEMO_LIBRARY, SERVER_SCRIPT, TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from './atp-server-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(test: () => boolean, what: string, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'atp-lifecycle-'));
  const local = new LocalServer({ serverScript: SERVER_SCRIPT, stateDir: join(dir, 'state'), logFile: join(dir, 'server.log') });
  const controller = new DesktopController({ settings: new Settings(null, null), localServer: local, demoLibrary: DEMO_LIBRARY, reconnectDelay: () => 250 });
  const events: DesktopEvent[] = [];
  controller.on('event', (e) => events.push(e));
  return { local, controller, events };
}

/** A TCP relay in front of a real server: it can drop every connection, and hold what clients send until released. */
class Relay {
  private readonly sockets = new Set<Socket>();
  private held: (() => void)[] = [];
  holding = false;
  readonly server: Server;
  port = 0;
  constructor(private readonly target: number) {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      upstream.pipe(client);
      client.on('data', (chunk) => (this.holding ? this.held.push(() => upstream.write(chunk)) : upstream.write(chunk)));
      for (const s of [client, upstream]) s.on('error', () => {}).on('close', () => (client.destroy(), upstream.destroy()));
    });
  }
  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
  get waiting(): number {
    return this.held.length;
  }
  release(): void {
    this.holding = false;
    for (const send of this.held.splice(0)) send();
  }
  close(): void {
    this.dropAll();
    this.server.close();
  }
}

describe('DesktopController lifecycle: a user action wins over background work', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('"Stop local server" stays stopped and disconnected: no reconnect, no restart', async () => {
    const { local, controller, events } = rig();
    cleanup.push(() => controller.dispose(), () => local.stop());
    await controller.handlers.connectLocal(null);
    await controller.stopLocalServer();
    const from = events.length;
    await sleep(5000);
    assert.equal(controller.connectionState.status, 'disconnected');
    assert.equal(local.state.phase, 'stopped');
    assert.equal(local.state.stoppedByUser, true);
    assert.deepEqual(events.slice(from), [], 'nothing happened after the stop');
  });

  it('the same when the menu stops the server itself (localServer.stop())', async () => {
    const { local, controller, events } = rig();
    cleanup.push(() => controller.dispose(), () => local.stop());
    await controller.handlers.connectLocal(null);
    await local.stop();
    await sleep(5000);
    assert.equal(controller.connectionState.status, 'disconnected');
    assert.equal(local.state.phase, 'stopped');
    assert.ok(!events.some((e) => e.type === 'connection' && e.state.status === 'reconnecting'), 'no reconnect was tried');
  });

  it('"Start local server…" on a new folder connects to a server on that folder, with no error', async () => {
    const { local, controller, events } = rig();
    cleanup.push(() => controller.dispose(), () => local.stop());
    await controller.handlers.connectLocal(null);
    assert.equal((await controller.handlers.list({})).total, 3);
    const folder = mkdtempSync(join(tmpdir(), 'atp-new-library-'));
    copyFileSync(join(DEMO_LIBRARY, '02 Credit Window.wav'), join(folder, 'only.wav'));
    const session = await controller.startLocalServer(folder);
    assert.equal(session.local, true);
    assert.equal(local.state.library, folder);
    assert.equal((await controller.handlers.list({})).total, 1, 'the library of the new folder');
    await sleep(1000);
    assert.equal(controller.connectionState.status, 'connected');
    assert.deepEqual(events.filter((e) => e.type === 'error'), []);
    assert.ok(!events.some((e) => e.type === 'connection' && e.state.status === 'reconnecting'), 'the old server going was not a lost connection');
  });

  it('the same through the menu\'s older sequence: set the folder, stop the server, connectLocal', async () => {
    const { local, controller, events } = rig();
    const settings = (controller as unknown as { options: { settings: Settings } }).options.settings;
    cleanup.push(() => controller.dispose(), () => local.stop());
    await controller.handlers.connectLocal(null);
    const folder = mkdtempSync(join(tmpdir(), 'atp-new-library-'));
    copyFileSync(join(DEMO_LIBRARY, '03 Teardown.wav'), join(folder, 'only.wav'));
    settings.localLibrary = folder;
    await local.stop();
    await sleep(400); // longer than the first reconnect delay, which used to restart the old server here
    const session = await controller.handlers.connectLocal(null);
    assert.equal(session.local, true);
    assert.equal((await controller.handlers.list({})).total, 1);
    await sleep(1000);
    assert.equal(controller.connectionState.status, 'connected');
    assert.deepEqual(events.filter((e) => e.type === 'error'), []);
  });

  describe('a reconnect still logging in to A when the user connects to B', () => {
    let a: RunningServer;
    let b: RunningServer;
    before(async () => {
      [a, b] = await Promise.all([startServer(), startServer()]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
    });

    it('stays on B: the late login to A neither replaces nor closes B\'s connection', async () => {
      const relay = new Relay(a.port);
      await relay.listen();
      const controller = new DesktopController({ settings: new Settings(null, null), reconnectDelay: () => 50 });
      const events: DesktopEvent[] = [];
      controller.on('event', (e) => events.push(e));
      cleanup.push(() => controller.dispose(), () => relay.close());
      const login = { user: TEST_USER, password: TEST_PASSWORD, remember: false };
      await controller.handlers.connect({ host: '127.0.0.1', port: relay.port, ...login });
      // A's connection drops; the reconnect's login is held in the relay while the user connects to B.
      relay.holding = true;
      relay.dropAll();
      await until(() => relay.waiting > 0, 'the reconnect to A to send its login');
      const onB = await controller.handlers.connect({ host: '127.0.0.1', port: b.port, ...login });
      assert.equal(onB.address, `127.0.0.1:${b.port}`);
      const from = events.length;
      relay.release();
      await sleep(1000);
      assert.deepEqual(events.slice(from).filter((e) => e.type === 'connection'), [], 'the connection to B never changed');
      const state = controller.connectionState;
      assert.equal(state.status, 'connected');
      assert.equal(state.status === 'connected' ? state.session.address : null, `127.0.0.1:${b.port}`);
      assert.equal((await controller.handlers.list({})).total, 3, 'B\'s connection still answers');
    });
  });
});
