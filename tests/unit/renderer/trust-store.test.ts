/** The renderer's side of trust: the question, the warning, and forgetting a pinned server, in both languages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ConnectionState, DesktopEvent, DesktopSnapshot, ServerIdentityInfo } from '../../../src-shared/ipc/contract.js';
import { AppContext, type AppServices } from '../../../src-renderer/components/app-context.js';
import { ConnectScreen } from '../../../src-renderer/components/ConnectScreen.js';
import { TrustDialogs } from '../../../src-renderer/components/TrustDialogs.js';
import { DesktopCallError, type DesktopClient } from '../../../src-renderer/desktop-client.js';
import { setLanguage } from '../../../src-renderer/i18n.js';
import { createConnectionStore } from '../../../src-renderer/stores/connection-store.js';

const FP = 'SHA256:' + 'q'.repeat(43);
const OLD = 'SHA256:' + 'Z'.repeat(43);
const asked: ServerIdentityInfo = { host: 'nas.home', port: 2333, address: 'nas.home:2333', fingerprint: FP };
const changed: ServerIdentityInfo = { ...asked, pinned: OLD };
const pinned = [{ host: 'nas.home', port: 2333, address: 'nas.home:2333', fingerprint: OLD }];

function fixture(connection: ConnectionState = { status: 'disconnected' }) {
  const calls: [string, unknown][] = [];
  const listeners: ((e: DesktopEvent) => void)[] = [];
  const snapshot: DesktopSnapshot = {
    connection, recent: [], pinned,
    localServer: { available: false, phase: 'idle', running: false, stoppedByUser: false, library: null, address: null }, keychain: { available: true },
  };
  const api = {
    snapshot: async () => snapshot,
    onEvent: (l: (e: DesktopEvent) => void) => (listeners.push(l), () => {}),
    connect: async (arg: unknown) => {
      calls.push(['connect', arg]);
      throw new DesktopCallError({ code: 'untrusted-server', message: 'not known', server: asked });
    },
    trustServer: async (arg: unknown) => (calls.push(['trustServer', arg]), { address: 'nas.home:2333', user: 'u', server: { name: 's', version: '1', protocol: 1 }, local: false }),
    disconnect: async () => (calls.push(['disconnect', null]), null),
    forgetServerIdentity: async (arg: unknown) => (calls.push(['forgetServerIdentity', arg]), null),
  } as unknown as DesktopClient;
  const store = createConnectionStore(api);
  const render = (component: typeof TrustDialogs | typeof ConnectScreen) => {
    const services = { api, connection: { ...store, getInitialState: store.getState } } as unknown as AppServices;
    return renderToStaticMarkup(createElement(AppContext.Provider, { value: services }, createElement(component)));
  };
  return { store, calls, render };
}

describe('trust in the renderer', () => {
  it('an unknown server is a question, not a failure: Trust answers it with the fingerprint asked about', async () => {
    const { store, calls, render } = fixture();
    await store.getState().init();
    assert.equal(await store.getState().connect({ host: 'nas.home', port: 2333, user: 'u', password: 'p', remember: true }), false);
    assert.equal(store.getState().error, null, 'no error shown as a failure');
    store.getState().handleEvent({ type: 'connection', state: { status: 'untrusted', address: 'nas.home:2333', server: asked } });
    setLanguage('en');
    const html = render(TrustDialogs);
    assert.match(html, /Trust this server\?/);
    assert.ok(html.includes(FP) && html.includes('nas.home:2333'));
    assert.match(html, />Trust<.*>Cancel</s);
    setLanguage('zh-CN');
    assert.match(render(TrustDialogs), /信任此服务器吗？/);
    setLanguage('en');
    assert.equal(await store.getState().trust(), true);
    assert.deepEqual(calls.at(-1), ['trustServer', { host: 'nas.home', port: 2333, fingerprint: FP }]);
    await store.getState().cancelTrust();
    assert.deepEqual(calls.at(-1), ['disconnect', null]);
  });

  it('a changed certificate shows the warning of interception with both fingerprints and no way to trust', async () => {
    const { store, render } = fixture({ status: 'disconnected', identityChanged: changed });
    await store.getState().init();
    assert.deepEqual(store.getState().identityWarning, changed);
    setLanguage('en');
    const html = render(TrustDialogs);
    assert.match(html, /role="alertdialog"/);
    assert.match(html, /Someone may be intercepting this connection/);
    assert.ok(html.includes(FP) && html.includes(OLD));
    assert.doesNotMatch(html, />Trust</);
    assert.match(html, />Close</);
    setLanguage('zh-CN');
    assert.match(render(TrustDialogs), /可能有人正在截获此连接/);
    setLanguage('en');
    store.getState().closeIdentityWarning();
    assert.equal(render(TrustDialogs), '');
    // A reconnect that meets it later shows it again, from the connection event.
    store.getState().handleEvent({ type: 'connection', state: { status: 'disconnected', identityChanged: changed } });
    assert.notEqual(render(TrustDialogs), '');
  });

  it('the connect screen lists the trusted servers, each to be forgotten by a deliberate click', async () => {
    const { store, calls, render } = fixture();
    await store.getState().init();
    setLanguage('en');
    const html = render(ConnectScreen);
    assert.match(html, /Trusted servers/);
    assert.match(html, /aria-label="Forget the identity of nas.home:2333"/);
    await store.getState().forgetIdentity(pinned[0]!);
    assert.deepEqual(calls.at(-1), ['forgetServerIdentity', { host: 'nas.home', port: 2333 }]);
    assert.deepEqual(store.getState().pinned, []);
    store.getState().handleEvent({ type: 'pinned', pinned });
    assert.deepEqual(store.getState().pinned, pinned);
  });
});
