/**
 * The connection's lifecycle as one pure function: (state, event) → { state, effects }. The controller runs the
 * effects and feeds back what they produce as events.
 *
 * A user's action (connect, disconnect, stop the local server) always wins over background work: it moves to a
 * new state with a new token, and every result of work started under an older token (a login still in flight, a
 * retry timer, a dropped connection that was already abandoned) names that old token and is ignored, or, for a
 * login that succeeded too late, its client is discarded.
 *
 * Trust is decided between ENCRYPT and LOGIN. A server whose certificate is unknown moves to `awaiting-trust`,
 * which only the user leaves: `user-trust` pins the fingerprint and logs in, a disconnect or another connect
 * leaves it. A certificate that is not the pinned one stops everything (a reconnect included) in `disconnected`,
 * with the warning; no event pins but `user-trust`, so background work never trusts anything by itself.
 */
import type { ConnectionState, DesktopErrorInfo, ServerIdentityInfo, SessionInfo } from '../../src-shared/ipc/contract.js';
import type { LoginRequest } from '../../src-shared/protocol/messages.js';
import { reconnectDelay } from './reconnect-schedule.js';

/** Where to connect: a server the user named, or the bundled server (its port and token known once started). */
export type Target = { local: false; host: string; port: number; login: LoginRequest } | { local: true };

export type MachineState =
  /** `identityChanged`: stopped because the server's certificate is not the pinned one. */
  | { name: 'disconnected'; token: number; identityChanged?: ServerIdentityInfo }
  /** A connection the user asked for is being opened. */
  | { name: 'connecting'; token: number; target: Target; address: string }
  | { name: 'connected'; token: number; target: Target; session: SessionInfo }
  /** Encrypted, the certificate unknown; no password sent. The user's answer decides. */
  | { name: 'awaiting-trust'; token: number; target: Target; address: string; server: ServerIdentityInfo }
  /** The connection dropped; a retry timer runs. `retry` counts failed attempts so far (0 on the first wait). */
  | { name: 'reconnect-waiting'; token: number; target: Target; address: string; retry: number; retryInMs: number; cause: DesktopErrorInfo }
  | { name: 'reconnect-logging-in'; token: number; target: Target; address: string; retry: number; cause: DesktopErrorInfo };

export type MachineEvent =
  | { type: 'user-connect'; target: Target; address: string }
  | { type: 'user-disconnect' }
  /** The user's "Retry now" while a reconnect waits: log in at once; the waiting timer is cancelled. */
  | { type: 'user-retry' }
  /** The user stopped the bundled server: a connection to it ends and is not retried. */
  | { type: 'local-server-stopped-by-user' }
  | { type: 'login-succeeded'; token: number; session: SessionInfo }
  | { type: 'login-failed'; token: number; error: DesktopErrorInfo }
  /** The login stopped before LOGIN: the certificate is neither from a CA for the host nor pinned. */
  | { type: 'login-untrusted'; token: number; server: ServerIdentityInfo }
  /** The login stopped before LOGIN: the certificate is not the one pinned for this host:port. */
  | { type: 'login-identity-changed'; token: number; server: ServerIdentityInfo }
  /** The user's "Trust" for the server the connection waits on. */
  | { type: 'user-trust'; host: string; port: number; fingerprint: string }
  | { type: 'connection-lost'; token: number; error: DesktopErrorInfo }
  | { type: 'retry-timer-fired'; token: number };

export type Effect =
  /** Close the connection there is (log out, tear down its streams). */
  | { type: 'drop-connection' }
  /** The connection is gone already: forget its client; its streams died with it. */
  | { type: 'forget-connection' }
  | { type: 'cancel-retry-timer' }
  | { type: 'start-retry-timer'; token: number; delayMs: number }
  /** Connect and log in; report `login-succeeded` or `login-failed` with this token. */
  | { type: 'log-in'; token: number; target: Target; reconnect: boolean }
  /** The client of the login with this token becomes the connection. */
  | { type: 'adopt-client'; token: number }
  /** The login with this token finished after it stopped mattering: close its client. */
  | { type: 'discard-client'; token: number }
  /** Trust this certificate for host:port from now on (only ever the effect of `user-trust`). */
  | { type: 'pin'; host: string; port: number; fingerprint: string }
  /** Keep the stream that was playing, to reopen it where the renderer got to once reconnected. */
  | { type: 'hold-stream-for-resume' }
  | { type: 'reopen-held-stream' }
  | { type: 'forget-held-stream' };

export interface Transition {
  state: MachineState;
  effects: Effect[];
}

export const INITIAL_STATE: MachineState = { name: 'disconnected', token: 0 };

/** Leaves whatever the state was doing, for a user's action. */
const abandon: Effect[] = [{ type: 'cancel-retry-timer' }, { type: 'forget-held-stream' }, { type: 'drop-connection' }];

