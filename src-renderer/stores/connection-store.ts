/**
 * The connection as the renderer knows it: state pushed by the controller, recent servers, the local server, and
 * the last error in a form the connect screen can word.
 */
import { createStore } from 'zustand/vanilla';
import type {
  ConnectRequest, ConnectionState, DesktopErrorInfo, DesktopEvent, KeychainStatus, LocalServerState, PinnedServer, RecentServer,
  ServerIdentityInfo,
} from '../../src-shared/ipc/contract.js';
import { DesktopCallError, type DesktopClient } from '../desktop-client.js';

export interface ConnectionStore {
  connection: ConnectionState;
  /** While a reconnect waits: when (Date.now() clock) the next attempt starts, for the countdown. */
  retryAt: number | null;
  recent: RecentServer[];
  localServer: LocalServerState;
  /** Whether "remember" can keep the password too. */
  keychain: KeychainStatus;
  error: (DesktopErrorInfo & { address?: string; host?: string }) | null;
  busy: boolean;
  /** The connect screen is open over the library (the menu's "Connect to server…"). */
  connectOpen: boolean;
  /** Servers whose certificate the user trusted by fingerprint (the settings' list, to forget one). */
  pinned: PinnedServer[];
  /** A connection stopped because a server's certificate changed: the warning shown until closed. */
  identityWarning: ServerIdentityInfo | null;
  /** Loads the state; on a first start (no recent server) starts the local server and logs in to it. */
  init(): Promise<void>;
  connect(req: ConnectRequest): Promise<boolean>;
  connectRecent(server: RecentServer): Promise<boolean>;
  connectLocal(): Promise<boolean>;
  disconnect(): Promise<void>;
  /** Cuts a reconnect's wait short. */
  retryNow(): Promise<void>;
  setConnectOpen(open: boolean): void;
  /** The answer "Trust" to the question the connection waits on (status `untrusted`): pins and logs in. */
  trust(): Promise<boolean>;
  /** The answer "Cancel": disconnected, and no error to show. */
  cancelTrust(): Promise<void>;
  /** The settings' deliberate step: the next connection to host:port asks again. */
  forgetIdentity(server: PinnedServer): Promise<void>;
  closeIdentityWarning(): void;
  handleEvent(event: DesktopEvent): void;
}

function asErrorInfo(err: unknown): DesktopErrorInfo {
  if (err instanceof DesktopCallError) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

function warningOf(c: ConnectionState): ServerIdentityInfo | undefined {
  return c.status === 'disconnected' ? c.identityChanged : undefined;
}

export function createConnectionStore(api: DesktopClient, now: () => number = Date.now) {
  const retryAtOf = (c: ConnectionState) => (c.status === 'reconnecting' && c.retryInMs > 0 ? now() + c.retryInMs : null);
  return createStore<ConnectionStore>()((set, get) => {
    async function attempt(run: () => Promise<unknown>, context: { address?: string; host?: string }): Promise<boolean> {
      set({ busy: true, error: null });
      try {
        await run();
        set({ busy: false, connectOpen: false });
        return true;
      } catch (err) {
        const info = asErrorInfo(err);
        // Replaced by a newer action of the user's (a menu's connect, say): not a failure to show. An unknown or
        // changed certificate is not one either: the question or the warning shows instead (from the state).
        const quiet = info.code === 'cancelled' || info.code === 'untrusted-server' || info.code === 'server-identity-changed';
        set({ busy: false, error: quiet ? get().error : { ...info, ...context } });
        return false;
      }
    }
    return {
      connection: { status: 'disconnected' },
      retryAt: null,
      recent: [],
      localServer: { available: false, phase: 'idle', running: false, stoppedByUser: false, library: null, address: null },
      keychain: { available: false, reason: 'no-keychain' },
      error: null,
      busy: false,
      connectOpen: false,
      pinned: [],
      identityWarning: null,
      async init() {
        const snap = await api.snapshot(null);
        set({
          connection: snap.connection, retryAt: retryAtOf(snap.connection), recent: snap.recent, localServer: snap.localServer, keychain: snap.keychain,
          pinned: snap.pinned, identityWarning: warningOf(snap.connection) ?? null,
        });
        if (snap.connection.status === 'disconnected' && snap.recent.length === 0 && snap.localServer.available) {
          await get().connectLocal();
        }
      },
      async connect(req) {
        const address = `${req.host}:${req.port}`;
        const ok = await attempt(() => api.connect(req), { address, host: req.host });
        if (ok) set({ recent: (await api.snapshot(null)).recent });
        return ok;
      },
      connectRecent(server) {
        return attempt(() => api.connectRecent(server), { address: `${server.host}:${server.port}`, host: server.host });
      },
      connectLocal() {
        return attempt(() => api.connectLocal(null), {});
      },
      async disconnect() {
        await api.disconnect(null);
      },
      async retryNow() {
        set({ retryAt: null });
        await api.retryNow(null).catch(() => {});
      },
      setConnectOpen(open) {
        set({ connectOpen: open, error: null });
      },
      async trust() {
        const c = get().connection;
        if (c.status !== 'untrusted') return false;
        const { host, port, fingerprint } = c.server;
        const ok = await attempt(() => api.trustServer({ host, port, fingerprint }), { address: c.server.address, host });
        if (ok) set({ recent: (await api.snapshot(null)).recent });
        return ok;
      },
      async cancelTrust() {
        await api.disconnect(null);
      },
      async forgetIdentity(server) {
        await api.forgetServerIdentity({ host: server.host, port: server.port });
        set({ pinned: get().pinned.filter((p) => p.address !== server.address) });
      },
      closeIdentityWarning() {
        set({ identityWarning: null });
      },
      handleEvent(event) {
        if (event.type === 'connection') {
          set({ connection: event.state, retryAt: retryAtOf(event.state) });
          const warning = warningOf(event.state);
          if (warning) set({ identityWarning: warning });
        } else if (event.type === 'pinned') set({ pinned: event.pinned });
        else if (event.type === 'local-server') set({ localServer: event.state });
        else if (event.type === 'menu' && event.command === 'show-connect') set({ connectOpen: true, error: null });
      },
    };
  });
}
