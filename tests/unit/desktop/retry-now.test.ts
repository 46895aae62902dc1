/**
 * "Retry now" while a reconnect waits: the machine logs in at once and cancels the timer; against a real server
 * the controller is connected again long before its (here very long) retry timer would have fired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DesktopController } from '../../../src-main/desktop/controller.js';
import { INITIAL_STATE, transition, type MachineState, type Target } from '../../../src-main/desktop/connection-machine.js';
import { dispatchRequest } from '../../../src-main/desktop/request-dispatch.js';
import { Settings } from '../../../src-main/desktop/settings.js';
import { TEST_PASSWORD, TEST_USER, startServer, type RunningServer } from './atp-server-process.js';

const A: Target = { local: false, host: 'a.example', port: 1, login: { user: 'u', password: 'p' } };
const lost = { code: 'disconnected', message: 'gone' };
const session = { address: 'a.example:1', user: 'u', server: { name: 'atp-server', version: '1', protocol: 1 }, local: false };

function waiting(): MachineState {
  const c = transition(INITIAL_STATE, { type: 'user-connect', target: A, address: 'a.example:1' });
  const ok = transition(c.state, { type: 'login-succeeded', token: c.state.token, session });
  return transition(ok.state, { type: 'connection-lost', token: ok.state.token, error: lost }, () => 15000).state;
}

describe('retry now (machine)', () => {
  it('while waiting: cancels the timer and logs in at once, with a new token', () => {
    const from = waiting();
    assert.equal(from.name, 'reconnect-waiting');
    const t = transition(from, { type: 'user-retry' });
    assert.equal(t.state.name, 'reconnect-logging-in');
    assert.ok(t.state.token > from.token);
    assert.deepEqual(t.effects.map((e) => e.type), ['cancel-retry-timer', 'log-in']);
    // The timer of the wait it replaced fires late: ignored.
    assert.deepEqual(transition(t.state, { type: 'retry-timer-fired', token: from.token }).effects, []);
  });

  it('does nothing when there is no wait to cut short', () => {
    const connecting = transition(INITIAL_STATE, { type: 'user-connect', target: A, address: 'a.example:1' }).state;
    for (const s of [INITIAL_STATE, connecting]) {
      const t = transition(s, { type: 'user-retry' });
      assert.equal(t.state, s);
      assert.deepEqual(t.effects, []);
    }
    const loggingIn = transition(waiting(), { type: 'user-retry' }).state;
    assert.equal(transition(loggingIn, { type: 'user-retry' }).state, loggingIn);
  });
});

describe('retry now (controller, real server)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('reconnects at once instead of after the 60 s timer', async () => {
    const c = new DesktopController({ settings: new Settings(null, null), reconnectDelay: () => 60_000 });
    try {
      await c.handlers.connect({ host: server.host, port: server.port, user: TEST_USER, password: TEST_PASSWORD, remember: false });
      const port = server.port;
      const stateDir = server.stateDir;
      await server.kill();
      const end = Date.now() + 5000;
      while (c.connectionState.status !== 'reconnecting' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      const state = c.connectionState;
      assert.equal(state.status, 'reconnecting');
      assert.ok(state.status === 'reconnecting' && state.retryInMs === 60_000);
      server = await startServer({ port, stateDir });
      const started = Date.now();
      assert.deepEqual(await dispatchRequest(c.handlers, 'retryNow', null), { ok: true, value: null });
      while (c.connectionState.status !== 'connected' && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
      assert.equal(c.connectionState.status, 'connected');
      assert.ok(Date.now() - started < 5000);
      assert.equal((await dispatchRequest(c.handlers, 'retryNow', 'now')).ok, false, 'it takes no argument');
    } finally {
      await c.dispose();
    }
  });
});