export function transition(state: MachineState, event: MachineEvent, delay: (retry: number) => number = reconnectDelay): Transition {
  const token = state.token + 1;
  const unchanged: Transition = { state, effects: [] };
  switch (event.type) {
    case 'user-connect':
      return {
        state: { name: 'connecting', token, target: event.target, address: event.address },
        effects: [...abandon, { type: 'log-in', token, target: event.target, reconnect: false }],
      };
    case 'user-disconnect':
      if (state.name === 'disconnected' && !state.identityChanged) return unchanged;
      return { state: { name: 'disconnected', token }, effects: abandon };
    case 'user-retry':
      if (state.name !== 'reconnect-waiting') return unchanged;
      return {
        state: { name: 'reconnect-logging-in', token, target: state.target, address: state.address, retry: state.retry, cause: state.cause },
        effects: [{ type: 'cancel-retry-timer' }, { type: 'log-in', token, target: state.target, reconnect: true }],
      };
    case 'local-server-stopped-by-user':
      if (state.name === 'disconnected' || !state.target.local) return unchanged;
      return { state: { name: 'disconnected', token }, effects: abandon };
    case 'login-succeeded':
      if (event.token !== state.token) return { state, effects: [{ type: 'discard-client', token: event.token }] };
      if (state.name === 'connecting') {
        return { state: { name: 'connected', token: state.token, target: state.target, session: event.session }, effects: [{ type: 'adopt-client', token: event.token }] };
      }
      if (state.name === 'reconnect-logging-in') {
        return {
          state: { name: 'connected', token: state.token, target: state.target, session: event.session },
          effects: [{ type: 'adopt-client', token: event.token }, { type: 'reopen-held-stream' }],
        };
      }
      return { state, effects: [{ type: 'discard-client', token: event.token }] };
    case 'login-failed':
      if (event.token !== state.token) return unchanged;
      if (state.name === 'connecting') return { state: { name: 'disconnected', token }, effects: [] };
      if (state.name === 'reconnect-logging-in') {
        const retryInMs = delay(state.retry + 1);
        return {
          state: { ...state, name: 'reconnect-waiting', token, retry: state.retry + 1, retryInMs, cause: event.error },
          effects: [{ type: 'start-retry-timer', token, delayMs: retryInMs }],
        };
      }
      return unchanged;
    case 'connection-lost': {
      if (event.token !== state.token || state.name !== 'connected') return unchanged;
      const retryInMs = delay(0);
      return {
        state: { name: 'reconnect-waiting', token, target: state.target, address: state.session.address, retry: 0, retryInMs, cause: event.error },
        effects: [{ type: 'forget-connection' }, { type: 'hold-stream-for-resume' }, { type: 'start-retry-timer', token, delayMs: retryInMs }],
      };
    }
    case 'login-untrusted':
      if (event.token !== state.token || (state.name !== 'connecting' && state.name !== 'reconnect-logging-in')) return unchanged;
      return {
        state: { name: 'awaiting-trust', token, target: state.target, address: state.address, server: event.server },
        // A reconnect that meets an unknown certificate asks too; what played before is not resumed by a later "Trust".
        effects: state.name === 'reconnect-logging-in' ? [{ type: 'forget-held-stream' }] : [],
      };
    case 'login-identity-changed':
      if (event.token !== state.token || (state.name !== 'connecting' && state.name !== 'reconnect-logging-in')) return unchanged;
      return {
        state: { name: 'disconnected', token, identityChanged: event.server },
        effects: state.name === 'reconnect-logging-in' ? [{ type: 'forget-held-stream' }] : [],
      };
    case 'user-trust': {
      if (state.name !== 'awaiting-trust') return unchanged;
      const { server } = state;
      if (server.host !== event.host || server.port !== event.port || server.fingerprint !== event.fingerprint) return unchanged;
      return {
        state: { name: 'connecting', token, target: state.target, address: state.address },
        effects: [{ type: 'pin', host: server.host, port: server.port, fingerprint: server.fingerprint }, { type: 'log-in', token, target: state.target, reconnect: false }],
      };
    }
    case 'retry-timer-fired':
      if (event.token !== state.token || state.name !== 'reconnect-waiting') return unchanged;
      return {
        state: { name: 'reconnect-logging-in', token, target: state.target, address: state.address, retry: state.retry, cause: state.cause },
        effects: [{ type: 'log-in', token, target: state.target, reconnect: true }],
      };
  }
}

/** What the renderer is told. */
export function connectionStateOf(state: MachineState): ConnectionState {
  switch (state.name) {
    case 'disconnected':
      return state.identityChanged ? { status: 'disconnected', identityChanged: state.identityChanged } : { status: 'disconnected' };
    case 'awaiting-trust':
      return { status: 'untrusted', address: state.address, server: state.server };
    case 'connecting':
      return { status: 'connecting', address: state.address };
    case 'connected':
      return { status: 'connected', session: state.session };
    case 'reconnect-waiting':
    case 'reconnect-logging-in':
      return {
        status: 'reconnecting',
        address: state.address,
        attempt: state.retry + 1,
        retryInMs: state.name === 'reconnect-waiting' ? state.retryInMs : 0,
        error: { ...state.cause, code: 'disconnected' },
      };
  }
}
