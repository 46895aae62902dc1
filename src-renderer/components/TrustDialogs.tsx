import { useEffect } from 'react';
import { useStore } from 'zustand';
import { t } from '../i18n.js';
import { useApp } from './app-context.js';

/**
 * What the connection's trust asks of the user, over whatever view is shown: the question "Trust this server?"
 * while the connection waits on an unknown certificate (Trust pins it and logs in; Cancel leaves it disconnected),
 * and the warning after a certificate changed. The warning offers no way to trust: that is a deliberate step in
 * the trusted servers' list (TrustedServers), never one click here.
 */
export function TrustDialogs() {
  const { connection } = useApp();
  const state = useStore(connection, (s) => s.connection);
  const warning = useStore(connection, (s) => s.identityWarning);
  if (state.status === 'untrusted') return <TrustQuestion address={state.server.address} fingerprint={state.server.fingerprint} />;
  if (warning) return <IdentityWarning address={warning.address} pinned={warning.pinned ?? ''} fingerprint={warning.fingerprint} />;
  return null;
}

/** Escape answers a dialog as its Cancel or Close does, before the views under it see the key. */
function useEscape(action: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      action();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [action]);
}

function TrustQuestion({ address, fingerprint }: { address: string; fingerprint: string }) {
  const { connection } = useApp();
  const busy = useStore(connection, (s) => s.busy);
  const cancel = connection.getState().cancelTrust;
  useEscape(cancel);
  return (
    <div className="modal-backdrop">
      <section className="modal trust-dialog" role="dialog" aria-modal="true" aria-labelledby="trust-title" aria-describedby="trust-body" data-testid="trust-dialog">
        <h2 id="trust-title">{t('trustTitle')}</h2>
        <p id="trust-body">{t('trustBody', { address })}</p>
        <code className="fingerprint" data-testid="trust-fingerprint">{fingerprint}</code>
        <p className="notice">{t('trustCompare')}</p>
        <div className="actions">
          <button type="button" data-testid="trust-accept" disabled={busy} onClick={() => void connection.getState().trust()}>{t('trust')}</button>
          <button type="button" className="secondary" data-testid="trust-cancel" autoFocus onClick={() => void cancel()}>{t('cancel')}</button>
        </div>
      </section>
    </div>
  );
}

function IdentityWarning({ address, pinned, fingerprint }: { address: string; pinned: string; fingerprint: string }) {
  const { connection } = useApp();
  const close = connection.getState().closeIdentityWarning;
  useEscape(close);
  return (
    <div className="modal-backdrop">
      <section className="modal identity-warning" role="alertdialog" aria-modal="true" aria-labelledby="identity-title" aria-describedby="identity-body" data-testid="identity-warning">
        <h2 id="identity-title" className="error">{t('identityChangedTitle')}</h2>
        <p id="identity-body">{t('identityChangedBody', { address })}</p>
        <dl>
          <dt>{t('identityPinned')}</dt>
          <dd><code className="fingerprint" data-testid="identity-pinned">{pinned}</code></dd>
          <dt>{t('identityNow')}</dt>
          <dd><code className="fingerprint" data-testid="identity-now">{fingerprint}</code></dd>
        </dl>
        <p className="notice">{t('identityChangedHelp')}</p>
        <div className="actions">
          <button type="button" data-testid="identity-close" autoFocus onClick={close}>{t('close')}</button>
        </div>
      </section>
    </div>
  );
}
