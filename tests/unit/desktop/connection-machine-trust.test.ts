/** The trust states of the connection machine: only the user's Trust pins, and a changed certificate ends everything. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_STATE, connectionStateOf, transition, type MachineState, type Target } from '../../../src-main/desktop/connection-machine.js';
import type { ServerIdentityInfo } from '../../../src-shared/ipc/contract.js';

const A: Target = { local: false, host: 'a.example', port: 1, login: { user: 'u', password: 'p' } };
const session = { address: 'a.example:1', user: 'u', server: { name: 'atp-server', version: '1', protocol: 1 }, local: false };
const FP = 'SHA256:' + 'B'.repeat(43);
const unknown: ServerIdentityInfo = { host: 'a.example', port: 1, address: 'a.example:1', fingerprint: FP };
const changed: ServerIdentityInfo = { ...unknown, pinned: 'SHA256:' + 'C'.repeat(43) };
const delay = () => 100;

function connecting(): MachineState {
  return transition(INITIAL_STATE, { type: 'user-connect', target: A, address: 'a.example:1' }).state;
}

/** Connected, dropped, and the retry timer fired: a reconnect's login is in flight. */
function reconnectLoggingIn(): MachineState {
  const c = connecting();
  const ok = transition(c, { type: 'login-succeeded', token: c.token, session }).state;
  const lost = transition(ok, { type: 'connection-lost', token: ok.token, error: { code: 'disconnected', message: 'x' } }, delay).state;
  return transition(lost, { type: 'retry-timer-fired', token: lost.token }).state;
}

describe('connection machine: trust', () => {
  it('an unknown certificate waits for the user; Trust pins that fingerprint and logs in', () => {
    const c = connecting();
    const asked = transition(c, { type: 'login-untrusted', token: c.token, server: unknown });
    assert.equal(asked.state.name, 'awaiting-trust');
    assert.deepEqual(asked.effects, []);
    assert.deepEqual(connectionStateOf(asked.state), { status: 'untrusted', address: 'a.example:1', server: unknown });
    // Only the question asked is answered: another host, port or fingerprint changes nothing.
    for (const wrong of [{ host: 'b.example', port: 1, fingerprint: FP }, { host: 'a.example', port: 2, fingerprint: FP }, { host: 'a.example', port: 1, fingerprint: changed.pinned! }]) {
      const t = transition(asked.state, { type: 'user-trust', ...wrong });
      assert.equal(t.state, asked.state);
      assert.deepEqual(t.effects, []);
    }
    const trusted = transition(asked.state, { type: 'user-trust', host: 'a.example', port: 1, fingerprint: FP });
    assert.equal(trusted.state.name, 'connecting');
    assert.deepEqual(trusted.effects, [
      { type: 'pin', host: 'a.example', port: 1, fingerprint: FP },
      { type: 'log-in', token: trusted.state.token, target: A, reconnect: false },
    ]);
  });

  it('Cancel (disconnect) leaves it disconnected without a warning; a late login result of the question is ignored', () => {
    const c = connecting();
    const asked = transition(c, { type: 'login-untrusted', token: c.token, server: unknown }).state;
    const cancelled = transition(asked, { type: 'user-disconnect' });
    assert.deepEqual(connectionStateOf(cancelled.state), { status: 'disconnected' });
    assert.deepEqual(transition(cancelled.state, { type: 'user-trust', host: 'a.example', port: 1, fingerprint: FP }).effects, []);
    assert.deepEqual(transition(asked, { type: 'login-failed', token: c.token, error: { code: 'x', message: 'x' } }).state, asked);
  });

  it('a changed certificate stops a connect, and a reconnect, in disconnected with the warning; nothing retries', () => {
    const c = connecting();
    const warned = transition(c, { type: 'login-identity-changed', token: c.token, server: changed });
    assert.deepEqual(connectionStateOf(warned.state), { status: 'disconnected', identityChanged: changed });
    assert.deepEqual(warned.effects, []);

    const r = reconnectLoggingIn();
    const stopped = transition(r, { type: 'login-identity-changed', token: r.token, server: changed });
    assert.deepEqual(connectionStateOf(stopped.state), { status: 'disconnected', identityChanged: changed });
    assert.deepEqual(stopped.effects, [{ type: 'forget-held-stream' }]);
    // The timer of an earlier wait, if it fired now, would find nothing to retry.
    assert.deepEqual(transition(stopped.state, { type: 'retry-timer-fired', token: r.token }).effects, []);
    // The warning offers no Trust: user-trust does nothing from here.
    assert.deepEqual(transition(stopped.state, { type: 'user-trust', host: 'a.example', port: 1, fingerprint: FP }).effects, []);
    // Dismissing it (a disconnect) clears it.
    assert.deepEqual(connectionStateOf(transition(stopped.state, { type: 'user-disconnect' }).state), { status: 'disconnected' });
  });

  it('a reconnect meeting an unknown certificate asks the user and never pins by itself', () => {
    const r = reconnectLoggingIn();
    const asked = transition(r, { type: 'login-untrusted', token: r.token, server: unknown });
    assert.equal(asked.state.name, 'awaiting-trust');
    assert.deepEqual(asked.effects, [{ type: 'forget-held-stream' }]);
    assert.ok(!asked.effects.some((e) => e.type === 'pin' || e.type === 'log-in' || e.type === 'start-retry-timer'));
  });
});
