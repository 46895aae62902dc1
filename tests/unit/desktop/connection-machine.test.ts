/** The connection's lifecycle as a pure function, driven through event sequences, the racy ones included. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  INITIAL_STATE, connectionStateOf, transition, type Effect, type MachineEvent, type MachineState, type Target,
} from '../../../src-main/desktop/connection-machine.js';
import type { SessionInfo } from '../../../src-shared/ipc/contract.js';

const A: Target = { local: false, host: 'a.example', port: 1, login: { user: 'u', password: 'p' } };
const B: Target = { local: false, host: 'b.example', port: 2, login: { user: 'u', password: 'p' } };
const LOCAL: Target = { local: true };
const session = (address: string, local = false): SessionInfo => ({ address, user: 'u', server: { name: 'atp-server', version: '1', protocol: 1 }, local });
const lost = { code: 'disconnected', message: 'gone' };
const delay = (retry: number) => 100 * (retry + 1);

/** Runs events in order; each may be a function of the state so far (to name the current token). */
function run(events: (MachineEvent | ((s: MachineState) => MachineEvent))[], from: MachineState = INITIAL_STATE) {
  let state = from;
  const effects: Effect[][] = [];
  for (const e of events) {
    const t = transition(state, typeof e === 'function' ? e(state) : e, delay);
    state = t.state;
    effects.push(t.effects);
  }
  return { state, effects, last: effects.at(-1) ?? [] };
}

const types = (effects: Effect[]) => effects.map((e) => e.type);
const loginToken = (effects: Effect[]) => {
  const e = effects.find((x) => x.type === 'log-in');
  assert.ok(e?.type === 'log-in', 'a login was started');
  return e.token;
};

/** Connected to A, then the connection dropped: waiting for the first retry. */
function droppedFromA() {
  const connect = transition(INITIAL_STATE, { type: 'user-connect', target: A, address: 'a.example:1' }, delay);
  const t = loginToken(connect.effects);
  return run([{ type: 'login-succeeded', token: t, session: session('a.example:1') }, { type: 'connection-lost', token: t, error: lost }], connect.state);
}

describe('connection state machine', () => {
  it('connects, loses the connection, waits, logs in again and reopens the stream', () => {
    const { state, effects } = droppedFromA();
    assert.equal(state.name, 'reconnect-waiting');
    assert.deepEqual(types(effects[1]!), ['forget-connection', 'hold-stream-for-resume', 'start-retry-timer']);
    assert.deepEqual(connectionStateOf(state), {
      status: 'reconnecting', address: 'a.example:1', attempt: 1, retryInMs: 100, error: { code: 'disconnected', message: 'gone' },
    });
    const fired = transition(state, { type: 'retry-timer-fired', token: state.token }, delay);
    assert.equal(fired.state.name, 'reconnect-logging-in');
    const t = loginToken(fired.effects);
    const failed = transition(fired.state, { type: 'login-failed', token: t, error: { code: 'refused', message: 'no' } }, delay);
    assert.equal(failed.state.name, 'reconnect-waiting');
    assert.deepEqual(connectionStateOf(failed.state), {
      status: 'reconnecting', address: 'a.example:1', attempt: 2, retryInMs: 200, error: { code: 'disconnected', message: 'no' },
    });
    assert.deepEqual(failed.effects, [{ type: 'start-retry-timer', token: failed.state.token, delayMs: 200 }]);
    const again = transition(failed.state, { type: 'retry-timer-fired', token: failed.state.token }, delay);
    const t2 = loginToken(again.effects);
    const ok = transition(again.state, { type: 'login-succeeded', token: t2, session: session('a.example:1') }, delay);
    assert.equal(ok.state.name, 'connected');
    assert.deepEqual(types(ok.effects), ['adopt-client', 'reopen-held-stream']);
  });

  it('a user connect during a reconnect login wins: the late reconnect login is discarded', () => {
    const { state } = droppedFromA();
    const fired = transition(state, { type: 'retry-timer-fired', token: state.token }, delay);
    const reconnectToken = loginToken(fired.effects);
    const user = transition(fired.state, { type: 'user-connect', target: B, address: 'b.example:2' }, delay);
    assert.equal(user.state.name, 'connecting');
    assert.deepEqual(types(user.effects), ['cancel-retry-timer', 'forget-held-stream', 'drop-connection', 'log-in']);
    const userToken = loginToken(user.effects);
    const onB = transition(user.state, { type: 'login-succeeded', token: userToken, session: session('b.example:2') }, delay);
    assert.equal(onB.state.name, 'connected');
    const late = transition(onB.state, { type: 'login-succeeded', token: reconnectToken, session: session('a.example:1') }, delay);
    assert.equal(late.state, onB.state, 'still connected to B');
    assert.deepEqual(late.effects, [{ type: 'discard-client', token: reconnectToken }]);
    // The same login arriving before the user's own: discarded too, and the user's still lands.
    const early = transition(user.state, { type: 'login-succeeded', token: reconnectToken, session: session('a.example:1') }, delay);
    assert.equal(early.state, user.state);
    assert.deepEqual(early.effects, [{ type: 'discard-client', token: reconnectToken }]);
  });

  it('a disconnect during the retry wait stops reconnecting: the timer is cancelled and a late firing is ignored', () => {
    const { state } = droppedFromA();
    const off = transition(state, { type: 'user-disconnect' }, delay);
    assert.equal(off.state.name, 'disconnected');
    assert.ok(types(off.effects).includes('cancel-retry-timer'));
    const late = transition(off.state, { type: 'retry-timer-fired', token: state.token }, delay);
    assert.equal(late.state, off.state);
    assert.deepEqual(late.effects, []);
  });

  it('results of work started before a user disconnect are ignored: a retry, a failed login, a lost connection', () => {
    const { state } = droppedFromA();
    const fired = transition(state, { type: 'retry-timer-fired', token: state.token }, delay);
    const t = loginToken(fired.effects);
    const off = transition(fired.state, { type: 'user-disconnect' }, delay);
    for (const e of [
      { type: 'login-failed', token: t, error: lost },
      { type: 'connection-lost', token: t, error: lost },
      { type: 'retry-timer-fired', token: t },
      { type: 'retry-timer-fired', token: off.state.token },
    ] as MachineEvent[]) {
      const r = transition(off.state, e, delay);
      assert.equal(r.state, off.state, `${e.type} leaves it disconnected`);
      assert.deepEqual(r.effects, []);
    }
    assert.deepEqual(transition(off.state, { type: 'login-succeeded', token: t, session: session('a') }, delay).effects, [{ type: 'discard-client', token: t }]);
  });

  it('the user stopping the local server ends a connection to it for good, in every state, and leaves others alone', () => {
    const connect = transition(INITIAL_STATE, { type: 'user-connect', target: LOCAL, address: '127.0.0.1' }, delay);
    const t = loginToken(connect.effects);
    // Stop during the start (still connecting):
    const stopStarting = transition(connect.state, { type: 'local-server-stopped-by-user' }, delay);
    assert.equal(stopStarting.state.name, 'disconnected');
    assert.deepEqual(transition(stopStarting.state, { type: 'login-failed', token: t, error: lost }, delay).effects, []);
    // Connected, then stopped: the drop that follows is not a reason to reconnect.
    const on = transition(connect.state, { type: 'login-succeeded', token: t, session: session('127.0.0.1:5', true) }, delay);
    const stopped = transition(on.state, { type: 'local-server-stopped-by-user' }, delay);
    assert.equal(stopped.state.name, 'disconnected');
    assert.deepEqual(types(stopped.effects), ['cancel-retry-timer', 'forget-held-stream', 'drop-connection']);
    const drop = transition(stopped.state, { type: 'connection-lost', token: t, error: lost }, delay);
    assert.equal(drop.state.name, 'disconnected');
    assert.deepEqual(drop.effects, []);
    // Stopped while waiting to reconnect to it:
    const waiting = transition(on.state, { type: 'connection-lost', token: t, error: lost }, delay);
    assert.equal(transition(waiting.state, { type: 'local-server-stopped-by-user' }, delay).state.name, 'disconnected');
    // A remote connection is not the local server's:
    const remote = run([{ type: 'user-connect', target: A, address: 'a' }, (s) => ({ type: 'login-succeeded', token: s.token, session: session('a') })]);
    const r = transition(remote.state, { type: 'local-server-stopped-by-user' }, delay);
    assert.equal(r.state, remote.state);
    assert.deepEqual(r.effects, []);
  });

  it('a user connect while connecting replaces the first attempt, whose result is then ignored', () => {
    const first = transition(INITIAL_STATE, { type: 'user-connect', target: A, address: 'a' }, delay);
    const second = transition(first.state, { type: 'user-connect', target: B, address: 'b' }, delay);
    assert.notEqual(loginToken(first.effects), loginToken(second.effects));
    const failed = transition(second.state, { type: 'login-failed', token: loginToken(first.effects), error: lost }, delay);
    assert.equal(failed.state, second.state, 'still connecting to B');
    assert.deepEqual(connectionStateOf(second.state), { status: 'connecting', address: 'b' });
  });
});
